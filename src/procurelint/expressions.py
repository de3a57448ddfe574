"""CEL compilation and evaluation, through the `common-expression-language` extension.

The `cel` package's `__init__` also imports its own command-line interface (typer, rich,
prompt_toolkit: about 170 ms). The engine needs only the compiled extension module, so it
loads `cel/cel.*.so` directly, leaving the package unimported.
"""

from __future__ import annotations

import importlib.machinery
import importlib.util
import re
import sys
import time
from functools import lru_cache
from pathlib import Path
from types import ModuleType
from typing import Any


@lru_cache(maxsize=1)
def _extension() -> ModuleType:
    if "cel" in sys.modules and hasattr(sys.modules["cel"], "compile"):
        return sys.modules["cel"]
    spec = importlib.util.find_spec("cel")
    if spec is None or not spec.submodule_search_locations:
        raise ImportError("the 'common-expression-language' package is not installed")
    folder = Path(next(iter(spec.submodule_search_locations)))
    for suffix in importlib.machinery.EXTENSION_SUFFIXES:
        candidate = folder / f"cel{suffix}"
        if candidate.is_file():
            loader = importlib.machinery.ExtensionFileLoader("cel.cel", str(candidate))
            module_spec = importlib.util.spec_from_loader("cel.cel", loader)
            assert module_spec is not None
            module = importlib.util.module_from_spec(module_spec)
            loader.exec_module(module)
            return module
    raise ImportError(f"no CEL extension module in {folder}")


_STRING_START = re.compile(r"(?:[rR][bB]?|[bB][rR]?)?(\"\"\"|'''|\"|')")


def code_text(source: str) -> str:
    """The expression as CEL's lexer sees it: each string (with its r/b prefix, triple quotes
    and escapes) as `''`, `//` comments dropped, everything else as written; so that neither
    can hide a read, a macro or a list from what reads the text. An unterminated string
    raises ValueError."""
    out: list[str] = []
    i = start = 0
    n = len(source)
    while i < n:
        if source.startswith("//", i):
            out.append(source[start:i])
            end = source.find("\n", i)
            i = start = n if end < 0 else end
            continue
        match = _STRING_START.match(source, i)
        if match and (match.start(1) == i or not (i > 0 and (source[i - 1].isalnum() or source[i - 1] == "_"))):
            quote = match.group(1)
            raw = "r" in source[i:match.start(1)].lower()
            j = match.end()
            while True:
                if j >= n:
                    raise ValueError("unterminated string")
                if not raw and source[j] == "\\":
                    j += 2
                    continue
                if source.startswith(quote, j):
                    j += len(quote)
                    break
                if len(quote) == 1 and source[j] == "\n":
                    raise ValueError("unterminated string")
                j += 1
            out.append(source[start:i])
            out.append("''")
            i = start = j
            continue
        i += 1
    out.append(source[start:])
    return "".join(out)


def cel_tokens(source: str) -> list[str]:
    """The expression's tokens (see `code_text`): names, numbers, `''` for each string, and
    every other character on its own. An unterminated string raises ValueError."""
    text = code_text(source)
    out: list[str] = []
    i = 0
    n = len(text)
    while i < n:
        char = text[i]
        if char.isspace():
            i += 1
            continue
        if text.startswith("''", i):
            out.append("''")
            i += 2
            continue
        if char.isalnum() or char == "_":
            j = i
            while j < n and (text[j].isalnum() or text[j] in "_."):
                if text[j] == "." and not (text[j - 1].isdigit() and j + 1 < n and text[j + 1].isdigit()):
                    break
                j += 1
            out.append(text[i:j])
            i = j
            continue
        out.append(char)
        i += 1
    return out


class CelCompileError(Exception):
    """An expression that does not parse."""


class CelEvalError(Exception):
    """An expression that fails at evaluation time (missing field, type mismatch...)."""


class Program:
    """A compiled CEL expression."""

    __slots__ = ("source", "_program", "variables", "seconds")

    def __init__(self, source: str) -> None:
        self.source = source
        try:
            self._program = _extension().compile(source)
        except ValueError as exc:
            raise CelCompileError(str(exc)) from None
        self.variables: frozenset[str] = frozenset(self._program.variables())
        self.seconds = 0.0
        """CPU time of the last evaluation (not wall time: a loaded machine does not count)."""

    def run(self, context: Any) -> Any:
        start = time.thread_time()
        try:
            return self._program.execute(context)
        except Exception as exc:  # the extension raises KeyError, TypeError, ValueError, RuntimeError
            detail = f"no such key: {exc}" if isinstance(exc, KeyError) else str(exc)
            raise CelEvalError(detail) from None
        finally:
            self.seconds = time.thread_time() - start


def new_context(variables: dict[str, Any]) -> Any:
    """A reusable CEL context; only data, no functions: rules cannot reach files or network."""
    return _extension().Context(variables)


class ContextPool:
    """CEL contexts reused across evaluation units.

    Converting Python values into CEL values is most of the cost of an evaluation, so units
    that share catalog entries share a context, and a variable is converted again only when
    the unit's value for it is a different object. Shared values are never mutated.
    """

    def __init__(self) -> None:
        self._pool: dict[Any, tuple[Any, dict[str, Any]]] = {}

    def context(self, key: Any, variables: dict[str, Any]) -> Any:
        entry = self._pool.get(key)
        if entry is None:
            self._pool[key] = (new_context(variables), dict(variables))
            return self._pool[key][0]
        context, current = entry
        for name, value in variables.items():
            if current.get(name) is not value:
                context.add_variable(name, value)
                current[name] = value
        return context
