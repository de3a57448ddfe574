"""LiteLLM `model_prices_and_context_window.json`: per-token prices of many providers.

Mapping (documented in docs/catalog.md):

- one endpoint `litellm/<litellm_provider>` per provider, whose provider is the legal entity
  the built-in catalog knows when the LiteLLM name is unambiguous (PROVIDER_IDS), else a
  provider `litellm/<litellm_provider>` about which nothing is known;
- the model id is the LiteLLM key as written (`gpt-4o`, `deepinfra/anthropic/claude-fable-5`):
  the name a LiteLLM user already has (writing the import turns the names the alias table
  knows as built-in models into their catalog ids: `update._recognise`);
- prices are the base tier: `input_cost_per_token`, `output_cost_per_token`, and the cache-read
  price (`cache_read_input_token_cost`, else `input_cost_per_token_cache_hit`). Batch,
  priority, flex and long-context (`*_above_*_tokens`) prices are not imported.

Chat models are modes `chat` and `responses` (the same models behind the Responses API).
Skipped, and counted by reason: the documentation entry, entries that are not models, aliases,
other modes, region and data-zone variants (their residency is a fact of their own endpoint,
which the file does not describe), commitment (provisioned throughput) prices, entries
without a price, and entries priced at zero (free or not priced: the file does not say which).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from pathlib import Path
from typing import Any

from procurelint.catalog_import.entries import (
    price_skip_reason,
    Imported,
    estimate_capability,
    per_million,
    price,
    read_json,
    unknown_endpoint,
    valid_id,
)
from procurelint.errors import ConfigError, Location
from procurelint.documents.models.catalog_model import Model, Offer, Provider

SOURCE = "LiteLLM model_prices_and_context_window.json"
CHAT_MODES = frozenset({"chat", "responses"})

# LiteLLM provider -> catalog provider id, only where the LiteLLM name leaves no doubt about
# the legal entity. Other providers get `litellm/<name>` and unknown facts.
PROVIDER_IDS: dict[str, str] = {
    "openai": "openai",
    "anthropic": "anthropic",
    "deepseek": "deepseek",
    "mistral": "mistral",
    "codestral": "mistral",
    "bedrock": "aws",
    "bedrock_converse": "aws",
    "bedrock_mantle": "aws",
    "azure": "microsoft",
    "azure_ai": "microsoft",
    "gemini": "google",
    "vertex_ai": "google",
    "together_ai": "together",
    "fireworks_ai": "fireworks",
    "groq": "groq",
    "cerebras": "cerebras",
    "deepinfra": "deepinfra",
    "baseten": "baseten",
}
# Routers and gateways: the upstream serving a call is chosen per request.
AGGREGATORS = frozenset({"openrouter", "vercel_ai_gateway", "clf_ai_gateway", "hostinger_router",
                         "aihubmix", "github_copilot"})

_AWS_REGION = r"(?:[a-z]{2}(?:-gov)?-[a-z]+-\d+|\*)"
_REGIONAL = (
    re.compile(rf"^(?:bedrock|bedrock_mantle)/{_AWS_REGION}/"),             # Bedrock regions
    re.compile(r"^(?:bedrock/)?(?:us|eu|apac|jp|au|ca|global|us-gov)\."),   # inference profiles
    re.compile(r"^azure(?:_ai)?/(?:us|eu|global)/"),                         # Azure data zones
)
_COMMITMENT = re.compile(r"\d+-month-commitment/")


def read(path: Path, display: str) -> Imported:
    """Read the LiteLLM price file into models, providers and `litellm/*` endpoints."""
    data = read_json(path, display)
    if not isinstance(data, dict):
        raise ConfigError(
            "expected LiteLLM's model_prices_and_context_window.json: an object of model entries",
            Location(display, 1, 1),
        )
    result = Imported(source="litellm", file=display)
    offers: dict[str, list[Offer]] = defaultdict(list)
    for key, entry in data.items():
        result.read += 1
        reason = _skip_reason(key, entry)
        if reason is not None:
            result.skip(reason)
            continue
        input_ = per_million(entry["input_cost_per_token"])
        output = per_million(entry["output_cost_per_token"])
        assert input_ is not None and output is not None  # checked by _skip_reason
        cached = per_million(entry.get("cache_read_input_token_cost"))
        if cached is None:
            cached = per_million(entry.get("input_cost_per_token_cache_hit"))
        provider: str = _provider_family(entry["litellm_provider"])
        retires, retires_source = _deprecation(entry)
        offers[provider].append(Offer(model=key, price_per_million=price(input_, output, cached),
                                      retires=retires, retires_source=retires_source))
        sources = [SOURCE]
        if isinstance(entry.get("source"), str) and entry["source"].strip():
            sources.append(entry["source"].strip())
        capability, why = estimate_capability(output)
        result.models[key] = Model(
            id=key, name=key, developer="unknown", developer_jurisdiction=None, open_weights=None,
            capability=capability, restrictions=[], sources=sources,
        )
        note = result.note("model", key)
        note.eol["capability"] = why
        result.imported += 1
    result.require_entries("LiteLLM's model_prices_and_context_window.json")
    for family in sorted(offers):
        _add_endpoint(result, family, offers[family])
    return result


def _deprecation(entry: dict[str, Any]) -> tuple[dt.date | None, str | None]:
    """LiteLLM's `deprecation_date` (and `deprecation_source`): when the provider stops serving
    the model. A value that is not a date is ignored, as if absent."""
    raw = entry.get("deprecation_date")
    try:
        day = dt.date.fromisoformat(raw) if isinstance(raw, str) else None
    except ValueError:
        return None, None
    if day is None:
        return None, None
    source = entry.get("deprecation_source")
    where = source.strip() if isinstance(source, str) and source.strip() else None
    return day, f"{SOURCE} deprecation_date" + (f" ({where})" if where else "")


def _provider_family(name: str) -> str:
    """LiteLLM splits Vertex AI by model family (`vertex_ai-anthropic_models`); one endpoint."""
    return "vertex_ai" if name.startswith("vertex_ai") else name


def _skip_reason(key: str, entry: Any) -> str | None:
    if key == "sample_spec":
        return "documentation entry"
    if not isinstance(entry, dict):
        return "not a model entry"
    if "alias_of" in entry:
        return "alias"
    provider = entry.get("litellm_provider")
    if not isinstance(provider, str) or not provider:
        return "not a model entry"
    if entry.get("mode") not in CHAT_MODES:
        return "not a chat model"
    if not valid_id(key) or not valid_id(f"litellm/{provider}"):
        return "no usable id"
    if _COMMITMENT.search(key):
        return "commitment price"
    if any(p.match(key) for p in _REGIONAL):
        return "regional variant"
    return price_skip_reason(entry.get("input_cost_per_token"), entry.get("output_cost_per_token"))


def _add_endpoint(result: Imported, family: str, offers: list[Offer]) -> None:
    endpoint_id = f"litellm/{family}"
    provider_id = PROVIDER_IDS.get(family, endpoint_id)
    if provider_id == endpoint_id:
        aggregator = family in AGGREGATORS
        result.providers[provider_id] = Provider(
            id=provider_id, name=f"{family} (LiteLLM provider name)", jurisdiction=None,
            parent_jurisdiction=None, kind="aggregator" if aggregator else "cloud",
            sources=[f"{SOURCE} (litellm_provider {family})"],
        )
        note = result.note("provider", provider_id)
        note.eol["kind"] = ("a router or gateway" if aggregator
                            else "assumed: the source does not say")
        note.eol["jurisdiction"] = "legal entity not in the source"
    result.endpoints[endpoint_id] = unknown_endpoint(
        endpoint_id, provider_id, sorted(offers, key=lambda o: o.model),
        [f"{SOURCE} (litellm_provider {family})"],
    )
    result.note("endpoint", endpoint_id).before_offers = [
        f"LiteLLM's `{family}` prices, base tier only (no batch, priority, flex or long-context",
        "prices). Serving facts are not in the file: null means unknown and is treated as unsafe.",
    ]
