"""Which files to read: PATH arguments and the policy's include/exclude globs."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from procurelint.errors import ConfigError, Location

ALWAYS_SKIPPED = {".git", ".hg", ".svn", "node_modules", ".venv", "venv", ".ci-venv", "__pycache__", ".tox"}


@lru_cache(maxsize=256)
def _glob_regex(pattern: str) -> re.Pattern[str]:
    """A glob with `**` (any folders), `*` and `?` (within one path segment)."""
    out = ""
    i = 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out += "(?:.*/)?"
            i += 3
        elif pattern.startswith("**", i):
            out += ".*"
            i += 2
        elif pattern[i] == "*":
            out += "[^/]*"
            i += 1
        elif pattern[i] == "?":
            out += "[^/]"
            i += 1
        else:
            out += re.escape(pattern[i])
            i += 1
    return re.compile(out + r"\Z")


def matches(relative: str, patterns: list[str]) -> bool:
    return any(_glob_regex(p).match(relative) for p in patterns)


@dataclass(frozen=True, slots=True)
class Candidate:
    """A file to read, with the name shown in findings (relative to the root when inside it).

    `problem` is set for a path that must not be read (a link leading out of the repository):
    it becomes a MAN001 finding instead of being skipped silently.
    """

    path: Path
    display: str
    problem: str | None = None


def _inside(path: Path, root: Path) -> bool:
    try:
        path.resolve().relative_to(root)
        return True
    except (ValueError, OSError, RuntimeError):
        return False


def _link_problem(path: Path, root: Path) -> str | None:
    """Links inside the repository are read where they lead; others are refused."""
    if not path.is_symlink():
        return None
    if not path.exists():
        return "symbolic link leads nowhere (dangling); remove it or fix its target"
    if not _inside(path, root):
        return ("symbolic link leads outside the repository; procurelint does not follow it. "
                "Move the file into the repository or check its target directly")
    return None


def display_name(path: Path, root: Path) -> str:
    """The path as the user knows it: relative to the root, links not resolved."""
    for resolve in (False, True):  # resolving links costs a system call per folder: last
        try:
            return (path.resolve() if resolve else Path(os.path.abspath(path))).relative_to(root).as_posix()
        except ValueError:
            continue
    return path.as_posix()


def _walk(folder: Path, root: Path, include: list[str], exclude: list[str],
          limit: int) -> list[Candidate]:
    found: list[Candidate] = []
    for current, dirs, files in os.walk(folder, followlinks=False):
        kept = []
        for name in sorted(dirs):
            if name in ALWAYS_SKIPPED:
                continue
            path = Path(current) / name
            if path.is_symlink():
                # Never followed (a link cycle would never end). One that leads outside the
                # repository could hide manifests, so it is reported; one inside is walked
                # where it leads.
                if not _inside(path, root) and not matches(display_name(path, root) + "/", exclude):
                    found.append(Candidate(path, display_name(path, root),
                                           "symbolic link to a folder outside the repository; its "
                                           "manifests are not checked. Move them into the repository"))
                continue
            kept.append(name)
        dirs[:] = kept
        for name in sorted(files):
            path = Path(current) / name
            shown = display_name(path, root)
            if matches(shown, include) and not matches(shown, exclude):
                problem = _link_problem(path, root)
                if path.is_symlink() and problem is None:
                    continue  # read at its target, which lies in the repository
                found.append(Candidate(path, shown, problem))
                if len(found) > limit:
                    raise ConfigError(
                        f"more than {limit} files match the policy's include globs under {folder} "
                        "(limits.maxFiles); narrow include/exclude or raise the limit",
                        Location(str(folder)),
                    )
    return found


def discover(root: Path, paths: list[Path], include: list[str], exclude: list[str],
             limit: int = 50_000) -> list[Candidate]:
    """The files a check reads: `paths` (files as given, folders filtered) or the whole root."""
    root = root.resolve()
    if not paths:
        return _walk(root, root, include, exclude, limit)
    seen: dict[str, Candidate] = {}
    for path in paths:
        if path.is_dir():
            for candidate in _walk(path, root, include, exclude, limit):
                seen.setdefault(candidate.display, candidate)
        elif path.exists() or path.is_symlink():
            candidate = Candidate(path, display_name(path, root), _link_problem(path, root))
            seen.setdefault(candidate.display, candidate)
        else:
            raise ConfigError("no such file or folder", Location(str(path)))
    return [seen[k] for k in sorted(seen)]
