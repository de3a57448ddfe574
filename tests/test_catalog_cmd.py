"""`procurelint catalog list|show|import|diff` as a user runs them: output, exit codes, errors."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from procurelint import facts
from tests.conftest import DATA, EXAMPLES, TODAY, write

OR_MODELS = DATA / "openrouter" / "api-v1-models.json"

MANIFEST = """\
apiVersion: procurelint/v1
kind: AgentManifest
metadata: {name: research, team: insights, owner: o@example.com}
spec:
  workflows:
    - name: digest
      runsPerMonth: 1000
      dataClasses: [public]
      steps:
        - name: summarise
          model: anthropic/claude-opus-4.6
          endpoint: openrouter
          tokensPerCall: {input: 1000, output: 100, cachedInput: 500}
        - name: classify
          model: ai21/jamba-large-1.7
          endpoint: openrouter
          tokensPerCall: {input: 1000, output: 100}
"""


# -- list and show ------------------------------------------------------------------------------

def test_list_is_the_merged_catalog(cli) -> None:
    run = cli("catalog", "list", "--provider", "aws", "--format", "json", cwd=EXAMPLES)
    assert run.code == 0, run.stderr
    doc = json.loads(run.stdout)
    assert {c["name"] for c in doc["catalogs"]} == {"builtin", "acme"}
    assert doc["offers"] and {o["provider"] for o in doc["offers"]} == {"aws"}
    acme = next(o for o in doc["offers"] if o["endpoint"] == "acme-bedrock/us-east-1"
                and o["model"] == "anthropic/claude-sonnet-4.6")
    assert acme["pricePerMillion"] == {"input": 3.0, "output": 15.0, "cachedInput": 0.3}

    text = cli("catalog", "list", "--provider", "aws", cwd=EXAMPLES)
    assert text.stdout.splitlines()[0].split() == ["ENDPOINT", "MODEL", "PROVIDER", "COUNTRY",
                                                   "INPUT", "OUTPUT", "CACHED"]
    assert re.search(r"^acme-bedrock/us-east-1 +anthropic/claude-sonnet-4\.6 +aws +US +3 +15 +0\.3$",
                     text.stdout, re.M)
    assert text.stdout.splitlines()[-1].startswith(f"{len(doc['offers'])} offers")


def test_list_filters_by_jurisdiction_and_model(cli) -> None:
    eu = json.loads(cli("catalog", "list", "--jurisdiction", "EU", "-f", "json").stdout)["offers"]
    members = facts.EU_EEA | {"EU"}
    assert eu and all(o["country"] in members or o["providerJurisdiction"] in members for o in eu)
    assert any(o["endpoint"] == "aws-bedrock/eu-central-1" for o in eu)  # DE endpoint, US provider

    sonnet = json.loads(cli("catalog", "list", "--model", "SONNET", "-f", "json").stdout)["offers"]
    assert sonnet and all("sonnet" in o["model"] for o in sonnet)

    bad = cli("catalog", "list", "--jurisdiction", "usa")
    assert bad.code == 2 and "not a country code" in bad.stderr and "Traceback" not in bad.stderr


def test_show_model_lists_every_offer(cli) -> None:
    run = cli("catalog", "show", "deepseek/deepseek-v3.2", cwd=EXAMPLES)
    assert run.code == 0, run.stderr
    assert run.stdout.startswith("model deepseek/deepseek-v3.2\n")
    assert "  developerJurisdiction: CN" in run.stdout
    assert re.search(r"^    acme-bedrock/us-east-1 +aws +US +0\.62 +1\.85 +-$", run.stdout, re.M)
    doc = json.loads(cli("catalog", "show", "deepseek/deepseek-v3.2", "-f", "json", cwd=EXAMPLES).stdout)
    assert {o["endpoint"] for o in doc["model"]["offers"]} >= {"deepseek/api", "acme-bedrock/us-east-1"}


def test_show_endpoint_has_every_fact_and_its_sources(cli) -> None:
    run = cli("catalog", "show", "deepseek/api")
    assert run.code == 0, run.stderr
    for line in ("endpoint deepseek/api", "  country: CN", "  hipaaBaa: null (unknown)",
                 "  dataPolicy.trainsOnInputs: true", "  provider.jurisdiction: CN",
                 "  sources: https://api-docs.deepseek.com/quick_start/pricing"):
        assert line in run.stdout
    doc = json.loads(cli("catalog", "show", "deepseek/api", "-f", "json").stdout)
    assert doc["endpoint"]["sources"] and doc["endpoint"]["providerFacts"]["id"] == "deepseek"


def test_show_unknown_id_suggests_and_exits_2(cli) -> None:
    run = cli("catalog", "show", "deepseek/deepseek-v3.3")
    assert run.code == 2
    assert "no model, endpoint or provider 'deepseek/deepseek-v3.3'" in run.stderr
    assert "did you mean" in run.stderr and "Traceback" not in run.stderr


# -- import -------------------------------------------------------------------------------------

@pytest.mark.parametrize("bad", ["a\u0080b", "a\ud800b", "a\uffffb", "a\u200bb", "a\x00b"])
def test_an_id_no_catalog_could_hold_is_skipped(cli, tmp_path: Path, bad: str) -> None:
    """An id with a control character, a lone surrogate, a noncharacter or an invisible format
    character (each can be written in JSON) is skipped as no usable id, in the model's key or
    the provider's name; the other entries import."""
    entry = {"input_cost_per_token": 1e-06, "output_cost_per_token": 3e-06, "mode": "chat",
             "litellm_provider": "good"}
    data = {"good/model": entry, f"bad/{bad}": entry,
            "bad/provider": dict(entry, litellm_provider=f"p{bad}")}
    source = tmp_path / "prices.json"
    source.write_text(json.dumps(data), encoding="utf-8")  # ASCII, with \u escapes
    run = cli("catalog", "import", "--from", "litellm", str(source), "--output", "prices.yaml",
              "--format", "json", cwd=tmp_path, env={"SOURCE_DATE_EPOCH": "1795824000"})
    assert run.code == 0, run.stderr
    doc = json.loads(run.stdout)
    assert (doc["imported"], doc["skipped"]) == (1, {"no usable id": 2})


