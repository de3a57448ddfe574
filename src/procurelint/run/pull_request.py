"""Pull-request mode: judge a change against a base git revision.

`--diff BASE` checks the tree of BASE the same way (the pipeline exports it with `export`) and
keeps only the findings that are new (keyed like baselines: rule, file, path), and the
projected spend at BASE. `--policy-from BASE`
judges the change by BASE's policy, waivers, catalogs and rule packs, so that a pull request
cannot loosen the policy that judges it, and lists what the change did to them.
"""

from __future__ import annotations

import difflib
import io
import os
import subprocess
import tarfile
from pathlib import Path
from typing import TYPE_CHECKING

from procurelint.errors import ConfigError

if TYPE_CHECKING:
    from procurelint.policy.config import Config


def _git(root: Path, *args: str) -> bytes:
    try:
        proc = subprocess.run(["git", *args], cwd=root, capture_output=True, check=False)
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


def export_index(root: Path, into: Path) -> Path:
    """Write the files staged in the index (what the next commit will hold) into `into`, and
    return the work tree's top there. Untracked files and unstaged edits are left out; the
    index is the one git uses now (pre-commit's GIT_INDEX_FILE for `commit -a` and partial
    commits)."""
    top = toplevel(root)
    _git(top, "checkout-index", "--all", "--force", "--quiet", f"--prefix={into}{os.sep}")
    return into


def export(root: Path, revision: str, into: Path) -> Path:
    """Write the tracked files of `revision` into `into`; return the work tree's top there."""
    top = toplevel(root)
    try:
        _git(top, "rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}")
    except ConfigError:
        raise ConfigError(f"{revision!r} is not a commit, branch or tag of the git repository at "
                          f"{top} (fetch it first, e.g. `git fetch origin {revision}`)") from None
    archive = _git(top, "archive", "--format=tar", revision)
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")
    return into


def relocate(path: Path, top: Path, base_top: Path) -> Path:
    """The same path inside an exported base tree."""
    return base_top / path.resolve().relative_to(top)


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


def _policy_files(config: Config) -> dict[str, Path]:
    """The files that make up a policy, by their name relative to the policy's root."""
    spec = config.policy.spec
    names = [n for n in [config.policy_file] if n] + list(spec.catalogs) + list(spec.rule_packs)
    if spec.waivers:
        names.append(spec.waivers)
    return {name: config.root / name for name in names}


def policy_from(head: Config, config_file: Path | None, revision: str, scratch: Path) -> Config:
    """The configuration as it was at `revision`, judging the manifests of the work tree."""
    from procurelint.policy.config import CONFIG_NAME, load_config

    top = toplevel(head.root)
    base_top = export(head.root, revision, scratch)
    policy = config_file if config_file is not None else head.root / (head.policy_file or CONFIG_NAME)
    base_policy = relocate(policy, top, base_top)
    base_root = relocate(head.root, top, base_top)
    if base_policy.is_file():
        base = load_config(base_policy, base_root)
    else:
        base_root.mkdir(parents=True, exist_ok=True)
        base = load_config(None, base_root, search=False)
    head_files = _policy_files(head)
    base_files = _policy_files(base)
    names = sorted(set(head_files) | set(base_files))
    base.policy_changes = describe_changes(
        [(n, base_files.get(n, base.root / n), head_files.get(n, head.root / n)) for n in names]
    )
    base.root = head.root
    return base

