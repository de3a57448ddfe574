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


def render(template: str, context: dict[str, Any]) -> str:
    """Fill `{dotted.path}` placeholders from the context; nothing is executed."""
    parts = _TEMPLATES.get(template)
    if parts is None:
        parts = _TEMPLATES[template] = _parse(template)
    out = []
    for text, path in parts:
        if path is None:
            out.append(text)
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
