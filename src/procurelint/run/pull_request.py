"""Pull-request mode: judge a change against a base git revision.

`--diff BASE` checks the tree of BASE the same way (the pipeline exports it with `export`) and
keeps only the findings that are new (keyed like baselines: rule, file, path, message), and the
projected spend at BASE. `--policy-from BASE`
judges the change by BASE's policy, waivers, catalogs and rule packs, so that a pull request
cannot loosen the policy that judges it, and lists what the change did to them.
"""

from __future__ import annotations

import difflib
import hashlib
import os
import subprocess
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from procurelint.errors import ConfigError

if TYPE_CHECKING:
    from procurelint.policy.config import Config


def _git(root: Path, *args: str, env: dict[str, str] | None = None) -> bytes:
    try:
        proc = subprocess.run(["git", *args], cwd=root, capture_output=True, check=False,
                              env=env)
    except OSError as exc:
        raise ConfigError(f"cannot run git: {exc.strerror}") from None
    if proc.returncode != 0:
        raise ConfigError(f"git {' '.join(args)}: {proc.stderr.decode(errors='replace').strip()}")
    return proc.stdout


def toplevel(root: Path) -> Path:
    """The git work tree that holds `root`."""
    return Path(_git(root, "rev-parse", "--show-toplevel").decode().strip()).resolve()


def in_work_tree(root: Path) -> bool:
    """Whether `root` is inside a git work tree (False where git is not installed)."""
    try:
        proc = subprocess.run(["git", "rev-parse", "--is-inside-work-tree"], cwd=root,
                              capture_output=True, check=False)
    except OSError:
        return False
    return proc.returncode == 0 and proc.stdout.strip() == b"true"


def committed_in_place(top: Path) -> dict[str, str] | None:
    """The files of the index, relative to `top`, each with its object id, when the work tree
    holds every one of them as the index does, so that `--staged` can judge the work tree where
    it lies rather than a copy of the index: no entry differs from the work tree (`git diff`),
    and every entry is a file at stage 0 that git compares (not marked skip-worktree or
    assume-unchanged), neither a symbolic link (whose copy `_checkout_index` re-points) nor a
    submodule (whose files the index does not hold). None otherwise, or when git cannot say.

    git compares a file's content only when its recorded stat data differ: here with the
    change time trusted (which no one can set back, as one can the modification time) and
    every stat field compared, and without a file-system monitor (whose daemon may have missed
    an edit), whatever the repository's configuration says. What it compares is the file as
    converted on check-in (line ends, a clean filter): `holds_as_committed` compares the bytes
    of the files a check reads."""
    try:
        same = subprocess.run(["git", *_FULL_COMPARISON, "diff", "--quiet", "--no-ext-diff"],
                              cwd=top, capture_output=True, check=False)
        if same.returncode != 0:
            return None  # an unstaged edit, or git failed
        listing = _git(top, "ls-files", "-z", "--stage", "-v")
    except (OSError, ConfigError):
        return None
    tracked: dict[str, str] = {}
    for entry in listing.split(b"\0"):
        if not entry:
            continue
        head, _, name = entry.partition(b"\t")
        fields = head.split(b" ")
        if len(fields) != 4 or fields[0] != b"H" or fields[1] not in (b"100644", b"100755") \
                or fields[3] != b"0":
            return None
        tracked[os.fsdecode(name)] = fields[2].decode("ascii", "replace")
    return tracked


_FULL_COMPARISON = ("-c", "core.fsmonitor=false", "-c", "core.trustctime=true",
                    "-c", "core.checkStat=default")


def holds_as_committed(top: Path, index: Mapping[str, str], names: list[str]) -> bool:
    """Whether each of these files of the index (relative to `top`) lies in the work tree byte
    for byte as the index holds it, and a checkout would write it so: then reading the work
    tree is reading the commit. Where nothing converts them (no attribute of theirs is set,
    line ends are not converted by `core.autocrlf`), git compared their very bytes, and
    `committed_in_place` vouches for them; otherwise their bytes must hash to the index's
    object ids, as git hashes a blob, and no conversion may apply on checkout."""
    if not all(name in index for name in names):
        return False
    conversions = _conversions(top, names)
    if conversions is None or conversions[0]:
        return False
    return not conversions[1] or all(_hashes_to(os.path.join(top, name), index[name])
                                     for name in names)


