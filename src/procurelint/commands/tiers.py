"""`procurelint tiers`: the sensitivity tiers of the policy and what each allows."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from procurelint.commands.common import EXIT_CLEAN, add_config


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "tiers", help="list the sensitivity tiers and what each allows",
        description="List the effective tiers, least sensitive first: where their data may go, "
                    "whether endpoints may train on it, how long they may keep it, and the data "
                    "classes of each.")
    parser.add_argument("--format", "-f", choices=("text", "json"), default="text")
    add_config(parser)
    parser.set_defaults(handler=run)


def rows(config: Any) -> list[dict[str, Any]]:
    out = []
    for tier in config.tiers:
        out.append({
            "name": tier.name, "description": tier.description,
            "allowJurisdictions": tier.allow_jurisdictions,
            "denyJurisdictions": tier.deny_jurisdictions,
            "allowDeveloperJurisdictions": tier.allow_developer_jurisdictions,
            "requireNoTraining": tier.require_no_training,
            "maxRetentionDays": tier.max_retention_days,
            "dataClasses": sorted(n for n, c in config.data_classes.items() if c.tier == tier.name),
        })
    return out


def _places(allow: list[str] | None, deny: list[str] | None) -> str:
    if allow is None and deny is None:
        return "anywhere"
    parts = []
    if allow is not None:
        parts.append("only " + ", ".join(allow))
    if deny is not None:
        parts.append("not " + ", ".join(deny))
    return "; ".join(parts) + " (an unknown place is not allowed)"


def run(args: argparse.Namespace) -> int:
    from procurelint import jsontext
    from procurelint.policy.config import load_config

    config = load_config(args.config, Path.cwd())
    found = rows(config)
    if args.format == "json":
        sys.stdout.write(jsontext.dumps({"tiers": found}) + "\n")
        return EXIT_CLEAN
    lines = []
    for i, tier in enumerate(found):
        rank = " (least sensitive)" if i == 0 else " (most sensitive)" if i == len(found) - 1 else ""
        lines.append(f"{tier['name']}{rank}" + (f": {tier['description']}" if tier["description"] else ""))
        lines.append("  endpoint country, provider and parent: "
                     + _places(tier["allowJurisdictions"], tier["denyJurisdictions"]))
        developers = tier["allowDeveloperJurisdictions"]
        lines.append("  model developers: " + ("only " + ", ".join(developers) if developers is not None
                                                else "any"))
        lines.append("  training on inputs: " + ("not allowed (an endpoint that may train, or whose training is unknown, fails)"
                                                 if tier["requireNoTraining"] else "allowed"))
        days = tier["maxRetentionDays"]
        lines.append("  retention of prompts: " + (f"at most {days} days (unknown counts as unlimited)"
                                                   if days is not None else "any"))
        lines.append("  data classes: " + (", ".join(tier["dataClasses"]) or "none"))
    lines.append("A step is judged by every tier of its data classes: the strictest one decides.")
    sys.stdout.write("\n".join(lines) + "\n")
    return EXIT_CLEAN
