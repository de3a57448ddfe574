"""`procurelint check`: lint manifests; exit 1 when findings reach failOn."""

from __future__ import annotations

import argparse
import contextlib
import os
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from procurelint.commands.common import (
    EXIT_CLEAN, EXIT_FINDINGS, FAIL_ON, add_config, add_date, add_jobs, ids, search_start, today,
    write,
)

if TYPE_CHECKING:
    from procurelint.errors import ProcurelintError
    from procurelint.policy.config import Config, Copy


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
    named = args.baseline
    with _staged(args) as staged:
        if not isinstance(staged, InPlace):
            return _on_copy(args, outputs, staged, named)
        try:
            return _check(args, outputs, in_place=staged)
        except _NeedsCopy:
            pass  # judged below, on a copy of the index
    with _staged(args, in_place=False) as copy:
        assert not isinstance(copy, InPlace)
        return _on_copy(args, outputs, copy, named)


def _on_copy(args: argparse.Namespace, outputs: list[tuple[Any, Path | None]],
             copy: Copy | None, named: Path | None) -> int:
    """`_check` on a copy of the index (or, without one, on the files as they are), naming
    the baseline as the user named it, and in an error the repository's files rather than the
    copy's, whose temporary folder has a new name on every run."""
    from procurelint.errors import ProcurelintError

    if copy is None:
        return _check(args, outputs)
    try:
        return _check(args, outputs, copy, baseline_named=named)
    except ProcurelintError as exc:
        _in_repository(exc, copy)
        raise


def _in_repository(error: ProcurelintError, copy: Copy) -> None:
    """Name the repository's files in `error` where it names the copy's, and say that the
    index's were read."""
    from msgspec.structs import replace

    at, of = str(copy.at), str(copy.of)
    if at not in error.message and (error.location is None or at not in error.location.file):
        return
    error.message = error.message.replace(at, of) + " (in git's index: --staged judges the commit)"
    if error.location is not None:
        error.location = replace(error.location, file=error.location.file.replace(at, of))


class InPlace(NamedTuple):
    """`--staged` judging the work tree where it lies: it holds every file of the index as the
    index does (`committed_in_place`), so only what git does not track must be passed over."""

    top: Path
    tracked: Mapping[str, str]
    """The index's files, relative to `top`, with their object ids."""


class _NeedsCopy(Exception):
    """Judging in place could read something the commit does not hold (a file the policy names
    that git does not track, a policy above the repository, the repository's model uses), or
    failed: the commit is judged on a copy of the index instead, which words any error."""


def _check(args: argparse.Namespace, outputs: list[tuple[Any, Path | None]],
           copy: Copy | None = None, in_place: InPlace | None = None,
           baseline_named: Path | None = None) -> int:
    from procurelint.errors import ProcurelintError
    from procurelint.policy.config import load_config
    from procurelint.run.pipeline import Options, check
    from procurelint.progress import Progress

    try:
        config = load_config(args.config, search_start(args.paths), copy=copy)
    except ProcurelintError:
        if in_place is not None:
            raise _NeedsCopy from None
        raise
    committed = None
    if in_place is not None:
        committed = _committed(config, in_place, args.baseline)
        if committed is None:
            raise _NeedsCopy
    if copy is not None and args.config is None and not copy.holds(config.root):
        # A policy above the repository judges the commit's files, which are the copy's (the
        # work tree in their place holds edits and drafts the commit has not).
        config.root = copy.at
    progress = Progress()
    with _scratch(args) as scratch:
        options = Options(paths=list(args.paths), select=ids(args.select), ignore=ids(args.ignore),
                          fail_on=args.fail_on, today=today(args.date), progress=progress,
                          jobs=args.jobs, baseline=args.baseline, diff=args.diff,
                          scratch=Path(scratch) if scratch else None,
                          committed=committed,
                          top=in_place.top if in_place is not None else None)
        if args.policy_from:
            from procurelint.run.pull_request import policy_from

            config, options.baseline = policy_from(
                config, args.config, args.policy_from, Path(str(scratch)) / "policy",
                search_start(args.paths), args.baseline)
        try:
            result = check(config, options).result
        except ProcurelintError:
            if in_place is not None:
                raise _NeedsCopy from None
            raise
    progress.close()
    if baseline_named is not None and result.baseline_file is not None:
        result.baseline_file = str(baseline_named)  # not the copy's file
    for render, file in outputs:
        write(render(result), file)
    return EXIT_FINDINGS if result.failed else EXIT_CLEAN


