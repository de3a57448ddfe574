"""Importing price data into catalogs, keeping them fresh, and comparing two catalogs.

One module per source, each with `read(path, display) -> Imported`; `update` writes an import
into a catalog file, `diff` compares two catalogs and what the change costs.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from procurelint.registry import lookup

if TYPE_CHECKING:  # the command registers SOURCES at start-up; the models load only on use
    from procurelint.catalog_import.entries import Imported

Reader = Callable[[Path, str], "Imported"]

SOURCES: dict[str, str] = {
    "openrouter": "procurelint.catalog_import.openrouter",
    "openrouter-providers": "procurelint.catalog_import.openrouter_providers",
    "litellm": "procurelint.catalog_import.litellm",
}


def reader(name: str) -> Reader:
    """The reader of a source; an unknown name lists the valid ones."""
    read: Reader = lookup(SOURCES, name, "read", "source")
    return read


__all__ = ["SOURCES", "Reader", "reader"]
