"""Horizontal bar charts as inline SVG: no script, no external resource, sharp in print."""

from __future__ import annotations

from html import escape

from procurelint.audit.blocks import Bar, Chart, money

WIDTH = 760
LABEL = 210
VALUE = 110
ROW = 22
MAX_BARS = 25
INK, BAR, MARKER, UNKNOWN = "#1b1f24", "#4c78a8", "#b42318", "#6b4700"


def _label(text: str | None) -> str:
    if text is None:
        return "⚠ unknown"
    return text if len(text) <= 30 else text[:29] + "…"


def chart(c: Chart) -> str:
    """The chart as an <svg> element; the table that follows it carries the exact figures."""
    bars = list(c.bars)
    if len(bars) > MAX_BARS:
        rest = bars[MAX_BARS - 1:]
        bars = bars[:MAX_BARS - 1] + [Bar(f"{len(rest)} others", sum(b.value for b in rest))]
    top = max([b.value for b in bars] + [b.marker or 0.0 for b in bars] + [0.0])
    span = WIDTH - LABEL - VALUE
    height = ROW * max(len(bars), 1) + 8
    # Presentation attributes, not only CSS: some print engines do not style inline SVG.
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" width="{WIDTH}" height="{height}" '
           f'viewBox="0 0 {WIDTH} {height}" font-size="12" font-family="sans-serif" fill="{INK}" '
           f'role="img" aria-labelledby="{escape(c.anchor)}-title">',
           f'<title id="{escape(c.anchor)}-title">{escape(c.title)}</title>']
    for i, bar in enumerate(bars):
        y = 4 + i * ROW
        width = 0.0 if top <= 0 else span * bar.value / top
        unknown = f' fill="{UNKNOWN}" font-weight="bold"' if bar.label is None else ""
        out.append(f'<text x="{LABEL - 6}" y="{y + 14}" text-anchor="end"{unknown}>'
                   f'{escape(_label(bar.label))}</text>')
        out.append(f'<rect fill="{BAR}" x="{LABEL}" y="{y + 3}" width="{width:.1f}" height="14"/>')
        out.append(f'<text x="{LABEL + width + 4:.1f}" y="{y + 14}">{escape(money(bar.value))}</text>')
        if bar.marker is not None and top > 0:
            x = LABEL + span * bar.marker / top
            out.append(f'<line stroke="{MARKER}" stroke-width="2" stroke-dasharray="3 2" '
                       f'x1="{x:.1f}" x2="{x:.1f}" y1="{y}" y2="{y + 20}">'
                       f'<title>{escape(c.marker_label)} {escape(money(bar.marker))}</title></line>')
    out.append("</svg>")
    return "".join(out)
