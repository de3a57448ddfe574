"""CEL compilation and evaluation, through the `common-expression-language` extension.

The `cel` package's `__init__` also imports its own command-line interface (typer, rich,
prompt_toolkit: about 170 ms). The engine needs only the compiled extension module, so it
loads `cel/cel.*.so` directly, leaving the package unimported.
"""

from __future__ import annotations

import importlib.machinery
import importlib.util
import math
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
            _load_without_logging(loader, module)
            return module
    raise ImportError(f"no CEL extension module in {folder}")


class _LoggingOnDemand(ModuleType):
    """Stands for `logging` while the extension initialises: its Rust logger (pyo3-log)
    imports `logging` then only to keep the module, and calls `getLogger` on it when the
    extension logs (a warning, or a panic it reports). `logging`, with the traceback,
    tokenize, string and threading modules it imports, is a twentieth of a one-manifest
    check. The first attribute read of the stand-in imports the real module and answers with
    it from then on, so whatever the extension logs reaches `logging` as before."""

    def __getattr__(self, name: str) -> Any:
        real = sys.modules.get("logging")
        if real is None or real is self:
            sys.modules.pop("logging", None)
            import logging as real
        return getattr(real, name)


def _load_without_logging(loader: importlib.machinery.ExtensionFileLoader,
                          module: ModuleType) -> None:
    """Initialise the extension with `_LoggingOnDemand` in the place of an unimported
    `logging`, and take the stand-in out again (an import of `logging` afterwards, or during,
    gets the real module). Only while no other thread runs: one that imported `logging`
    meanwhile would keep the stand-in as its module, and settings made on it would not reach
    the real one."""
    threading = sys.modules.get("threading")
    stand_in = "logging" not in sys.modules and (
        threading is None or threading.active_count() == 1)
    if stand_in:
        sys.modules["logging"] = _LoggingOnDemand("logging")
    try:
        loader.exec_module(module)
    finally:
        if stand_in and isinstance(sys.modules.get("logging"), _LoggingOnDemand):
            del sys.modules["logging"]


# A `//` comment, or the opening of a string: its quotes, after an r/b prefix that no name
# character precedes (in `bar"x"` the string starts at the quote).
_COMMENT_OR_STRING = re.compile(r"""//[^\n]*|(?:(?<!\w)([rR][bB]?|[bB][rR]?))?("{3}|'{3}|"|')""")


@lru_cache(maxsize=None)
def _string_rest(quote: str, raw: bool) -> re.Pattern[str]:
    """A string's rest after its opening quotes: a backslash escapes any character unless the
    string is raw, and a one-quote string does not cross a line. Alternatives never overlap,
    so a string that does not end cannot be read by backtracking as one that does. Compiled
    at first use: most policies write no raw or triple-quoted string."""
    q = re.escape(quote[0])
    if len(quote) == 1:
        return re.compile(rf"[^{q}\n]*{q}" if raw else rf"(?:[^{q}\\\n]|\\[\s\S])*{q}")
    return re.compile(rf"[\s\S]*?{q}{{3}}" if raw else rf"(?:[^{q}\\]|\\[\s\S]|{q}(?!{q}{q}))*{q}{{3}}")


# A token of `code_text`'s output: a string's `''`, a name or number (a dot joins digits
# only, `1.5`; `a.b` is three tokens), or any other character but a space.
_TOKEN = re.compile(r"''|\w+(?:(?<=\d)\.(?=\d)\w+)*|\S")


@lru_cache(maxsize=4096)
def code_text(source: str) -> str:
    """The expression as CEL's lexer sees it: each string (with its r/b prefix, triple quotes
    and escapes) as `''`, `//` comments dropped, everything else as written; so that neither
    can hide a read, a macro or a list from what reads the text. An unterminated string
    raises ValueError. Rules share expressions, so each text is made once."""
    out: list[str] = []
    start = 0
    search = _COMMENT_OR_STRING.search
    while (match := search(source, start)) is not None:
        out.append(source[start:match.start()])
        quote = match.group(2)
        if quote is None:  # a comment, up to the end of its line
            start = match.end()
            continue
        rest = _string_rest(quote, "r" in (match.group(1) or "").lower()).match(source, match.end())
        if rest is None:
            raise ValueError("unterminated string")
        out.append("''")
        start = rest.end()
    out.append(source[start:])
    return "".join(out)


@lru_cache(maxsize=4096)
def cel_tokens(source: str) -> tuple[str, ...]:
    """The expression's tokens (see `code_text`): names, numbers, `''` for each string, and
    every other character on its own. An unterminated string raises ValueError."""
    return tuple(_TOKEN.findall(code_text(source)))


class CelCompileError(Exception):
    """An expression that does not parse."""


class CelEvalError(Exception):
    """An expression that fails at evaluation time (missing field, type mismatch...)."""


@lru_cache(maxsize=4096)
def _compiled(source: str) -> tuple[Any, frozenset[str]]:
    """The extension's program for `source` and the variables it reads. Rules share
    expressions (`true` is the `when` of most), and a compiled program holds no state of an
    evaluation, so each source is compiled once."""
    try:
        program = _extension().compile(source)
    except ValueError as exc:
        raise CelCompileError(str(exc)) from None
    return program, frozenset(program.variables())


class Program:
    """A compiled CEL expression."""

    __slots__ = ("source", "_program", "variables", "seconds", "limit")

    def __init__(self, source: str, limit: float = math.inf) -> None:
        self.source = source
        self._program, self.variables = _compiled(source)
        self.seconds = 0.0
        """CPU time of the last evaluation, where it took more than `limit` seconds of wall
        time; else its wall time, which is never less (a loaded machine does not count)."""
        self.limit = limit
        """The rule's limits.maxRuleMilliseconds, in seconds."""

    def run(self, context: Any) -> Any:
        # Wall time costs little to read; CPU time (`time.thread_time`) is a system call on
        # some machines, read only to time again an evaluation that looks too slow.
        start = time.perf_counter()
        try:
            return self._execute(context)
        finally:
            self.seconds = time.perf_counter() - start
            if self.seconds > self.limit:
                start = time.thread_time()
                try:
                    self._execute(context)  # the same value again: CEL has no side effects
                except CelEvalError:
                    pass
                self.seconds = time.thread_time() - start

    def _execute(self, context: Any) -> Any:
        try:
            return self._program.execute(context)
        except Exception as exc:  # the extension raises KeyError, TypeError, ValueError, RuntimeError
            detail = f"no such key: {exc}" if isinstance(exc, KeyError) else str(exc)
            raise CelEvalError(detail) from None


def new_context(variables: dict[str, Any]) -> Any:
    """A reusable CEL context; only data, no functions: rules cannot reach files or network."""
    return _extension().Context(variables)


class ContextPool:
    """CEL contexts reused across evaluation units.

    Converting Python values into CEL values is most of the cost of an evaluation, so units
    that share catalog entries share a context, and a variable is converted again only when
    the unit's value for it is a different object. Shared values are never mutated. A call
    that names other variables than the last call under its key gets a new context: a
    variable left from another call could answer for one that is missing.
    """

    def __init__(self) -> None:
        self._pool: dict[Any, tuple[Any, dict[str, Any]]] = {}

    def context(self, key: Any, variables: dict[str, Any]) -> Any:
        entry = self._pool.get(key)
        if entry is None or entry[1].keys() != variables.keys():
            entry = self._pool[key] = (new_context(variables), dict(variables))
            return entry[0]
        context, current = entry
        for name, value in variables.items():
            if current[name] is not value:
                context.add_variable(name, value)
                current[name] = value
        return context
