"""Comparing two catalogs: offers added and removed, prices changed, and what that costs.

The cost of a change is the engine's own projection: the manifests are checked once under the
old catalog and once under the new one (the check pipeline), with the catalog file in question put
in the place it holds in the policy (or on top), and each step's projected monthly spend is
compared. Figures therefore match what `check` and the cost rules see.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from msgspec import Struct, field
from msgspec.structs import replace

from procurelint.policy.merged_catalog import (
    CatalogIndex,
    CatalogSource,
    builtin_catalog_path,
    load_catalog_file,
)
from procurelint.catalog_import.entries import money, same_file
from procurelint.policy.config import Config

if TYPE_CHECKING:
    from procurelint.engine.evaluate import Evaluation
from procurelint.engine.costs import cents
from procurelint.errors import ConfigError, Location
from procurelint.documents.models.catalog_model import Catalog, Price


class OfferChange(Struct, frozen=True):
    """One offer that differs: added (no old price), removed (no new price) or repriced."""

    endpoint: str
    model: str
    old: Price | None
    new: Price | None

    @property
    def kind(self) -> str:
        return "added" if self.old is None else "removed" if self.new is None else "price"


class StepEffect(Struct, frozen=True):
    path: str
    manifest: str
    endpoint: str
    model: str
    old_usd: float
    new_usd: float


class SpendEffect(Struct):
    """Projected monthly spend of each manifest under both catalogs, and per change."""

    manifests: list[tuple[str, float, float]] = field(default_factory=list)
    steps: list[StepEffect] = field(default_factory=list)

    @property
    def totals(self) -> tuple[float, float]:
        return sum(m[1] for m in self.manifests), sum(m[2] for m in self.manifests)


class Side(Struct, frozen=True):
    """One of the two catalogs: the file, its document and its evidence."""

    path: Path
    catalog: Catalog
    source: CatalogSource


def load_side(path: Path) -> Side:
    catalog, source = load_catalog_file(path, str(path))
    return Side(path, catalog, source)


def offer_changes(old: Catalog, new: Catalog) -> list[OfferChange]:
    """Every offer that was added, removed or repriced, by endpoint and model."""
    from procurelint.catalog_import.update import same_price

    def offers(catalog: Catalog) -> dict[tuple[str, str], Price]:
        return {(e.id, o.model): o.price_per_million for e in catalog.spec.endpoints for o in e.offers}

    before, after = offers(old), offers(new)
    out = []
    for key in sorted(before.keys() | after.keys()):
        a, b = before.get(key), after.get(key)
        if a is None or b is None or not same_price(a, b):
            out.append(OfferChange(key[0], key[1], a, b))
    return out


def spend_effect(config: Config, paths: list[Path], today: dt.date, old: Side,
                 new: Side) -> SpendEffect:
    """Check the manifests under each catalog and compare the projected monthly spend."""
    from procurelint.run.pipeline import Options, check

    sides = []
    for side in (old, new):
        index = layered(config, side, (old.path, new.path))
        checked = check(replace(config, catalog=index),
                        Options(paths=list(paths), today=today), view=_steps_of_slice)
        names = [name for part in checked.views for name in part[0]]
        steps = [step for part in checked.views for step in part[1]]
        sides.append((checked.spend, names, steps))
    (before, _, old_steps), (after, names, new_steps) = sides
    effect = SpendEffect()
    for name in dict.fromkeys(names):
        effect.manifests.append((name, before.manifests.get(name, 0.0),
                                 after.manifests.get(name, 0.0)))
    for (_, *_, old_usd), (selected, path, manifest, endpoint, model, new_usd) in zip(
            old_steps, new_steps, strict=True):
        if not selected or old_usd == new_usd:
            continue
        effect.steps.append(StepEffect(path, manifest, endpoint, model, old_usd, new_usd))
    return effect


def _steps_of_slice(evaluation: Evaluation, _request: object) -> tuple[list[str], list[Any]]:
    """The selected manifests' names (steps' first, then workflows') and every step as
    (selected, path, manifest, endpoint, model, monthly USD), of one slice of a run."""
    walked = evaluation.walk
    names = [s.source.manifest.metadata.name for s in walked.steps if s.source.selected]
    names += [s.manifest.metadata.name for s, _, _ in walked.workflows if s.selected]
    steps = [(s.source.selected, s.path, s.source.manifest.metadata.name, s.step.endpoint,
              s.step.model, s.monthly_usd) for s in walked.steps]
    return names, steps


def layered(config: Config, side: Side, anchors: tuple[Path, Path]) -> CatalogIndex:
    """The policy's merged catalog with `side` in place of whichever anchor file it uses."""
    layers: list[tuple[Path, Catalog, CatalogSource]] = []
    from procurelint.documents.cache import cached

    builtin, source = cached("catalog", lambda: load_catalog_file(
        builtin_catalog_path(), "<builtin>/catalog.yaml"))
    layers.append((builtin_catalog_path(), builtin, source))
    for rel in config.policy.spec.catalogs:
        path = config.root / rel
        catalog, extra = load_catalog_file(path, rel)
        layers.append((path, catalog, extra))
    index = CatalogIndex()
    placed = False
    for path, catalog, source in layers:
        if any(same_file(path, anchor) for anchor in anchors):
            if placed:
                continue
            catalog, source, placed = side.catalog, side.source, True
        index.add(catalog, source, builtin=path == builtin_catalog_path())
    if not placed:
        index.add(side.catalog, side.source)
    try:
        index.finish()
    except ConfigError as exc:
        raise ConfigError(f"with this catalog in the policy: {exc.message}",
                          Location(str(side.path))) from None
    return index


