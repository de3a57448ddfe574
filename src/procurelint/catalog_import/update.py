"""Writing an import: a new catalog file, or an update of an existing one that keeps its edits.

The plan is worked out on validated documents, then applied. An update changes prices of
offers the file already has and adds offers, models, providers and endpoints it lacks; every
other byte (comments, order, hand-written facts) stays as it was, through ruamel.yaml's
round-trip mode. `metadata.asOf` stays too unless asked: it says when the facts were checked,
and a price import checks none of the compliance facts (CAT001).

Entries the rest of the merged catalog (the built-in catalog and the policy's other catalogs)
already has are not repeated: a catalog entry replaces the built-in one whole, so repeating a
model would swap its checked facts for unknowns. An endpoint that must carry new offers starts
from the merged catalog's entry, facts and all.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import tempfile
from pathlib import Path
from typing import Any

from msgspec import Struct, field

from procurelint.policy.merged_catalog import (
    CatalogIndex,
    CatalogSource,
    builtin_catalog_path,
    load_catalog_file,
)
from procurelint.catalog_import import emit
from procurelint.catalog_import.entries import Commented, Imported, same_file
from procurelint.documents.kinds import validate
from procurelint.errors import ConfigError, Location, YamlError
from procurelint.documents.loading import load_one
from procurelint.documents.models.catalog_model import Catalog, Endpoint, Offer, Price
from procurelint.documents.records import to_model
from procurelint.documents.document import DEFAULT_LIMITS
from procurelint.documents.yamlio import parse

SECTIONS = ("models", "providers", "endpoints")


class Base(Struct):
    """The merged catalog without the file being written, and which file each entry is from."""

    index: CatalogIndex
    origin: dict[tuple[str, str], CatalogSource] = field(default_factory=dict)


class Changes(Struct):
    """What an import did to the file, for the report."""

    output: str
    created: bool
    as_of: tuple[str | None, str]
    price_changes: list[tuple[str, str, Price, Price]] = field(default_factory=list)
    new_offers: list[tuple[str, str, Price]] = field(default_factory=list)
    new_models: list[str] = field(default_factory=list)
    new_providers: list[str] = field(default_factory=list)
    new_endpoints: list[str] = field(default_factory=list)
    copied_endpoints: list[str] = field(default_factory=list)
    not_in_source: list[tuple[str, str]] = field(default_factory=list)
    differs: list[str] = field(default_factory=list)
    recognised: list[tuple[str, str, str]] = field(default_factory=list)  # endpoint, source id, catalog id

    @property
    def changed(self) -> bool:
        return bool(self.price_changes or self.new_offers or self.new_models
                    or self.new_providers or self.new_endpoints or self.as_of[0] != self.as_of[1])


class _Plan(Struct):
    updates: dict[str, dict[str, Price]] = field(default_factory=dict)
    appends: dict[str, list[Offer]] = field(default_factory=dict)
    new: dict[str, list[tuple[Any, Commented | None]]] = field(
        default_factory=lambda: {key: [] for key in SECTIONS})


def base_catalog(policy_catalogs: list[Path], output: Path) -> Base:
    """The built-in catalog and the policy's catalogs, leaving out `output` itself."""
    from procurelint.documents.cache import cached

    base = Base(CatalogIndex())
    layers: list[tuple[Catalog, CatalogSource]] = []
    if not same_file(builtin_catalog_path(), output):
        layers.append(cached("catalog", lambda: load_catalog_file(
            builtin_catalog_path(), "<builtin>/catalog.yaml")))
    for path in policy_catalogs:
        if path.is_file() and not same_file(path, output):
            layers.append(load_catalog_file(path, str(path)))
    for catalog, source in layers:
        base.index.add(catalog, source)
        for kind in SECTIONS:
            for entry in getattr(catalog.spec, kind):
                base.origin[(kind, entry.id)] = source
    return base


def same_price(a: Price, b: Price) -> bool:
    def eq(x: float | None, y: float | None) -> bool:
        return (x is None) == (y is None) and (x is None or round(x, 10) == round(y or 0.0, 10))

    return eq(a.input, b.input) and eq(a.output, b.output) and eq(a.cached_input, b.cached_input)


