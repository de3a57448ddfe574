"""What `catalog list`, `catalog show` and `catalog import` print, as text or JSON.

Each view is built as a JSON-ready document first and the text is rendered from it, so the two
formats never disagree.
"""

from __future__ import annotations

import difflib
import json
from typing import Any

from procurelint.wording import fact_text
from procurelint import facts
from procurelint.policy.merged_catalog import CatalogIndex
from procurelint.catalog_import.entries import money
from procurelint.catalog_import.update import Changes
from procurelint.errors import ConfigError
from procurelint.documents.models.catalog_model import Endpoint, Model, Price, Provider
from procurelint.documents.records import to_model

LIST_LIMIT = 40  # detail lines of an import report before "... and N more"


def _price(price: Price) -> dict[str, float | None]:
    return {"input": price.input, "output": price.output, "cachedInput": price.cached_input}


def _catalogs(index: CatalogIndex) -> list[dict[str, str]]:
    return [{"name": s.name, "file": s.file, "asOf": s.as_of.isoformat()} for s in index.sources]


def offer_rows(index: CatalogIndex, provider: str | None = None, jurisdiction: str | None = None,
               model: str | None = None) -> list[dict[str, Any]]:
    """Every offer of the merged catalog that passes the filters, by endpoint and model.

    `jurisdiction` matches the endpoint's country or its provider's jurisdiction; `EU` stands
    for every EU/EEA member state. `model` matches part of the model id, in any case.
    """
    places = set(facts.expand([jurisdiction]) or []) if jurisdiction else None
    needle = model.lower() if model else None
    rows = []
    for endpoint_id, model_id, price in index.offers():
        endpoint = index.endpoints[endpoint_id]
        owner = index.providers[endpoint.provider]
        if provider is not None and endpoint.provider != provider:
            continue
        if places is not None and endpoint.country not in places and owner.jurisdiction not in places:
            continue
        if needle is not None and needle not in model_id.lower():
            continue
        rows.append({"endpoint": endpoint_id, "model": model_id, "provider": endpoint.provider,
                     "country": endpoint.country, "providerJurisdiction": owner.jurisdiction,
                     "pricePerMillion": _price(price)})
    return rows


def list_doc(index: CatalogIndex, rows: list[dict[str, Any]]) -> dict[str, Any]:
    return {"catalogs": _catalogs(index), "offers": rows}


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return money(value)
    return str(value)


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    return ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in [header, *rows]]


def render_list(doc: dict[str, Any]) -> str:
    rows = [[r["endpoint"], r["model"], r["provider"], _cell(r["country"]),
             _cell(r["pricePerMillion"]["input"]), _cell(r["pricePerMillion"]["output"]),
             _cell(r["pricePerMillion"]["cachedInput"])] for r in doc["offers"]]
    lines = _table(["ENDPOINT", "MODEL", "PROVIDER", "COUNTRY", "INPUT", "OUTPUT", "CACHED"], rows)
    catalogs = ", ".join(f"{c['name']} (asOf {c['asOf']})" for c in doc["catalogs"])
    lines.append(f"{len(rows)} offers, USD per million tokens; catalogs: {catalogs}")
    return "\n".join(lines) + "\n"


def show_doc(index: CatalogIndex, entry_id: str) -> dict[str, Any]:
    """The model, endpoint and provider with this id (ids of different kinds may coincide)."""
    doc: dict[str, Any] = {"catalogs": _catalogs(index)}
    if entry_id in index.models:
        doc["model"] = _model(index, index.models[entry_id])
    if entry_id in index.endpoints:
        doc["endpoint"] = _endpoint(index, index.endpoints[entry_id])
    if entry_id in index.providers:
        doc["provider"] = _provider(index, index.providers[entry_id])
    if len(doc) == 1:
        known = [*index.models, *index.endpoints, *index.providers]
        hint = difflib.get_close_matches(entry_id, known, n=3)
        tip = f"; did you mean {', '.join(hint)}?" if hint else ""
        raise ConfigError(f"no model, endpoint or provider {entry_id!r} in the catalog{tip}")
    return doc


def _model(index: CatalogIndex, model: Model) -> dict[str, Any]:
    data = to_model(model, Model).model_dump(by_alias=True, mode="json")
    data["offers"] = [
        {"endpoint": e, "provider": index.endpoints[e].provider,
         "country": index.endpoints[e].country, "pricePerMillion": _price(p)}
        for e, m, p in index.offers() if m == model.id
    ]
    return data


