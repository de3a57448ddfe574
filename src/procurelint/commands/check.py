"""`procurelint check`: lint manifests; exit 1 when findings reach failOn."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from procurelint.commands.common import (
    EXIT_CLEAN, EXIT_FINDINGS, FAIL_ON, add_config, add_date, ids, search_start, today, write,
)


def register(commands: Any) -> None:
    from procurelint.report import FORMATS

    parser = commands.add_parser("check", help="lint manifests; exit 1 when findings reach failOn",
                                 description="Lint manifests against the policy.")
    parser.add_argument("paths", nargs="*", type=Path, metavar="PATH",
                        help="files or folders (default: the policy's root)")
    add_config(parser)
    add_date(parser)
    parser.add_argument("--format", "-f", choices=sorted(FORMATS), default="text")
    parser.add_argument("--output", "-o", type=Path, metavar="FILE", help="write the report here")
    parser.add_argument("--fail-on", choices=FAIL_ON, help="override the policy's failOn")
    parser.add_argument("--select", action="append", metavar="IDS",
                        help="only these rule ids or id prefixes (comma-separated)")
    parser.add_argument("--ignore", action="append", metavar="IDS",
                        help="skip these rule ids or id prefixes (comma-separated)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from procurelint.config import load_config
    from procurelint.lint import Options, run_check
    from procurelint.report import renderer

    render = renderer(args.format)
    config = load_config(args.config, search_start(args.paths))
    options = Options(paths=list(args.paths), select=ids(args.select), ignore=ids(args.ignore),
                      fail_on=args.fail_on, today=today(args.date))
    result, _ = run_check(config, options)
    write(render(result), args.output)
    return EXIT_FINDINGS if result.failed else EXIT_CLEAN