def test_import_litellm_reports_counts(cli, tmp_path: Path) -> None:
    source = DATA / "litellm" / "model_prices_and_context_window.json"
    run = cli("catalog", "import", "--from", "litellm", str(source), "--output", "prices.yaml",
              "--format", "json", cwd=tmp_path, env={"SOURCE_DATE_EPOCH": "1795824000"})
    assert run.code == 0, run.stderr
    doc = json.loads(run.stdout)
    assert doc["entries"] == len(json.loads(source.read_text(encoding="utf-8")))
    assert doc["imported"] > 20 and doc["imported"] + sum(doc["skipped"].values()) == doc["entries"]
    assert doc["skipped"]["alias"] == 3 and doc["created"] is True
    assert doc["asOf"]["new"] == "2026-11-28"  # SOURCE_DATE_EPOCH
    assert len(doc["newOffers"]) == doc["imported"]
    assert (tmp_path / "prices.yaml").is_file()

    again = cli("catalog", "import", "--from", "litellm", str(source), "-o", "prices.yaml", cwd=tmp_path)
    assert again.code == 0, again.stderr
    assert f"{doc['imported']} imported" in again.stdout.splitlines()[0]
    assert "prices.yaml: up to date, nothing changed" in again.stdout
    assert re.search(r"^  skipped +3  alias$", again.stdout, re.M)


def test_imported_catalog_works_in_a_policy(cli, tmp_path: Path) -> None:
    run = cli("catalog", "import", "--from", "openrouter", str(OR_MODELS), "-o", "catalog/or.yaml",
              "--date", TODAY, cwd=tmp_path)
    assert run.code == 0, run.stderr
    assert re.search(r"^created catalog/or\.yaml: 3 price changes, 4 new offers, 3 new models",
                     run.stdout, re.M)
    write(tmp_path, "procurelint.yaml", "apiVersion: procurelint/v1\nkind: Policy\n"
          "metadata: {name: t}\nspec:\n  catalogs: [catalog/or.yaml]\n")
    write(tmp_path, "research.yaml", MANIFEST)
    show = cli("catalog", "show", "qwen/qwen3.7-max", cwd=tmp_path)
    assert show.code == 0, show.stderr
    assert re.search(r"^    openrouter +openrouter +- +1\.475 +4\.425 +0\.295$", show.stdout, re.M)
    check = cli("check", "--date", TODAY, "--format", "json", cwd=tmp_path)
    assert check.code in (0, 1), check.stderr
    # 1000 runs x (1000 x $5 + 500 x $0.5 + 100 x $25) per million, and (1000 x $2 + 100 x $8)
    assert json.loads(check.stdout)["summary"]["monthlyUsd"] == 10.55


def test_import_of_malformed_json_exits_2_at_the_position(cli, tmp_path: Path) -> None:
    write(tmp_path, "models.json", '{"data": [\n  {"id": "x"\n  "name": "y"}]}\n')
    run = cli("catalog", "import", "--from", "openrouter", "models.json", "-o", "c.yaml", cwd=tmp_path)
    assert run.code == 2
    assert "models.json:3:3: not valid JSON" in run.stderr and "Traceback" not in run.stderr
    assert not (tmp_path / "c.yaml").exists()


