"""CEL compilation and evaluation, through the `common-expression-language` extension.

The `cel` package's `__init__` also imports its own command-line interface (typer, rich,
prompt_toolkit: about 170 ms). The engine needs only the compiled extension module, so it
loads `cel/cel.*.so` directly, leaving the package unimported.
"""

from __future__ import annotations

import importlib.machinery
import importlib.util
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
