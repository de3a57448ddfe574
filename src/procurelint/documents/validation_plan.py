"""Compiling a model's pydantic-core schema into a plan for the manifest fast path.

The plan is plain data (tuples, strings, numbers), so the cache can hold it and a warm run can
validate manifests without importing pydantic. It is derived from the schema pydantic itself
validates with, so the models stay the single source of truth. It only describes what the
fast path is sure to judge as pydantic does: a schema node or option it does not know becomes
DEFER, and the fast path hands any value that reaches one to pydantic.

Nodes, by their first item:
  ("defer",)                                   always ask pydantic
  ("str", min_length, max_length, pattern)     an exact str
  ("int", ge, gt, le, lt)                      an exact int (not a bool)
  ("float", ge, gt, le, lt)                    a finite float, or an int made a float
  ("bool",)                                    an exact bool
  ("literal", expected)                        one of the expected values, of the same type
  ("nullable", node)                           None, or the node
  ("list", node, min_length, max_length)       an exact list of the node
  ("after", "module:function", node)           the node, then a pydantic-free after-validator
  ("model", kind, fields)                      an exact dict of aliases, unknown keys refused;
      fields: (alias, name, node, has_default, default, default_ok)
  ("ref", name)                                the plan's definition `name`
"""

from __future__ import annotations

import importlib
from typing import Any

Node = tuple[Any, ...]
Plan = dict[str, Any]
"""{"root": Node, "definitions": {name: Node}}"""

DEFER: Node = ("defer",)

# After-validators the fast path may call: functions of these modules, which import no pydantic.
PURE_MODULES = frozenset({"procurelint.facts"})

# Keys that say nothing about validation.
_INERT = frozenset({"type", "metadata", "ref", "serialization"})
_BOUNDS = ("ge", "gt", "le", "lt")
_SCALARS = (str, int, float, bool, type(None))


def compile_schema(schema: dict[str, Any]) -> Plan:
    """The plan of a model's `__pydantic_core_schema__`."""
    definitions: dict[str, Node] = {}
    root = _node(schema, definitions)
    return {"root": root, "definitions": definitions}


def _only(schema: dict[str, Any], *allowed: str) -> bool:
    """Whether the schema node has no option beyond `allowed` (an unknown one means DEFER)."""
    return set(schema) <= _INERT | set(allowed)


def _node(schema: dict[str, Any], definitions: dict[str, Node]) -> Node:
    kind = schema.get("type")
    if schema.get("strict") is True:
        return DEFER  # strict mode refuses what lax accepts: not worth a second set of rules
    compiler = _COMPILERS.get(kind) if isinstance(kind, str) else None
    return compiler(schema, definitions) if compiler is not None else DEFER


def _str(schema: dict[str, Any], _: dict[str, Node]) -> Node:
    if not _only(schema, "min_length", "max_length", "pattern", "strict"):
        return DEFER
    pattern = schema.get("pattern")
    if pattern is not None and not isinstance(pattern, str):
        return DEFER
    return ("str", schema.get("min_length"), schema.get("max_length"), pattern)


def _number(schema: dict[str, Any], _: dict[str, Node]) -> Node:
    extra = ("allow_inf_nan",) if schema["type"] == "float" else ()
    if not _only(schema, *_BOUNDS, "strict", *extra):
        return DEFER
    bounds = tuple(schema.get(b) for b in _BOUNDS)
    if any(b is not None and type(b) not in (int, float) for b in bounds):
        return DEFER
    return (schema["type"], *bounds)


def _bool(schema: dict[str, Any], _: dict[str, Node]) -> Node:
    return ("bool",) if _only(schema, "strict") else DEFER


def _literal(schema: dict[str, Any], _: dict[str, Node]) -> Node:
    expected = schema.get("expected")
    if not _only(schema, "expected") or not isinstance(expected, list):
        return DEFER
    if not all(type(v) in _SCALARS for v in expected):
        return DEFER  # enums and the like
    return ("literal", tuple(expected))


def _nullable(schema: dict[str, Any], definitions: dict[str, Node]) -> Node:
    if not _only(schema, "schema"):
        return DEFER
    return ("nullable", _node(schema["schema"], definitions))


