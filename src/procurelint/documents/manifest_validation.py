"""Validating manifests without pydantic when the answer is certain.

Importing pydantic and the document models costs more than checking a small repository, and
almost every manifest a gate sees is valid. So manifests are first checked against a plan
compiled from the `AgentManifest` model's own pydantic-core schema (`procurelint.documents.validation_plan`,
cached with the built-in data) and built straight into records, exactly as pydantic would
build them: an int in a float field becomes a float, missing fields take their defaults,
lists are copied. Anything the plan is not sure of (a wrong type, a value pydantic would
coerce such as "5" or "yes", an unknown or missing key, a failed constraint) makes the fast
path give up, and pydantic validates the manifest and words its errors, as it always has.
"""

from __future__ import annotations

import importlib
import importlib.util
import math
import os
import re
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from procurelint.documents.validation_plan import Node, Plan
from procurelint.documents.records import Record
from procurelint.documents.cache import cached

Check = Callable[[Any], Any]
"""check(value): the validated value, or raises _Unsure."""

# Floats hold every int of at most this size exactly; pydantic's conversion of larger ones is
# not worth matching.
_EXACT_INT = 2**53


class _Unsure(Exception):
    """The fast path cannot vouch for a value: pydantic must judge it."""


_UNSURE = _Unsure()


def compile_checks(plan: Plan) -> Check:
    """The validator of a plan: a tree of small functions, built once per run."""
    built: dict[str, Check] = {}

    def resolve(name: str) -> Check:
        def check(value: Any) -> Any:
            return built[name](value)
        return check

    for name, node in plan["definitions"].items():
        built[name] = _build(node, resolve)
    return _build(plan["root"], resolve)


def _build(node: Node, resolve: Callable[[str], Check]) -> Check:
    tag = node[0]
    if tag == "model":
        return _model(node, resolve)
    if tag == "list":
        return _list(node, resolve)
    if tag == "nullable":
        inner = _build(node[1], resolve)
        return lambda value: None if value is None else inner(value)
    if tag == "after":
        return _after(node, resolve)
    if tag == "ref":
        return resolve(node[1])
    simple = _SIMPLE.get(tag)
    return simple(node) if simple is not None else _defer


def _defer(value: Any) -> Any:
    raise _UNSURE


def _str(node: Node) -> Check:
    _, shortest, longest, pattern = node
    search = re.compile(pattern).search if pattern is not None else None
    passed: set[str] = set()
    """Texts that passed: most recur from manifest to manifest (ids of models, endpoints,
    classes), and their check is a function of the text alone."""

    def check(value: Any) -> Any:
        if value.__class__ is not str:
            raise _UNSURE
        if value in passed:
            return value
        if (shortest is not None and len(value) < shortest) or (
                longest is not None and len(value) > longest):
            raise _UNSURE
        if value.isascii():
            # pydantic-core matches patterns with Rust's regex engine; on printable ASCII
            # text Python's `re` agrees with it (`$`, `\S` and classes differ beyond that).
            if search is not None and not (value.isprintable() and search(value)):
                raise _UNSURE
        elif search is not None or not _encodable(value):
            raise _UNSURE
        if len(passed) < _REMEMBERED:
            passed.add(value)
        return value
    return check


_REMEMBERED = 4096
"""Texts each string check remembers: a bound, as names that do not recur would only grow it."""


