"""A small document model (headings, paragraphs, tables, charts) that HTML and Markdown render.

The layout decides once what the report says; each renderer only decides how it looks, so
the HTML and Markdown reports cannot drift apart. Text is kept raw here and escaped by the
renderer for its own syntax.
"""

from __future__ import annotations

from typing import Any, Union

from msgspec import Struct, field


class Text(Struct, frozen=True):
    text: str


class Strong(Struct, frozen=True):
    text: str


class Code(Struct, frozen=True):
    text: str


class Unknown(Struct, frozen=True):
    """A fact nobody has confirmed: shown as a flagged "unknown", never as "no" or blank."""

    what: str = "unknown"


class Badge(Struct, frozen=True):
    """A verdict, severity or outcome; `kind` picks the style and must be one of KINDS."""

    kind: str
    text: str
    anchor: str | None = None


class Link(Struct, frozen=True):
    anchor: str
    text: str


Inline = Union[Text, Strong, Code, Unknown, Badge, Link]
Cell = list[Inline]

BADGE_KINDS = frozenset({
    "error", "warning", "info", "passed", "fired", "waived", "failed", "ok", "disabled",
    "unknown", "open", "expired", "expiring", "active",
})

OUTCOME_MARKS = {"passed": "✓", "fired": "✗", "waived": "≈", "error": "‼"}
"""Outcomes carry a symbol as well as a colour, so a black-and-white printout still reads."""


class Heading(Struct):
    level: int
    text: str
    anchor: str | None = None


class Para(Struct):
    parts: list[Inline]
    kind: str = ""  # "" | "note" | "warn"


class Bullets(Struct):
    items: list[Cell]


class Table(Struct):
    headers: list[str]
    rows: list[list[Cell]]
    numeric: frozenset[int] = frozenset()
    row_anchors: list[str | None] = field(default_factory=list)


class Bar(Struct, frozen=True):
    label: str | None  # None: an unknown value (e.g. a jurisdiction nobody knows)
    value: float
    marker: float | None = None  # e.g. the team's budget


class Chart(Struct):
    anchor: str
    title: str
    bars: list[Bar]
    marker_label: str = ""


Block = Union[Heading, Para, Bullets, Table, Chart]


class Section(Struct):
    anchor: str
    title: str
    blocks: list[Block]


# -- values as text ------------------------------------------------------------------------------
def money(value: float) -> str:
    sign = "-" if value < 0 else ""
    return f"{sign}${abs(value):,.2f}"


def fact(value: Any, none: str = "none") -> Inline:
    """A catalog fact: null reads as a flagged "unknown"; an empty list as `none`."""
    if value is None:
        return Unknown()
    if isinstance(value, bool):
        return Text("yes" if value else "no")
    if isinstance(value, list):
        return Text(", ".join(str(v) for v in value) if value else none)
    return Text(str(value))


def plural(n: int, word: str) -> str:
    return f"{n:,} {word}" if n == 1 else f"{n:,} {word}s"


def kv(rows: list[tuple[str, Cell]]) -> Table:
    """A two-column table of labelled values."""
    return Table(["Item", "Value"], [[[Text(k)], v] for k, v in rows])
