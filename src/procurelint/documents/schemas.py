"""JSON Schemas of the document kinds, generated from the models (schemas/ holds them)."""

from __future__ import annotations

import json
from typing import Any

from procurelint.documents.envelope import SCHEMA_BASE
from procurelint.errors import ConfigError
from procurelint.documents.models import KINDS


def schema_of(kind: str) -> dict[str, Any]:
    model = KINDS.get(kind)
    if model is None:
        raise ConfigError(f"unknown kind {kind!r}; kinds: {', '.join(sorted(KINDS))}")
    schema: dict[str, Any] = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"{SCHEMA_BASE}{kind}.schema.json",
    }
    schema.update(model.model_json_schema(by_alias=True))  # type: ignore[attr-defined]
    flat: dict[str, Any] = _one_line_descriptions(schema)
    return flat


def _one_line_descriptions(node: Any) -> Any:
    """Descriptions come from docstrings wrapped in the source: one line each in the schema."""
    if isinstance(node, dict):
        return {k: " ".join(v.split()) if k == "description" and isinstance(v, str)
                else _one_line_descriptions(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_one_line_descriptions(v) for v in node]
    return node


def schema_text(kind: str) -> str:
    return json.dumps(schema_of(kind), indent=2, sort_keys=False, ensure_ascii=False) + "\n"
