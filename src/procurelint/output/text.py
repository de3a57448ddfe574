"""Human-readable output: the findings grouped by location, then the summary lines.

One bad step can break several rules at once, so each location (file, line, column and
`manifest/workflow/step` path: a step's endpoint, each fallback of it) gets one head line
naming its rules, and each finding an indented line below it:

    claims/claims-assistant.yaml:26:21: claims-assistant/triage/draft-reply: HIPAA001, JUR001, HIPAA004
        HIPAA001 [error] step claims-assistant/triage/draft-reply sends PHI to deepseek/api, ...
        JUR001 [error] step claims-assistant/triage/draft-reply sends restricted data to ...
        HIPAA004 [warning] step claims-assistant/triage/draft-reply sends PHI to ...

Groups keep the findings' order (file, line, column), so the output stays deterministic; two
paths at one position are two groups. Within a group errors come first, then warnings, then
infos, each by rule id. A finding with no line shows `file: PATH: ...`; one with no path (a
file that does not parse) leaves the path out. Every line goes through `printable`.
"""

from __future__ import annotations

from procurelint.findings import SEVERITY_RANK, Finding, Result

_CONTROL = {c: chr(c).encode("unicode_escape").decode("ascii")
            for c in (*range(0x00, 0x09), *range(0x0a, 0x20), *range(0x7f, 0xa0), 0x2028, 0x2029)}
"""Each escaped character and its escape. (A table, not a regular expression: compiling a
class that mixes these ranges with the two separators costs as much as the rest of the text
output.)"""


def printable(text: str) -> str:
    """Control characters escaped (`\\n`, `\\x1b`): a file name or value must not start a new
    line (which could forge a CI workflow command such as `::error`) or drive the terminal.
    Every escaped character is unprintable, so printable text is returned as it is."""
    return text if text.isprintable() else text.translate(_CONTROL)


INDENT = "    "


def groups(findings: list[Finding]) -> list[list[Finding]]:
    """The findings by location (file, line, column, path), in the order each location first
    appears; within a location errors first, then warnings, then infos, each by rule id (a
    stable sort: findings of one rule keep their order)."""
    by_place: dict[tuple[str, int, int, str], list[Finding]] = {}
    for f in findings:
        by_place.setdefault((f.file, f.line, f.column, f.path), []).append(f)
    return [sorted(group, key=lambda f: (-SEVERITY_RANK[f.severity], f.rule))
            for group in by_place.values()]


def head(group: list[Finding]) -> str:
    """`file:line:col: PATH: RULE1, RULE2` (`file: ...` without a line, no `PATH: ` without a path)."""
    first = group[0]
    where = f"{first.file}:{first.line}:{first.column}" if first.line else first.file
    rules = ", ".join(dict.fromkeys(f.rule for f in group))
    return f"{where}: {first.path}: {rules}" if first.path else f"{where}: {rules}"


def finding_line(f: Finding) -> str:
    """`RULE [severity] message`, and the waiver that covers it or covered it."""
    waived = ""
    if f.waiver and f.waived:
        waived = f" (waived by {f.waiver['id']}: {f.waiver['reason']})"
    elif f.waiver:
        waived = f" (waiver {f.waiver['id']} expired {f.waiver['expires']})"
    return f"{f.rule} [{f.severity}] {f.message}{waived}"


def render(result: Result) -> str:
    lines = []
    for group in groups(result.findings):
        lines.append(head(group))
        lines += [INDENT + finding_line(f) for f in group]
    s = result.summary
    counts = (
        f"{result.count('error')} errors, {result.count('warning')} warnings, "
        f"{result.count('info')} infos"
    )
    if result.waived:
        counts += f", {result.waived} waived"
    verdict = "failed" if result.failed else "passed"
    if result.not_listed:
        lines.append(f"... and {result.not_listed} more findings not listed (at most "
                     "500 per file and 10,000 per run are listed; all are counted below)")
    if result.not_read:
        lines.append(f"not read: {len(result.not_read)} files that look like procurelint documents "
                     "or do not parse (excluded, git-ignored, unparseable and not ours, or holding "
                     "them below the top level; --format json lists them)")
    lines.append(
        f"{verdict}: {counts} in {s.manifests} manifests ({s.workflows} workflows, {s.steps} steps; "
        f"{s.files} files read, {s.ignored} not ours); projected spend ${s.monthly_usd:,.2f}/month"
    )
    if result.base_monthly_usd is not None:
        delta = s.monthly_usd - result.base_monthly_usd
        lines.append(f"projected spend at the base revision ${result.base_monthly_usd:,.2f}/month; "
                     f"change {'+' if delta >= 0 else '-'}${abs(delta):,.2f}/month")
    for change in result.policy_changes:
        lines.append(f"policy changed: {change} (judged by the base revision's policy)")
    if result.baseline_file is not None:
        hidden = result.baselined
        tally = ", ".join(f"{n} {s}s" for s in ("error", "warning", "info")
                          if (n := sum(1 for f in hidden if f.severity == s)))
        lines.append(f"baseline {result.baseline_file}: {len(hidden)} findings hidden"
                     + (f" ({tally})" if tally else "") + "; the verdict counts only the others")
    for entry in result.stale_baseline:
        lines.append(f"baseline entry no longer matches: {entry['rule']} {entry['file']} {entry['path']}")
    for entry in result.expired_baseline:
        lines.append(f"baseline entry expired on {entry['expires']} and hides nothing now: "
                     f"{entry['rule']} {entry['file']} {entry['path']}")
    if result.catalog_changes:
        shown = [f"{c['id']} {c['field']}" for c in result.catalog_changes[:5]]
        more = len(result.catalog_changes) - len(shown)
        lines.append(f"built-in catalog facts changed by the policy's catalogs: "
                     f"{len(result.catalog_changes)} ({', '.join(shown)}"
                     f"{f', and {more} more' if more else ''}); "
                     "`procurelint report` lists each with its old and new value and sources")
    lines += result.left_out_lines()
    if result.disabled_packs:
        lines.append(f"packs disabled by the policy: {', '.join(result.disabled_packs)}")
    return "\n".join(printable(line) for line in lines) + "\n"