# -- reports ------------------------------------------------------------------------------------

def _price(price: Price | None) -> dict[str, float | None] | None:
    if price is None:
        return None
    return {"input": price.input, "output": price.output, "cachedInput": price.cached_input}


def report(old: Side, new: Side, changes: list[OfferChange], effect: SpendEffect | None) -> dict[str, Any]:
    """The diff as a JSON-ready document (the text form is rendered from it)."""
    doc: dict[str, Any] = {
        "old": {"file": str(old.path), "name": old.catalog.metadata.name,
                "asOf": old.catalog.metadata.as_of.isoformat()},
        "new": {"file": str(new.path), "name": new.catalog.metadata.name,
                "asOf": new.catalog.metadata.as_of.isoformat()},
        "summary": {kind: sum(1 for c in changes if c.kind == kind)
                    for kind in ("price", "added", "removed")},
        "changes": [],
    }
    by_change: dict[tuple[str, str], list[StepEffect]] = {}
    for step in effect.steps if effect else []:
        by_change.setdefault((step.endpoint, step.model), []).append(step)
    for change in changes:
        entry: dict[str, Any] = {"kind": change.kind, "endpoint": change.endpoint,
                                 "model": change.model, "old": _price(change.old),
                                 "new": _price(change.new)}
        if effect is not None:
            steps = by_change.get((change.endpoint, change.model), [])
            entry["monthlyUsdDelta"] = cents(sum(s.new_usd - s.old_usd for s in steps))
            entry["steps"] = [s.path for s in steps]
        doc["changes"].append(entry)
    if effect is not None:
        old_total, new_total = effect.totals
        doc["spend"] = {
            "manifests": [{"name": n, "oldMonthlyUsd": cents(a), "newMonthlyUsd": cents(b),
                           "deltaMonthlyUsd": cents(b - a)} for n, a, b in effect.manifests],
            "oldMonthlyUsd": cents(old_total), "newMonthlyUsd": cents(new_total),
            "deltaMonthlyUsd": cents(new_total - old_total),
        }
    return doc


def render_json(doc: dict[str, Any]) -> str:
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def _prices(p: dict[str, Any] | None) -> str:
    if p is None:
        return "-"
    text = f"in {money(p['input'])} out {money(p['output'])}"
    return text + (f" cached {money(p['cachedInput'])}" if p["cachedInput"] is not None else "")


def usd(value: float, sign: bool = False) -> str:
    text = f"${abs(value):,.2f}"
    if sign:
        return ("+" if value > 0 else "-" if value < 0 else "±") + text
    return ("-" if value < 0 else "") + text


def render_text(doc: dict[str, Any]) -> str:
    old, new, summary = doc["old"], doc["new"], doc["summary"]
    lines = [f"catalog diff {old['file']} (asOf {old['asOf']}) -> {new['file']} (asOf {new['asOf']})",
             f"{summary['price']} price changes, {summary['added']} offers added, "
             f"{summary['removed']} offers removed (USD per million tokens)"]
    for kind, title in (("price", "price changes"), ("added", "added"), ("removed", "removed")):
        rows = [c for c in doc["changes"] if c["kind"] == kind]
        if not rows:
            continue
        lines += ["", title]
        width = max(len(f"{c['endpoint']}  {c['model']}") for c in rows)
        for c in rows:
            name = f"{c['endpoint']}  {c['model']}".ljust(width)
            prices = (f"{_prices(c['old'])} -> {_prices(c['new'])}" if kind == "price"
                      else _prices(c["new"] if kind == "added" else c["old"]))
            effect = ""
            if "monthlyUsdDelta" in c and c["steps"]:
                effect = f"  {usd(c['monthlyUsdDelta'], sign=True)}/month ({', '.join(c['steps'])})"
            lines.append(f"  {name}  {prices}{effect}")
    spend = doc.get("spend")
    if spend is not None:
        lines += ["", "projected monthly spend (old -> new)"]
        rows = spend["manifests"]
        width = max([len(r["name"]) for r in rows] + [5])
        for r in rows:
            lines.append(f"  {r['name'].ljust(width)}  {usd(r['oldMonthlyUsd'])} -> "
                         f"{usd(r['newMonthlyUsd'])}  ({usd(r['deltaMonthlyUsd'], sign=True)})")
        lines.append(f"  {'total'.ljust(width)}  {usd(spend['oldMonthlyUsd'])} -> "
                     f"{usd(spend['newMonthlyUsd'])}  ({usd(spend['deltaMonthlyUsd'], sign=True)})")
        if any(c["kind"] == "removed" and c["steps"] for c in doc["changes"]):
            lines.append("  steps on a removed offer have no price under the new catalog (MAN005)")
    return "\n".join(lines) + "\n"
