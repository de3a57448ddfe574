"""The HTML report: one self-contained file, readable on screen and on paper.

No script, font, image or stylesheet is fetched (a Content-Security-Policy forbids it, too);
charts are inline SVG. Every string from a manifest, policy or catalog goes through
`html.escape`. The evidence is sealed into the document (see `seal.py`).
"""

from __future__ import annotations

from functools import lru_cache
from html import escape

from procurelint.audit import Report
from procurelint.audit.blocks import (
    BADGE_KINDS, Badge, Block, Bullets, Chart, Code, Heading, Inline, Link, Para, Section, Strong,
    Table, Text, Unknown,
)
from procurelint.audit.layout import evidence_section, sections, title
from procurelint.audit.seal import HTML_MARKS, seal
from procurelint.audit.svg import chart

CSS = """
:root { --ink: #1b1f24; --muted: #59636e; --rule: #d0d7de; --bad: #b42318; --warn: #9a6700;
  --good: #1a7f37; --info: #0969da; --unknown-bg: #fff1c2; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 1400px; padding: 1.5rem 2rem; color: var(--ink);
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; }
h1 { font-size: 1.6rem; margin: 0 0 .25rem; } h2 { font-size: 1.3rem; border-bottom: 2px solid var(--ink);
  padding-bottom: .2rem; margin-top: 2.5rem; } h3 { font-size: 1.1rem; margin-top: 1.6rem; }
h4 { font-size: 1rem; margin-top: 1.3rem; }
header p, .muted { color: var(--muted); margin: .2rem 0; }
nav ol { columns: 2; padding-left: 1.2rem; }
a { color: var(--info); }
.table { overflow-x: auto; margin: .5rem 0 1rem; }
table { border-collapse: collapse; width: 100%; font-size: 12.5px; }
th, td { border: 1px solid var(--rule); padding: .25rem .4rem; text-align: left; vertical-align: top;
  overflow-wrap: break-word; }
th { background: #f6f8fa; }
td.num, th.num { text-align: right; white-space: nowrap; }
code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: .92em;
  overflow-wrap: anywhere; }
.badge { display: inline-block; padding: 0 .35rem; border-radius: .6rem; border: 1px solid currentColor;
  font-size: 11.5px; white-space: nowrap; text-decoration: none; }
.b-error, .b-failed, .b-fired, .b-expired { color: var(--bad); }
.b-warning, .b-expiring, .b-disabled, .b-open { color: var(--warn); }
.b-info { color: var(--info); } .b-passed, .b-ok, .b-active { color: var(--good); }
.b-waived { color: var(--muted); } .b-unknown { color: var(--warn); background: var(--unknown-bg); }
.unknown { background: var(--unknown-bg); border: 1px dashed var(--warn); color: #6b4700;
  font-weight: 600; padding: 0 .25rem; white-space: nowrap; }
p.warn { border-left: 4px solid var(--warn); padding: .3rem .6rem; background: #fff8e1; }
p.note { border-left: 4px solid var(--info); padding: .3rem .6rem; background: #f0f6ff; }
svg.chart { max-width: 100%; height: auto; display: block; }
figure { margin: .5rem 0; } figcaption { color: var(--muted); font-size: 12px; }
@media print {
  @page { size: A4 landscape; margin: 12mm; }
  body { max-width: none; padding: 0; font-size: 10pt; }
  * { -webkit-print-color-adjust: exact; }
  nav { display: none; }
  section { break-before: page; } section:first-of-type { break-before: auto; }
  h2, h3, h4 { break-after: avoid; }
  .table { overflow: visible; }
  table { font-size: 8pt; }
  thead { display: table-header-group; }
  tr, svg.chart { break-inside: avoid; }
  a { color: inherit; text-decoration: none; }
}
"""


