"""Finding messages: a rule's `message` with `{dotted.path}` placeholders filled from the
context the rule was judged on. Nothing in a message is executed."""

from __future__ import annotations

import re
from typing import Any

from procurelint.wording import fact_text

_PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_.]*)\}")


Template = tuple[tuple[str, tuple[str, ...] | None], ...]
_TEMPLATES: dict[str, Template] = {}


def _parse(template: str) -> Template:
    """A message template as literal text and placeholder paths, parsed once per rule."""
    parts: list[tuple[str, tuple[str, ...] | None]] = []
    last = 0
    for match in _PLACEHOLDER.finditer(template):
        parts.append((template[last:match.start()], None))
        parts.append((match.group(0), tuple(match.group(1).split("."))))
        last = match.end()
    parts.append((template[last:], None))
    return tuple(parts)


def _show(node: Any) -> str:
    # Numbers with a fraction in messages are money or percentages: two decimals.
    return f"{node:,.2f}" if isinstance(node, float) else fact_text(node)


def _place_list(codes: list[str]) -> str:
    """A tier's (expanded) jurisdiction list as written: EU members as `EU`."""
    from procurelint.facts import EU_EEA

    shown = [c for c in codes if not ("EU" in codes and c in EU_EEA)]
    return ", ".join(shown)


def _places_not_allowed(context: dict[str, Any]) -> str:
    """The most sensitive tier of the unit's data that its chain of control fails, what the
    tier allows, and which places fail it, unknown ones named as unknown (JUR001)."""
    endpoint, provider, route = context["endpoint"], context["provider"], context["route"]
    pinned = endpoint["isAggregator"] and route["pinned"] and route["allowFallbacks"] is False
    pid = provider["id"]
    places = [] if pinned else [("the endpoint's country is unknown", "the endpoint is in {}",
                                 endpoint["country"])]
    places += [(f"where provider {pid} is established is unknown",
                f"provider {pid} is established in {{}}", provider["jurisdiction"]),
               (f"where the parent of {pid} is established is unknown",
                f"the parent of {pid} is established in {{}}", provider["parentJurisdiction"])]
    for tier in reversed(context.get("tiers") or []):  # most sensitive first
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


# Values computed for messages only, from the context a rule fired on: `{why.NAME}`. They cost
# nothing unless a finding is reported, and rules cannot read them in CEL.
WHY = {"placesNotAllowed": _places_not_allowed}


def render(template: str, context: dict[str, Any]) -> str:
    """Fill `{dotted.path}` placeholders from the context (and `{why.NAME}` from WHY);
    nothing is executed."""
    parts = _TEMPLATES.get(template)
    if parts is None:
        parts = _TEMPLATES[template] = _parse(template)
    out = []
    for text, path in parts:
        if path is None:
            out.append(text)
            continue
        if len(path) == 2 and path[0] == "why" and path[1] in WHY:
            try:
                out.append(WHY[path[1]](context))
            except (KeyError, TypeError):
                out.append(text)  # not a context it can explain: stays as written
            continue
        node: Any = context
        for part in path:
            if node is None:
                break
            if not isinstance(node, dict) or part not in node:
                node = text  # an unknown placeholder stays as written
                break
            node = node[part]
        out.append(text if node is text else _show(node))
    return "".join(out)
