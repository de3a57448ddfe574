"""`procurelint classes`: the data classes a manifest may name, as the policy defines them."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from procurelint.commands.common import EXIT_CLEAN, add_config


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "classes", help="list the data classes manifests may name, with their tiers",
        description="List the effective data classes (the built-in ones and the policy's) with "
                    "the tier, regimes and categories of each.")
    parser.add_argument("--format", "-f", choices=("text", "json"), default="text")
    add_config(parser)
    parser.set_defaults(handler=run)


def rows(config: Any) -> list[dict[str, Any]]:
    own = set(config.policy.spec.data_classes) if config.policy_file else set()
    rank = config.tier_rank
    ordered = sorted(config.data_classes.items(), key=lambda item: (rank[item[1].tier], item[0]))
    return [{"name": name, "tier": spec.tier, "regimes": list(spec.regimes),
             "categories": list(spec.categories), "description": spec.description,
             "definedBy": "policy" if name in own else "built-in"}
            for name, spec in ordered]


def run(args: argparse.Namespace) -> int:
    from procurelint import jsontext
    from procurelint.policy.config import load_config

    config = load_config(args.config, Path.cwd())
    found = rows(config)
    if args.format == "json":
        sys.stdout.write(jsontext.dumps({"dataClasses": found}) + "\n")
        return EXIT_CLEAN
    table = [("CLASS", "TIER", "REGIMES", "CATEGORIES", "DEFINED BY")] + [
        (r["name"], r["tier"], ", ".join(r["regimes"]) or "-", ", ".join(r["categories"]) or "-",
         r["definedBy"]) for r in found]
    widths = [max(len(row[i]) for row in table) for i in range(len(table[0]))]
    for row in table:
        sys.stdout.write("  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() + "\n")
    sys.stdout.write(f"{len(found)} data classes; `procurelint tiers` says what each tier allows\n")
    return EXIT_CLEAN
