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
