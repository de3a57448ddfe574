"""One module per command; each has `register(subparsers)` and `run(args) -> exit code`.

Command modules import their heavy dependencies inside `run`, so that `--help` and a small
check start fast.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

COMMANDS = ("check", "cost", "report", "baseline", "explain", "rules", "classes", "tiers", "catalog", "schema",
            "init", "test", "discover")


def register_all(subparsers: Any, only: str | None = None) -> None:
    """Add every command that exists in this installation to the parser, or only the command
    `only` names (the one being run: importing and describing the others costs start-up)."""
    for name in COMMANDS if only not in COMMANDS else (only,):
        try:
            module = import_module(f"procurelint.commands.{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"procurelint.commands.{name}":
                continue  # not built yet
            raise
        module.register(subparsers)
