"""Which files to read: PATH arguments, the policy's include/exclude globs, and what git ignores.

Every rule about which files are read lives here:

- `include` globs match file names with the extension's case ignored (`m.YAML` is read);
  `exclude` globs match exactly. The default `exclude` (`DEFAULT_EXCLUDE`: installed packages,
  virtual environments, caches) is a policy default, so a policy can override it.
- Files git ignores and does not track are not read (git is asked once per run); a tracked file
  is read whatever `.gitignore` says, and so is a file named on the command line.
- A symbolic link inside the repository is judged at its target, once (a folder link is walked
  where it leads), and the names it was reached by are kept (`Candidate.links`: a link named
  `procurelint.yaml` is a policy file whatever its target is called); a link that leads
  outside is a MAN001 finding, never followed, except the run's own policy file, which may
  live anywhere.
- A file that is skipped (excluded or git-ignored) but whose text looks like ours is counted, so
  that the summary says what was not read.
"""

from __future__ import annotations

import os
import re
from functools import lru_cache
from pathlib import Path

from msgspec import Struct
from msgspec.structs import replace

from procurelint.documents.envelope import KIND_NAMES
from procurelint.errors import ConfigError, Location

VCS_FOLDERS = {".git"}
"""Git's own store: never walked. Other folders are walked whatever their name (`.hg`,
`.svn`): git tracks files in them like any other, so a manifest committed there is read."""

DEFAULT_EXCLUDE = ["**/node_modules/**", "**/.venv/**", "**/venv/**", "**/.tox/**",
                   "**/__pycache__/**"]
"""The default of the policy's `exclude` (documented in README.md; a policy's list replaces it)."""

_SCAN_BYTES = 64 * 1024 * 1024
"""A skipped or over-limit file larger than this is taken to be ours: it is not read to tell."""
@lru_cache(maxsize=1)
def _ours_text() -> re.Pattern[str]:
    """An `apiVersion: procurelint/...` or a `kind`, on a line of its own. Compiled at first
    use (a millisecond): only a file our reader refused is looked at so."""
    return re.compile(
        r"(?:^|[{,])[ \t-]*[\"']?apiVersion[\"']?[ \t]*:\s*(?:[!&]\S*\s+)*[\"']?[ \t]*procurelint/"
        r"|^[ \t-]*[\"']?kind[\"']?[ \t]*:[ \t]*[\"']?[ \t]*(?P<kind>[A-Za-z][A-Za-z _-]*?)[ \t]*[\"']?[ \t]*(?:#.*)?$",
        re.IGNORECASE | re.MULTILINE,
    )