def write_import(imported: Imported, output: Path, base: Base, today: dt.date, name: str | None,
                 update_as_of: bool = False, as_of: dt.date | None = None) -> Changes:
    """Create or update `output` with what `imported` holds; the file is validated first.

    The data's date is `as_of` (given by the user), else the one the source shows, else
    `today` (the import date). A new catalog's asOf is that date. An existing catalog whose asOf
    is later is not updated: older prices would overwrite newer ones."""
    display = str(output)
    existing: Catalog | None = load_one(output, "Catalog", display)[0] if output.exists() else None
    dated = as_of or imported.as_of or today
    if existing is None:
        changes = Changes(display, True, (None, dated.isoformat()))
    else:
        if existing.metadata.as_of > dated:
            raise ConfigError(
                f"{display} is as of {existing.metadata.as_of.isoformat()}, later than this data "
                f"({dated.isoformat()}{'' if as_of or imported.as_of else ', the import date'}): "
                "importing it would put older prices over newer ones. Import a newer snapshot, "
                "or give the date the data was taken with --as-of",
                Location(display, 1, 1))
        old = existing.metadata.as_of.isoformat()
        changes = Changes(display, False, (old, dated.isoformat() if update_as_of else old))
    _recognise(imported, base, changes)
    plan = _plan(imported, existing, base, changes)
    if existing is None:
        text = _new_file(imported, plan, today, dated, name or _default_name(output))
    elif changes.changed:
        text = _update_file(output.read_text(encoding="utf-8"), display, plan, changes)
    else:
        return changes  # nothing to do: the file is left as it is, byte for byte
    _check(text, display, base)
    _write(output, text)
    return changes


def _recognise(imported: Imported, base: Base, changes: Changes) -> None:
    """Offer a model the catalog already has under its catalog id, not the source's name.

    A LiteLLM key (`claude-sonnet-4-5-20250929`, `bedrock/us.anthropic...-v1:0`) or a dated
    OpenRouter slug of a built-in model would otherwise become a second model entry about which
    nothing is known, and a rule would judge the unknown copy instead of the checked one. The
    alias table (policies/aliases.yaml) says which names are which model; an endpoint that
    already offers the catalog id keeps the source's other names as they are.
    """
    from procurelint.policy.aliases import alias_table

    table = alias_table()
    # The rest of the catalog only: recognising a name must not depend on what an earlier
    # import wrote into this file, or a re-import would read the same source differently.
    known = set(base.index.models)
    for endpoint in imported.endpoints.values():
        offered = {o.model for o in endpoint.offers}
        offers = []
        for offer in endpoint.offers:
            model_id = offer.model
            if model_id not in known:
                head, sep, rest = model_id.partition("/")
                name = rest if sep and table.route(head) is not None else model_id
                target = table.model_id(name, known)
                if target is not None and target not in offered:
                    offered.add(target)
                    changes.recognised.append((endpoint.id, model_id, target))
                    offer = offer.model_copy(update={"model": target})
            offers.append(offer)
        endpoint.offers[:] = offers


def _plan(imported: Imported, existing: Catalog | None, base: Base, changes: Changes) -> _Plan:
    """Decide every change against the file's own entries and the rest of the catalog."""
    plan = _Plan()
    spec = existing.spec if existing else None
    mine: dict[str, dict[str, Any]] = {
        kind: {e.id: e for e in getattr(spec, kind)} if spec else {} for kind in SECTIONS}
    for endpoint in imported.endpoints.values():
        _plan_endpoint(plan, imported, endpoint, mine["endpoints"], base, changes)
    wanted = {e.provider for e, _ in plan.new["endpoints"]}
    for provider_id, provider in imported.providers.items():
        current = mine["providers"].get(provider_id) or base.index.providers.get(provider_id)
        if current is None and provider_id in wanted:
            plan.new["providers"].append((provider, imported.comments.get(("provider", provider_id))))
            changes.new_providers.append(provider_id)
        elif current is not None and provider.jurisdiction not in (None, current.jurisdiction):
            changes.differs.append(
                f"provider {provider_id}: the source says jurisdiction {provider.jurisdiction}, "
                f"the catalog says {current.jurisdiction or 'null'} (kept)")
    offered = {o.model for e in imported.endpoints.values() for o in e.offers}
    for model_id in sorted(offered):
        if model_id not in mine["models"] and model_id not in base.index.models:
            plan.new["models"].append((imported.models[model_id], imported.comments.get(("model", model_id))))
            changes.new_models.append(model_id)
    for kind in SECTIONS:
        plan.new[kind].sort(key=lambda pair: pair[0].id)
    return plan