def test_import_usage_errors_exit_2(cli, tmp_path: Path) -> None:
    unknown = cli("catalog", "import", "--from", "models.dev", "x.json", "-o", "c.yaml", cwd=tmp_path)
    assert unknown.code == 2 and "openrouter-providers" in unknown.stderr
    missing = cli("catalog", "import", "--from", "litellm", "nope.json", "-o", "c.yaml", cwd=tmp_path)
    assert missing.code == 2 and "nope.json: cannot read file" in missing.stderr
    bare = cli("catalog", cwd=tmp_path)
    assert bare.code == 2 and "ACTION" in bare.stderr


# -- diff -----------------------------------------------------------------------------------------

def test_diff_shows_what_a_price_change_costs(cli, tmp_path: Path) -> None:
    run = cli("catalog", "import", "--from", "openrouter", str(OR_MODELS), "-o", "old.yaml",
              "--date", "2026-11-01", "--as-of", "2026-11-01", cwd=tmp_path)
    assert run.code == 0, run.stderr
    old = (tmp_path / "old.yaml").read_text(encoding="utf-8")
    opus = "{model: anthropic/claude-opus-4.6, pricePerMillion: {input: 5.0, output: 25.0, cachedInput: 0.5}}"
    jamba = "        - {model: ai21/jamba-large-1.7, pricePerMillion: {input: 2.0, output: 8.0}}\n"
    assert old.count(opus) == 1 and old.count(jamba) == 1
    cheaper = opus.replace("5.0, output: 25.0, cachedInput: 0.5", "4.0, output: 20.0, cachedInput: 0.4")
    new = old.replace(opus, cheaper)
    assert old.count('asOf: "2026-11-01"') == 1
    new = new.replace(jamba, "").replace('asOf: "2026-11-01"', 'asOf: "2026-11-28"')
    write(tmp_path, "new.yaml", new)
    write(tmp_path, "manifests/research.yaml", MANIFEST)

    plain = cli("catalog", "diff", "old.yaml", "new.yaml", cwd=tmp_path)
    assert plain.code == 0, plain.stderr
    assert "1 price changes, 0 offers added, 1 offers removed" in plain.stdout
    assert "monthly" not in plain.stdout

    run = cli("catalog", "diff", "old.yaml", "new.yaml", "--manifests", "manifests", "--date", TODAY,
              "-f", "json", cwd=tmp_path)
    assert run.code == 0, run.stderr
    doc = json.loads(run.stdout)
    changes = {(c["kind"], c["model"]): c for c in doc["changes"]}
    # 1000 runs: 1M input, 0.5M cached, 0.1M output tokens a month.
    # Opus: 5 + 0.25 + 2.5 = $7.75 -> 4 + 0.2 + 2.0 = $6.20. Jamba: 2 + 0.8 = $2.80 -> no price.
    assert changes[("price", "anthropic/claude-opus-4.6")]["monthlyUsdDelta"] == -1.55
    assert changes[("price", "anthropic/claude-opus-4.6")]["steps"] == ["research/digest/summarise"]
    assert changes[("removed", "ai21/jamba-large-1.7")]["monthlyUsdDelta"] == -2.80
    assert doc["spend"]["manifests"] == [{"name": "research", "oldMonthlyUsd": 10.55,
                                          "newMonthlyUsd": 6.2, "deltaMonthlyUsd": -4.35}]

    text = cli("catalog", "diff", "old.yaml", "new.yaml", "--manifests", "manifests", "--date", TODAY,
               cwd=tmp_path)
    assert "  research  $10.55 -> $6.20  (-$4.35)" in text.stdout
    assert "-$1.55/month (research/digest/summarise)" in text.stdout
    assert "(MAN005)" in text.stdout

    # With NEW as the policy's catalog, OLD takes its place for the "before" figures.
    write(tmp_path, "procurelint.yaml", "apiVersion: procurelint/v1\nkind: Policy\n"
          "metadata: {name: t}\nspec:\n  catalogs: [new.yaml]\n")
    placed = cli("catalog", "diff", "old.yaml", "new.yaml", "--manifests", "manifests", "--date",
                 TODAY, "-f", "json", cwd=tmp_path)
    assert json.loads(placed.stdout)["spend"] == doc["spend"]


def test_diff_of_a_missing_or_invalid_catalog_exits_2(cli, tmp_path: Path) -> None:
    write(tmp_path, "bad.yaml", 'apiVersion: procurelint/v1\nkind: Catalog\n'
          'metadata: {name: x, asOf: "2026-01-01"}\nspec:\n  endpoint: []\n')
    run = cli("catalog", "diff", "bad.yaml", str(EXAMPLES / "catalog" / "acme.yaml"), cwd=tmp_path)
    assert run.code == 2 and "bad.yaml:5:3: spec: unknown key 'endpoint'" in run.stderr
    missing = cli("catalog", "diff", "nope.yaml", "bad.yaml", cwd=tmp_path)
    assert missing.code == 2 and "nope.yaml" in missing.stderr and "Traceback" not in missing.stderr
