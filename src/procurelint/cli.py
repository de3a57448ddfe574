"""The command line: parse options, call the library, map results to exit codes.

Exit codes: 0 clean, 1 findings at or above `failOn`, 2 usage or configuration error.

The parser is the standard library's argparse: procurelint runs on every commit, and a CLI
framework that builds its parameters at start-up would cost more than the whole check of a
small repository. Each command imports what it needs when it runs.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from procurelint import __version__
from procurelint.errors import ConfigError, ProcurelintError

EXIT_CLEAN, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2
FAIL_ON = ("error", "warning", "info", "never")


class _Parser(argparse.ArgumentParser):
    """argparse that exits 2 with a one-line message, as every usage error must."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        sys.stderr.write(f"procurelint: error: {message}\n")
        raise SystemExit(EXIT_USAGE)


def today(date: str | None) -> dt.date:
    """The date the run judges against: --date, else SOURCE_DATE_EPOCH, else today (UTC)."""
    if date is not None:
        try:
            return dt.date.fromisoformat(date)
        except ValueError:
            raise ConfigError(f"--date {date!r} is not a date (YYYY-MM-DD)") from None
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        try:
            return dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc).date()
        except (ValueError, OverflowError, OSError):
            raise ConfigError(f"SOURCE_DATE_EPOCH {epoch!r} is not a number of seconds") from None
    return dt.datetime.now(dt.timezone.utc).date()


def search_start(paths: Sequence[Path]) -> Path:
    """Where the search for procurelint.yaml starts: the first PATH's folder, else the cwd."""
    if paths:
        first = paths[0]
        return first if first.is_dir() else first.parent
    return Path.cwd()


def ids(values: Sequence[str] | None) -> list[str]:
    """Rule ids from repeated and comma-separated options."""
    return [v.strip().upper() for item in values or [] for v in item.split(",") if v.strip()]


def write(text: str, output: Path | None) -> None:
    if output is None:
        sys.stdout.write(text)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"cannot write {output}: {exc.strerror}") from None


# -- commands ---------------------------------------------------------------------------------

def cmd_check(args: argparse.Namespace) -> int:
    from procurelint.config import load_config
    from procurelint.lint import Options, run_check
    from procurelint.report import renderer

    render = renderer(args.format)
    config = load_config(args.config, search_start(args.paths))
    options = Options(paths=list(args.paths), select=ids(args.select), ignore=ids(args.ignore),
                      fail_on=args.fail_on, today=today(args.date))
    result, _ = run_check(config, options)
    write(render(result), args.output)
    return EXIT_FINDINGS if result.failed else EXIT_CLEAN


def cmd_schema(args: argparse.Namespace) -> int:
    from procurelint.schemas import schema_text

    sys.stdout.write(schema_text(args.kind))
    return EXIT_CLEAN


def cmd_rules(args: argparse.Namespace) -> int:
    from procurelint.ruledocs import list_rules

    sys.stdout.write(list_rules(args.pack, args.format, args.config))
    return EXIT_CLEAN


def cmd_explain(args: argparse.Namespace) -> int:
    from procurelint.ruledocs import explain_rule

    sys.stdout.write(explain_rule(args.rule_id, args.config))
    return EXIT_CLEAN


def cmd_test(args: argparse.Namespace) -> int:
    from procurelint.casetest import find_cases, run_case

    day = today(args.date)
    cases = find_cases(args.folder)
    if not cases:
        raise ConfigError(f"no test cases (folders with expect.yaml) under {args.folder}")
    failed = 0
    for case in cases:
        outcome = run_case(case, day)
        sys.stdout.write(f"{'ok' if outcome.ok else 'FAIL':<4} {case}\n")
        for problem in outcome.problems:
            sys.stdout.write(f"     {problem}\n")
        failed += 0 if outcome.ok else 1
    sys.stdout.write(f"cases: {len(cases) - failed} passed, {failed} failed\n")
    return EXIT_FINDINGS if failed else EXIT_CLEAN


# -- the parser -------------------------------------------------------------------------------

def _common(parser: argparse.ArgumentParser, *, date: bool = False) -> None:
    parser.add_argument("--config", "-c", type=Path, metavar="FILE",
                        help="policy file; replaces the search for procurelint.yaml")
    if date:
        parser.add_argument("--date", metavar="YYYY-MM-DD",
                            help="judge as of this date (default: SOURCE_DATE_EPOCH, else today)")


def build_parser() -> argparse.ArgumentParser:
    from procurelint.report import FORMATS

    parser = _Parser(prog="procurelint",
                     description="Policy-as-code linter for how organisations buy and use AI models.")
    parser.add_argument("--version", action="version", version=f"procurelint {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    check = commands.add_parser("check", help="lint manifests; exit 1 when findings reach failOn",
                                description="Lint manifests against the policy.")
    check.add_argument("paths", nargs="*", type=Path, metavar="PATH",
                       help="files or folders (default: the policy's root)")
    _common(check, date=True)
    check.add_argument("--format", "-f", choices=sorted(FORMATS), default="text")
    check.add_argument("--output", "-o", type=Path, metavar="FILE", help="write the report here")
    check.add_argument("--fail-on", choices=FAIL_ON, help="override the policy's failOn")
    check.add_argument("--select", action="append", metavar="IDS",
                       help="only these rule ids or id prefixes (comma-separated)")
    check.add_argument("--ignore", action="append", metavar="IDS",
                       help="skip these rule ids or id prefixes (comma-separated)")
    check.set_defaults(handler=cmd_check)

    schema = commands.add_parser("schema", help="print the JSON Schema of a document kind")
    schema.add_argument("kind", metavar="KIND",
                        help="AgentManifest, Catalog, Policy, Waivers or RulePack")
    schema.set_defaults(handler=cmd_schema)

    rules = commands.add_parser("rules", help="list rules")
    rules.add_argument("--pack", metavar="NAME", help="only this pack")
    rules.add_argument("--format", "-f", choices=("text", "md"), default="text")
    _common(rules)
    rules.set_defaults(handler=cmd_rules)

    explain = commands.add_parser("explain", help="rationale, citations, remediation, example")
    explain.add_argument("rule_id", metavar="RULE_ID")
    _common(explain)
    explain.set_defaults(handler=cmd_explain)

    test = commands.add_parser("test", help="run rule test cases (folders with expect.yaml)")
    test.add_argument("folder", nargs="?", type=Path, default=Path("."), metavar="DIR")
    test.add_argument("--date", metavar="YYYY-MM-DD", help="default date for cases without `today`")
    test.set_defaults(handler=cmd_test)
    return parser


def main(argv: Sequence[str] | None = None) -> None:
    """Console-script entry point; never lets a traceback reach the user for bad input."""
    # A run allocates many small, acyclic objects (YAML nodes, dicts of positions); with the
    # default thresholds the collector rescans them thousands of times for nothing.
    gc.set_threshold(100_000, 50, 1000)
    parser = build_parser()
    args = parser.parse_args(argv)
    handler: Callable[[argparse.Namespace], int] | None = getattr(args, "handler", None)
    if handler is None:
        parser.print_help(sys.stderr)
        raise SystemExit(EXIT_USAGE)
    try:
        code = handler(args)
    except ProcurelintError as exc:
        sys.stderr.write(f"procurelint: error: {exc}\n")
        code = exc.exit_code
    except BrokenPipeError:
        code = EXIT_CLEAN
    except KeyboardInterrupt:
        code = 130
    raise SystemExit(code)
