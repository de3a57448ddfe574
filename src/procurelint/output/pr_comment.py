"""A pull-request comment (or `$GITHUB_STEP_SUMMARY`) in GitHub-flavoured Markdown.

Verdict and counts first, then the findings that need action, the waived ones with their
waivers, the projected spend (its change against the base in pull-request mode), what the
change did to the policy, and stale baseline entries. Manifest names, messages and waiver
reasons are written by users: in table cells they are escaped so that a `|`, a newline or
HTML in them cannot break the table or inject markup. Tables stop at MAX_ROWS rows, well
inside GitHub's 65,536-character limit for a comment.

The first line is a hidden marker, so that a CI job can find and update its own comment.
"""

from __future__ import annotations

import re

from procurelint.findings import Finding, Result

MARKER = "<!-- procurelint -->"
MAX_ROWS = 100
# Backslash-escaped: emphasis, code, links, strikethrough, and `$`, which GitHub reads as the
# start of a math expression ("costs $1,224 ... would cost $257" would render as TeX).
_MARKUP = re.compile(r"([\\`*_\[\]~$])")


def cell(text: str) -> str:
    """User text made safe for a Markdown table cell."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _MARKUP.sub(r"\\\1", text)
    text = text.replace("|", "&#124;")  # an entity is never a cell delimiter, `\|` can be
    return "<br>".join(part.strip() for part in text.replace("\r\n", "\n").splitlines()) or " "


def _where(finding: Finding) -> str:
    where = f"{finding.file}:{finding.line}:{finding.column}" if finding.line else finding.file
    return cell(where)


def _money(value: float) -> str:
    return f"\\${value:,.2f}"


def _spend(result: Result) -> str:
    now = result.summary.monthly_usd
    base = result.base_monthly_usd
    if base is None:
        return f"Projected spend: **{_money(now)}/month**."
    delta = now - base
    sign = "+" if delta >= 0 else "-"
    percent = f" ({sign}{abs(delta) / base:.1%})" if base else ""
    return (f"Projected spend: **{_money(now)}/month**, {sign}{_money(abs(delta))}{percent} "
            f"against the base ({_money(base)}/month).")


def _table(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(r) + " |" for r in rows[:MAX_ROWS]]
    if len(rows) > MAX_ROWS:
        lines.append(f"\n…and {len(rows) - MAX_ROWS} more; see the job's full output.")
    return lines


def _waiver_cells(finding: Finding) -> tuple[str, str, str, str]:
    w = finding.waiver or {}
    if w.get("id") == "inline":
        return "inline comment", cell(str(w.get("reason") or "")), " ", " "
    return (cell(str(w.get("id"))), cell(str(w.get("reason") or "")),
            cell(str(w.get("approvedBy") or "")) or " ",
            cell(" ".join(str(w[k]) for k in ("ticket", "expires") if w.get(k))) or " ")


def render(result: Result) -> str:
    active = [f for f in result.findings if not f.waived]
    waived = [f for f in result.findings if f.waived]
    s = result.summary
    verdict = "❌ **procurelint failed**" if result.failed else "✅ **procurelint passed**"
    policy = cell(result.policy_name)
    if result.policy_version:
        policy += f" {cell(result.policy_version)}"
    lines = [
        MARKER, f"### {verdict}", "",
        f"{result.count('error')} errors, {result.count('warning')} warnings, "
        f"{result.count('info')} infos, {result.waived} waived in {s.manifests} manifests "
        f"({s.workflows} workflows, {s.steps} steps), judged against policy {policy} "
        f"(fails on {result.fail_on}).",
        "", _spend(result),
    ]
    if active:
        # In pull-request mode the findings already present at the base were taken out.
        heading = "New findings" if result.base_monthly_usd is not None else "Findings"
        lines += ["", f"#### {heading}", ""]
        lines += _table(("rule", "severity", "location", "message"), [
            (cell(f.rule), f.severity, _where(f), cell(f.message)
             + (f" (waiver {cell(str(f.waiver.get('id')))} expired)" if f.waiver else ""))
            for f in active])
    if waived:
        lines += ["", "#### Waived findings", ""]
        lines += _table(("rule", "location", "message", "waiver", "reason", "approved by",
                         "ticket, expires"), [
            (cell(f.rule), _where(f), cell(f.message), *_waiver_cells(f)) for f in waived])
    if result.left_out:
        lines += ["", "#### Rules not judged", ""]
        lines += [f"- {cell(line)}" for line in result.left_out_lines()]
    if result.policy_changes:
        lines += ["", "#### Policy changes", ""]
        lines += [f"- {cell(change)}" for change in result.policy_changes]
    if result.stale_baseline:
        lines += ["", "#### Stale baseline entries",
                  "", "These baseline entries match no finding any more; remove them:", ""]
        lines += [f"- {cell(e.get('rule', ''))} {cell(e.get('file', ''))} "
                  f"{cell(e.get('path', ''))}".rstrip() for e in result.stale_baseline]
    return "\n".join(lines) + "\n"