_KINDS_FOLDED = {k.lower() for k in KIND_NAMES}
_ENVELOPE_KEYS = frozenset({"apiVersion", "kind"})
_HINTS = ("procurelint", "\\", *(k.lower() for k in KIND_NAMES))
"""Text without any of these (case ignored) cannot show it is ours."""
_BOMS = ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe\x00\x00", "utf-32-le"),
         (b"\x00\x00\xfe\xff", "utf-32-be"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"))


def looks_ours(text: str) -> bool:
    """Whether a file's text shows it is ours though our reader refused it: an `apiVersion:
    procurelint/...` or a `kind` of this contract (case ignored), on a line of its own or at
    the top of a document as any standard YAML loader reads it (a duplicate key, a tag, an
    anchor, an escape or flow style must not hide a manifest from the gate)."""
    from procurelint.documents.yamlio import top_level_scalars  # only for a refused file

    text = text.replace("\r\n", "\n").replace("\r", "\n")
    for match in _ours_text().finditer(text):
        kind = match.group("kind")
        if kind is None or kind.lower() in _KINDS_FOLDED:
            return True
    for envelope in top_level_scalars(text, _ENVELOPE_KEYS):
        if envelope.get("apiVersion", "").strip().lower().startswith("procurelint/"):
            return True
        if envelope.get("kind", "").strip().lower() in _KINDS_FOLDED:
            return True
    return False


def text_of(raw: bytes) -> str:
    """A file's bytes as text for `looks_ours`: decoded by its byte-order mark (UTF-8, -16,
    -32), else as UTF-8 with NULs dropped and bad bytes replaced."""
    for bom, encoding in _BOMS:
        if raw.startswith(bom):
            return raw.decode(encoding, "replace")
    return raw.replace(b"\0", b"").decode("utf-8", "replace")


def file_looks_ours(path: Path) -> bool:
    """`looks_ours` of a whole file; a file that cannot be read, or is larger than
    `_SCAN_BYTES`, is taken to be ours (fail closed: it is reported, never silently passed)."""
    try:
        with open(path, "rb") as handle:
            raw = handle.read(_SCAN_BYTES + 1)
    except OSError:
        return True
    if len(raw) > _SCAN_BYTES:
        return True
    return text_looks_ours(text_of(raw))


def text_looks_ours(text: str) -> bool:
    """`looks_ours`, after a cheap test: text without any of `_HINTS` cannot show it is ours."""
    folded = text.lower()
    if not any(hint in folded for hint in _HINTS):
        return False
    return looks_ours(text)


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


def included(relative: str, include: list[str]) -> bool:
    """`include` ignores case (extensions match case-insensitively: `m.YAML`, `m.Yml`)."""
    folded = relative.lower()
    return any(_glob_regex(p.lower()).match(folded) for p in include)


class Candidate(Struct, frozen=True):
    """A file to read, with the name shown in findings (relative to the root when inside it).

    `problem` is set for a path that must not be read (a link leading out of the repository):
    it becomes a MAN001 finding instead of being skipped silently.
    """

    path: Path
    display: str
    problem: str | None = None
    explicit: bool = False
    """Named on the command line: a file that does not parse is MAN001 even if not ours."""
    skipped: str | None = None
    """Why a file that looks like ours is not read (excluded, git-ignored): counted, not read."""
    links: tuple[str, ...] = ()
    """The other names, relative to the root, by which the walk reached this file through
    symbolic links (a linked file, or a file in a linked folder), sorted."""


def _git_could_find_a_repository(root: Path) -> bool:
    """Whether git, run in `root`, could find a repository: GIT_DIR names one, or a `.git`
    (the folder, or the file of a linked work tree or submodule) is in `root` or above."""
    if os.environ.get("GIT_DIR"):
        return True
    root = Path(os.path.abspath(root))  # a relative root has no parents to look in
    return any(os.path.lexists(os.path.join(folder, ".git")) for folder in (root, *root.parents))


class GitIgnored:
    """What git ignores and does not track under a root, asked once (`git ls-files`)."""

    def __init__(self, root: Path | None) -> None:
        """None: nothing is ignored, for files git tracks every one of (the index's judged
        in place, a copy of the index or of a revision)."""
        self.files: set[str] = set()
        self.folders: set[str] = set()
        if root is None or not _git_could_find_a_repository(root):
            return  # no work tree: nothing is ignored, and git need not be started to say so
        import subprocess

        try:
            run = subprocess.run(
                ["git", "ls-files", "-z", "--others", "--ignored", "--exclude-standard",
                 "--directory"],
                cwd=root, capture_output=True, timeout=60, check=False,
            )
        except (OSError, subprocess.SubprocessError):
            return  # no git: nothing is ignored
        if run.returncode != 0:
            return  # not a work tree: nothing is ignored
        for raw in run.stdout.split(b"\0"):
            name = os.fsdecode(raw)
            if name.endswith("/"):
                self.folders.add(name.rstrip("/"))
            elif name:
                self.files.add(name)

    def __contains__(self, relative: str) -> bool:
        if relative in self.files:
            return True
        parts = relative.split("/")
        return any("/".join(parts[:i]) in self.folders for i in range(1, len(parts)))


def _inside(path: Path, root: Path) -> bool:
    try:
        path.resolve().relative_to(root)
        return True
    except (ValueError, OSError, RuntimeError):
        return False


def _below(path: str, top: str) -> str:
    """`path`, a path within the folder `top`, relative to it, with forward slashes."""
    return os.path.relpath(path, top).replace(os.sep, "/")


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


def _different_files(one: Path, other: Path) -> bool:
    """Whether two paths, shown under one name, are different files (not one reached twice)."""
    try:
        return not os.path.samefile(one, other)
    except OSError:
        return one != other


def display_name(path: Path, root: Path) -> str:
    """The path as the user knows it: relative to the root, links not resolved. Bytes of the
    name that are not UTF-8 are shown as `\\xNN`, so that every output can carry the name."""
    absolute, top = os.path.abspath(path), str(root)
    if top.endswith(os.sep):
        top = top[:-1]
    if absolute.startswith(top) and absolute[len(top):len(top) + 1] == os.sep:
        # The common case, as strings: pathlib's parsing costs more than the rest of the walk.
        return printable_name(absolute[len(top) + 1:].replace(os.sep, "/"))
    for resolve in (False, True):  # resolving links costs a system call per folder: last
        try:
            shown = (path.resolve() if resolve else Path(os.path.abspath(path))).relative_to(root).as_posix()
            return printable_name(shown)
        except ValueError:
            continue
    return printable_name(path.as_posix())


def printable_name(name: str) -> str:
    """A file name decoded with surrogate escapes (not UTF-8 on disk), as text every output
    can encode: as the walk shows it, and matches it against the policy's globs."""
    try:
        name.encode("utf-8")
        return name
    except UnicodeEncodeError:
        return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


class _Walker:
    """One discovery: the files found, keyed by the name they are judged under (a link's
    target's), so that each is read once; each folder is walked once (a link cycle ends)."""

    def __init__(self, root: Path, include: list[str], exclude: list[str], limit: int,
                 ignored: GitIgnored, policy: Path | None = None) -> None:
        self.root = root
        self.policy = os.path.abspath(policy) if policy is not None else None
        self.include = include
        self.exclude = exclude
        self.limit = limit
        self.ignored = ignored
        self.found: dict[str, Candidate] = {}
        self.count = 0
        self.walked: set[str] = set()
        self.links: dict[str, set[str]] = {}

    def link_names(self, shown: str, name: str) -> None:
        """`name` reached the file judged as `shown` through a link."""
        if name != shown:
            self.links.setdefault(shown, set()).add(name)

    def add(self, candidate: Candidate) -> None:
        """Keep a file once, by the name it is judged under; a read beats a skip. Two files
        read under one name (a name that is not UTF-8 is shown escaped, as another file may be
        named letter for letter) are a MAN001 finding: neither may stand in for the other."""
        known = self.found.get(candidate.display)
        if known is not None and known.skipped is None and candidate.skipped is None \
                and _different_files(known.path, candidate.path):
            first = min(known.path, candidate.path, key=os.fsencode)
            self.found[candidate.display] = Candidate(
                first, candidate.display,
                f"two files are shown under the name {candidate.display}: one of them is named "
                "with bytes that are not UTF-8, shown as \\xNN. Rename it in UTF-8")
            return
        if known is not None and (known.skipped is None or candidate.skipped is not None):
            return
        self.found[candidate.display] = candidate
        if candidate.skipped is None:
            self.count += 1
            if self.count > self.limit:
                raise ConfigError(
                    f"more than {self.limit} files match the policy's include globs under "
                    f"{self.root} (limits.maxFiles); narrow include/exclude or raise the limit",
                    Location(str(self.root)),
                )

    def _skip_reason(self, shown: str) -> str | None:
        if matches(shown, self.exclude):
            return "excluded by the policy's exclude globs"
        if shown in self.ignored:
            return "ignored by git"
        return None

    def file(self, path: Path, explicit: bool = False, reached: str | None = None,
             link: bool | None = None) -> None:
        """A file: as given when named, else filtered by include, exclude and git by the name
        it was reached by (through a linked folder, the link's). A link is judged at its
        target, under the target's name. `link`: whether it is a symbolic link, when known."""
        shown = display_name(path, self.root)
        if reached is not None and reached != shown and not included(shown, self.include):
            shown_as = reached
        else:
            shown_as = shown
        if not explicit and not included(shown_as, self.include):
            return
        reason = None if explicit else self._skip_reason(shown_as)
        reached_as = shown_as
        if link if link is not None else path.is_symlink():
            problem = _link_problem(path, self.root)
            if problem is not None:
                if self.policy is not None and os.path.abspath(path) == self.policy:
                    return  # the run's own policy, already read: it may live outside
                if reason is None:
                    self.add(Candidate(path, shown, problem, explicit))
                return
            path = path.resolve()
            shown = display_name(path, self.root)
        if reason is not None and not file_looks_ours(path):  # read once: it may be large
            return
        self.link_names(shown, reached_as)
        self.add(Candidate(path, shown, None, explicit) if reason is None
                 else Candidate(path, shown, skipped=reason))

    def folder(self, folder: Path, reached: str | None = None) -> None:
        """Walk a folder; `reached` is the name of the link it was reached through. Folders
        are taken in order of name, each before what is in it (as `os.walk` goes); entries are
        read with `os.scandir`, whose file types cost no system call per file."""
        real = os.path.realpath(folder)
        if real in self.walked:
            return  # a link cycle, or a folder reached twice
        self.walked.add(real)
        top = str(folder)
        pending = [top]
        while pending:
            current = pending.pop()
            self.walked.add(os.path.realpath(current))
            try:
                with os.scandir(current) as listing:
                    entries = sorted(listing, key=lambda e: e.name)
            except OSError:
                continue  # as os.walk: a folder that cannot be listed is passed over
            kept: list[str] = []
            files: list[os.DirEntry[str]] = []
            for entry in entries:
                try:
                    is_dir = entry.is_dir()
                except OSError:
                    is_dir = False
                if not is_dir:
                    files.append(entry)
                elif entry.name in VCS_FOLDERS:
                    continue
                elif entry.is_symlink():
                    via = None if reached is None else reached + "/" + _below(entry.path, top)
                    self._folder_link(Path(entry.path), via)
                else:
                    kept.append(entry.path)
            for entry in files:
                via = None if reached is None else reached + "/" + _below(entry.path, top)
                self.file(Path(entry.path), reached=via, link=entry.is_symlink())
            pending.extend(reversed(kept))

    def _folder_link(self, path: Path, reached: str | None) -> None:
        """A link to a folder: walked where it leads when that is inside the repository (each
        folder once, so a cycle ends); one that leads outside is reported."""
        shown = reached or display_name(path, self.root)
        if not _inside(path, self.root):
            if not matches(shown + "/", self.exclude):
                self.add(Candidate(path, shown,
                                   "symbolic link to a folder outside the repository; its "
                                   "manifests are not checked. Move them into the repository"))
            return
        self.folder(path.resolve(), shown)


def discover(root: Path, paths: list[Path], include: list[str], exclude: list[str],
             limit: int = 50_000, policy: Path | None = None,
             ignored: GitIgnored | None = None,
             committed: list[str] | None = None) -> list[Candidate]:
    """The files a check reads: `paths` (files as given, folders filtered) or the whole root,
    with the skipped files that look like ours (`Candidate.skipped`), sorted by name. `policy`
    is the run's own policy file: a link that leads outside the repository there is not a
    MAN001 finding (it was read as the policy, wherever it leads). `ignored`: what git ignores
    under the root, when a caller has asked already. `committed`: in place of the walk of the
    root, these files under it (relative to it, as git names them: `--staged` judging the work
    tree in place, which must see what a copy of the index holds and nothing else)."""
    root = root.resolve()
    walker = _Walker(root, include, exclude, limit, ignored or GitIgnored(root), policy)
    if committed is not None:
        for name in committed:
            walker.file(Path(os.path.join(root, name)))
    elif not paths:
        walker.folder(root)
    for path in paths:
        if path.is_dir():
            walker.folder(path)
        elif path.exists() or path.is_symlink():
            walker.file(path, explicit=True)
        else:
            raise ConfigError("no such file or folder", Location(str(path)))
    return [replace(walker.found[k], links=tuple(sorted(walker.links[k])))
            if k in walker.links else walker.found[k] for k in sorted(walker.found)]
