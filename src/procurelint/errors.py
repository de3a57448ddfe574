"""Errors that carry a source location, so every message can name file:line:column."""

from __future__ import annotations

from msgspec import Struct


class Location(Struct, frozen=True):
    """A 1-based position in a file; line and column are 0 when unknown."""

    file: str
    line: int = 0
    column: int = 0

    def __str__(self) -> str:
        if self.line:
            return f"{self.file}:{self.line}:{self.column}"
        return self.file


class ProcurelintError(Exception):
    """Base of every error the tool reports to the user instead of a traceback."""

    exit_code = 2

    def __init__(self, message: str, location: Location | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.location = location

    def __str__(self) -> str:
        if self.location is None:
            return self.message
        return f"{self.location}: {self.message}"


class ConfigError(ProcurelintError):
    """The policy, a catalog, a rule pack or a command-line option is wrong: exit 2."""


class SetupError(ProcurelintError):
    """procurelint's installation cannot do what is asked (a library that does not load):
    exit 2. Not the policy's fault, so never placed in it."""


class YamlError(ProcurelintError):
    """A file cannot be read as YAML (syntax, encoding, duplicate key, limits)."""
