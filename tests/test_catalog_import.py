"""Importing real price data into catalogs, and updating a catalog in place.

The source files are excerpts of real published files, whole entries unchanged (see
tests/data/SOURCES.md). Expected prices
are worked out by hand from the raw per-token value read in the file.
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from procurelint.policy.merged_catalog import CatalogIndex, CatalogSource, builtin_catalog_path, load_catalog_file
from procurelint.catalog_import import SOURCES, reader
from procurelint.catalog_import.entries import Imported, per_million
from procurelint.catalog_import.update import Changes, base_catalog, write_import
from procurelint.errors import ConfigError
from procurelint.documents.loading import load_one
from procurelint.documents.models.catalog_model import Catalog
from procurelint.documents.yamlio import load_file
from tests.conftest import DATA, REPO


LITELLM = DATA / "litellm" / "model_prices_and_context_window.json"
OR_MODELS = DATA / "openrouter" / "api-v1-models.json"
OR_ALL = DATA / "openrouter" / "api-v1-models-output_modalities-all.json"
OR_PROVIDERS = DATA / "openrouter" / "api-v1-providers.json"
SOURCE_FILES = [("litellm", LITELLM), ("openrouter", OR_MODELS), ("openrouter", OR_ALL),
                ("openrouter-providers", OR_PROVIDERS)]
DAY = dt.date(2026, 11, 28)


def run_import(source: str, file: Path, output: Path, **kw: Any) -> tuple[Imported, Changes]:
    """An import on DAY of data taken that day (`--as-of DAY`), unless `as_of` says otherwise."""
    imported = reader(source)(file, str(file))
    kw.setdefault("as_of", DAY)
    return imported, write_import(imported, output, base_catalog([], output), DAY, None, **kw)


def raw(file: Path) -> Any:
    return json.loads(file.read_text(encoding="utf-8"))


def offers_of(catalog: Catalog, endpoint: str) -> dict[str, Any]:
    found = next(e for e in catalog.spec.endpoints if e.id == endpoint)
    return {o.model: o.price_per_million for o in found.offers}


@pytest.fixture(scope="module")
def litellm(tmp_path_factory: pytest.TempPathFactory) -> tuple[Imported, Catalog, Path]:
    out = tmp_path_factory.mktemp("litellm") / "prices.yaml"
    imported, _ = run_import("litellm", LITELLM, out)
    return imported, load_one(out, "Catalog")[0], out


@pytest.fixture(scope="module")
def openrouter(tmp_path_factory: pytest.TempPathFactory) -> tuple[Imported, Catalog, Path]:
    out = tmp_path_factory.mktemp("openrouter") / "openrouter.yaml"
    imported, _ = run_import("openrouter", OR_MODELS, out)
    return imported, load_one(out, "Catalog")[0], out


# -- every file imports, and the result is a valid catalog -----------------------------------

def test_imported_prices_are_short_decimals(litellm: tuple[Imported, Catalog, Path]) -> None:
    _, catalog, out = litellm
    assert raw(LITELLM)["databricks/databricks-claude-sonnet-4-1"]["output_cost_per_token"] == 1.5000020000000002e-05
    price = offers_of(catalog, "litellm/databricks")["databricks/databricks-claude-sonnet-4-1"]
    assert price.output == 15.00002
    text = out.read_text(encoding="utf-8")
    assert not re.search(r"\d\.\d{13,}", text), re.search(r".*\d\.\d{13,}.*", text)


@pytest.mark.parametrize("source,file", SOURCE_FILES, ids=lambda v: getattr(v, "name", v))
def test_every_source_file_imports_into_a_valid_catalog(source: str, file: Path, tmp_path: Path) -> None:
    out = tmp_path / "catalog.yaml"
    imported, changes = run_import(source, file, out)
    data = raw(file)
    entries = len(data) if source == "litellm" else len(data["data"])
    assert imported.read == entries
    assert imported.imported > 0
    assert imported.imported + sum(imported.skipped.values()) == entries
    assert changes.created and changes.as_of == (None, "2026-11-28")

    catalog, _ = load_one(out, "Catalog")  # pydantic, through procurelint's own loader
    schema = json.loads((REPO / "schemas" / "Catalog.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(schema).validate(load_file(str(out))[0].data)

    merged = CatalogIndex()  # every id it names resolves next to the built-in catalog
    merged.add(*load_catalog_file(builtin_catalog_path(), "builtin"))
    merged.add(catalog, CatalogSource("import", str(out), catalog.metadata.as_of, 1))
    merged.finish()
    assert catalog.metadata.as_of == DAY


def test_litellm_counts(litellm: tuple[Imported, Catalog, Path]) -> None:
    imported, catalog, _ = litellm
    data = raw(LITELLM)
    aliases = sum(1 for v in data.values() if isinstance(v, dict) and "alias_of" in v)
    assert aliases == 3  # tests/data/SOURCES.md: the first three pure aliases
    assert imported.skipped["alias"] == aliases
    assert imported.skipped["documentation entry"] == 1  # sample_spec
    assert imported.skipped["not a model entry"] == 1  # fallback_generalizations
    assert imported.imported == sum(len(e.offers) for e in catalog.spec.endpoints)
    assert set(imported.skipped) <= {
        "alias", "documentation entry", "not a model entry", "not a chat model", "no usable id",
        "commitment price", "regional variant", "no price", "zero price"}


def test_openrouter_counts(openrouter: tuple[Imported, Catalog, Path]) -> None:
    imported, _, _ = openrouter
    rows = raw(OR_MODELS)["data"]
    assert imported.skipped["alias"] == sum(1 for r in rows if r.get("alias_target")) == 1
    assert imported.skipped["free variant"] == sum(1 for r in rows if r["id"].endswith(":free")) == 1
    assert imported.skipped["batch variant"] == sum(1 for r in rows if r["id"].endswith(":batch"))
    assert imported.skipped["dynamic price (router)"] == sum(
        1 for r in rows if r["pricing"]["prompt"] == "-1")


# -- spot checks of prices against the source -------------------------------------------------

def test_per_million_is_exact() -> None:
    assert per_million("0.000000295") == Decimal("0.295")
    # Floating-point noise in LiteLLM's file (its databricks-claude-sonnet-4-1 output price, and
    # novita's deepseek-v3 community output price) is not carried into the catalog.
    assert per_million(1.5000020000000002e-05) == Decimal("15.00002")
    assert per_million(8.900000000000001e-07) == Decimal("0.89")
    assert per_million(2.9999900000000004e-06) == Decimal("2.99999")
    assert per_million(1.23456789012345e-06) == Decimal("1.23456789012345")  # 15 digits stay
    assert per_million(2.5e-06) == Decimal("2.5")
    assert per_million(0) == 0
    assert float(per_million("0.0000032") or 0) == 3.2
    for bad in ("-1", None, True, "n/a", float("nan"), -1e-06, [1]):
        assert per_million(bad) is None


def test_openrouter_prices_match_the_source(openrouter: tuple[Imported, Catalog, Path]) -> None:
    _, catalog, _ = openrouter
    rows = {r["id"]: r for r in raw(OR_MODELS)["data"]}
    offers = offers_of(catalog, "openrouter")

    pricing = rows["qwen/qwen3.7-max"]["pricing"]
    assert (pricing["prompt"], pricing["completion"], pricing["input_cache_read"]) == (
        "0.000001475", "0.000004425", "0.000000295")
    price = offers["qwen/qwen3.7-max"]
    assert (price.input, price.output, price.cached_input) == (1.475, 4.425, 0.295)

    pricing = rows["qwen/qwen3.8-27b"]["pricing"]
    assert (pricing["prompt"], pricing["completion"], pricing["input_cache_read"]) == (
        "0.00000045", "0.0000032", "0.00000005")
    price = offers["qwen/qwen3.8-27b"]
    assert (price.input, price.output, price.cached_input) == (0.45, 3.2, 0.05)

    # A price the built-in catalog also has is updated on the copied `openrouter` endpoint.
    pricing = rows["moonshotai/kimi-k2.5"]["pricing"]
    assert (pricing["prompt"], pricing["completion"]) == ("0.00000057", "0.00000285")
    assert (offers["moonshotai/kimi-k2.5"].input, offers["moonshotai/kimi-k2.5"].output) == (0.57, 2.85)


def test_litellm_prices_match_the_source(litellm: tuple[Imported, Catalog, Path]) -> None:
    _, catalog, _ = litellm
    data = raw(LITELLM)
    gpt = data["gpt-4o"]
    assert (gpt["litellm_provider"], gpt["input_cost_per_token"], gpt["output_cost_per_token"],
            gpt["cache_read_input_token_cost"]) == ("openai", 2.5e-06, 1e-05, 1.25e-06)
    price = offers_of(catalog, "litellm/openai")["gpt-4o"]
    assert (price.input, price.output, price.cached_input) == (2.5, 10.0, 1.25)

    chat = data["deepseek-chat"]
    assert (chat["input_cost_per_token"], chat["output_cost_per_token"],
            chat["cache_read_input_token_cost"]) == (2.8e-07, 4.2e-07, 2.8e-08)
    # deepseek-chat is DeepSeek's API name of a built-in model: offered under the catalog's id.
    price = offers_of(catalog, "litellm/deepseek")["deepseek/deepseek-v3.2"]
    assert (price.input, price.output, price.cached_input) == (0.28, 0.42, 0.028)

    # An integer 0 input price (one of the 22 in the file) is a price, not a missing one.
    sonar = data["perplexity/sonar-medium-online"]
    assert (sonar["input_cost_per_token"], sonar["output_cost_per_token"]) == (0, 1.8e-06)
    assert "cache_read_input_token_cost" not in sonar
    price = offers_of(catalog, "litellm/perplexity")["perplexity/sonar-medium-online"]
    assert (price.input, price.output, price.cached_input) == (0.0, 1.8, None)


def test_skipped_entries_are_not_imported(litellm: tuple[Imported, Catalog, Path],
                                          openrouter: tuple[Imported, Catalog, Path]) -> None:
    offered = {o.model for e in litellm[1].spec.endpoints for o in e.offers}
    data = raw(LITELLM)
    assert set(data["bedrock/claude-fable-latest"]) == {"alias_of"}
    for key in ("sample_spec", "fallback_generalizations", "bedrock/claude-fable-latest",
                "bedrock/us-east-1/anthropic.claude-v1", "global.anthropic.claude-opus-4-6-v1",
                "azure/eu/gpt-4o", "bedrock/*/1-month-commitment/cohere.command-text-v14"):
        assert key in data and key not in offered, key
    assert data["twelvelabs.pegasus-1-2-v1:0"].get("input_cost_per_token") is None
    assert "twelvelabs.pegasus-1-2-v1:0" not in offered

    models = {m.id for m in openrouter[1].spec.models} | set(offers_of(openrouter[1], "openrouter"))
    for key in ("~anthropic/claude-sonnet-latest", "z-ai/glm-5.2:free", "openrouter/auto",
                "openrouter/free", "google/lyria-3-pro-preview"):
        assert key not in models, key


def test_imported_endpoints_know_nothing_but_prices(litellm: tuple[Imported, Catalog, Path]) -> None:
    _, catalog, out = litellm
    assert len(catalog.spec.endpoints) > 20
    for endpoint in catalog.spec.endpoints:
        assert endpoint.id == f"litellm/{endpoint.id.split('/', 1)[1]}"
        facts = (endpoint.country, endpoint.hipaa_baa, endpoint.fedramp, endpoint.dod_impact_level,
                 endpoint.cross_border_routing, endpoint.us_persons_only,
                 endpoint.data_policy.trains_on_inputs, endpoint.data_policy.retention_days)
        assert facts == (None,) * 8, endpoint.id
        assert endpoint.certifications == []
    for provider in catalog.spec.providers:
        assert provider.jurisdiction is None and provider.parent_jurisdiction is None
    for model in catalog.spec.models:
        assert model.developer_jurisdiction is None and model.open_weights is None
    # Built-in providers are referenced, not repeated with unknown facts.
    bedrock = next(e for e in catalog.spec.endpoints if e.id == "litellm/bedrock_converse")
    assert bedrock.provider == "aws" and "aws" not in {p.id for p in catalog.spec.providers}
    text = out.read_text(encoding="utf-8")
    assert re.search(r"\n      capability: frontier +# estimate from output price \$10/M\n", text)


def test_openrouter_import_keeps_builtin_facts(openrouter: tuple[Imported, Catalog, Path]) -> None:
    _, catalog, out = openrouter
    builtin, _ = load_catalog_file(builtin_catalog_path(), "builtin")
    builtin_models = {m.id for m in builtin.spec.models}
    mine = {m.id for m in catalog.spec.models}
    assert "deepseek/deepseek-v3.2" in builtin_models and not mine & builtin_models
    endpoint = next(e for e in catalog.spec.endpoints if e.id == "openrouter")
    original = next(e for e in builtin.spec.endpoints if e.id == "openrouter")
    facts = ("provider", "country", "region", "hipaa_baa", "fedramp", "cross_border_routing",
             "us_persons_only", "data_policy")
    assert all(getattr(endpoint, f) == getattr(original, f) for f in facts)
    assert "facts from <builtin>/catalog.yaml (asOf 2026-11-01)" in out.read_text(encoding="utf-8")
    # GLM-5.2 is on the Entity List in the built-in catalog: an unknown-facts copy here would
    # replace that entry whole and drop the restriction.
    assert "z-ai/glm-5.2" in offers_of(catalog, "openrouter") and "z-ai/glm-5.2" not in mine


def test_providers_file_gives_jurisdictions_and_datacenters(tmp_path: Path) -> None:
    out = tmp_path / "providers.yaml"
    imported, changes = run_import("openrouter-providers", OR_PROVIDERS, out)
    rows = {r["slug"]: r for r in raw(OR_PROVIDERS)["data"]}
    catalog, _ = load_one(out, "Catalog")
    providers = {p.id: p for p in catalog.spec.providers}
    endpoints = {e.id: e for e in catalog.spec.endpoints}
    assert len(endpoints) == len(rows) == imported.imported == 12

    assert (rows["arcee-ai"]["headquarters"], rows["arcee-ai"]["datacenters"]) == ("US", ["US"])
    assert providers["arcee-ai"].jurisdiction == "US"
    assert endpoints["arcee-ai/openrouter"].country == "US"

    assert (rows["xiaomi"]["headquarters"], rows["xiaomi"]["datacenters"]) == ("CN", ["SG", "NL"])
    assert providers["xiaomi"].jurisdiction == "CN" and providers["xiaomi"].parent_jurisdiction is None
    xiaomi = endpoints["xiaomi/openrouter"]
    assert xiaomi.country is None and xiaomi.cross_border_routing is None
    text = out.read_text(encoding="utf-8")
    assert "# datacenters in NL, SG: which serves is not stated" in text

    assert rows["reka"]["headquarters"] is None and providers["reka"].jurisdiction is None
    # Amazon Bedrock is the built-in `aws`, so a signed BAA with aws applies to it.
    assert endpoints["amazon-bedrock/openrouter"].provider == "aws" and "aws" not in providers
    assert any("provider minimax: the source says jurisdiction SG" in d for d in changes.differs)


# -- updating an existing catalog --------------------------------------------------------------

def test_reimport_keeps_edits_comments_and_order(tmp_path: Path) -> None:
    out = tmp_path / "openrouter.yaml"
    run_import("openrouter", OR_MODELS, out)
    text = out.read_text(encoding="utf-8")
    edits = {
        # a hand-checked fact with its evidence, and a comment of our own
        '    - id: ai21/jamba-large-1.7\n      name: "Jamba Large 1.7"\n      developer: AI21\n'
        '      developerJurisdiction: null\n':
        '    # Reviewed by procurement on 2026-11-20 (ticket PROC-7).\n'
        '    - id: ai21/jamba-large-1.7\n      name: "Jamba Large 1.7"\n      developer: AI21\n'
        '      developerJurisdiction: "IL"      # Tel Aviv, per AI21 legal\n',
        # an endpoint fact confirmed by hand
        "      hipaaBaa: null\n": "      hipaaBaa: false               # confirmed: no BAA offered\n",
        # a stale price, with a comment on its line
        "{model: anthropic/claude-opus-4.6, pricePerMillion: {input: 5.0, output: 25.0, cachedInput: 0.5}}":
        "{model: anthropic/claude-opus-4.6, pricePerMillion: {input: 6.0, output: 30.0}}  # list price",
        # an offer deleted by hand comes back as a new offer
        "        - {model: qwen/qwen3.8-27b, pricePerMillion: "
        "{input: 0.45, output: 3.2, cachedInput: 0.05}}\n": "",
    }
    for old, new in edits.items():
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    text = text.replace('asOf: "2026-11-28"', 'asOf: "2026-11-20"')
    out.write_text(text, encoding="utf-8")

    imported = reader("openrouter")(OR_ALL, str(OR_ALL))
    changes = write_import(imported, out, base_catalog([], out), dt.date(2026, 12, 5), None,
                           as_of=dt.date(2026, 12, 5))
    assert [(e, m) for e, m, _, _ in changes.price_changes] == [("openrouter", "anthropic/claude-opus-4.6")]
    assert [(e, m) for e, m, _ in changes.new_offers] == [("openrouter", "qwen/qwen3.8-27b")]
    assert not changes.new_models and not changes.new_endpoints
    assert changes.as_of == ("2026-11-20", "2026-11-20")  # facts were not re-checked

    after = out.read_text(encoding="utf-8")
    assert "    # Reviewed by procurement on 2026-11-20 (ticket PROC-7).\n" in after
    assert '      developerJurisdiction: "IL"      # Tel Aviv, per AI21 legal\n' in after
    assert "      hipaaBaa: false               # confirmed: no BAA offered\n" in after
    assert ("{model: anthropic/claude-opus-4.6, pricePerMillion: {input: 5.0, output: 25.0, "
            "cachedInput: 0.5}} # list price") in after
    assert ("{model: qwen/qwen3.8-27b, pricePerMillion: {input: 0.45, output: 3.2, "
            "cachedInput: 0.05}}") in after
    changed = [line for line in difflib.unified_diff(text.splitlines(), after.splitlines(), n=0, lineterm="")
               if line[:1] in "+-" and line[:3] not in ("+++", "---")]
    assert len(changed) == 3, changed  # the repriced offer (- and +) and the re-added one

    again = write_import(imported, out, base_catalog([], out), dt.date(2026, 12, 5), None,
                         as_of=dt.date(2026, 12, 5))
    assert not again.changed and out.read_text(encoding="utf-8") == after


def test_update_as_of_only_when_asked(tmp_path: Path) -> None:
    out = tmp_path / "openrouter.yaml"
    run_import("openrouter", OR_MODELS, out)
    imported = reader("openrouter")(OR_ALL, str(OR_ALL))
    changes = write_import(imported, out, base_catalog([], out), dt.date(2026, 12, 5), None,
                           update_as_of=True, as_of=dt.date(2026, 12, 5))
    assert changes.as_of == ("2026-11-28", "2026-12-05")
    assert load_one(out, "Catalog")[0].metadata.as_of == dt.date(2026, 12, 5)


def test_update_of_the_builtin_catalog_touches_only_openrouter_offers(tmp_path: Path) -> None:
    out = tmp_path / "catalog.yaml"
    original = builtin_catalog_path().read_text(encoding="utf-8")
    out.write_text(original, encoding="utf-8")
    imported = reader("openrouter")(OR_MODELS, str(OR_MODELS))
    # As when refreshing the built-in catalog itself: no other catalog to defer to.
    changes = write_import(imported, out, base_catalog([], builtin_catalog_path()), DAY, None,
                           as_of=DAY)
    after = out.read_text(encoding="utf-8")
    removed = [line for line in difflib.ndiff(original.splitlines(), after.splitlines())
               if line.startswith("- ")]
    assert len(removed) == len(changes.price_changes) > 0
    assert all(line.startswith("-         - {model: ") for line in removed)
    for comment in (line for line in original.splitlines() if line.lstrip().startswith("#")):
        assert comment in after
    catalog, _ = load_one(out, "Catalog")
    before = len(load_one(builtin_catalog_path(), "Catalog")[0].spec.models)
    assert len(catalog.spec.models) == before + len(changes.new_models)


# -- the date of the data ----------------------------------------------------------------------

def test_as_of_is_the_date_the_data_shows(tmp_path: Path) -> None:
    rows = raw(OR_MODELS)["data"]
    newest = dt.datetime.fromtimestamp(max(r["created"] for r in rows), dt.timezone.utc).date()
    assert newest == dt.date(2026, 8, 14)  # months before the import
    out = tmp_path / "or.yaml"
    imported, changes = run_import("openrouter", OR_MODELS, out, as_of=None)
    assert imported.as_of == newest and changes.as_of == (None, "2026-08-14")
    assert load_one(out, "Catalog")[0].metadata.as_of == newest
    assert "whose data\n# is as of 2026-08-14" in out.read_text(encoding="utf-8")


def test_as_of_is_the_import_date_when_the_data_shows_none(tmp_path: Path) -> None:
    imported, changes = run_import("litellm", LITELLM, tmp_path / "l.yaml", as_of=None)
    assert imported.as_of is None and changes.as_of == (None, DAY.isoformat())
    _, given = run_import("litellm", LITELLM, tmp_path / "g.yaml", as_of=dt.date(2026, 11, 2))
    assert given.as_of == (None, "2026-11-02")


def test_an_older_snapshot_does_not_update_newer_prices(tmp_path: Path) -> None:
    out = tmp_path / "or.yaml"
    run_import("openrouter", OR_MODELS, out)  # prices as of DAY
    before = out.read_text(encoding="utf-8")
    imported = reader("openrouter")(OR_ALL, str(OR_ALL))  # the August snapshot
    with pytest.raises(ConfigError, match=r"is as of 2026-11-28, later than this data \(2026-08-14\)"):
        write_import(imported, out, base_catalog([], out), dt.date(2026, 12, 5), None)
    assert out.read_text(encoding="utf-8") == before


# -- input errors ---------------------------------------------------------------------------

def test_malformed_json_is_reported_at_its_position(tmp_path: Path) -> None:
    bad = tmp_path / "models.json"
    bad.write_text('{"data": [\n  {"id": "x",\n   oops}\n]}\n', encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        reader("openrouter")(bad, "models.json")
    assert str(err.value).startswith("models.json:3:4: not valid JSON")


def test_the_wrong_file_for_a_source_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="nothing to import.*LiteLLM"):
        reader("litellm")(OR_PROVIDERS, "providers.json")
    with pytest.raises(ConfigError, match="expected an OpenRouter /api/v1/models response"):
        reader("openrouter")(LITELLM, "prices.json")
    with pytest.raises(ConfigError, match="nothing to import"):
        reader("openrouter-providers")(OR_MODELS, "models.json")


def test_unknown_source_lists_the_known_ones() -> None:
    with pytest.raises(ConfigError, match="openrouter, openrouter-providers, litellm"):
        reader("models.dev")
    assert list(SOURCES) == ["openrouter", "openrouter-providers", "litellm"]


def test_an_invalid_catalog_is_not_updated(tmp_path: Path) -> None:
    out = tmp_path / "catalog.yaml"
    text = ('apiVersion: procurelint/v1\nkind: Catalog\nmetadata: {name: x, asOf: "2026-01-01"}\n'
            "spec:\n  modles: []\n")
    out.write_text(text, encoding="utf-8")
    source = tmp_path / "models.json"
    source.write_text(json.dumps({"data": [{
        "id": "acme/model-1", "name": "Acme: Model 1", "architecture": {
            "input_modalities": ["text"], "output_modalities": ["text"]},
        "pricing": {"prompt": "0.000001", "completion": "0.000002"}}]}), encoding="utf-8")
    imported = reader("openrouter")(source, str(source))
    with pytest.raises(ConfigError, match=r"catalog.yaml:5:3: spec: unknown key 'modles'"):
        write_import(imported, out, base_catalog([], out), DAY, None)
    assert out.read_text(encoding="utf-8") == text


# -- the alias table: a built-in model under a source's own name is that model -----------------

def test_litellm_import_recognises_builtin_models_by_their_litellm_names(tmp_path: Path) -> None:
    """Written in the shape of LiteLLM's price file: one key per spelling of a model."""
    source = tmp_path / "prices.json"
    entry = {"litellm_provider": "anthropic", "mode": "chat", "input_cost_per_token": 3e-06,
             "output_cost_per_token": 1.5e-05}
    source.write_text(json.dumps({
        "claude-sonnet-4-5-20250929": entry,
        "claude-sonnet-4-5": entry,  # a second name of the same model on the same endpoint
        "claude-fable-9": entry,     # not a built-in model: imported as before
        "bedrock/us.anthropic.claude-sonnet-4-5-20250929-v1:0": {**entry, "litellm_provider": "bedrock"},
        "anthropic.claude-haiku-4-5-20251001-v1:0": {**entry, "litellm_provider": "bedrock_converse"},
    }), encoding="utf-8")
    out = tmp_path / "catalog.yaml"
    _, changes = run_import("litellm", source, out)
    catalog = load_one(out, "Catalog")[0]
    # Offers are in id order: the undated name is recognised, the dated one stays as it was.
    assert sorted(m.id for m in catalog.spec.models) == ["claude-fable-9", "claude-sonnet-4-5-20250929"]
    assert offers_of(catalog, "litellm/anthropic").keys() == {
        "anthropic/claude-sonnet-4.5", "claude-sonnet-4-5-20250929", "claude-fable-9"}
    assert offers_of(catalog, "litellm/bedrock_converse").keys() == {"anthropic/claude-haiku-4.5"}
    assert changes.recognised == [
        ("litellm/anthropic", "claude-sonnet-4-5", "anthropic/claude-sonnet-4.5"),
        ("litellm/bedrock_converse", "anthropic.claude-haiku-4-5-20251001-v1:0",
         "anthropic/claude-haiku-4.5")]
    # regional variants stay skipped, as before
    assert "bedrock/us.anthropic.claude-sonnet-4-5-20250929-v1:0" not in out.read_text(encoding="utf-8")
    _, again = run_import("litellm", source, out)
    assert not again.changed and again.recognised == changes.recognised