def _list(schema: dict[str, Any], definitions: dict[str, Node]) -> Node:
    if not _only(schema, "items_schema", "min_length", "max_length", "strict", "fail_fast"):
        return DEFER
    items = schema.get("items_schema")
    if not isinstance(items, dict):
        return DEFER
    return ("list", _node(items, definitions), schema.get("min_length"), schema.get("max_length"))


def _after(schema: dict[str, Any], definitions: dict[str, Node]) -> Node:
    function = schema.get("function")
    if not _only(schema, "function", "schema") or not isinstance(function, dict):
        return DEFER
    if function.get("type") != "no-info" or set(function) != {"type", "function"}:
        return DEFER
    name = importable_name(function["function"])
    if name is None:
        return DEFER
    return ("after", name, _node(schema["schema"], definitions))


def importable_name(function: Any) -> str | None:
    """`module:qualname` of a function of PURE_MODULES that imports back as itself, else None."""
    module = getattr(function, "__module__", None)
    qualname = getattr(function, "__qualname__", None)
    if module not in PURE_MODULES or not isinstance(qualname, str) or "." in qualname:
        return None
    if getattr(importlib.import_module(module), qualname, None) is not function:
        return None
    return f"{module}:{qualname}"


def _model(schema: dict[str, Any], definitions: dict[str, Node]) -> Node:
    if not _only(schema, "cls", "config", "custom_init", "root_model", "schema"):
        return DEFER  # post_init, generic origins, ...
    if schema.get("custom_init") or schema.get("root_model"):
        return DEFER
    config = schema.get("config") or {}
    if not set(config) <= {"extra_fields_behavior", "title", "validate_by_alias", "validate_by_name",
                           "strict"}:
        return DEFER  # str_strip_whitespace, from_attributes, ...
    if config.get("extra_fields_behavior") != "forbid" or config.get("validate_by_alias") is False:
        return DEFER
    inner = schema.get("schema")
    if not isinstance(inner, dict) or inner.get("type") != "model-fields":
        return DEFER
    if not _only(inner, "fields", "computed_fields", "model_name") or inner.get("computed_fields"):
        return DEFER
    fields = []
    for name, field in inner["fields"].items():
        compiled = _field(name, field, definitions)
        if compiled is None:
            return DEFER
        fields.append(compiled)
    aliases = [f[0] for f in fields]
    names = {f[1] for f in fields}
    if len(set(aliases)) != len(aliases) or any(a in names and a != n for a, n, *_ in fields):
        return DEFER  # an alias that is another field's name: pydantic's choice is subtle
    return ("model", schema["cls"].__name__, tuple(fields))


def _field(name: str, field: dict[str, Any], definitions: dict[str, Node]) -> tuple[Any, ...] | None:
    if field.get("type") != "model-field":
        return None
    if not _only(field, "schema", "validation_alias", "serialization_alias", "frozen",
                 "serialization_exclude"):
        return None
    alias = field.get("validation_alias", name)
    if not isinstance(alias, str):
        return None  # AliasPath, AliasChoices
    schema = field["schema"]
    if schema.get("type") != "default":
        return (alias, name, _node(schema, definitions), False, None, False)
    if not _only(schema, "schema", "default", "validate_default") or schema.get("validate_default"):
        return (alias, name, _node(schema["schema"], definitions), True, None, False)
    default = schema["default"]
    plain = type(default) in _SCALARS or (
        type(default) is list and all(type(v) in _SCALARS for v in default))
    return (alias, name, _node(schema["schema"], definitions), True, default if plain else None, plain)


def _definitions(schema: dict[str, Any], definitions: dict[str, Node]) -> Node:
    if not _only(schema, "schema", "definitions"):
        return DEFER
    for definition in schema["definitions"]:
        definitions[definition["ref"]] = DEFER  # placeholder while compiling (recursion)
        definitions[definition["ref"]] = _node(definition, definitions)
    return _node(schema["schema"], definitions)


def _definition_ref(schema: dict[str, Any], _: dict[str, Node]) -> Node:
    ref = schema.get("schema_ref")
    return ("ref", ref) if _only(schema, "schema_ref") and isinstance(ref, str) else DEFER


_COMPILERS = {
    "str": _str, "int": _number, "float": _number, "bool": _bool, "literal": _literal,
    "nullable": _nullable, "list": _list, "function-after": _after, "model": _model,
    "definitions": _definitions, "definition-ref": _definition_ref,
}
