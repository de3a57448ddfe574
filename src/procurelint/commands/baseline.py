"""`procurelint baseline`: record today's findings so that `check --baseline` reports new ones."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from procurelint.commands.common import EXIT_CLEAN, add_config, add_date, search_start, today, write
from procurelint.errors import ConfigError


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "baseline", help="write the current findings as a baseline for `check --baseline`",
        description="Write the current findings, keyed by rule, file, manifest path and "
                    "message (not line, nor the figures the message quotes), so that `check "
                    "--baseline FILE` reports only new findings. Findings no waiver may cover (POL001, "
                    "JUR009) are never recorded.")
    parser.add_argument("paths", nargs="*", type=Path, metavar="PATH")
    add_config(parser)
    add_date(parser)
    parser.add_argument("--output", "-o", type=Path, default=Path("procurelint-baseline.json"),
                        metavar="FILE", help="where to write it (default procurelint-baseline.json)")
    parser.add_argument("--approved-by", metavar="WHO",
                        help="who accepted the findings of regulatory rules (needed when there "
                             "are any, as for a waiver)")
    parser.add_argument("--expires", metavar="YYYY-MM-DD",
                        help="when the regulatory entries stop hiding their findings (needed "
                             "with --approved-by)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from procurelint.run import baselines as baseline
    from procurelint.policy.config import load_config
    from procurelint.run.pipeline import Options, check

    config = load_config(args.config, search_start(args.paths))
    day = today(args.date)
    result = check(config, Options(paths=list(args.paths), today=day, listed=False)).result
    recorded = [f for f in result.findings if baseline.recordable(f)]
    never = sorted({f.rule for f in result.findings if not f.waived} & baseline.NEVER_RECORDED)
    # Rules of packs that may not be suppressed inline protect other people's data: hiding
    # their findings needs an approver and an expiry, as a waiver does (`check` refuses an
    # entry without them by the same test).
    regulatory = sorted({f.rule for f in recorded if baseline.needs_approval(f.rule, config)})
    approvals: dict[str, dict[str, str]] = {}
    if regulatory:
        if not (args.approved_by or "").strip() or not args.expires:
            raise ConfigError(
                f"{sum(1 for f in recorded if f.rule in regulatory)} findings of regulatory rules "
                f"({', '.join(regulatory)}) would be hidden from every later check: give "
                "--approved-by and --expires, as a waiver needs, or fix them first")
        expires = today(args.expires)
        if expires < day:
            raise ConfigError(f"--expires {args.expires} is in the past")
        approvals = {rule: {"approvedBy": args.approved_by, "expires": expires.isoformat()}
                     for rule in regulatory}
    write(baseline.render(recorded, approvals), args.output)
    print(summary(recorded, regulatory, approvals, args.output))
    if never:
        print(f"not recorded: {', '.join(never)} findings, which no baseline may hide (as no "
              "waiver may cover them); fix them")
    return EXIT_CLEAN


def summary(recorded: list[Any], regulatory: list[str], approvals: dict[str, dict[str, str]],
            output: Path) -> str:
    """What was recorded, by severity and rule, and how to use it."""
    by_rule: dict[str, int] = {}
    for finding in recorded:
        by_rule[finding.rule] = by_rule.get(finding.rule, 0) + 1
    tally = ", ".join(f"{n} {s}s" for s in ("error", "warning", "info")
                      if (n := sum(1 for f in recorded if f.severity == s)))
    lines = [f"recorded {len(recorded)} findings in {output}" + (f" ({tally})" if tally else "")]
    lines += [f"  {rule}  {n}" + ("  approved by {approvedBy}, expires {expires}".format(**approvals[rule])
                                  if rule in approvals else "")
              for rule, n in sorted(by_rule.items())]
    lines.append(f"`procurelint check --baseline {output}` now reports only findings not recorded here")
    return "\n".join(lines)
