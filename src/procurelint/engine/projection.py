"""Evaluating each distinct compliance context once.

Rule expressions read a few fields of each variable (`step.regimes`, `endpoint.hipaaBaa`).
The CEL context of a unit holds only the fields some rule reads, interned by value, so that
thousands of steps that send the same data to the same endpoint share one context object and
one set of verdicts. Messages are rendered from the full Python values, so names, paths and
costs still appear in findings.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

_REFERENCE = re.compile(r"(?<![\w.])([A-Za-z_]\w*)(\s*\.\s*([A-Za-z_]\w*))?")
_STRING = re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"")
# `name == null` and `name != null` read no field: a projection keeps null as null. Only a
# bare name counts (not `name.field`, `name['key']` or `f(name)`); spaces around dots are
# taken out first, so that `name .field` is not mistaken for one.
_DOT = re.compile(r"\s*\.\s*")
_NULL_TEST = re.compile(
    r"(?<![\w.])[A-Za-z_]\w*\s*[!=]=\s*null\b|\bnull\s*[!=]=\s*[A-Za-z_]\w*(?!\s*[\w.\[(])")

# Variables whose fields are projected; others (catalog entries, tiers) are shared objects.
PROJECTED = ("step", "workflow", "manifest")


def freeze(value: Any) -> Any:
    """A value as nested tuples: hashable, equal when the values are equal."""
    if isinstance(value, dict):
        return tuple((k, freeze(v)) for k, v in value.items())
    if isinstance(value, list):
        return tuple(freeze(v) for v in value)
    return value


_FIELD = re.compile(r"(?<![\w.])([A-Za-z_]\w*)\.([A-Za-z_]\w*)")
_KEY_AFTER = re.compile(r"\.([A-Za-z_]\w*)(?!\w)(?!\s*\()")
_NULL_AFTER = re.compile(r"\s*[!=]=\s*null\b")
_NULL_BEFORE = re.compile(r"\bnull\s*[!=]=\s*$")


def _keys_read(sources: list[str], names: tuple[str, ...]) -> dict[str, dict[str, tuple[str, ...]]]:
    """Per variable, the fields read only as mappings: `name.field.key` (not a method call,
    `name.field.size()`) or `name.field != null`, with the keys read of each. A field used in
    any other way (`name.field in [...]`, `name.field['key']`, passed whole) is left out: its
    whole value is kept."""
    keys: dict[tuple[str, str], set[str] | None] = {}
    for source in sources:
        text = _DOT.sub(".", _STRING.sub("''", source))
        for match in _FIELD.finditer(text):
            name, field = match.group(1), match.group(2)
            if name not in names:
                continue
            pair = (name, field)
            after = text[match.end():]
            key = _KEY_AFTER.match(after)
            if key is not None:
                if keys.get(pair, set()) is not None:
                    keys.setdefault(pair, set()).add(key.group(1))  # type: ignore[union-attr]
            elif _NULL_AFTER.match(after) or _NULL_BEFORE.search(text[:match.start()]):
                keys.setdefault(pair, set())
            else:
                keys[pair] = None
    found: dict[str, dict[str, tuple[str, ...]]] = {}
    for (name, field), read in keys.items():
        if read is not None:
            found.setdefault(name, {})[field] = tuple(sorted(read))
    return found


def _keep(value: Any, keys: tuple[str, ...] | None) -> Any:
    """`value` with only `keys` when it is a mapping whose keys are projected."""
    if keys is None or not isinstance(value, dict):
        return value
    return {k: value[k] for k in keys if k in value}


class Projector:
    """Which fields of `step`, `workflow` and `manifest` the rules read, and interning."""

    def __init__(self, sources: Iterable[str], names: tuple[str, ...] = PROJECTED,
                 fresh: frozenset[str] = frozenset({"step"}), nested: bool = False) -> None:
        """`fresh` names the variables whose values are new objects for every unit; others are
        shared by many units (a workflow's, a manifest's), and projected once per object.
        With `nested`, a field that is a mapping is projected too, to the keys read of it
        (`endpoint.offer.retires`), when every use of it reads keys or tests it for null."""
        self.fields: dict[str, set[str] | None] = {name: set() for name in names}
        self._fresh = fresh
        sources = list(sources)
        self._keys = _keys_read(sources, names) if nested else {}
        for source in sources:
            text = _NULL_TEST.sub("null", _DOT.sub(".", _STRING.sub("''", source)))
            for match in _REFERENCE.finditer(text):
                name, field = match.group(1), match.group(3)
                if name not in self.fields:
                    continue
                wanted = self.fields[name]
                if field is None:
                    self.fields[name] = None  # the whole value is used: no projection
                elif wanted is not None:
                    wanted.add(field)
        # Each projected variable's fields in a fixed order, sorted once (`fields` is fixed
        # from here on).
        self._order = {name: tuple(sorted(f)) for name, f in self.fields.items() if f is not None}
        self._interned: dict[Any, dict[str, Any]] = {}
        self._shared: dict[tuple[str, int], tuple[dict[str, Any], dict[str, Any]]] = {}

    def project(self, name: str, full: dict[str, Any] | None,
                stable: bool | None = None) -> dict[str, Any] | None:
        """The value the CEL context sees: the read fields only, one object per content.
        `stable` says whether `full` is shared by many calls (then it is projected once per
        object); by default, whether `name` is not one of the fresh variables."""
        fields = self.fields.get(name)
        if fields is None or full is None:
            return full
        shared = name not in self._fresh if stable is None else stable
        if shared:
            known = self._shared.get((name, id(full)))
            if known is not None and known[0] is full:
                return known[1]
        order = self._order[name]
        keys = self._keys.get(name)
        if keys:
            full = {f: _keep(full[f], keys.get(f)) for f in order if f in full}
        items = tuple([(f, freeze(full[f])) for f in order if f in full])
        key = (name, items)
        found = self._interned.get(key)
        if found is None:
            found = self._interned[key] = {f: full[f] for f in order if f in full}
        if shared:
            self._shared[(name, id(full))] = (full, found)  # holds `full`, so its id stays its own
        return found

    def forget(self) -> None:
        """Drop the interned projections (what they were interned against is let go)."""
        self._interned.clear()
        self._shared.clear()

    @property
    def exact(self) -> bool:
        """True when every projected variable is interned, so equal contexts are one object."""
        return all(v is not None for v in self.fields.values())