def _endpoint(index: CatalogIndex, endpoint: Endpoint) -> dict[str, Any]:
    data = to_model(endpoint, Endpoint).model_dump(by_alias=True, mode="json")
    data["providerFacts"] = to_model(index.providers[endpoint.provider], Provider).model_dump(
        by_alias=True, mode="json")
    return data


def _provider(index: CatalogIndex, provider: Provider) -> dict[str, Any]:
    data = to_model(provider, Provider).model_dump(by_alias=True, mode="json")
    data["endpoints"] = sorted(e.id for e in index.endpoints.values() if e.provider == provider.id)
    return data


def render_yaml(index: CatalogIndex, entry_id: str) -> str:
    """The entries with this id as a catalog file ready to edit: saved under the policy's
    catalogs, the file replaces them whole (then add your sources), or, trimmed to a patch,
    changes single facts."""
    import datetime as dt

    from procurelint.catalog_import import emit

    sections: dict[str, list[str]] = {}
    kinds = []
    if entry_id in index.models:
        sections["models"] = emit.model_lines(index.models[entry_id], None)
        kinds.append("model")
    if entry_id in index.providers:
        sections["providers"] = emit.provider_lines(index.providers[entry_id], None)
        kinds.append("provider")
    if entry_id in index.endpoints:
        sections["endpoints"] = emit.endpoint_lines(index.endpoints[entry_id], None)
        kinds.append("endpoint")
    as_of = index.as_of or dt.date(1970, 1, 1)
    header = [
        f"The {' and '.join(kinds)} {entry_id} as the merged catalog holds it (asOf {as_of}).",
        "Saved as a file listed in the policy's catalogs, an entry with this id replaces the",
        "earlier one whole: change the facts you have evidence for and add that evidence to",
        "its sources. To change one fact only, replace the entry with a patch instead:",
        "",
        "  spec:",
        "    patches:",
        f"      - {kinds[-1]}: {emit.scalar(entry_id)}",
        "        set: {dataPolicy: {retentionDays: 0}}",
        "        sources: [\"https://example.com/your-evidence\"]",
    ]
    return emit.catalog_text(header, "my-catalog", as_of, f"edited copy of {entry_id}", sections)


def _fact(value: Any) -> str:
    return fact_text(value, unknown="null (unknown)")


def render_show(doc: dict[str, Any]) -> str:
    lines: list[str] = []
    if "model" in doc:
        model = doc["model"]
        lines.append(f"model {model['id']}")
        for key in ("name", "developer", "developerJurisdiction", "openWeights", "capability",
                    "restrictions", "sources"):
            lines.append(f"  {key}: {_fact(model[key])}")
        rows = [[o["endpoint"], o["provider"], _cell(o["country"]),
                 _cell(o["pricePerMillion"]["input"]), _cell(o["pricePerMillion"]["output"]),
                 _cell(o["pricePerMillion"]["cachedInput"])] for o in model["offers"]]
        lines.append(f"  offered at {len(rows)} endpoints (USD per million tokens):")
        lines += ["    " + r for r in _table(
            ["ENDPOINT", "PROVIDER", "COUNTRY", "INPUT", "OUTPUT", "CACHED"], rows)]
    if "endpoint" in doc:
        endpoint = doc["endpoint"]
        if lines:
            lines.append("")
        lines.append(f"endpoint {endpoint['id']}")
        for key in ("provider", "country", "region", "hipaaBaa", "fedramp", "dodImpactLevel",
                    "crossBorderRouting", "certifications", "usPersonsOnly"):
            lines.append(f"  {key}: {_fact(endpoint[key])}")
        for key, value in endpoint["dataPolicy"].items():
            lines.append(f"  dataPolicy.{key}: {_fact(value)}")
        owner = endpoint["providerFacts"]
        for key in ("name", "jurisdiction", "parentJurisdiction", "kind"):
            lines.append(f"  provider.{key}: {_fact(owner[key])}")
        lines.append(f"  sources: {_fact(endpoint['sources'])}")
        lines.append(f"  provider.sources: {_fact(owner['sources'])}")
        lines.append("  (null facts are unknown, and rules treat them as the unsafe value)")
        rows = [[o["model"], _cell(o["pricePerMillion"]["input"]),
                 _cell(o["pricePerMillion"]["output"]), _cell(o["pricePerMillion"]["cachedInput"])]
                for o in endpoint["offers"]]
        lines.append(f"  offers {len(rows)} models (USD per million tokens):")
        if rows:
            lines += ["    " + r for r in _table(["MODEL", "INPUT", "OUTPUT", "CACHED"], rows)]
    if "provider" in doc:
        provider = doc["provider"]
        if lines:
            lines.append("")
        lines.append(f"provider {provider['id']}")
        for key in ("name", "jurisdiction", "parentJurisdiction", "kind", "sources", "endpoints"):
            lines.append(f"  {key}: {_fact(provider[key])}")
    return "\n".join(lines) + "\n"


