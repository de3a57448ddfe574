"""`procurelint discover`: list where a repository uses a hosted model, resolved against the
catalog (code, gateway and tool configs, dotenv files)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from procurelint.commands.common import EXIT_CLEAN, add_config, search_start, write


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "discover", help="list the hosted models a repository's code and configs use")
    parser.add_argument("paths", nargs="*", type=Path, metavar="PATH",
                        help="files or folders to scan (default: the repository root)")
    parser.add_argument("--format", "-f", choices=("text", "json"), default="text")
    parser.add_argument("--mentions", action="store_true",
                        help="also list model ids in tests, docs and comments (not uses)")
    parser.add_argument("--max-file-bytes", type=_size, default=None, metavar="N",
                        help="skip files larger than this, with a note (default 1 MiB)")
    parser.add_argument("--output", "-o", type=Path, metavar="FILE", help="write here")
    add_config(parser)
    parser.set_defaults(handler=run)


def _size(value: str) -> int:
    if not value.isdigit() or int(value) == 0:
        raise argparse.ArgumentTypeError(f"expected a positive number of bytes, got {value!r}")
    return int(value)


def run(args: argparse.Namespace) -> int:
    from procurelint.inventory.listing import render
    from procurelint.inventory.scan import DEFAULT_MAX_BYTES, Options, discover
    from procurelint.policy.aliases import alias_table
    from procurelint.policy.config import load_config

    config = load_config(args.config, search_start(args.paths))
    root = config.root if config.policy_file else search_start(args.paths).resolve()
    options = Options(max_file_bytes=args.max_file_bytes or DEFAULT_MAX_BYTES,
                      mentions=args.mentions)
    inventory = discover(root, list(args.paths), alias_table(), config.catalog.models,
                         config.catalog.endpoints, options)
    write(render(inventory, args.format, mentions=args.mentions), args.output)
    return EXIT_CLEAN
