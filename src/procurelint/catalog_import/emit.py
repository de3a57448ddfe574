"""YAML text of catalog entries, in the layout of the built-in catalog.

Written by hand rather than by a YAML library: a LiteLLM import holds thousands of entries, and
ruamel.yaml's emitter alone would take longer than the whole import may. Every value goes
through `scalar`, which quotes whatever YAML 1.2 could read as anything but the string meant;
the result is parsed and validated before it is written (see update.py).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable
from typing import Any

from procurelint.catalog_import.entries import Commented, money
from procurelint.documents.models.catalog_model import Endpoint, Model, Offer, Price, Provider
from procurelint.documents.yamlio import resolve_plain

COMMENT_COLUMN = 36
_PLAIN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/-]*$")


def scalar(value: Any) -> str:
    """One value as a YAML 1.2 scalar that reads back as the same value."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return number(value)
    text = str(value)
    if _PLAIN.match(text) and resolve_plain(text) == text:
        return text
    return json.dumps(text, ensure_ascii=False)


def number(value: float) -> str:
    """A price without exponent, and with a decimal point so that it reads as a float."""
    text = money(value)
    return text if "." in text else text + ".0"


def flow_list(values: Iterable[Any]) -> str:
    return "[" + ", ".join(scalar(v) for v in values) + "]"


def price_flow(price: Price) -> str:
    parts = [f"input: {number(price.input)}", f"output: {number(price.output)}"]
    if price.cached_input is not None:
        parts.append(f"cachedInput: {number(price.cached_input)}")
    return "{" + ", ".join(parts) + "}"


def data_policy_flow(policy: Any) -> str:
    text = (f"{{trainsOnInputs: {scalar(policy.trains_on_inputs)}, "
            f"retentionDays: {scalar(policy.retention_days)}")
    if getattr(policy, "min_retention_days", 0):
        text += f", minRetentionDays: {scalar(policy.min_retention_days)}"
    return text + "}"


def offer_flow(offer: Offer) -> str:
    text = f"{{model: {scalar(offer.model)}, pricePerMillion: {price_flow(offer.price_per_million)}"
    if getattr(offer, "data_policy", None) is not None:
        text += f", dataPolicy: {data_policy_flow(offer.data_policy)}"
    if offer.retires is not None:
        text += f", retires: {scalar(offer.retires.isoformat())}"
        if offer.retires_source:
            text += f", retiresSource: {scalar(offer.retires_source)}"
    return text + "}"


def _line(indent: str, key: str, text: str, comment: str | None = None) -> str:
    line = f"{indent}{key}: {text}"
    if comment:
        line = line.ljust(COMMENT_COLUMN - 1) + " # " + comment
    return line


def _entry(fields: list[tuple[str, str]], comments: Commented | None) -> list[str]:
    """A block mapping as an item of a `spec` section: `- key: value`, then the other keys."""
    eol = comments.eol if comments else {}
    return [_line("    - " if i == 0 else "      ", key, text, eol.get(key))
            for i, (key, text) in enumerate(fields)]


def model_lines(model: Model, comments: Commented | None) -> list[str]:
    fields = [
        ("id", scalar(model.id)), ("name", scalar(model.name)),
        ("developer", scalar(model.developer)),
        ("developerJurisdiction", scalar(model.developer_jurisdiction)),
        ("openWeights", scalar(model.open_weights)), ("capability", scalar(model.capability)),
    ]
    if model.restrictions:
        fields.append(("restrictions", flow_list(model.restrictions)))
    fields.append(("sources", flow_list(model.sources)))
    return _entry(fields, comments)


def provider_lines(provider: Provider, comments: Commented | None) -> list[str]:
    return _entry([
        ("id", scalar(provider.id)), ("name", scalar(provider.name)),
        ("jurisdiction", scalar(provider.jurisdiction)),
        ("parentJurisdiction", scalar(provider.parent_jurisdiction)),
        ("kind", scalar(provider.kind)),
        *([("restrictions", "null" if provider.restrictions is None else flow_list(provider.restrictions))]
          if getattr(provider, "restrictions", []) != [] else []),
        ("sources", flow_list(provider.sources)),
    ], comments)


def endpoint_lines(endpoint: Endpoint, comments: Commented | None) -> list[str]:
    policy = endpoint.data_policy
    fields = [
        ("id", scalar(endpoint.id)), ("provider", scalar(endpoint.provider)),
        ("country", scalar(endpoint.country)), ("region", scalar(endpoint.region)),
        ("hipaaBaa", scalar(endpoint.hipaa_baa)), ("fedramp", scalar(endpoint.fedramp)),
        ("dodImpactLevel", scalar(endpoint.dod_impact_level)),
        ("crossBorderRouting", scalar(endpoint.cross_border_routing)),
        *([("servingCountries", flow_list(endpoint.serving_countries or []))]
          if getattr(endpoint, "serving_countries", None) is not None else []),
        ("certifications", flow_list(endpoint.certifications)),
        ("usPersonsOnly", scalar(endpoint.us_persons_only)),
        ("dataPolicy", data_policy_flow(policy)),
    ]
    lines = _entry(fields, comments)
    for note in comments.before_offers if comments else []:
        lines.append(f"      # {note}")
    if endpoint.offers:
        lines.append("      offers:")
        lines.extend(f"        - {offer_flow(o)}" for o in endpoint.offers)
    else:
        lines.append("      offers: []")
    lines.append(f"      sources: {flow_list(endpoint.sources)}")
    return lines


def catalog_text(header: list[str], name: str, as_of: dt.date, description: str,
                 sections: dict[str, list[str]]) -> str:
    """A whole catalog file: header comment, envelope, and the entry lines of each section."""
    lines = [f"# {h}".rstrip() for h in header]
    lines += [
        "apiVersion: procurelint/v1", "kind: Catalog", "metadata:", f"  name: {scalar(name)}",
        f'  asOf: "{as_of.isoformat()}"', f"  description: {scalar(description)}", "spec:",
    ]
    for key in ("models", "providers", "endpoints"):
        body = sections.get(key) or []
        lines.append(f"  {key}:" if body else f"  {key}: []")
        lines.extend(body)
    return "\n".join(lines) + "\n"