def render_json(doc: dict[str, Any]) -> str:
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


# -- import -------------------------------------------------------------------------------------

def import_doc(source: str, file: str, read: int, imported: int, skipped: dict[str, int],
               changes: Changes) -> dict[str, Any]:
    return {
        "source": source, "file": file, "entries": read, "imported": imported,
        "skipped": dict(sorted(skipped.items(), key=lambda kv: (-kv[1], kv[0]))),
        "output": changes.output, "created": changes.created,
        "asOf": {"old": changes.as_of[0], "new": changes.as_of[1]},
        "priceChanges": [{"endpoint": e, "model": m, "old": _price(a), "new": _price(b)}
                         for e, m, a, b in changes.price_changes],
        "newOffers": [{"endpoint": e, "model": m, "new": _price(p)} for e, m, p in changes.new_offers],
        "newModels": changes.new_models, "newProviders": changes.new_providers,
        "newEndpoints": changes.new_endpoints, "copiedEndpoints": changes.copied_endpoints,
        "notInSource": [{"endpoint": e, "model": m} for e, m in changes.not_in_source],
        "differs": changes.differs,
        "recognised": [{"endpoint": e, "source": m, "model": c} for e, m, c in changes.recognised],
    }


def _short(price: dict[str, Any]) -> str:
    text = f"{money(price['input'])}/{money(price['output'])}"
    return text + (f" cached {money(price['cachedInput'])}" if price["cachedInput"] is not None else "")


def _limited(title: str, items: list[str]) -> list[str]:
    if not items:
        return []
    shown = [f"  {title}: {len(items)}"] + [f"    {i}" for i in items[:LIST_LIMIT]]
    if len(items) > LIST_LIMIT:
        shown.append(f"    ... and {len(items) - LIST_LIMIT} more (--format json lists all)")
    return shown


def render_import(doc: dict[str, Any]) -> str:
    skipped = sum(doc["skipped"].values())
    lines = [f"read {doc['entries']} entries from {doc['file']} ({doc['source']}): "
             f"{doc['imported']} imported, {skipped} skipped"]
    lines += [f"  skipped {n:>5}  {reason}" for reason, n in doc["skipped"].items()]
    verb = "created" if doc["created"] else "updated"
    changed = (doc["priceChanges"] or doc["newOffers"] or doc["newModels"] or doc["newProviders"]
               or doc["newEndpoints"] or doc["asOf"]["old"] != doc["asOf"]["new"])
    if not doc["created"] and not changed:
        lines.append(f"{doc['output']}: up to date, nothing changed")
    else:
        lines.append(f"{verb} {doc['output']}: {len(doc['priceChanges'])} price changes, "
                     f"{len(doc['newOffers'])} new offers, {len(doc['newModels'])} new models, "
                     f"{len(doc['newProviders'])} new providers, {len(doc['newEndpoints'])} new endpoints")
    lines += _limited("price changes (USD per million tokens, input/output)", [
        f"{c['endpoint']}  {c['model']}  {_short(c['old'])} -> {_short(c['new'])}"
        for c in doc["priceChanges"]])
    if not doc["created"]:
        lines += _limited("new offers", [f"{c['endpoint']}  {c['model']}  {_short(c['new'])}"
                                         for c in doc["newOffers"]])
    lines += _limited("endpoints started from the merged catalog's facts", doc["copiedEndpoints"])
    lines += _limited("offers not in the source (kept; remove them by hand if withdrawn)",
                      [f"{c['endpoint']}  {c['model']}" for c in doc["notInSource"]])
    lines += _limited("facts the source states differently (kept; check them)", doc["differs"])
    lines += _limited("source names recognised as catalog models (alias table)",
                      [f"{c['endpoint']}  {c['source']} -> {c['model']}" for c in doc["recognised"]])
    old, new = doc["asOf"]["old"], doc["asOf"]["new"]
    if doc["created"]:
        lines.append(f"asOf {new}")
    elif old != new:
        lines.append(f"asOf {old} -> {new}")
    else:
        lines.append(f"asOf {old} kept: after re-checking the compliance facts, set it "
                     "(or pass --update-as-of); see CAT001")
    return "\n".join(lines) + "\n"