def _plan_endpoint(plan: _Plan, imported: Imported, endpoint: Endpoint, mine: dict[str, Any],
                   base: Base, changes: Changes) -> None:
    """New prices and offers of one endpoint: in place if the file has it, else a new entry."""
    endpoint_id = endpoint.id
    current: Endpoint | None = mine.get(endpoint_id) or base.index.endpoints.get(endpoint_id)
    if current is None:
        plan.new["endpoints"].append((endpoint, imported.comments.get(("endpoint", endpoint_id))))
        changes.new_endpoints.append(endpoint_id)
        changes.new_offers += [(endpoint_id, o.model, o.price_per_million) for o in endpoint.offers]
        return
    _note_country(endpoint, current, changes)
    prices = {o.model: o.price_per_million for o in current.offers}
    updates: dict[str, Price] = {}
    appends: list[Offer] = []
    for offer in endpoint.offers:
        old = prices.get(offer.model)
        if old is None:
            appends.append(offer)
            changes.new_offers.append((endpoint_id, offer.model, offer.price_per_million))
        elif not same_price(old, offer.price_per_million):
            updates[offer.model] = offer.price_per_million
            changes.price_changes.append((endpoint_id, offer.model, old, offer.price_per_million))
    offered = {o.model for o in endpoint.offers}
    changes.not_in_source += [(endpoint_id, m) for m in prices if m not in offered]
    if endpoint_id in mine:
        plan.updates[endpoint_id], plan.appends[endpoint_id] = updates, appends
    elif updates or appends:
        merged = to_model(current, Endpoint)  # the catalog holds records; copying needs the model
        offers = [Offer(model=o.model, price_per_million=updates.get(o.model, o.price_per_million))
                  for o in merged.offers] + appends
        source = base.origin[("endpoints", endpoint_id)]
        note = Commented(eol={"id": f"facts from {source.file} (asOf {source.as_of}); "
                                    f"prices from {imported.source}"})
        plan.new["endpoints"].append((merged.model_copy(update={"offers": offers}), note))
        changes.copied_endpoints.append(endpoint_id)


def _note_country(endpoint: Endpoint, current: Endpoint, changes: Changes) -> None:
    if endpoint.country is not None and current.country != endpoint.country:
        changes.differs.append(
            f"endpoint {endpoint.id}: the source says country {endpoint.country}, "
            f"the catalog says {current.country or 'null'} (kept)")


def _lines(kind: str, entry: Any, comments: Commented | None) -> list[str]:
    if kind == "models":
        return emit.model_lines(entry, comments)
    if kind == "providers":
        return emit.provider_lines(entry, comments)
    return emit.endpoint_lines(entry, comments)


def _default_name(output: Path) -> str:
    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", output.stem).strip("-").lower()
    return stem or "imported"


HEADER = [
    "Imported by `procurelint catalog import --from {source}` on {date} from {file}, whose data",
    "is as of {as_of} (asOf below: the date the data shows, or --as-of, else the import date).",
    "Re-running the import updates prices and adds new offers; it keeps comments, order and",
    "every fact you edit by hand (docs/catalog.md).",
    "",
    "Prices are USD per million tokens, base tier; cachedInput is the cache-read price, absent",
    "when the source gives none. Compliance facts are null (unknown, treated as unsafe) unless",
    "the source states them: review them before relying on an endpoint. `capability` is an",
    "estimate from the output price. Price lists carry no export-control listings, so",
    "`restrictions` are left empty: check a model's developer before federal use.",
    "Entries the built-in catalog (or another catalog of the policy) already has are not",
    "repeated here, so that their checked facts stay in force.",
]


def _new_file(imported: Imported, plan: _Plan, today: dt.date, dated: dt.date, name: str) -> str:
    header = [h.format(source=imported.source, date=today.isoformat(), file=Path(imported.file).name,
                       as_of=dated.isoformat()) for h in HEADER]
    sections = {kind: [line for entry, note in plan.new[kind] for line in _lines(kind, entry, note)]
                for kind in SECTIONS}
    description = f"Prices imported from {imported.source} ({Path(imported.file).name})"
    return emit.catalog_text(header, name, dated, description, sections)


# -- the round trip ---------------------------------------------------------------------------

def _yaml(text: str) -> Any:
    from ruamel.yaml import YAML
    from ruamel.yaml.representer import RoundTripRepresenter

    class Representer(RoundTripRepresenter):
        """Writes null as `null` (as the catalogs do) and new prices without exponents."""

    Representer.add_representer(
        type(None), lambda r, _: r.represent_scalar("tag:yaml.org,2002:null", "null"))
    Representer.add_representer(
        float, lambda r, v: r.represent_scalar("tag:yaml.org,2002:float", emit.number(v)))
    yaml = YAML(typ="rt")
    yaml.Representer = Representer
    yaml.preserve_quotes = True
    yaml.width = 4096
    mapping, sequence, offset = _indents(text)
    yaml.indent(mapping=mapping, sequence=sequence, offset=offset)
    return yaml


