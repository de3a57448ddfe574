"""`procurelint test DIR`: run rule test cases, each a folder with an expect.yaml."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from procurelint.commands.common import EXIT_CLEAN, EXIT_FINDINGS, today
from procurelint.errors import ConfigError


def register(commands: Any) -> None:
    parser = commands.add_parser("test", help="run rule test cases (folders with expect.yaml)")
    parser.add_argument("folders", nargs="*", type=Path, default=[Path(".")], metavar="DIR")
    parser.add_argument("--date", metavar="YYYY-MM-DD",
                        help="the date for cases whose expect.yaml gives no `today`")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from procurelint.run.rule_cases import find_cases, run_case

    day = today(args.date)
    cases = [case for folder in args.folders for case in find_cases(folder)]
    if not cases:
        where = ", ".join(str(f) for f in args.folders)
        raise ConfigError(f"no test cases (folders with expect.yaml) under {where}")
    failed = 0
    for case in cases:
        outcome = run_case(case, day)
        sys.stdout.write(f"{'ok' if outcome.ok else 'FAIL':<4} {case}\n")
        for problem in outcome.problems:
            sys.stdout.write(f"     {problem}\n")
        failed += 0 if outcome.ok else 1
    sys.stdout.write(f"cases: {len(cases) - failed} passed, {failed} failed\n")
    return EXIT_FINDINGS if failed else EXIT_CLEAN