def _hashes_to(path: str, oid: str) -> bool:
    """Whether the file's bytes are the git blob `oid` (SHA-1, or SHA-256 in a repository of
    that object format)."""
    digest = hashlib.sha1(usedforsecurity=False) if len(oid) == 40 else hashlib.sha256()
    try:
        with open(path, "rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            digest.update(b"blob %d\0" % size)
            read = 0
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
                read += len(chunk)
    except OSError:
        return False
    return read == size and digest.hexdigest() == oid


_ATTRIBUTES = ("ident", "filter", "working-tree-encoding", "eol", "text", "crlf")
"""The attributes by which git converts a file's content on check-in or checkout: `$Id$`
expanded, a filter, another encoding, line ends (`eol`; `text` and its old name `crlf`, where
line ends are CRLF by configuration or by the platform)."""


def _conversions(top: Path, names: list[str]) -> tuple[bool, bool] | None:
    """Whether a checkout could write any of these index files other than as the index holds
    them, and whether git converts any of them at all (on check-in, too), by the index's
    attributes (`.gitattributes` committed, `info/attributes`, `core.attributesFile`) or the
    configuration (`core.autocrlf`, `core.eol`). None when git cannot say. A work tree git
    finds the same as the index may still not be what a checkout gives, when such an
    attribute changed after the file was written."""
    try:
        config = subprocess.run(["git", "config", "--get-regexp", r"^core\.(autocrlf|eol)$"],
                                cwd=top, capture_output=True, check=False)
        if config.returncode not in (0, 1):  # 1: none is set
            return None
        settings = dict(line.partition(" ")[::2] for line in
                        config.stdout.decode(errors="replace").lower().splitlines())
        autocrlf = settings.get("core.autocrlf", "false")
        if autocrlf in ("true", "yes", "on", "1", ""):
            return True, True  # a git boolean: `true`, `yes`, `on`, `1`, or the bare key
        eol = settings.get("core.eol", "native")
        crlf_lines = eol == "crlf" or (eol == "native" and os.name == "nt")
        converts = autocrlf not in ("false", "no", "off", "0")  # `input`: on check-in
        if not names:
            return False, converts
        attributes = subprocess.run(["git", "check-attr", "--cached", "-z", "--stdin",
                                     *_ATTRIBUTES], cwd=top, capture_output=True, check=False,
                                    input=b"\0".join(os.fsencode(n) for n in names))
    except OSError:
        return None
    if attributes.returncode != 0:
        return None
    fields = attributes.stdout.split(b"\0")
    for key, value in zip(fields[1::3], fields[2::3]):
        if value in (b"unspecified", b"unset"):
            continue
        converts = True
        if key == b"eol":
            if value == b"crlf":
                return True, True
        elif key in (b"text", b"crlf"):
            if crlf_lines:
                return True, True
        else:
            return True, True
    return False, converts


def export_index(root: Path, into: Path) -> Path:
    """Write the files staged in the index (what the next commit will hold) into `into`, and
    return the work tree's top there. Untracked files and unstaged edits are left out; the
    index is the one git uses now (pre-commit's GIT_INDEX_FILE for `commit -a` and partial
    commits)."""
    top = toplevel(root)
    _checkout_index(top, into)
    return into


def _checkout_index(top: Path, into: Path, env: dict[str, str] | None = None) -> None:
    """Write every entry of the index (`env`'s GIT_INDEX_FILE, else git's own) into `into` as
    committed, with the symbolic links that lead out of the copy re-pointed by `relinked`."""
    # Entries marked skip-worktree (sparse checkouts, `update-index --skip-worktree`) are in the
    # commit all the same: they must be judged too (git 2.36 or later).
    into.mkdir(parents=True, exist_ok=True)
    _git(top, "checkout-index", "--all", "--force", "--quiet", "--ignore-skip-worktree-bits",
         f"--prefix={into}{os.sep}", env=env)
    for folder, dirs, files in os.walk(into):
        for name in dirs + files:
            path = Path(folder) / name
            if not path.is_symlink():
                continue
            relative = path.relative_to(into).as_posix()
            target = os.readlink(path)
            if _leaves(relative, target, into):
                path.unlink()
                os.symlink(relinked(relative, target, top, into), path)


def _leaves(name: str, target: str, into: Path) -> bool:
    """Whether a link at `name` in a copy at `into` leads out of the copy as written."""
    if os.path.isabs(target):
        return True
    where = os.path.normpath(os.path.join(into, os.path.dirname(name), target))
    return not (where == str(into) or where.startswith(str(into).rstrip(os.sep) + os.sep))


def relinked(name: str, target: str, top: Path, into: Path) -> str:
    """Where a symbolic link of the repository, at `name` (relative to its top) with `target`,
    leads in a copy of the repository at `into`: a place inside the repository is the same place
    in the copy (never the work tree, which the change edited); a place outside it is the same
    place as from the work tree (a shared policy checkout, say), which no change edits. So a
    policy file linked from outside judges the copy as it judges the work tree."""
    folder = os.path.dirname(name)
    intended = Path(os.path.normpath(os.path.join(top, folder, target)))
    try:
        inside = intended.relative_to(top)
    except ValueError:
        return str(intended)
    return os.path.relpath(into / inside, into / folder)


def export(root: Path, revision: str, into: Path) -> Path:
    """Write the tracked files of `revision` into `into` exactly as committed; return the work
    tree's top there. Not `git archive`, which leaves out the files marked `export-ignore` (a
    policy, or a folder of manifests, would be missing at the base) and rewrites those marked
    `export-subst`: the tree is read into an index of its own and checked out from there."""
    import tempfile

    top = toplevel(root)
    try:
        _git(top, "rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}")
    except ConfigError:
        raise ConfigError(f"{revision!r} is not a commit, branch or tag of the git repository at "
                          f"{top} (fetch it first, e.g. `git fetch origin {revision}`)") from None
    with tempfile.TemporaryDirectory(prefix="procurelint-index-") as scratch:
        env = {**os.environ, "GIT_INDEX_FILE": str(Path(scratch) / "index")}
        # Every entry, whatever a sparse checkout of the work tree leaves out.
        _git(top, "-c", "core.sparseCheckout=false", "-c", "index.sparse=false", "read-tree",
             f"{revision}^{{tree}}", env=env)
        _checkout_index(top, into, env)
    return into


def relocate(path: Path, top: Path, base_top: Path) -> Path:
    """The same path inside an exported base tree: the path as written (made absolute, `..`
    taken out), its links followed only while they are outside the repository (a CI workspace
    on a linked folder), never inside it, where the change may have made them (a link in place
    of the policy, to a laxer one). ValueError for a path outside the repository."""
    return base_top / _written_in(path, top)


def _written_in(path: Path, top: Path) -> Path:
    """`path` relative to the repository's top `top` (a real path), as written once inside."""
    parts = list(Path(os.path.normpath(os.path.abspath(path))).parts)
    current, rest = Path(parts[0]), parts[1:]
    hops = 0
    while rest and not (current == top or top in current.parents):
        step = current / rest.pop(0)
        if step.is_symlink():
            hops += 1
            if hops > 40:
                raise ValueError(f"{path}: too many links")
            target = Path(os.path.normpath(step.parent / os.readlink(step)))
            parts = list(target.parts) + rest
            current, rest = Path(parts[0]), parts[1:]
            continue
        current = step
    return current.joinpath(*rest).relative_to(top)


def describe_changes(files: list[tuple[str, Path | None, Path | None]]) -> list[str]:
    """One line per policy file that the change added, removed or edited."""
    changes = []
    for name, base, head in files:
        old = base.read_text(encoding="utf-8", errors="replace").splitlines() if base and base.is_file() else None
        new = head.read_text(encoding="utf-8", errors="replace").splitlines() if head and head.is_file() else None
        if old == new:
            continue
        if old is None:
            changes.append(f"{name} was added by this change")
        elif new is None:
            changes.append(f"{name} was removed by this change")
        else:
            diff = [line for line in difflib.unified_diff(old, new, lineterm="", n=0)
                    if line[:1] in "+-" and not line.startswith(("+++", "---"))]
            added = sum(1 for line in diff if line.startswith("+"))
            removed = len(diff) - added
            shown = "; ".join(line.strip() for line in diff[:6])
            more = " ..." if len(diff) > 6 else ""
            changes.append(f"{name} changed (+{added} -{removed} lines): {shown}{more}")
    return changes


def _policy_files(config: Config, top: Path) -> dict[str, Path]:
    """The files that make up a policy, by their name relative to the repository's top."""
    spec = config.policy.spec
    names = [n for n in [config.policy_file] if n] + list(spec.catalogs) + list(spec.rule_packs)
    if spec.waivers:
        names.append(spec.waivers)
    out: dict[str, Path] = {}
    for name in names:
        path = config.place(name)
        try:
            out[path.resolve().relative_to(top).as_posix()] = path
        except ValueError:
            out[path.as_posix()] = path  # outside the repository: no pull request changes it
    return out


def _replaced_files(base_files: dict[str, Path], top: Path, base_top: Path) -> dict[str, str]:
    """`Config.replaced_files`: the work tree's file at the place of each base policy file,
    with the base file's text (read now: the base tree is a scratch copy)."""
    replaced: dict[str, str] = {}
    inside = base_top.resolve()
    for base_path in base_files.values():
        try:
            text = base_path.read_bytes().decode("utf-8-sig", "replace")
        except OSError:
            text = ""
        # Both the place the file is named at and the one it leads to: a pull request may
        # turn a link to the policy into a file of its own.
        for place in (Path(os.path.abspath(base_path)), base_path.resolve()):
            try:
                relative = place.relative_to(inside)
            except ValueError:
                continue  # outside the repository: the same file for both
            replaced[os.path.realpath(top / relative)] = text
    return replaced


def _base_policy(config_file: Path | None, start: Path, top: Path, base_top: Path) -> Path | None:
    """The policy file the base revision would have used for the same paths: `--config`'s file
    in the base tree, or the nearest procurelint.yaml from the same start, searched in the base
    tree and then above the repository (never in the work tree the pull request changed)."""
    from procurelint.policy.config import Copy, find_config

    if config_file is not None:
        try:
            base = relocate(config_file, top, base_top)
        except ValueError:
            return config_file  # outside the repository: no pull request changes it
        if not base.is_file():
            raise ConfigError(f"--config {config_file} does not exist at the base revision; "
                              "with --policy-from, name a policy file the base revision has")
        return base
    try:
        here = relocate(start, top, base_top)
    except ValueError:
        here = base_top
    return find_config(here, Copy(base_top.resolve(), top))


def policy_from(head: Config, config_file: Path | None, revision: str, scratch: Path,
                start: Path | None = None, baseline: Path | None = None) -> tuple[Config, Path | None]:
    """The configuration the base revision would have used for the same paths, judging the
    manifests of the work tree; and the baseline file as the base revision has it (None when
    it has none), so that a pull request cannot re-record the baseline that judges it.
    Every policy file, and the baseline, that the change added, removed or edited is listed
    in `policy_changes`."""
    from procurelint.policy.config import Copy, load_config

    top = toplevel(head.root)
    base_top = export(head.root, revision, scratch)
    copy = Copy(base_top.resolve(), top)
    start = (start or head.root).resolve()
    base_policy = _base_policy(config_file, start, top, base_top)
    if base_policy is not None:
        base = load_config(base_policy, base_policy.parent, copy=copy)
    else:
        try:
            base_start = relocate(start, top, base_top)
        except ValueError:
            base_start = base_top
        base_start.mkdir(parents=True, exist_ok=True)
        base = load_config(None, base_start, search=False, copy=copy)
    head_files = _policy_files(head, top)
    base_files = _policy_files(base, base_top)
    pairs: list[tuple[str, Path | None, Path | None]] = [
        (n, base_files.get(n, base_top / n), head_files.get(n, top / n))
             for n in sorted(set(head_files) | set(base_files))]
    base_baseline = None
    if baseline is not None:
        try:
            base_baseline = relocate(baseline, top, base_top)  # as written: not through links
            name = base_baseline.relative_to(base_top).as_posix()
            pairs.append((name, base_baseline, baseline))
            if not base_baseline.is_file():
                base_baseline = None
        except ValueError:
            base_baseline = baseline  # outside the repository: no pull request changes it
    base.policy_changes = describe_changes(pairs)
    base.replaced_files = _replaced_files(base_files, top, base_top)
    base.from_base = True
    base.copy = None  # it judges the work tree from here on
    try:
        base.root = top / base.root.resolve().relative_to(base_top)
    except ValueError:
        pass  # a policy above the repository: its own folder
    if head.policy_file is not None:
        try:
            base.replaced_policy = (head.root / head.policy_file).resolve().relative_to(
                base.root.resolve()).as_posix()
        except ValueError:
            pass  # outside the base policy's root: no file of this run
    return base, base_baseline
