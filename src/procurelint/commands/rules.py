"""`procurelint rules`: list the rules (text, or docs/rules.md as markdown)."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from procurelint.commands.common import EXIT_CLEAN, add_config


def register(commands: Any) -> None:
    parser = commands.add_parser("rules", help="list rules")
    parser.add_argument("--pack", metavar="NAME", help="only this pack")
    parser.add_argument("--format", "-f", choices=("text", "md"), default="text")
    add_config(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from procurelint.output.rule_docs import list_rules

    sys.stdout.write(list_rules(args.pack, args.format, args.config))
    return EXIT_CLEAN
