"""OpenRouter `GET /api/v1/providers`: the upstreams behind OpenRouter, with where they are.

Each provider becomes a provider entry (`headquarters` is its jurisdiction) and an endpoint
`<slug>/openrouter`: that provider serving as an OpenRouter upstream, for routing pins. The
endpoint's country is the one datacenter country when exactly one is listed; with several (or
none) it stays null, and so does cross-border routing: the list says where a provider has
datacenters, not which one serves a request. The file has no prices, so the endpoints carry no
offers until you add them.

A few OpenRouter slugs name a legal entity the built-in catalog knows by another id; those are
mapped (PROVIDER_IDS) so that agreements such as a signed BAA apply to them.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from procurelint.catalog_import.entries import (
    data_rows,
    Imported,
    unknown_endpoint,
    valid_id,
)
from procurelint.documents.models.catalog_model import Provider

SOURCE = "openrouter.ai/api/v1/providers"

# OpenRouter slug -> catalog provider id, where the built-in catalog names the same entity.
PROVIDER_IDS: dict[str, str] = {
    "amazon-bedrock": "aws",
    "azure": "microsoft",
    "google-vertex": "google",
    "google-ai-studio": "google",
    "moonshotai": "moonshot",
    "z-ai": "zai",
}

_COUNTRY = re.compile(r"^[A-Z]{2}$")


def read(path: Path, display: str) -> Imported:
    """Read a providers response into providers and their OpenRouter upstream endpoints."""
    rows = data_rows(path, display, "/api/v1/providers")
    result = Imported(source="openrouter-providers", file=display)
    for row in rows:
        result.read += 1
        if not isinstance(row, dict) or not valid_id(row.get("slug")):
            result.skip("no usable slug")
            continue
        slug: str = row["slug"]
        provider_id = PROVIDER_IDS.get(slug, slug)
        headquarters = _country(row.get("headquarters"))
        sources = [f"{SOURCE} ({slug})"] + [
            str(row[key]) for key in ("privacy_policy_url", "terms_of_service_url")
            if isinstance(row.get(key), str) and row[key]
        ]
        given = row.get("name")
        name = given if isinstance(given, str) and given else slug
        if provider_id not in result.providers:
            result.providers[provider_id] = Provider(
                id=provider_id, name=name, jurisdiction=headquarters, parent_jurisdiction=None,
                kind="cloud", sources=sources,
            )
            note = result.note("provider", provider_id)
            note.eol["kind"] = "assumed: the source does not say"
            note.eol["parentJurisdiction"] = "not in the source"
            if headquarters is None:
                note.eol["jurisdiction"] = "no headquarters in the source"
        endpoint_id = f"{slug}/openrouter"
        centres = [c for c in (_country(c) for c in row.get("datacenters") or []) if c]
        country = centres[0] if len(set(centres)) == 1 else None
        result.endpoints[endpoint_id] = unknown_endpoint(
            endpoint_id, provider_id, [], sources, country=country, region=None,
        )
        note = result.note("endpoint", endpoint_id)
        if len(set(centres)) > 1:
            places = ", ".join(sorted(set(centres)))
            note.eol["country"] = f"datacenters in {places}: which serves is not stated"
            note.eol["crossBorderRouting"] = "several datacenter countries"
        elif not centres:
            note.eol["country"] = "no datacenters in the source"
        else:
            note.eol["country"] = "the one datacenter country in the source"
        note.before_offers = [f"{name} as an OpenRouter upstream: the source gives no prices."]
        result.imported += 1
    result.require_entries("an OpenRouter /api/v1/providers response")
    return result


def _country(value: Any) -> str | None:
    return value if isinstance(value, str) and _COUNTRY.match(value) else None
