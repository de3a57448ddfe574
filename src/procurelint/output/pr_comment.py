"""A pull-request comment (or `$GITHUB_STEP_SUMMARY`) in GitHub-flavoured Markdown.

Verdict and counts first, then the projected spend (its change against the base in
pull-request mode) and what the change fixed, then the findings that need action, most severe
first, the waived ones with their waivers (folded), the findings fixed (folded), what the
change did to the policy, and stale baseline entries. A reviewer reads the errors first, and
the comment stays short: tables stop at MAX_ROWS rows and say, by severity, what they left
out (the job's full output has everything). Manifest names, messages and waiver reasons are
written by users: in table cells they are escaped so that a `|`, a newline or HTML in them
cannot break the table or inject markup, and other control characters (an ANSI escape) are
written as the text format writes them.

The first line is a hidden marker, so that a CI job can find and update its own comment.
"""

from __future__ import annotations

import re

from procurelint.findings import SEVERITY_RANK, Finding, Result
from procurelint.output.text import printable

MARKER = "<!-- procurelint -->"
MAX_ROWS = 25
# Backslash-escaped: emphasis, code, links, strikethrough, and `$`, which GitHub reads as the
# start of a math expression ("costs $1,224 ... would cost $257" would render as TeX).
_MARKUP = re.compile(r"([\\`*_\[\]~$])")


def cell(text: str) -> str:
    """User text made safe for a Markdown table cell."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _MARKUP.sub(r"\\\1", text)
    text = text.replace("|", "&#124;")  # an entity is never a cell delimiter, `\|` can be
    lines = text.replace("\r\n", "\n").splitlines()
    # Other control characters (an ANSI escape) as the text format writes them: `\x1b`.
    return "<br>".join(printable(part.strip()) for part in lines) or " "


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


def _by_severity(findings: list[Finding]) -> list[Finding]:
    """Errors first, then warnings, then infos; in file order within each."""
    return sorted(findings, key=lambda f: (-SEVERITY_RANK.get(f.severity, 0), f.sort_key()))


def _tally(findings: list[Finding]) -> str:
    """`3 errors, 1 info`: the non-zero counts by severity."""
    counts = {s: sum(1 for f in findings if f.severity == s) for s in ("error", "warning", "info")}
    return ", ".join(f"{n} {s}{'s' if n != 1 else ''}" for s, n in counts.items() if n)


def _table(header: tuple[str, ...], rows: list[tuple[str, ...]],
           findings: list[Finding] | None = None) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(r) + " |" for r in rows[:MAX_ROWS]]
    if len(rows) > MAX_ROWS:
        left = f" ({_tally(findings[MAX_ROWS:])})" if findings else ""
        lines.append(f"\n…and {len(rows) - MAX_ROWS} more{left}; see the job's full output.")
    return lines


def _finding_rows(findings: list[Finding]) -> list[tuple[str, ...]]:
    return [(cell(f.rule), f.severity, _where(f), cell(f.message)
             + (f" (waiver {cell(str(f.waiver.get('id')))} expired)" if f.waiver else ""))
            for f in findings]


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
    if result.baseline_file is not None:
        hidden = result.baselined
        lines += ["", f"{len(hidden)} findings hidden by the baseline {cell(result.baseline_file)}"
                      + (f" ({_tally(hidden)})" if hidden else "") + "."]
    if result.fixed:
        lines += ["", f"🎉 This change fixes {len(result.fixed)} findings present at the base "
                      f"({_tally(result.fixed)})."]
    if active:
        # In pull-request mode the findings already present at the base were taken out.
        heading = "New findings" if result.base_monthly_usd is not None else "Findings"
        lines += ["", f"#### {heading}", ""]
        ordered = _by_severity(active)
        lines += _table(("rule", "severity", "location", "message"), _finding_rows(ordered), ordered)
    if waived:
        lines += ["", f"<details><summary>Waived findings ({len(waived)})</summary>", ""]
        lines += _table(("rule", "location", "message", "waiver", "reason", "approved by",
                         "ticket, expires"), [
            (cell(f.rule), _where(f), cell(f.message), *_waiver_cells(f)) for f in waived])
        lines += ["", "</details>"]
    if result.fixed:
        fixed = _by_severity(result.fixed)
        lines += ["", f"<details><summary>Fixed by this change ({len(fixed)})</summary>", ""]
        lines += _table(("rule", "severity", "location", "message"), _finding_rows(fixed), fixed)
        lines += ["", "</details>"]
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
    if result.expired_baseline:
        lines += ["", "#### Expired baseline entries",
                  "", "These baseline entries are past their expiry and hide nothing now:", ""]
        lines += [f"- {cell(e['rule'])} {cell(e['file'])} {cell(e['path'])} "
                  f"(expired {cell(e['expires'])})" for e in result.expired_baseline]
    return "\n".join(lines) + "\n"
