"""`procurelint cost`: projected monthly spend, with the cheapest compliant alternative per step."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from procurelint.commands.common import (
    EXIT_CLEAN, EXIT_FINDINGS, add_config, add_date, add_jobs, search_start, today, write,
)

GROUPS = ("team", "tier", "jurisdiction", "model", "endpoint")


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "cost", help="projected monthly spend, with cheaper compliant alternatives",
        description="Projected monthly spend per manifest, workflow and step (input, cached "
                    "input and output dollars), the cheapest compliant alternative for each "
                    "step, and totals by group, team and organisation. Exits 1 when a team or "
                    "the organisation is over its budget or a step cannot be priced (its cost "
                    "is unknown), else 0; 2 on a usage or configuration error. Steps that are "
                    "not compliant are marked; `check` fails on them.")
    parser.add_argument("paths", nargs="*", type=Path, metavar="PATH")
    add_config(parser)
    add_date(parser)
    parser.add_argument("--by", choices=GROUPS, default="team", help="group totals by (default team)")
    parser.add_argument("--format", "-f", choices=("text", "json", "md"), default="text")
    parser.add_argument("--output", "-o", type=Path, metavar="FILE")
    add_jobs(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from procurelint.output import cost_view
    from procurelint.policy.config import load_config
    from procurelint.run.pipeline import Options, check

    config = load_config(args.config, search_start(args.paths))
    checked = check(config, Options(paths=list(args.paths), today=today(args.date), jobs=args.jobs),
                    view=cost_view.rows_of_slice, request=cost_view.failing_steps)
    rows = [row for rows in checked.views for row in rows]
    doc = cost_view.summary(rows, checked.spend, config, args.by)
    render = {"text": cost_view.render_text, "json": cost_view.render_json, "md": cost_view.render_md}
    write(render[args.format](doc), args.output)
    over = doc["org"]["overBudget"] or any(team["overBudget"] for team in doc["teams"])
    return EXIT_FINDINGS if over or doc["unpricedSteps"] else EXIT_CLEAN
