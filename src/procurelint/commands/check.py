"""`procurelint check`: lint manifests; exit 1 when findings reach failOn."""

from __future__ import annotations

import argparse
import contextlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from procurelint.commands.common import (
    EXIT_CLEAN, EXIT_FINDINGS, FAIL_ON, add_config, add_date, add_jobs, ids, search_start, today,
    write,
)

if TYPE_CHECKING:
    from procurelint.policy.config import Copy


def register(commands: Any) -> None:
    from procurelint.output import FORMATS

    parser = commands.add_parser("check", help="lint manifests; exit 1 when findings reach failOn",
                                 description="Lint manifests against the policy.")
    parser.add_argument("paths", nargs="*", type=Path, metavar="PATH",
                        help="files or folders (default: the policy's root)")
    add_config(parser)
    add_date(parser)
    parser.add_argument(
        "--format", "-f", action="append", metavar="FORMAT[=FILE]",
        help=f"output format ({', '.join(sorted(FORMATS))}); repeat to write several, each "
             "to its own FILE, e.g. -f text -f sarif=results.sarif (default: text, or github "
             "when GITHUB_ACTIONS=true)")
    parser.add_argument("--output", "-o", type=Path, metavar="FILE",
                        help="write the format given without =FILE here instead of stdout")
    parser.add_argument("--fail-on", choices=FAIL_ON, help="override the policy's failOn")
    parser.add_argument("--select", action="append", metavar="IDS",
                        help="only these rule ids or id prefixes (comma-separated)")
    parser.add_argument("--ignore", action="append", metavar="IDS",
                        help="skip these rule ids or id prefixes (comma-separated)")
    parser.add_argument("--baseline", type=Path, metavar="FILE",
                        help="report only findings not in this baseline (see `procurelint baseline`)")
    parser.add_argument("--diff", metavar="BASE",
                        help="pull-request mode: report only findings new relative to git revision BASE")
    parser.add_argument("--policy-from", metavar="BASE",
                        help="judge with the policy, waivers, catalogs and packs of git revision BASE")
    parser.add_argument("--staged", action="store_true",
                        help="in a git work tree, judge the files staged for the next commit "
                             "(untracked files and unstaged edits left out), as the pre-commit "
                             "hook does; outside git, the files as they are")
    add_jobs(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from procurelint.output import renderer

    outputs = [(renderer(name), file.absolute() if file else None)
               for name, file in parse_formats(args.format, args.output)]
    with _staged(args) as copy:
        return _check(args, outputs, copy)


def _check(args: argparse.Namespace, outputs: list[tuple[Any, Path | None]],
           copy: Copy | None = None) -> int:
    from procurelint.policy.config import load_config
    from procurelint.run.pipeline import Options, check
    from procurelint.progress import Progress

    config = load_config(args.config, search_start(args.paths), copy=copy)
    if copy is not None and args.config is None and not copy.holds(config.root):
        # A policy above the repository judges the commit's files, which are the copy's (the
        # work tree in their place holds edits and drafts the commit has not).
        config.root = copy.at
    progress = Progress()
    with _scratch(args) as scratch:
        options = Options(paths=list(args.paths), select=ids(args.select), ignore=ids(args.ignore),
                          fail_on=args.fail_on, today=today(args.date), progress=progress,
                          jobs=args.jobs, baseline=args.baseline, diff=args.diff,
                          scratch=Path(scratch) if scratch else None)
        if args.policy_from:
            from procurelint.run.pull_request import policy_from

            config, options.baseline = policy_from(
                config, args.config, args.policy_from, Path(str(scratch)) / "policy",
                search_start(args.paths), args.baseline)
        result = check(config, options).result
    progress.close()
    for render, file in outputs:
        write(render(result), file)
    return EXIT_FINDINGS if result.failed else EXIT_CLEAN


@contextlib.contextmanager
def _staged(args: argparse.Namespace) -> Iterator[Copy | None]:
    """With --staged in a git work tree: run in a copy of the index, from the same folder of it,
    with PATH, --config and --baseline moved into the copy (output files stay where named);
    yield the copy, which stands in the place of the repository (`Copy`)."""
    if not args.staged:
        yield None
        return
    from procurelint.errors import ConfigError
    from procurelint.policy.config import Copy
    from procurelint.run.pull_request import export_index, in_work_tree, toplevel

    if args.diff or args.policy_from:
        raise ConfigError("--staged judges the next commit; it cannot be combined with --diff "
                          "or --policy-from")
    here = Path.cwd().resolve()
    if not in_work_tree(here):
        yield None
        return
    import tempfile

    top = toplevel(here)

    def moved(path: Path | None, copy: Path) -> Path | None:
        if path is None:
            return None
        full = Path(os.path.abspath(here / path))
        try:
            return copy / full.relative_to(top)
        except ValueError:
            return path  # outside the repository: not part of the commit

    with tempfile.TemporaryDirectory(prefix="procurelint-staged-") as scratch:
        copy = export_index(here, Path(scratch))
        args.paths = [moved(p, copy) for p in args.paths]
        args.config, args.baseline = moved(args.config, copy), moved(args.baseline, copy)
        inside = copy / here.relative_to(top)
        inside.mkdir(parents=True, exist_ok=True)
        os.chdir(inside)
        try:
            yield Copy(copy.resolve(), top)
        finally:
            os.chdir(here)


def _scratch(args: argparse.Namespace) -> contextlib.AbstractContextManager[str | None]:
    """A temporary folder for the git revisions of --policy-from and --diff; none without them
    (a plain check need not import tempfile, nor create and remove a folder)."""
    if not (args.policy_from or args.diff):
        return contextlib.nullcontext(None)
    import tempfile

    return tempfile.TemporaryDirectory(prefix="procurelint-")


def parse_formats(values: list[str] | None, output: Path | None) -> list[tuple[str, Path | None]]:
    """`-f NAME[=FILE]` options as (format, file); one format at most goes to stdout."""
    from procurelint.errors import ConfigError

    if not values:
        values = ["github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"]
    chosen: list[tuple[str, Path | None]] = []
    for value in values:
        name, _, file = value.partition("=")
        chosen.append((name, Path(file) if file else output))  # names checked by renderer()
    if sum(1 for _, file in chosen if file is None) > 1:
        raise ConfigError("only one format can go to standard output; give the others =FILE")
    return chosen
