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
    """A file to read, with the name shown in findings (relative to the root when inside it)."""

    path: Path
    display: str


def display_name(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def _walk(folder: Path, root: Path, include: list[str], exclude: list[str]) -> list[Candidate]:
    found: list[Candidate] = []
    for current, dirs, files in os.walk(folder, followlinks=False):
        dirs[:] = sorted(d for d in dirs if d not in ALWAYS_SKIPPED)
        for name in sorted(files):
            path = Path(current) / name
            shown = display_name(path, root)
            if matches(shown, include) and not matches(shown, exclude):
                found.append(Candidate(path, shown))
    return found


def discover(root: Path, paths: list[Path], include: list[str], exclude: list[str]) -> list[Candidate]:
    """The files a check reads: `paths` (files as given, folders filtered) or the whole root."""
    root = root.resolve()
    if not paths:
        return _walk(root, root, include, exclude)
    seen: dict[str, Candidate] = {}
    for path in paths:
        if path.is_dir():
            for candidate in _walk(path, root, include, exclude):
                seen.setdefault(candidate.display, candidate)
        elif path.exists() or path.is_symlink():
            candidate = Candidate(path, display_name(path, root))
            seen.setdefault(candidate.display, candidate)
        else:
            raise ConfigError("no such file or folder", Location(str(path)))
    return [seen[k] for k in sorted(seen)]
