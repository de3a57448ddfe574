"""OpenRouter `GET /api/v1/models`: model-level prices, as offers of the `openrouter` endpoint.

OpenRouter's model ids are already catalog model slugs. Its listed price is the model's price
at OpenRouter (the lowest across its upstreams); which upstream serves a call is decided by
routing, so the `openrouter` endpoint (provider `openrouter`, an aggregator) carries them.

Skipped, and counted by reason: aliases (`~vendor/x-latest`, or `alias_target`), models that do
not take and produce text, dynamically priced routers (price "-1"), `:free` variants (rate
limited and under other data terms than the paid model), `:batch` variants (asynchronous batch
prices), entries priced at zero, and entries without a usable price.
"""

from __future__ import annotations

import datetime as dt

from pathlib import Path
from typing import Any

from procurelint.catalog_import.entries import (
    data_rows,
    price_skip_reason,
    Imported,
    estimate_capability,
    per_million,
    price,
    unknown_endpoint,
    valid_id,
)
from procurelint.documents.models.catalog_model import Model, Offer, Provider

ENDPOINT = "openrouter"
PROVIDER = "openrouter"
SOURCE = "openrouter.ai/api/v1/models"


def read(path: Path, display: str) -> Imported:
    """Read a models response into models and offers of the `openrouter` endpoint."""
    rows = data_rows(path, display, "/api/v1/models")
    result = Imported(source="openrouter", file=display)
    offers: list[Offer] = []
    for row in rows:
        result.read += 1
        reason = _skip_reason(row)
        if reason is not None:
            result.skip(reason)
            continue
        pricing = row["pricing"]
        input_ = per_million(pricing["prompt"])
        output = per_million(pricing["completion"])
        assert input_ is not None and output is not None  # checked by _skip_reason
        cached = per_million(pricing.get("input_cache_read"))
        model_id: str = row["id"]
        offers.append(Offer(model=model_id, price_per_million=price(input_, output, cached)))
        result.models[model_id] = _model(row, output, result)
        result.imported += 1
    result.require_entries("an OpenRouter /api/v1/models response")
    result.as_of = _newest_created(rows)
    result.providers[PROVIDER] = Provider(
        id=PROVIDER, name="OpenRouter", jurisdiction=None, parent_jurisdiction=None,
        kind="aggregator", sources=["openrouter.ai/docs"],
    )
    result.endpoints[ENDPOINT] = unknown_endpoint(
        ENDPOINT, PROVIDER, sorted(offers, key=lambda o: o.model), [SOURCE], region="default routing",
    )
    note = result.note("endpoint", ENDPOINT)
    note.before_offers = [
        "OpenRouter's model-level prices (the lowest across upstreams; the upstream that serves",
        "a call may charge more). Base prices only: tiered `overrides` are not imported.",
    ]
    return result


def _newest_created(rows: list[Any]) -> dt.date | None:
    """The day the newest model of the response was added: the response is at least that
    recent, and OpenRouter's responses carry no date of their own."""
    stamps = [row["created"] for row in rows if isinstance(row, dict)
              and isinstance(row.get("created"), int) and not isinstance(row.get("created"), bool)
              and 0 < row["created"] < 32503680000]  # before the year 3000
    if not stamps:
        return None
    return dt.datetime.fromtimestamp(max(stamps), dt.timezone.utc).date()


def _skip_reason(row: Any) -> str | None:
    if not isinstance(row, dict) or not valid_id(row.get("id")):
        return "no usable id"
    model_id: str = row["id"]
    if model_id.startswith("~") or row.get("alias_target"):
        return "alias"
    architecture = row.get("architecture") or {}
    inputs = architecture.get("input_modalities") or []
    outputs = architecture.get("output_modalities") or []
    if "text" not in inputs or "text" not in outputs:
        return "not a chat model"
    pricing = row.get("pricing")
    if not isinstance(pricing, dict):
        return "no price"
    if pricing.get("prompt") == "-1" or pricing.get("completion") == "-1":
        return "dynamic price (router)"
    if model_id.endswith(":free"):
        return "free variant"
    if model_id.endswith(":batch"):
        return "batch variant"
    return price_skip_reason(pricing.get("prompt"), pricing.get("completion"))


def _model(row: dict[str, Any], output: Any, result: Imported) -> Model:
    model_id: str = row["id"]
    author = model_id.split("/", 1)[0]
    given = row.get("name")
    full = given if isinstance(given, str) and given else model_id
    developer, sep, name = full.partition(": ")
    if not sep:
        developer, name = author, full
    capability, why = estimate_capability(output)
    hugging_face = row.get("hugging_face_id")
    note = result.note("model", model_id)
    note.eol["capability"] = why
    if hugging_face:
        note.eol["openWeights"] = f"hugging_face_id {hugging_face}"
    return Model(
        id=model_id, name=name, developer=developer, developer_jurisdiction=None,
        open_weights=True if hugging_face else None, capability=capability, restrictions=[],
        sources=[SOURCE],
    )