def _indents(text: str) -> tuple[int, int, int]:
    """The file's own mapping indent and block-sequence layout, so a dump re-indents nothing."""
    mapping, sequence, offset = 2, 4, 2
    lines = [ln for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
    for prev, line in zip(lines, lines[1:]):
        if prev.rstrip().endswith(":") and not prev.lstrip().startswith("- "):
            parent = len(prev) - len(prev.lstrip())
            child = len(line) - len(line.lstrip())
            if line.lstrip().startswith("- "):
                offset = child - parent
                sequence = offset + 2
                break
    for prev, line in zip(lines, lines[1:]):
        if prev[:1].isalpha() and prev.rstrip().endswith(":") and not line.lstrip().startswith("- "):
            mapping = len(line) - len(line.lstrip()) or 2
            break
    return mapping, sequence, offset


def _update_file(text: str, display: str, plan: _Plan, changes: Changes) -> str:
    from ruamel.yaml.comments import CommentedSeq
    from ruamel.yaml.error import YAMLError
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString

    yaml = _yaml(text)
    try:
        doc = yaml.load(text)
    except YAMLError as exc:
        raise ConfigError(f"cannot update this file: {exc}", Location(display, 1, 1)) from None
    spec = doc["spec"]
    if changes.as_of[1] != changes.as_of[0]:
        doc["metadata"]["asOf"] = DoubleQuotedScalarString(changes.as_of[1])
    endpoints = {item["id"]: item for item in spec.get("endpoints") or []}
    for endpoint_id, updates in plan.updates.items():
        item = endpoints[endpoint_id]
        offers = {o["model"]: o for o in item.get("offers") or []}
        for model_id, price in updates.items():
            _set_price(offers[model_id]["pricePerMillion"], price)
    for endpoint_id, appends in plan.appends.items():
        if appends:
            seq = _seq(endpoints[endpoint_id], "offers", CommentedSeq)
            seq.extend(_parse_items(yaml, [f"    - {emit.offer_flow(o)}" for o in appends]))
    for kind in SECTIONS:
        lines = [line for entry, note in plan.new[kind] for line in _lines(kind, entry, note)]
        if lines:
            _seq(spec, kind, CommentedSeq).extend(_parse_items(yaml, lines))
    out = io.StringIO()
    yaml.dump(doc, out)
    return out.getvalue()


def _seq(mapping: Any, key: str, seq_type: Any) -> Any:
    """The block sequence under `key`, created (in section order) or unfolded when needed."""
    value = mapping.get(key)
    if value is None:
        if mapping.fa.flow_style():
            mapping.fa.set_block_style()
        value = seq_type()
        if key in mapping:
            mapping[key] = value
        else:
            keys = list(mapping.keys())
            later = [k for k in SECTIONS[SECTIONS.index(key) + 1:] if k in keys] if key in SECTIONS else []
            position = keys.index(later[0]) if later else len(keys)
            mapping.insert(position, key, value)
    if value.fa.flow_style():
        value.fa.set_block_style()
    return value


def _parse_items(yaml: Any, lines: list[str]) -> list[Any]:
    """Sequence items from emitted lines (indented as under `spec:`), comments included."""
    items: list[Any] = yaml.load("items:\n" + "\n".join(lines) + "\n")["items"]
    return items


def _set_price(mapping: Any, price: Price) -> None:
    mapping["input"] = price.input
    mapping["output"] = price.output
    if price.cached_input is None:
        mapping.pop("cachedInput", None)
    else:
        mapping["cachedInput"] = price.cached_input


def _check(text: str, display: str, base: Base) -> None:
    """The written text must load as one valid Catalog, within procurelint's limits, and every
    id it names must resolve in the merged catalog."""
    size = len(text.encode("utf-8"))
    if size > DEFAULT_LIMITS.max_file_bytes:
        raise ConfigError(
            f"the catalog would be {size} bytes, more than the {DEFAULT_LIMITS.max_file_bytes} "
            "procurelint reads; import into several files", Location(display))
    try:
        docs = parse(text, display)
    except YamlError as exc:  # pragma: no cover - a bug in emit or the round trip
        raise ConfigError(f"internal error: the written catalog does not parse: {exc.message}",
                          exc.location) from None
    model, problems = validate(docs[0], docs[0].data)
    if problems or not isinstance(model, Catalog):  # pragma: no cover - as above
        first = problems[0] if problems else None
        raise ConfigError(f"internal error: the written catalog is invalid: "
                          f"{first.message if first else 'not a Catalog'}",
                          first.location if first else Location(display))
    merged = CatalogIndex(dict(base.index.models), dict(base.index.providers),
                          dict(base.index.endpoints))
    merged.add(model, CatalogSource(model.metadata.name, display, model.metadata.as_of, 0))
    try:
        merged.finish()
    except ConfigError as exc:
        raise ConfigError(f"{exc.message}; the file was not written", Location(display)) from None


def _write(path: Path, text: str) -> None:
    """Replace the file in one step (a failed write leaves the old catalog), keeping its mode."""
    folder = path.parent if str(path.parent) else Path(".")
    try:
        if path.exists():
            mode = path.stat().st_mode & 0o7777
        else:
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o666 & ~umask
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=folder, delete=False,
                                         suffix=".tmp") as handle:
            handle.write(text)
        os.chmod(handle.name, mode)
        os.replace(handle.name, path)
    except OSError as exc:
        raise ConfigError(f"cannot write {path}: {exc.strerror}") from None
