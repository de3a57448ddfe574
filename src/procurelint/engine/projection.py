"""Evaluating each distinct compliance context once.

Rule expressions read a few fields of each variable (`step.regimes`, `endpoint.hipaaBaa`).
The CEL context of a unit holds only the fields some rule reads, interned by value, so that
thousands of steps that send the same data to the same endpoint share one context object and
one set of verdicts. Messages are rendered from the full Python values, so names, paths and
costs still appear in findings.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Any

from procurelint.expressions import cel_tokens, code_text

# `name.field`, or `name.method(...)` (`endpoint.size()`, `model.exists(k, ...)`), which reads
# the whole value: group 4 is the call's parenthesis.
_REFERENCE = re.compile(r"(?<![\w.])([A-Za-z_]\w*)(\s*\.\s*([A-Za-z_]\w*)(\s*\()?)?")
_STRING = re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"")
# `name == null` and `name != null` read no field: a projection keeps null as null. Only a
# bare name counts (not `name.field`, `name['key']` or `f(name)`); spaces around dots are
# taken out first, so that `name .field` is not mistaken for one.
_DOT = re.compile(r"\s*\.\s*")
_NULL_TEST = re.compile(
    r"(?<![\w.])[A-Za-z_]\w*\s*[!=]=\s*null\b|\bnull\s*[!=]=\s*[A-Za-z_]\w*(?!\s*[\w.\[(])")

# Variables whose fields are projected; others (catalog entries, tiers) are shared objects.
PROJECTED = ("step", "workflow", "manifest")

LISTS = ("tiers",)
"""The variables of a unit that are lists of mappings, whose items a rule's projection keeps
only the fields of that the rule reads (`item_fields`)."""


def freeze(value: Any) -> Any:
    """A value as nested tuples: hashable, and equal only to a value that CEL cannot tell
    apart from it. Python holds `1 == 1.0 == True` and `0.0 == -0.0`, where CEL has an int, a
    double and a bool, and a division by either zero gives infinities of opposite signs; so
    numbers keep their type, and a double its sign. (The commonest kinds are tested first: a
    unit's step is frozen for every unit.)"""
    kind = value.__class__
    if kind is str or value is None:
        return value
    if kind is list:
        return tuple([freeze(v) for v in value])
    if kind is dict:
        return tuple([(k, freeze(v)) for k, v in value.items()])
    if kind is float:
        return (float, value, math.copysign(1.0, value))
    if kind is int or kind is bool:
        return (kind, value)
    if isinstance(value, dict):  # a subclass freezes as its base type does
        return freeze(dict(value))
    if isinstance(value, list):
        return freeze(list(value))
    return value


_BEFORE = frozenset({"(", "&", "|", "?", ":", ",", "[", "{"})
_AFTER = frozenset({")", "&", "|", "?", ":", ",", "]", "}"})
"""Tokens around `a.b == null` that make the comparison its own operand: nothing of higher
precedence (`x + a.b != null`, `!a.b == null`) takes `a.b` first."""


def _keys_read(sources: list[str], names: tuple[str, ...]) -> dict[str, dict[str, tuple[str, ...]]]:
    """Per variable, the fields read only as mappings: `name.field.key` (not a method call,
    `name.field.size()`) or compared with null on their own (`name.field != null`), with the
    keys read of each. A field used in any other way (`name.field in [...]`,
    `name.field['key']`, passed whole) is left out: its whole value is kept. Read on CEL's
    tokens, so that strings and comments hide nothing; an expression that does not lex
    projects nothing."""
    keys: dict[tuple[str, str], set[str] | None] = {}
    for source in sources:
        try:
            t = cel_tokens(source)
        except ValueError:
            return {}
        for i, token in enumerate(t):
            if token not in names or _at(t, i - 1) == "." or _at(t, i + 1) != "." \
                    or not _name(_at(t, i + 2)):
                continue
            pair = (token, t[i + 2])
            k = i + 3
            if _at(t, k) == "." and _name(_at(t, k + 1)) and _at(t, k + 2) != "(":
                read = keys.get(pair, set())
                if read is not None:
                    read.add(t[k + 1])
                    keys[pair] = read
            elif _null_test(t, i, k):
                keys.setdefault(pair, set())
            else:
                keys[pair] = None
    found: dict[str, dict[str, tuple[str, ...]]] = {}
    for (name, field), read in keys.items():
        if read is not None:
            found.setdefault(name, {})[field] = tuple(sorted(read))
    return found


_MACROS = frozenset({"all", "exists", "exists_one", "map"})
"""The macros over a list whose value holds no item of it (`filter` gives items: not one)."""


def item_fields(sources: Iterable[str], name: str) -> tuple[str, ...] | None:
    """The fields read of the items of the list `name`, when every use of `name` is one of
    `_MACROS` over it with one variable (`tiers.exists(t, ...)`) and every use of that
    variable reads a field of it (`t.allowJurisdictions`, not `t` whole, `t['key']` or
    `t.f()`); else None (the items are kept whole). A variable that another macro binds too
    is not followed: None. Read on CEL's tokens, so that strings and comments hide nothing;
    an expression that does not lex projects nothing."""
    binders: set[str] = set()
    fields: set[str] = set()
    tokens = []
    for source in sources:
        try:
            t = cel_tokens(source)
        except ValueError:
            return None
        tokens.append(t)
        for i, token in enumerate(t):
            if token != name or _at(t, i - 1) == ".":
                continue
            if not (_at(t, i + 1) == "." and _at(t, i + 2) in _MACROS and _at(t, i + 3) == "("
                    and _name(_at(t, i + 4)) and _at(t, i + 5) == ","):
                return None
            if _name(_at(t, i + 6)) and _at(t, i + 7) == ",":
                return None  # `all(i, t, ...)`: the item is the second variable, not followed
            binders.add(t[i + 4])
    if not binders or binders & {name}:
        return None
    for t in tokens:
        for j, token in enumerate(t):
            if token not in binders or _at(t, j - 1) == ".":
                continue
            if _at(t, j + 1) == "," and _at(t, j - 1) == "(" and _at(t, j - 2) in _MACROS \
                    and _at(t, j - 3) == "." and _at(t, j - 4) == name and _at(t, j - 5) != ".":
                continue  # the binding itself, of a macro over `name`
            if _at(t, j + 1) == "." and _name(_at(t, j + 2)) and _at(t, j + 3) != "(":
                fields.add(t[j + 2])
                continue
            return None
    return tuple(sorted(fields))


def _at(t: Sequence[str], k: int) -> str | None:
    return t[k] if 0 <= k < len(t) else None


def _name(token: str | None) -> bool:
    return token is not None and (token[0].isalpha() or token[0] == "_")


def _null_test(t: Sequence[str], first: int, after: int) -> bool:
    """Whether tokens t[first:after] (`a.b`) are compared with null and with nothing else."""
    def alone(before: int, behind: int) -> bool:
        return (before < 0 or t[before] in _BEFORE) and (behind >= len(t) or t[behind] in _AFTER)

    if _at(t, after) in ("=", "!") and _at(t, after + 1) == "=" and _at(t, after + 2) == "null":
        return alone(first - 1, after + 3)
    if _at(t, first - 1) == "=" and _at(t, first - 2) in ("=", "!") and _at(t, first - 3) == "null":
        return alone(first - 4, after)
    return False


@lru_cache(maxsize=4096)
def _references(source: str) -> tuple[tuple[str, str | None], ...]:
    """The names an expression reads, each with the field read of it (None: the whole value);
    a null test reads nothing. Many projectors read the same expressions, so each is read
    once."""
    text = _NULL_TEST.sub("null", _DOT.sub(".", _code(source)))
    return tuple((match.group(1), None if match.group(4) else match.group(3))
                 for match in _REFERENCE.finditer(text))


def _code(source: str) -> str:
    """The expression with strings as `''` and comments dropped, as CEL's lexer reads it."""
    try:
        return code_text(source)
    except ValueError:  # does not lex (and so does not compile): strings blanked as before
        return _STRING.sub("''", source)


def _keep(value: Any, keys: tuple[str, ...] | None) -> Any:
    """`value` with only `keys` when it is a mapping whose keys are projected."""
    if keys is None or not isinstance(value, dict):
        return value
    return {k: value[k] for k in keys if k in value}


class Projector:
    """Which fields of `step`, `workflow` and `manifest` the rules read, and interning."""

    def __init__(self, sources: Iterable[str], names: tuple[str, ...] = PROJECTED,
                 fresh: frozenset[str] = frozenset({"step"}), nested: bool = False,
                 lists: tuple[str, ...] = ()) -> None:
        """`fresh` names the variables whose values are new objects for every unit; others are
        shared by many units (a workflow's, a manifest's), and projected once per object.
        With `nested`, a field that is a mapping is projected too, to the keys read of it
        (`endpoint.offer.retires`), when every use of it reads keys or tests it for null."""
        self.fields: dict[str, set[str] | None] = {name: set() for name in names}
        self._fresh = fresh
        sources = list(sources)
        self._keys = _keys_read(sources, names) if nested else {}
        for source in sources:
            for name, field in _references(source):
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
        self.exact = len(self._order) == len(self.fields)
        """True when every projected variable is interned, so equal contexts are one object."""
        self._interned: dict[Any, dict[str, Any]] = {}
        self._shared: dict[tuple[str, int], tuple[dict[str, Any], dict[str, Any]]] = {}
        self.items: dict[str, tuple[str, ...]] = {}
        """For `lists` (variables that live as long as the run, lists of mappings: the tiers),
        the fields the rules read of their items, where they read nothing else of them: each
        item is projected to those (a rule that reads a tier's price cap converts no tier's
        jurisdictions)."""
        for name in lists:
            read = item_fields(sources, name)
            if read is not None:
                self.items[name] = read

    def project(self, name: str, full: dict[str, Any] | None,
                stable: bool | None = None) -> dict[str, Any] | None:
        """The value the CEL context sees: the read fields only, one object per content.
        `stable` says whether `full` is shared by many calls (then it is projected once per
        object); by default, whether `name` is not one of the fresh variables."""
        if name in self.items and isinstance(full, list):
            return self._project_items(name, full)
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
        read = {f: _keep(full[f], keys.get(f)) for f in order if f in full} if keys else full
        items = tuple([(f, freeze(read[f])) for f in order if f in read])
        key = (name, items)
        found = self._interned.get(key)
        if found is None:
            found = self._interned[key] = {f: read[f] for f in order if f in read}
        if shared:
            self._shared[(name, id(full))] = (full, found)  # holds `full`, so its id stays its own
        return found

    def _project_items(self, name: str, full: list[Any]) -> Any:
        """`full` (a list shared by many calls) with each mapping item projected to the fields
        read of the items, one object per content."""
        known: Any = self._shared.get((name, id(full)))
        if known is not None and known[0] is full:
            return known[1]
        keys = self.items[name]
        read = [{f: item[f] for f in keys if f in item} if item.__class__ is dict else item
                for item in full]
        key = (name, "items", freeze(read))
        found = self._interned.get(key)
        if found is None:
            found = self._interned[key] = read  # type: ignore[assignment]
        self._shared[(name, id(full))] = (full, found)  # type: ignore[assignment]
        return found

    def forget(self) -> None:
        """Drop the interned projections (what they were interned against is let go)."""
        self._interned.clear()
        self._shared.clear()
