"""Evidence that a report reflects the code: versions, digests of every input, git state, time.

Paths are shown relative to the policy root (as in findings), never as absolute paths, so that
the same repository gives the same evidence on every machine.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import subprocess
from pathlib import Path
from typing import Any

from procurelint import __version__
from procurelint.policy.config import Config
from procurelint.policy.merged_catalog import change_json
from procurelint.documents.files import discover
from procurelint.errors import ConfigError
from procurelint.policy.packs import builtin_pack
from procurelint.documents.cache import builtin_dir

TOOL = {"name": "procurelint", "version": __version__}
NOT_GIT = "not a git repository"


def generation_time(date: str | None) -> str:
    """`--date` at midnight UTC, else SOURCE_DATE_EPOCH, else now: reproducible when fixed."""
    if date is not None:
        try:
            day = dt.date.fromisoformat(date)
        except ValueError:
            raise ConfigError(f"--date {date!r} is not a date (YYYY-MM-DD)") from None
        return f"{day.isoformat()}T00:00:00Z"
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        try:
            moment = dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc)
        except (ValueError, OverflowError, OSError):
            raise ConfigError(f"SOURCE_DATE_EPOCH {epoch!r} is not a number of seconds") from None
    else:
        moment = dt.datetime.now(dt.timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _hash_file(path: Path, shown: str) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError as exc:
        raise ConfigError(f"cannot read {shown} to record its digest: {exc.strerror}") from None


def _git(root: Path, *args: str) -> subprocess.CompletedProcess[str] | None:
    # Optional locks off: `git status` must not refresh the index of the user's repository.
    env = dict(os.environ, GIT_OPTIONAL_LOCKS="0", LC_ALL="C")
    try:
        return subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True,
                              timeout=30, env=env, check=False)
    except (OSError, subprocess.SubprocessError):
        return None


def git_state(root: Path) -> dict[str, Any]:
    """The commit at the policy root and whether the work tree differs from it."""
    inside = _git(root, "rev-parse", "--is-inside-work-tree")
    if inside is None:
        return {"state": "git is not installed", "commit": None, "dirty": None}
    if inside.returncode != 0 or inside.stdout.strip() != "true":
        return {"state": NOT_GIT, "commit": None, "dirty": None}
    head = _git(root, "rev-parse", "--verify", "--quiet", "HEAD")
    status = _git(root, "status", "--porcelain", "--untracked-files=normal")
    commit = head.stdout.strip() if head is not None and head.returncode == 0 else None
    dirty = bool(status.stdout.strip()) if status is not None and status.returncode == 0 else None
    state = "no commit yet" if commit is None else ("dirty" if dirty else "clean")
    return {"state": state, "commit": commit, "dirty": dirty}


def input_files(config: Config, paths: list[Path]) -> list[dict[str, str]]:
    """Every file the run read: manifests, the policy, waivers, and the built-in defaults."""
    spec = config.policy.spec
    candidates = discover(config.root, paths, spec.include, spec.exclude)
    if paths:  # every roll-up reads the whole root
        candidates += discover(config.root, [], spec.include, spec.exclude)
    # A file that was not read (skipped, or a link the check refused to follow, which is a
    # MAN001 finding) is not evidence, and its target is not read here either.
    files = {c.display: c.path for c in candidates if c.skipped is None and c.problem is None}
    if config.policy_file is not None:
        files[config.policy_file] = config.root / config.policy_file
    if spec.waivers is not None and config.waivers_file is not None:
        files[config.waivers_file] = config.root / spec.waivers
    files["<builtin>/defaults.yaml"] = builtin_dir() / "defaults.yaml"
    return [{"file": shown, "sha256": _hash_file(path, shown)} for shown, path in sorted(files.items())]


def _config_digest(config: Config, shown: str) -> str:
    """The SHA-256 of a rule pack or catalog file, by the name the run showed it under: read
    now, as the inputs and the policy are (the cache holds no digest a report shows)."""
    if shown.startswith(_BUILTIN):
        return _hash_file(builtin_dir() / shown[len(_BUILTIN):], shown)
    return _hash_file(config.root / shown, shown)  # relative to the root, or absolute


_BUILTIN = "<builtin>/"


def _packs(config: Config) -> list[dict[str, Any]]:
    packs = [
        {"name": p.pack.metadata.name, "version": p.pack.metadata.version, "file": p.file,
         "sha256": _config_digest(config, p.file), "builtin": p.builtin, "enabled": True}
        for p in config.packs
    ]
    for name in config.disabled_packs:
        p = builtin_pack(name)
        packs.append({"name": name, "version": p.pack.metadata.version, "file": p.file,
                      "sha256": _config_digest(config, p.file), "builtin": True,
                      "enabled": False})
    return packs


def repository_evidence(config: Config, name: str, paths: list[Path], today: dt.date,
                        generated_at: str) -> dict[str, Any]:
    """The evidence of one repository's run, as it goes into the report's evidence."""
    policy = config.policy
    policy_sha = None
    if config.policy_file is not None:
        policy_sha = _hash_file(config.root / config.policy_file, config.policy_file)
    return {
        "name": name,
        "tool": dict(TOOL),
        "generatedAt": generated_at,
        "judgedOn": today.isoformat(),
        "policy": {"name": policy.metadata.name, "version": policy.metadata.version,
                   "file": config.policy_file, "sha256": policy_sha},
        "packs": _packs(config),
        "disabledPacks": list(config.disabled_packs),
        "disabledRules": sorted(policy.spec.disable),
        "overrides": {k: v.severity for k, v in sorted(policy.spec.overrides.items())},
        "catalogs": [
            {"name": s.name, "file": s.file, "asOf": s.as_of.isoformat(),
             "sha256": _config_digest(config, s.file)}
            for s in config.catalog.sources
        ],
        # Every fact of a built-in entry the organisation changed (override or patch): a
        # reviewer must see where the tool's facts stop and the organisation's begin.
        "catalogChanges": [change_json(c) for c in config.catalog.changes],
        "inputs": input_files(config, paths),
        "git": git_state(config.root),
    }
