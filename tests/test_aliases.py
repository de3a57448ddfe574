"""The alias table: the names each source gives a model or endpoint, resolved to catalog ids."""

from __future__ import annotations

from pathlib import Path

import pytest

from procurelint.policy.aliases import alias_table
from procurelint.policy.config import load_config


@pytest.fixture(scope="module")
def ids(tmp_path_factory: pytest.TempPathFactory) -> tuple[set[str], set[str]]:
    catalog = load_config(None, Path(tmp_path_factory.mktemp("empty")), search=False).catalog
    return set(catalog.models), set(catalog.endpoints)


@pytest.mark.parametrize(("literal", "route", "model", "endpoint"), [
    # LiteLLM keys: route prefix, dated snapshot, Claude's version with a dash
    ("anthropic/claude-haiku-4-5-20251001", "litellm", "anthropic/claude-haiku-4.5", "anthropic/api"),
    ("together_ai/meta-llama/Llama-4-Maverick-17B-128E-Instruct-FP8", "litellm",
     "meta-llama/llama-4-maverick", "together/api"),
    ("groq/llama-3.3-70b-versatile", "litellm", "meta-llama/llama-3.3-70b-instruct", "groq/api"),
    ("gpt-5-mini", "litellm", "openai/gpt-5-mini", "openai/api"),  # bare OpenAI name
    # Bedrock ids: inference profile, vendor prefix, version suffix, converse route
    ("bedrock/eu.anthropic.claude-sonnet-4-5-20250929-v1:0", "litellm", "anthropic/claude-sonnet-4.5",
     "aws-bedrock/eu-central-1"),
    ("global.anthropic.claude-opus-4-6-v1", "bedrock", "anthropic/claude-opus-4.6", "aws-bedrock/global"),
    ("bedrock/converse/apac.anthropic.claude-3-7-sonnet-20250219-v1:0", "litellm",
     "anthropic/claude-3.7-sonnet", None),  # no catalog endpoint for the APAC profile
    ("meta.llama3-3-70b-instruct-v1:0", "bedrock", "meta-llama/llama-3.3-70b-instruct", None),
    # OpenRouter slugs are catalog ids; Vertex names carry @dates and -00N versions
    ("anthropic/claude-sonnet-4.6", "openrouter", "anthropic/claude-sonnet-4.6", "openrouter"),
    ("claude-sonnet-4-5@20250929", "vertex_ai", "anthropic/claude-sonnet-4.5", None),
    ("gemini-2.5-flash-001", "vertex_ai", "google/gemini-2.5-flash", None),
    # irregular names from the table's `models`
    ("deepseek-chat", "deepseek", "deepseek/deepseek-v3.2", "deepseek/api"),
    # not resolved: a name that moves, a wildcard, a local alias
    ("claude-3-7-sonnet-latest", "anthropic", None, "anthropic/api"),
    ("fireworks_ai/*", "litellm", None, None),
    ("opus", "anthropic", None, "anthropic/api"),
])
def test_resolve(ids: tuple[set[str], set[str]], literal: str, route: str, model: str | None,
                 endpoint: str | None) -> None:
    resolution = alias_table().resolve(literal, route, *ids)
    assert (resolution.model, resolution.endpoint) == (model, endpoint), resolution.note


def test_bedrock_region_of_the_client(ids: tuple[set[str], set[str]]) -> None:
    resolution = alias_table().resolve("anthropic.claude-3-7-sonnet-20250219-v1:0", "bedrock", *ids,
                                       region="us-west-2")
    assert resolution.endpoint == "aws-bedrock/us-west-2"


@pytest.mark.parametrize(("url", "route"), [
    ("https://openrouter.ai/api/v1", "openrouter"), ("https://api.together.xyz/v1", "together_ai"),
    ("http://localhost:4000", "local"), ("http://gateway:4000/v1", "local"),
    ("https://my-res.openai.azure.com/", "azure"), ("https://example.com/v1", None),
])
def test_route_of_a_base_url(url: str, route: str | None) -> None:
    assert alias_table().route_of_url(url) == route


def test_every_alias_target_is_a_catalog_id(ids: tuple[set[str], set[str]]) -> None:
    table = alias_table()
    models, endpoints = ids
    assert set(table.models.values()) <= models
    assert {r.endpoint for r in table.routes.values() if r.endpoint} <= endpoints
    assert set(table.bedrock_profiles.values()) <= endpoints
