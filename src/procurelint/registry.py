"""Name -> module registries whose modules are imported only when their name is asked for."""

from __future__ import annotations

from importlib import import_module
from typing import Any

from procurelint.errors import ConfigError


def lookup(registry: dict[str, str], name: str, attribute: str, what: str) -> Any:
    """`attribute` of the module registered under `name`; an unknown name lists the valid ones,
    so nothing unknown falls back silently."""
    module = registry.get(name)
    if module is None:
        raise ConfigError(f"unknown {what} {name!r}; {what}s: {', '.join(registry)}")
    return getattr(import_module(module), attribute)
