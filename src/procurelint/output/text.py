"""Human-readable output: `file:line:col: RULE [severity] message`, then a summary line."""

from __future__ import annotations

import re

from procurelint.findings import Result

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]|\n")


def printable(text: str) -> str:
    """Control characters escaped (`\\n`, `\\x1b`): a file name or value must not start a new
    line (which could forge a CI workflow command such as `::error`) or drive the terminal."""
    return _CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


def render(result: Result) -> str:
    lines = []
    for f in result.findings:
        where = f"{f.file}:{f.line}:{f.column}" if f.line else f.file
        waived = ""
        if f.waiver and f.waived:
            waived = f" (waived by {f.waiver['id']}: {f.waiver['reason']})"
        elif f.waiver:
            waived = f" (waiver {f.waiver['id']} expired {f.waiver['expires']})"
        lines.append(f"{where}: {f.rule} [{f.severity}] {f.message}{waived}")
    s = result.summary
    counts = (
        f"{result.count('error')} errors, {result.count('warning')} warnings, "
        f"{result.count('info')} infos"
    )
    if result.waived:
        counts += f", {result.waived} waived"
    verdict = "failed" if result.failed else "passed"
    if result.omitted:
        lines.append(f"... and {sum(result.omitted.values())} more findings not listed (at most "
                     "500 per file and 10,000 per run are listed; all are counted below)")
    if result.not_read:
        lines.append(f"not read: {len(result.not_read)} files that look like procurelint documents "
                     "or do not parse (excluded, git-ignored, or unparseable and not ours; "
                     "--format json lists them)")
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

