"""The Markdown report: the same blocks as the HTML report, in GitHub-flavoured Markdown.

User text is backslash-escaped (a `<script>` in a description stays text) and whitespace is
collapsed so that it cannot break a table row. Charts become text bars in a code block.
"""

from __future__ import annotations

from functools import lru_cache
import re

from procurelint.audit import Report
from procurelint.audit.blocks import (
    Badge, Block, Bullets, Chart, Code, Heading, Inline, Link, Para, Section, Strong, Table, Text,
    Unknown, money,
)
from procurelint.audit.layout import evidence_section, sections, title
from procurelint.audit.seal import MD_MARKS, seal

_SPECIAL = re.compile(r"([\\`*_\[\]<>|~&#])")
_SPACE = re.compile(r"\s+")
_BADGE_BOLD = frozenset({"error", "failed", "ok", "disabled", "expired"})


def escape(text: str) -> str:
    """Collapse whitespace and backslash-escape every character Markdown could act on."""
    return _SPECIAL.sub(r"\\\1", _SPACE.sub(" ", text))


def _code(text: str, in_table: bool) -> str:
    text = " ".join(text.split())
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if longest or text.startswith(" ") else ""
    if in_table:
        text = text.replace("|", "\\|")  # GFM splits cells on | even inside code spans
    return f"{fence}{pad}{text}{pad}{fence}"


@lru_cache(maxsize=65536)  # verdict badges and ids repeat thousands of times
def inline(part: Inline, in_table: bool = False) -> str:
    if isinstance(part, Text):
        return escape(part.text)
    if isinstance(part, Strong):
        core = escape(part.text.strip())
        lead = " " if part.text[:1].isspace() else ""
        trail = " " if part.text[-1:].isspace() else ""
        return f"{lead}**{core}**{trail}"
    if isinstance(part, Code):
        return _code(part.text, in_table)
    if isinstance(part, Unknown):
        return f"**⚠ {escape(part.what)}**"
    if isinstance(part, Badge):
        text = escape(part.text)
        return f"**{text}**" if part.kind in _BADGE_BOLD else text
    if isinstance(part, Link):
        return escape(part.text)
    raise TypeError(f"unknown inline {part!r}")


def _join(parts: list[Inline], in_table: bool = False) -> str:
    return "".join(inline(p, in_table) for p in parts)


def _table(t: Table) -> str:
    align = ["---:" if i in t.numeric else "---" for i in range(len(t.headers))]
    lines = ["| " + " | ".join(escape(h) for h in t.headers) + " |", "| " + " | ".join(align) + " |"]
    for row in t.rows:
        lines.append("| " + " | ".join(_join(c, True) or " " for c in row) + " |")
    if not t.rows:
        lines.append("| " + " | ".join(["None."] + [" "] * (len(t.headers) - 1)) + " |")
    return "\n".join(lines)


def _chart(c: Chart) -> str:
    top = max([b.value for b in c.bars] + [0.0])
    labels = [b.label if b.label is not None else "⚠ unknown" for b in c.bars]
    width = min(max((len(label) for label in labels), default=0), 30)
    lines = []
    for label, bar in zip(labels, c.bars):
        size = 0 if top <= 0 else round(40 * bar.value / top)
        lines.append(f"{label[:width]:<{width}}  {'█' * size} {money(bar.value)}")
    body = "\n".join(lines) or "(no spend)"
    fence = "`" * max(3, max((len(r) for r in re.findall(r"`+", body)), default=0) + 1)
    return f"{escape(c.title)}:\n\n{fence}text\n{body}\n{fence}"


def block(b: Block) -> str:
    if isinstance(b, Heading):
        return f"{'#' * b.level} {escape(b.text).strip()}"
    if isinstance(b, Para):
        text = _join(b.parts).strip()
        return f"> {text}" if b.kind in ("warn", "note") else text
    if isinstance(b, Bullets):
        return "\n".join(f"- {_join(item).strip()}" for item in b.items)
    if isinstance(b, Table):
        return _table(b)
    if isinstance(b, Chart):
        return _chart(b)
    raise TypeError(f"unknown block {b!r}")


def section(s: Section) -> str:
    return "\n\n".join([f"## {escape(s.title)}"] + [block(b) for b in s.blocks]) + "\n\n"


def evidence_md(evidence: dict[str, object], digest: str) -> str:
    """The readable evidence exactly as it appears in the document (for --verify)."""
    return section(evidence_section(evidence, digest))


def render(report: Report) -> str:
    evidence = report["evidence"]
    parts = sections(report)
    head = (
        f"# {escape(title(report))}\n\n"
        f"Generated {escape(evidence['generatedAt'])} by procurelint "
        f"{escape(evidence['tool']['version'])} · verdict **{report['data']['summary']['verdict']}** · "
        f"evidence digest `{report['digest']}`\n\n"
    )
    toc = "\n".join(f"- {escape(s.title)}" for s in parts) + "\n\n"
    return seal(head + toc + "".join(section(s) for s in parts), "\n", MD_MARKS, evidence,
                report["digest"])
