"""A small document model (headings, paragraphs, tables, charts) that HTML and Markdown render.

The layout decides once what the report says; each renderer only decides how it looks, so
the HTML and Markdown reports cannot drift apart. Text is kept raw here and escaped by the
renderer for its own syntax.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Union


@dataclass(frozen=True, slots=True)
class Text:
    text: str


@dataclass(frozen=True, slots=True)
class Strong:
    text: str


@dataclass(frozen=True, slots=True)
class Code:
    text: str


@dataclass(frozen=True, slots=True)
class Unknown:
    """A fact nobody has confirmed: shown as a flagged "unknown", never as "no" or blank."""

    what: str = "unknown"


@dataclass(frozen=True, slots=True)
class Badge:
    """A verdict, severity or outcome; `kind` picks the style and must be one of KINDS."""

    kind: str
    text: str
    anchor: str | None = None


@dataclass(frozen=True, slots=True)
class Link:
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


@dataclass(slots=True)
class Heading:
    level: int
    text: str
    anchor: str | None = None


@dataclass(slots=True)
class Para:
    parts: list[Inline]
    kind: str = ""  # "" | "note" | "warn"


@dataclass(slots=True)
class Bullets:
    items: list[Cell]


@dataclass(slots=True)
class Table:
    headers: list[str]
    rows: list[list[Cell]]
    numeric: frozenset[int] = frozenset()
    row_anchors: list[str | None] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Bar:
    label: str | None  # None: an unknown value (e.g. a jurisdiction nobody knows)
    value: float
    marker: float | None = None  # e.g. the team's budget


@dataclass(slots=True)
class Chart:
    anchor: str
    title: str
    bars: list[Bar]
    marker_label: str = ""


Block = Union[Heading, Para, Bullets, Table, Chart]


@dataclass(slots=True)
class Section:
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
