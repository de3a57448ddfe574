"""`procurelint schema KIND`: print the JSON Schema of a document kind."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from procurelint.commands.common import EXIT_CLEAN


def register(commands: Any) -> None:
    parser = commands.add_parser("schema", help="print the JSON Schema of a document kind")
    parser.add_argument("kind", metavar="KIND",
                        help="AgentManifest, Catalog, Policy, Waivers or RulePack")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from procurelint.documents.schemas import schema_text

    sys.stdout.write(schema_text(args.kind))
    return EXIT_CLEAN
