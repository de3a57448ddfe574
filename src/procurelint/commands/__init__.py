"""One module per command; each has `register(subparsers)` and `run(args) -> exit code`.

Command modules import their heavy dependencies inside `run`, so that `--help` and a small
check start fast.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

COMMANDS = ("check", "cost", "report", "baseline", "explain", "rules", "classes", "tiers", "catalog", "schema",
            "init", "test", "discover")


def register_all(subparsers: Any) -> None:
    """Add every command that exists in this installation to the parser."""
    for name in COMMANDS:
        try:
            module = import_module(f"procurelint.commands.{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"procurelint.commands.{name}":
                continue  # not built yet
            raise
        module.register(subparsers)