def _committed(config: Config, in_place: InPlace, baseline: Path | None) -> list[str] | None:
    """The index's files under the root, relative to it, when judging in place reads only
    files of the commit: the root is inside the repository, every configuration file read
    there (the policy, the catalogs, packs and waivers it names) and the baseline are files of
    the index reached as the copy would reach them, and the repository's model uses, which
    are found in every kind of file, are not looked for; and every file the check may read
    lies here as the index holds it, byte for byte, and as a checkout would write it. None
    otherwise. (What lies outside the repository is read from there either way.)"""
    from procurelint.documents.files import included, printable_name
    from procurelint.documents.loading import config_files
    from procurelint.run.pull_request import holds_as_committed

    top = str(in_place.top)
    root = str(config.root.resolve())
    if not _inside(root, top) or config.policy.spec.discovery.enabled:
        return None
    folders = _folders(in_place.tracked)
    read = config_files()
    if baseline is not None:
        read.append(os.path.join(os.getcwd(), baseline))
    if not all(_reached(path, top, in_place.tracked, folders) for path in read):
        return None
    prefix = os.path.relpath(root, top).replace(os.sep, "/") + "/"
    if prefix == "./":
        prefix = ""
    under = sorted(name[len(prefix):] for name in in_place.tracked if name.startswith(prefix))
    include = config.policy.spec.include
    inside = [os.path.normpath(path) for path in read]
    names = [os.path.relpath(path, top).replace(os.sep, "/") for path in inside
             if _inside(path, top)]
    # as the walk matches them: by the name it shows (a byte that is not UTF-8 as `\\xNN`)
    names += [prefix + name for name in under if included(printable_name(name), include)]
    names = list(dict.fromkeys(names))  # the policy is often among the files included too
    return under if holds_as_committed(in_place.top, in_place.tracked, names) else None


def _folders(files: Mapping[str, str]) -> set[str]:
    """The folders that hold these files (`a/b/c.yaml`: `a` and `a/b`), each found once: a
    name's folders are taken from the deepest up, until one is known."""
    folders: set[str] = set()
    for name in files:
        end = name.rfind("/")
        while end > 0 and name[:end] not in folders:
            folders.add(name[:end])
            end = name.rfind("/", 0, end)
    return folders


def _reached(named: str, top: str, files: Mapping[str, str], folders: set[str]) -> bool:
    """Whether a file, named by an absolute path as it was read (`..` and all), is read alike
    in a copy of the index: the path, taken step by step inside the repository, goes through
    folders of the index to a file of it (a folder git does not track, or a link, is not in
    the copy, even when a `..` steps back out of it); or it leads outside the repository
    without coming back (what lies outside is read from there either way)."""
    if not _inside(named, top):
        inside_after = _inside(os.path.realpath(named), top) or _inside(os.path.normpath(named), top)
        return not inside_after
    steps = named[len(top):].replace(os.sep, "/").strip("/").split("/")
    here: list[str] = []
    for number, step in enumerate(steps):
        if step in ("", "."):
            continue
        if step == "..":
            if not here:  # out of the repository: the rest must stay out
                rest = os.path.normpath(os.path.join(top, *steps[number:]))
                return not _inside(rest, top) and not _inside(os.path.realpath(rest), top)
            here.pop()
            continue
        here.append(step)
        name = "/".join(here)
        if number < len(steps) - 1 and name not in folders:
            return False
    return "/".join(here) in files


def _inside(path: str, top: str) -> bool:
    return path == top or path.startswith(top.rstrip(os.sep) + os.sep)


@contextlib.contextmanager
def _staged(args: argparse.Namespace, in_place: bool = True) -> Iterator[Copy | InPlace | None]:
    """With --staged in a git work tree: the work tree itself (`InPlace`) when it holds every
    file of the index as the index does (as under pre-commit, which puts unstaged edits aside;
    copying a large repository's every file on each commit costs more than checking it) and
    no PATH is named; else a copy of the index, run in from the same folder of it, with PATH,
    --config and --baseline moved into the copy (output files stay where named), which stands
    in the place of the repository (`Copy`). `in_place=False`, or PROCURELINT_STAGED_COPY=1,
    always copies."""
    if not args.staged:
        yield None
        return
    from procurelint.errors import ConfigError
    from procurelint.policy.config import Copy
    from procurelint.run.pull_request import (committed_in_place, export_index, in_work_tree,
                                              toplevel)

    if args.diff or args.policy_from:
        raise ConfigError("--staged judges the next commit; it cannot be combined with --diff "
                          "or --policy-from")
    here = Path.cwd().resolve()
    if not in_work_tree(here):
        yield None
        return
    import tempfile

    top = toplevel(here)
    if in_place and not args.paths and os.environ.get("PROCURELINT_STAGED_COPY") != "1":
        tracked = committed_in_place(top)
        if tracked is not None:
            yield InPlace(top, tracked)
            return

    def moved(path: Path | None, copy: Path, as_named: bool = False) -> Path | None:
        """`path` in the copy: where it leads in the repository, the same place in the copy.
        A PATH is followed through every link (a linked file is judged at its target); a file
        named with `as_named` (--config, --baseline) through its folders' links, a link named
        last kept (`policy_root` judges from a linked policy's folder); and then a relative
        path that only goes down from here, through no link, is kept as the user wrote it
        (the copy is run in from the same folder), so that a message names it so."""
        if path is None:
            return None
        full = os.path.abspath(here / path)
        if as_named:
            real = Path(os.path.realpath(os.path.dirname(full)), os.path.basename(full))
        else:
            real = Path(os.path.realpath(full))
        try:
            in_copy = copy / real.relative_to(top)
        except ValueError:
            return Path(full)  # outside the repository: not part of the commit, read from here
        if as_named and not path.is_absolute() and ".." not in path.parts and str(real) == full:
            return path
        return in_copy

    with tempfile.TemporaryDirectory(prefix="procurelint-staged-") as scratch:
        copy = export_index(here, Path(scratch))
        args.paths = [moved(p, copy) for p in args.paths]
        args.config, args.baseline = (moved(args.config, copy, as_named=True),
                                      moved(args.baseline, copy, as_named=True))
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
