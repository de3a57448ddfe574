"""The command line: parse options, dispatch to a command module, map errors to exit codes.

Exit codes: 0 clean, 1 findings at or above `failOn`, 2 usage or configuration error.

The parser is the standard library's argparse: procurelint runs on every commit, and a CLI
framework that builds its parameters at start-up would cost more than the whole check of a
small repository. Each command lives in `procurelint.commands.<name>`.

Importing this module sets the process's cycle-collector thresholds (`GC_THRESHOLDS`), as
running the command line does: it is the program's entry, not a library module.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
from collections.abc import Callable, Sequence
from typing import Any

# A run allocates many small, acyclic objects (YAML nodes, dicts of positions, and at start-up
# the classes and functions of the modules it imports); with the default thresholds the
# collector rescans them thousands of times for nothing. Set before the imports below, which
# it makes a fortieth cheaper.
GC_THRESHOLDS = (100_000, 50, 1000)
gc.set_threshold(*GC_THRESHOLDS)


def _import_msgspec_without_typing_extensions() -> None:
    """msgspec imports typing_extensions, where it is installed, to read the type hints of
    what it decodes; procurelint only defines structs, and decodes nothing with msgspec. That
    import, with the `inspect` module it brings, is a twentieth of a one-manifest check, so the
    command line imports msgspec as where typing_extensions is not installed (msgspec then
    takes typing's own functions). Later imports of typing_extensions (pydantic's) proceed as
    usual. Only the command line, a process of its own, does this: a program that imports
    procurelint's other modules imports msgspec as it always does."""
    if "msgspec" in sys.modules or "typing_extensions" in sys.modules:
        return
    sys.modules["typing_extensions"] = None  # type: ignore[assignment]
    try:
        import msgspec  # noqa: F401
    finally:
        del sys.modules["typing_extensions"]


_import_msgspec_without_typing_extensions()

from procurelint import __version__  # noqa: E402 - after msgspec, which they all import
from procurelint.commands import register_all  # noqa: E402
from procurelint.commands.common import EXIT_USAGE  # noqa: E402
from procurelint.errors import ProcurelintError  # noqa: E402


class _Formatter(argparse.HelpFormatter):
    """argparse's help, as wide as the terminal as `shutil.get_terminal_size` tells it, told
    without importing `shutil` (and bz2, lzma and fnmatch with it): argparse makes a formatter
    for every option it adds, and that import was a fiftieth of a one-manifest check."""

    def __init__(self, prog: str, indent_increment: int = 2, max_help_position: int = 24,
                 width: int | None = None) -> None:
        super().__init__(prog, indent_increment, max_help_position,
                         _columns() - 2 if width is None else width)


def _columns() -> int:
    """The terminal's width: $COLUMNS, else standard output's terminal, else 80."""
    try:
        columns = int(os.environ.get("COLUMNS", "0"))
    except ValueError:
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            columns = 0
    return columns if columns > 0 else 80


class _Parser(argparse.ArgumentParser):
    """argparse that exits 2 with a one-line message, as every usage error must."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _Formatter)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        sys.stderr.write(f"procurelint: error: {message}\n")
        raise SystemExit(EXIT_USAGE)


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The parser of every command; with `argv` naming a command first, of that command only
    (a subcommand's parsing and help need no other)."""
    parser = _Parser(prog="procurelint",
                     description="Policy-as-code linter for how organisations buy and use AI models.")
    parser.add_argument("--version", action="version", version=f"procurelint {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    register_all(subparsers, only=argv[0] if argv else None)
    return parser


def main(argv: Sequence[str] | None = None) -> None:
    """Console-script entry point; never lets a traceback reach the user for bad input."""
    gc.set_threshold(*GC_THRESHOLDS)  # as at import (a caller may have changed them since)
    arguments = sys.argv[1:] if argv is None else list(argv)
    parser = build_parser(arguments)
    args = parser.parse_args(arguments)
    handler: Callable[[argparse.Namespace], int] | None = getattr(args, "handler", None)
    if handler is None:
        parser.print_help(sys.stderr)
        raise SystemExit(EXIT_USAGE)
    try:
        os.getcwd()
    except OSError as exc:  # removed under the shell, or not readable: every relative path fails
        _say(f"procurelint: error: the current folder cannot be used ({exc.strerror}); run "
             "procurelint from a folder that exists\n")
        raise SystemExit(EXIT_USAGE) from None
    try:
        code = handler(args)
        if sys.stdout is not None:
            sys.stdout.flush()  # a closed pipe must fail here, not after the exit code is set
    except ProcurelintError as exc:
        _say(f"procurelint: error: {exc}\n")
        code = exc.exit_code
    except BrokenPipeError:
        # The reader went away before the verdict was written: nobody saw it, so the run cannot
        # pass (a pipeline `procurelint check | head` under pipefail must not turn green).
        _silence_stdout()
        _say("procurelint: error: standard output was closed before the result was written\n")
        code = EXIT_USAGE
    except Exception as exc:  # noqa: BLE001 - a bug must still fail the gate, readably
        if os.environ.get("PROCURELINT_DEBUG"):
            raise
        _say(
            f"procurelint: internal error: {type(exc).__name__}: {exc}\n"
            "This is a bug in procurelint, not in your files; set PROCURELINT_DEBUG=1 for the "
            "traceback and report it.\n")
        code = EXIT_USAGE
    except KeyboardInterrupt:
        code = 130
    raise SystemExit(code)


def console() -> None:
    """The `procurelint` command and `python -m procurelint`: `main`, then an exit that skips
    the interpreter's teardown (freeing every module and object one by one, about a tenth of
    a one-manifest run), as mypy does. Every file is closed and every worker joined by then;
    standard output and error are flushed here."""
    try:
        main()
    except SystemExit as exc:
        code = exc.code
    if not isinstance(code, int):  # `sys.exit("message")` or None
        if code is not None:
            _say(f"{code}\n")
        code = 0 if code is None else 1
    for stream in (sys.stdout, sys.stderr):
        try:
            if stream is not None:
                stream.flush()
        except (OSError, ValueError):
            if stream is sys.stdout:
                _say("procurelint: error: standard output could not be written\n")
            code = code or EXIT_USAGE  # an unwritten verdict cannot pass
    os._exit(code)


def _say(text: str) -> None:
    """Write to standard error if there is one (it may be closed too)."""
    if sys.stderr is not None:
        try:
            sys.stderr.write(text)
            sys.stderr.flush()
        except OSError:
            pass


def _silence_stdout() -> None:
    """Point standard output at /dev/null, so that the interpreter's flush at exit does not
    raise again on the broken pipe."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, AttributeError, ValueError):
        pass
