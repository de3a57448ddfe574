"""`procurelint cost`: projected monthly spend, with the cheapest compliant alternative per step."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from procurelint.commands.common import EXIT_CLEAN, add_config, add_date, search_start, today, write

GROUPS = ("team", "tier", "jurisdiction", "model", "endpoint")


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "cost", help="projected monthly spend, with cheaper compliant alternatives",
        description="Projected monthly spend per manifest, workflow and step, the cheapest "
                    "compliant alternative for each step, and totals by group, team and "
                    "organisation.")
    parser.add_argument("paths", nargs="*", type=Path, metavar="PATH")
    add_config(parser)
    add_date(parser)
    parser.add_argument("--by", choices=GROUPS, default="team", help="group totals by (default team)")
    parser.add_argument("--format", "-f", choices=("text", "json", "md"), default="text")
    parser.add_argument("--output", "-o", type=Path, metavar="FILE")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from procurelint import costing
    from procurelint.config import load_config
    from procurelint.lint import Options, run_check

    config = load_config(args.config, search_start(args.paths))
    _, evaluation = run_check(config, Options(paths=list(args.paths), today=today(args.date)))
    doc = costing.summary(costing.step_costs(evaluation), evaluation, args.by)
    render = {"text": costing.render_text, "json": costing.render_json, "md": costing.render_md}
    write(render[args.format](doc), args.output)
    return EXIT_CLEAN