@lru_cache(maxsize=65536)  # verdict badges and ids repeat thousands of times
def inline(part: Inline) -> str:
    if isinstance(part, Text):
        return escape(part.text)
    if isinstance(part, Strong):
        return f"<strong>{escape(part.text)}</strong>"
    if isinstance(part, Code):
        return f"<code>{escape(part.text)}</code>"
    if isinstance(part, Unknown):
        return ('<span class="unknown" title="Not known: the rules treat it as the unsafe value">'
                f"⚠ {escape(part.what)}</span>")
    if isinstance(part, Badge):
        kind = part.kind if part.kind in BADGE_KINDS else "unknown"
        if part.anchor:
            return (f'<a class="badge b-{kind}" href="#{escape(part.anchor)}">'
                    f"{escape(part.text)}</a>")
        return f'<span class="badge b-{kind}">{escape(part.text)}</span>'
    if isinstance(part, Link):
        return f'<a href="#{escape(part.anchor)}">{escape(part.text)}</a>'
    raise TypeError(f"unknown inline {part!r}")


def _cells(parts: list[Inline]) -> str:
    return "".join(inline(p) for p in parts)


def _table(t: Table) -> str:
    def cls(i: int) -> str:
        return ' class="num"' if i in t.numeric else ""

    head = "".join(f'<th scope="col"{cls(i)}>{escape(h)}</th>' for i, h in enumerate(t.headers))
    rows = []
    for r, row in enumerate(t.rows):
        anchor = t.row_anchors[r] if r < len(t.row_anchors) else None
        rid = f' id="{escape(anchor)}"' if anchor else ""
        rows.append(f"<tr{rid}>" + "".join(f"<td{cls(i)}>{_cells(c)}</td>" for i, c in enumerate(row))
                    + "</tr>")
    body = "\n".join(rows) if rows else f'<tr><td colspan="{len(t.headers)}">None.</td></tr>'
    return f'<div class="table"><table>\n<thead><tr>{head}</tr></thead>\n<tbody>\n{body}\n</tbody></table></div>'


def block(b: Block) -> str:
    if isinstance(b, Heading):
        anchor = f' id="{escape(b.anchor)}"' if b.anchor else ""
        return f"<h{b.level}{anchor}>{escape(b.text)}</h{b.level}>"
    if isinstance(b, Para):
        kind = f' class="{b.kind}"' if b.kind in ("note", "warn") else ""
        return f"<p{kind}>{_cells(b.parts)}</p>"
    if isinstance(b, Bullets):
        return "<ul>" + "".join(f"<li>{_cells(i)}</li>" for i in b.items) + "</ul>"
    if isinstance(b, Table):
        return _table(b)
    if isinstance(b, Chart):
        caption = b.title + (f" (dashed line: {b.marker_label})" if b.marker_label else "")
        return f'<figure id="{escape(b.anchor)}">{chart(b)}<figcaption>{escape(caption)}</figcaption></figure>'
    raise TypeError(f"unknown block {b!r}")


def section(s: Section) -> str:
    body = "\n".join(block(b) for b in s.blocks)
    return f'<section id="{escape(s.anchor)}">\n<h2>{escape(s.title)}</h2>\n{body}\n</section>\n'


def evidence_html(evidence: dict[str, object], digest: str) -> str:
    """The readable evidence exactly as it appears in the document (for --verify)."""
    return section(evidence_section(evidence, digest))


def render(report: Report) -> str:
    heading = title(report)
    parts = sections(report)
    summary = report["data"]["summary"]
    evidence = report["evidence"]
    toc = "".join(f'<li><a href="#{escape(s.anchor)}">{escape(s.title)}</a></li>' for s in parts)
    before = (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n"
        f'<meta name="generator" content="procurelint {escape(evidence["tool"]["version"])}">\n'
        f"<title>{escape(heading)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
        f"<header>\n<h1>{escape(heading)}</h1>\n"
        f'<p>Generated {escape(evidence["generatedAt"])} by procurelint '
        f'{escape(evidence["tool"]["version"])} · verdict <strong>{escape(summary["verdict"])}</strong> · '
        f'evidence digest <code>{escape(report["digest"])}</code></p>\n</header>\n'
        f'<nav aria-label="Contents"><ol>{toc}</ol></nav>\n<main>\n'
        + "".join(section(s) for s in parts)
        + "</main>\n"
    )
    return seal(before, "\n</body>\n</html>\n", HTML_MARKS, evidence, report["digest"])
