"""Published JSON Schemas: generated from the models, committed, and checked for drift."""

from __future__ import annotations

import json

import jsonschema
import pytest

from procurelint.documents.models import KINDS
from procurelint.documents.schemas import schema_of, schema_text
from tests.conftest import REPO


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_committed_schema_matches_the_models(kind: str) -> None:
    committed = (REPO / "schemas" / f"{kind}.schema.json").read_text(encoding="utf-8")
    assert committed == schema_text(kind), (
        f"schemas/{kind}.schema.json is stale: run `procurelint schema {kind} > schemas/{kind}.schema.json`"
    )


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_schema_is_valid_draft_2020_12(kind: str) -> None:
    jsonschema.Draft202012Validator.check_schema(schema_of(kind))


def test_schema_rejects_unknown_keys_like_the_models() -> None:
    schema = schema_of("AgentManifest")
    doc = {
        "apiVersion": "procurelint/v1", "kind": "AgentManifest",
        "metadata": {"name": "a", "team": "t", "owner": "o"},
        "spec": {"workflows": [{"name": "w", "runsPerMonth": 1, "dataClasses": ["public"],
                                "dataClases": ["phi"],
                                "steps": [{"name": "s", "model": "m", "endpoint": "e"}]}]},
    }
    errors = list(jsonschema.Draft202012Validator(schema).iter_errors(doc))
    assert any("dataClases" in e.message for e in errors)


def test_schema_cli_prints_the_same_schema(cli) -> None:
    run = cli("schema", "Policy")
    assert run.code == 0
    assert json.loads(run.stdout) == schema_of("Policy")


def test_schema_cli_unknown_kind_exits_2(cli) -> None:
    run = cli("schema", "Nope")
    assert run.code == 2
    assert "AgentManifest" in run.stderr


def _properties(node: object, where: str = "") -> list[tuple[str, dict]]:
    """Every property schema in a schema, with where it is."""
    found: list[tuple[str, dict]] = []
    if isinstance(node, dict):
        for name, prop in (node.get("properties") or {}).items():
            found.append((f"{where}.{name}", prop))
        for key, value in node.items():
            if key != "properties":
                found += _properties(value, f"{where}.{key}" if key != "$defs" else where)
            else:
                for name, prop in value.items():
                    found += _properties(prop, f"{where}.{name}")
    elif isinstance(node, list):
        for item in node:
            found += _properties(item, where)
    return found


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_field_has_a_description_and_its_key_as_title(kind: str) -> None:
    props = _properties(schema_of(kind))
    assert props
    missing = [where for where, prop in props if not prop.get("description")]
    assert missing == [], f"fields without a description: {missing}"
    for where, prop in props:
        assert prop["title"] == where.rsplit(".", 1)[1], where
        assert "\n" not in prop["description"], where


def test_the_schema_says_cached_input_is_billed_in_addition_to_input() -> None:
    tokens = schema_of("AgentManifest")["$defs"]["Tokens"]["properties"]
    assert "in addition to the `input` tokens" in tokens["cachedInput"]["description"]
    price = schema_of("Catalog")["$defs"]["Price"]["properties"]
    assert "in addition to its input tokens" in price["cachedInput"]["description"]
