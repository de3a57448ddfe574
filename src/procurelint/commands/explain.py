"""`procurelint explain RULE_ID`: rationale, citations, remediation, example, caveats."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from procurelint.commands.common import EXIT_CLEAN, add_config


def register(commands: Any) -> None:
    parser = commands.add_parser("explain", help="rationale, citations, remediation, example")
    parser.add_argument("rule_id", metavar="RULE_ID")
    add_config(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from procurelint.output.rule_docs import explain_rule

    sys.stdout.write(explain_rule(args.rule_id, args.config))
    return EXIT_CLEAN