def _encodable(text: str) -> bool:
    """Whether text is valid Unicode (a lone surrogate is not: pydantic-core refuses it)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _within(value: float, ge: Any, gt: Any, le: Any, lt: Any) -> bool:
    return ((ge is None or value >= ge) and (gt is None or value > gt)
            and (le is None or value <= le) and (lt is None or value < lt))


def _int(node: Node) -> Check:
    _, ge, gt, le, lt = node

    def check(value: Any) -> Any:
        if value.__class__ is not int or not _within(value, ge, gt, le, lt):
            raise _UNSURE
        return value
    return check


def _float(node: Node) -> Check:
    _, ge, gt, le, lt = node

    def check(value: Any) -> Any:
        kind = value.__class__
        if kind is int and -_EXACT_INT <= value <= _EXACT_INT:
            value = float(value)
        elif kind is not float or not math.isfinite(value):
            raise _UNSURE
        if not _within(value, ge, gt, le, lt):
            raise _UNSURE
        return value
    return check


def _bool(node: Node) -> Check:
    def check(value: Any) -> Any:
        if value.__class__ is not bool:
            raise _UNSURE
        return value
    return check


def _literal(node: Node) -> Check:
    allowed = {(v.__class__, v) for v in node[1]}
    scalars = {v.__class__ for v in node[1]}

    def check(value: Any) -> Any:
        if value.__class__ not in scalars or (value.__class__, value) not in allowed:
            raise _UNSURE
        return value
    return check


def _list(node: Node, resolve: Callable[[str], Check]) -> Check:
    _, items, shortest, longest = node
    item = _build(items, resolve)

    def check(value: Any) -> Any:
        if value.__class__ is not list:
            raise _UNSURE
        if (shortest is not None and len(value) < shortest) or (
                longest is not None and len(value) > longest):
            raise _UNSURE
        return [item(v) for v in value]
    return check


def _after(node: Node, resolve: Callable[[str], Check]) -> Check:
    _, name, inner_node = node
    module, _, function_name = name.partition(":")
    function = getattr(importlib.import_module(module), function_name)
    inner = _build(inner_node, resolve)

    def check(value: Any) -> Any:
        checked = inner(value)
        try:
            return function(checked)
        except Exception:  # noqa: BLE001 - pydantic words the error
            raise _UNSURE from None
    return check


def _model(node: Node, resolve: Callable[[str], Check]) -> Check:
    _, kind, fields = node
    aliases = frozenset(f[0] for f in fields)
    plan = [(alias, name, _build(sub, resolve), has_default, default, default_ok)
            for alias, name, sub, has_default, default, default_ok in fields]

    def check(value: Any) -> Any:
        if value.__class__ is not dict or not aliases.issuperset(value):
            raise _UNSURE
        out: dict[str, Any] = {}
        for alias, name, sub, has_default, default, default_ok in plan:
            if alias in value:
                out[name] = sub(value[alias])
            elif has_default and default_ok:
                out[name] = list(default) if default.__class__ is list else default
            else:
                raise _UNSURE
        return Record(kind, out)
    return check


_SIMPLE: dict[str, Callable[[Node], Check]] = {
    "str": _str, "int": _int, "float": _float, "bool": _bool, "literal": _literal,
}


def _pydantic_stamp() -> str:
    """Which pydantic and pydantic-core the plan was compiled from, without importing them:
    an upgrade may change the schema, and so the plan."""
    parts = []
    for package in ("pydantic", "pydantic_core"):
        spec = importlib.util.find_spec(package)
        origin = spec.origin if spec is not None else None
        stat = os.stat(origin) if origin is not None else None
        parts.append(f"{stat.st_size}.{stat.st_mtime_ns}" if stat is not None else "none")
    return "-".join(parts)


def _manifest_plan() -> Plan:
    from procurelint.documents.validation_plan import compile_schema
    from procurelint.documents.models.manifest_model import AgentManifest

    AgentManifest.model_rebuild()  # the models build their schema on first use
    return compile_schema(dict(AgentManifest.__pydantic_core_schema__))


@lru_cache(maxsize=1)
def manifest_checks() -> Check:
    """The fast validator of AgentManifest documents, from the cached plan."""
    plan = cached(f"plan-AgentManifest-{_pydantic_stamp()}", _manifest_plan)
    return compile_checks(plan)


def fast_manifest(data: Any) -> Record | None:
    """The manifest as records, exactly as pydantic would validate it, or None when unsure."""
    try:
        result: Record = manifest_checks()(data)
    except _Unsure:
        return None
    except Exception:  # noqa: BLE001 - any surprise is pydantic's to judge
        return None
    return result
