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
                        help="skip files larger than this, with a note (default: the policy's "
                             "discovery.maxFileBytes, 1 MiB)")
    parser.add_argument("--output", "-o", type=Path, metavar="FILE", help="write here")
    parser.add_argument("--emit", type=Path, metavar="DIR",
                        help="also write a draft AgentManifest per file with uses into DIR "
                             "(never overwrites; data classes are left for a person to fill in)")
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
    settings = config.policy.spec.discovery
    options = Options(max_file_bytes=args.max_file_bytes or settings.max_file_bytes or DEFAULT_MAX_BYTES,
                      mentions=args.mentions, exclude=tuple(settings.exclude))
    inventory = discover(root, list(args.paths), alias_table(), config.catalog.models,
                         config.catalog.endpoints, options)
    if args.emit is not None:
        from procurelint.inventory.drafts import drafts

        write_new(args.emit, drafts(inventory.uses, "procurelint discover --emit"))
    write(render(inventory, args.format, mentions=args.mentions), args.output)
    return EXIT_CLEAN


def write_new(folder: Path, files: dict[str, str]) -> None:
    """Write `files` into `folder`; refuses, before writing any, if one of them exists."""
    import sys

    from procurelint.errors import ConfigError, Location

    for name in files:
        if (folder / name).exists():
            raise ConfigError("already exists; procurelint never overwrites a manifest",
                              Location(str(folder / name)))
    for name, text in files.items():
        try:
            folder.mkdir(parents=True, exist_ok=True)
            (folder / name).write_text(text, encoding="utf-8")
        except OSError as exc:
            raise ConfigError(f"cannot write: {exc.strerror}", Location(str(folder / name))) from None
        sys.stderr.write(f"wrote {folder / name}\n")
