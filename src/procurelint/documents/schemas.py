"""JSON Schemas of the document kinds, generated from the models (schemas/ holds them)."""

from __future__ import annotations

import json
from typing import Any

from procurelint.errors import ConfigError
from procurelint.documents.models import KINDS


def schema_of(kind: str) -> dict[str, Any]:
    model = KINDS.get(kind)
    if model is None:
        raise ConfigError(f"unknown kind {kind!r}; kinds: {', '.join(sorted(KINDS))}")
    schema: dict[str, Any] = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"https://procurelint.dev/schemas/{kind}.schema.json",
    }
    schema.update(model.model_json_schema(by_alias=True))  # type: ignore[attr-defined]
    return schema


def schema_text(kind: str) -> str:
    return json.dumps(schema_of(kind), indent=2, sort_keys=False, ensure_ascii=False) + "\n"
