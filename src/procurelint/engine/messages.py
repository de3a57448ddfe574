"""Finding messages: a rule's `message` with `{dotted.path}` placeholders filled from the
context the rule was judged on. Nothing in a message is executed."""

from __future__ import annotations

import re
from collections.abc import Callable
from operator import is_, itemgetter
from typing import Any

from procurelint.wording import fact_text

_PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_.]*)\}")


Getter = Callable[[dict[str, Any]], Any]
Template = tuple[tuple[str, Getter | None, tuple[str, ...]], ...]
_TEMPLATES: dict[str, Template] = {}


def _parse(template: str) -> Template:
    """A message template as literal text and placeholders (each with a getter of its value,
    `WHY`'s function for `{why.NAME}`, and its path), parsed once per rule."""
    parts: list[tuple[str, Getter | None, tuple[str, ...]]] = []
    last = 0
    for match in _PLACEHOLDER.finditer(template):
        parts.append((template[last:match.start()], None, ()))
        path = tuple(match.group(1).split("."))
        why = WHY.get(path[1]) if len(path) == 2 and path[0] == "why" else None
        parts.append((match.group(0), why or _getter(path), path))
        last = match.end()
    parts.append((template[last:], None, ()))
    return tuple(parts)


def _getter(path: tuple[str, ...]) -> Getter:
    """The value at `path` by indexing alone: what most placeholders are. It raises where the
    path meets a missing key or a value that is not a mapping, which `_walk` then explains."""
    if len(path) == 1:
        return itemgetter(path[0])
    if len(path) == 2:
        first, second = path
        return lambda context: context[first][second]
    if len(path) == 3:
        first, second, third = path
        return lambda context: context[first][second][third]

    def get(context: dict[str, Any]) -> Any:
        node: Any = context
        for part in path:
            node = node[part]
        return node

    return get


def _walk(context: dict[str, Any], path: tuple[str, ...], text: str) -> Any:
    """The value at `path`: None past a null, `text` (the placeholder as written) past a key
    that is missing or a value that is not a mapping."""
    node: Any = context
    for part in path:
        if node is None:
            break
        if not isinstance(node, dict) or part not in node:
            return text
        node = node[part]
    return node


def _show(node: Any) -> str:
    # Numbers with a fraction in messages are money or percentages: two decimals.
    return f"{node:,.2f}" if isinstance(node, float) else fact_text(node)


def _place_list(codes: list[str]) -> str:
    """A tier's (expanded) jurisdiction list as written: EU members as `EU`."""
    from procurelint.facts import EU_EEA

    shown = [c for c in codes if not ("EU" in codes and c in EU_EEA)]
    return ", ".join(shown)


_PLACES: dict[tuple[int, ...], tuple[tuple[Any, ...], str]] = {}
"""`_places_not_allowed` by the identities of what it reads, each held with its text: units
share the catalog's entries and the policy's lists of tiers, which nothing changes."""


def _places_not_allowed(context: dict[str, Any]) -> str:
    """The most sensitive tier of the unit's data that its chain of control fails, what the
    tier allows, and which places fail it, unknown ones named as unknown (JUR001)."""
    read = (context["endpoint"], context["provider"], context["route"], context.get("tiers"))
    key = tuple(map(id, read))
    found = _PLACES.get(key)
    if found is None or not all(map(is_, found[0], read)):
        if len(_PLACES) >= 4096:
            _PLACES.clear()
        found = _PLACES[key] = (read, _places(*read))
    return found[1]


def _places(endpoint: dict[str, Any], provider: dict[str, Any], route: dict[str, Any],
            tiers: list[dict[str, Any]] | None) -> str:
    pinned = endpoint["isAggregator"] and route["pinned"] and route["allowFallbacks"] is False
    pid = provider["id"]
    places = [] if pinned else [("the endpoint's country is unknown", "the endpoint is in {}",
                                 endpoint["country"])]
    places += [(f"where provider {pid} is established is unknown",
                f"provider {pid} is established in {{}}", provider["jurisdiction"]),
               (f"where the parent of {pid} is established is unknown",
                f"the parent of {pid} is established in {{}}", provider["parentJurisdiction"])]
    for tier in reversed(tiers or []):  # most sensitive first
        allow, deny = tier["allowJurisdictions"], tier["denyJurisdictions"]
        if allow is None and deny is None:
            continue
        failing = [unknown if country is None else known.format(country)
                   for unknown, known, country in places
                   if country is None or (allow is not None and country not in allow)
                   or (deny is not None and country in deny)]
        if failing:
            rules = ([f"only {_place_list(allow)}"] if allow is not None else []) + (
                [f"not {_place_list(deny)}"] if deny is not None else [])
            return f"tier {tier['name']} ({'; '.join(rules)}) does not allow it: {', '.join(failing)}"
    return "a tier of its data does not allow it"


def _team_as_written(context: dict[str, Any]) -> str:
    """The team's name with each character that is not printable ASCII as its code point, so
    that a look-alike shows in a review (COST009): `\u0441laims-platform`."""
    name = context["team"]["name"]
    return "".join(c if c.isascii() and c.isprintable() else f"\\u{ord(c):04x}" for c in name)


# Values computed for messages only, from the context a rule fired on: `{why.NAME}`. They cost
# nothing unless a finding is reported, and rules cannot read them in CEL.
WHY = {"placesNotAllowed": _places_not_allowed, "teamAsWritten": _team_as_written}


def render(template: str, context: dict[str, Any]) -> str:
    """Fill `{dotted.path}` placeholders from the context (and `{why.NAME}` from WHY);
    nothing is executed."""
    parts = _TEMPLATES.get(template)
    if parts is None:
        parts = _TEMPLATES[template] = _parse(template)
    out = []
    for text, get, path in parts:
        if get is None:
            out.append(text)
            continue
        try:
            node = get(context)
        except (KeyError, TypeError, IndexError):
            # Not there, or (for `{why.NAME}`) not a context it can explain: no context holds
            # `why`, so such a placeholder stays as written.
            node = _walk(context, path, text)
            if node is text:  # an unknown placeholder stays as written
                out.append(text)
                continue
        out.append(node if node.__class__ is str else _show(node))
    return "".join(out)
