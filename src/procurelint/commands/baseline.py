"""`procurelint baseline`: record today's findings so that `check --baseline` reports new ones."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from procurelint.commands.common import EXIT_CLEAN, add_config, add_date, search_start, today, write


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "baseline", help="write the current findings as a baseline for `check --baseline`",
        description="Write the current findings, keyed by rule, file and manifest path (not "
                    "line), so that `check --baseline FILE` reports only new findings.")
    parser.add_argument("paths", nargs="*", type=Path, metavar="PATH")
    add_config(parser)
    add_date(parser)
    parser.add_argument("--output", "-o", type=Path, default=Path("procurelint-baseline.json"),
                        metavar="FILE", help="where to write it (default procurelint-baseline.json)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from procurelint.run import baselines as baseline
    from procurelint.policy.config import load_config
    from procurelint.run.pipeline import Options, check

    config = load_config(args.config, search_start(args.paths))
    result = check(config, Options(paths=list(args.paths), today=today(args.date))).result
    write(baseline.render(result.findings), args.output)
    return EXIT_CLEAN