def test_openrouter_import_recognises_dated_slugs(tmp_path: Path) -> None:
    """Written in the shape of OpenRouter's /api/v1/models response."""
    def row(slug: str) -> dict[str, Any]:
        return {"id": slug, "name": slug, "architecture": {"input_modalities": ["text"],
                                                           "output_modalities": ["text"]},
                "pricing": {"prompt": "0.000001", "completion": "0.000002"}}

    source = tmp_path / "models.json"
    source.write_text(json.dumps({"data": [row("openai/gpt-5-mini-2025-08-07"),
                                           row("example/unknown-model-1")]}), encoding="utf-8")
    out = tmp_path / "catalog.yaml"
    _, changes = run_import("openrouter", source, out)
    catalog = load_one(out, "Catalog")[0]
    assert [m.id for m in catalog.spec.models] == ["example/unknown-model-1"]
    assert "openai/gpt-5-mini" in offers_of(catalog, "openrouter")
    assert changes.recognised == [("openrouter", "openai/gpt-5-mini-2025-08-07", "openai/gpt-5-mini")]


def test_litellm_deprecation_date_becomes_the_offers_retirement(tmp_path: Path) -> None:
    """Written in the shape of LiteLLM's price file (`deprecation_date`, `deprecation_source`)."""
    source = tmp_path / "prices.json"
    base = {"litellm_provider": "openai", "mode": "chat", "input_cost_per_token": 1.25e-06,
            "output_cost_per_token": 1e-05}
    source.write_text(json.dumps({
        "gpt-5": {**base, "deprecation_date": "2026-12-11",
                  "deprecation_source": "https://developers.openai.com/api/docs/deprecations"},
        "gpt-fable-1": {**base, "deprecation_date": "soon"},  # not a date: ignored
    }), encoding="utf-8")
    out = tmp_path / "catalog.yaml"
    run_import("litellm", source, out)
    catalog = load_one(out, "Catalog")[0]
    offers = {o.model: o for e in catalog.spec.endpoints for o in e.offers}
    assert offers["openai/gpt-5"].retires == dt.date(2026, 12, 11)
    assert offers["openai/gpt-5"].retires_source == (
        "LiteLLM model_prices_and_context_window.json deprecation_date "
        "(https://developers.openai.com/api/docs/deprecations)")
    assert offers["gpt-fable-1"].retires is None
