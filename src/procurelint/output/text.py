"""Human-readable output: `file:line:col: RULE [severity] message`, then a summary line."""

from __future__ import annotations

from procurelint.findings import Result


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
    if result.disabled_packs:
        lines.append(f"packs disabled by the policy: {', '.join(result.disabled_packs)}")
    return "\n".join(lines) + "\n"
