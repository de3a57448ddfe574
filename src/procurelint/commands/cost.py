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
    parser.add_argument("--step", metavar="PATH",
                        help="what if: the step (manifest/workflow/step) to price and judge on "
                             "--model at --endpoint instead; exits 0 when that is compliant and "
                             "priced, else 1")
    parser.add_argument("--model", metavar="ID", help="what if: the model for --step")
    parser.add_argument("--endpoint", metavar="ID", help="what if: the endpoint for --step")
    add_jobs(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from procurelint.output import cost_view
    from procurelint.policy.config import load_config
    from procurelint.run.pipeline import Options, check

    config = load_config(args.config, search_start(args.paths))
    what_if = _what_if(args, config)

    def request(result: Any) -> dict[str, Any]:
        return {"failing": cost_view.failing_steps(result), "whatIf": what_if}

    checked = check(config, Options(paths=list(args.paths), today=today(args.date), jobs=args.jobs),
                    view=cost_view.rows_of_slice, request=request)
    rows = [row for rows, _ in checked.views for row in rows]
    doc = cost_view.summary(rows, checked.spend, config, args.by)
    if what_if is not None:
        return _report_what_if(args, doc, [found for _, found in checked.views if found], what_if)
    render = {"text": cost_view.render_text, "json": cost_view.render_json, "md": cost_view.render_md}
    write(render[args.format](doc), args.output)
    over = doc["org"]["overBudget"] or any(team["overBudget"] for team in doc["teams"])
    return EXIT_FINDINGS if over or doc["unpricedSteps"] else EXIT_CLEAN


def _what_if(args: argparse.Namespace, config: Any) -> tuple[str, str, str] | None:
    """The (step, model, endpoint) of a what-if, checked against the catalog; None without."""
    from procurelint.errors import ConfigError
    from procurelint.wording import did_you_mean, suggestion

    given = (args.step, args.model, args.endpoint)
    if not any(given):
        return None
    if not all(given):
        raise ConfigError("a what-if needs --step, --model and --endpoint together")
    catalog = config.catalog
    if args.model not in catalog.models:
        raise ConfigError(f"--model {args.model!r} is not in the catalog"
                          + suggestion(did_you_mean(args.model, list(catalog.models))))
    if args.endpoint not in catalog.endpoints:
        raise ConfigError(f"--endpoint {args.endpoint!r} is not in the catalog"
                          + suggestion(did_you_mean(args.endpoint, list(catalog.endpoints))))
    return (args.step, args.model, args.endpoint)


def _report_what_if(args: argparse.Namespace, doc: dict[str, Any], found: list[dict[str, Any]],
                    what_if: tuple[str, str, str]) -> int:
    from procurelint.errors import ConfigError
    from procurelint.output import cost_view
    from procurelint.wording import did_you_mean, suggestion

    steps = {row["path"]: row for row in doc["steps"]}
    if not found or what_if[0] not in steps:
        raise ConfigError(f"--step {what_if[0]!r} is not a step of the checked manifests (write "
                          "manifest/workflow/step)" + suggestion(did_you_mean(what_if[0], list(steps))))
    result = {"whatIf": found[0], "current": steps[what_if[0]]}
    text = cost_view.render_json(result) if args.format == "json" else cost_view.render_what_if(result)
    write(text, args.output)
    ok = found[0]["compliant"] and found[0]["monthlyUsd"] is not None
    return EXIT_CLEAN if ok else EXIT_FINDINGS
