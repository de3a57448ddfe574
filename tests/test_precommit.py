"""The pre-commit hook as pre-commit itself runs it.

`validate-manifest` checks .pre-commit-hooks.yaml with pre-commit's own schema. The try-repo
test is SLOW AND NEEDS NETWORK: pre-commit builds the hook's environment by pip-installing
this repository and its dependencies from PyPI (about a minute on a cold cache). It points
`pre-commit try-repo` at a committed copy of this working tree, so it also works on a fresh
clone and tests uncommitted changes to the hook file. Set PROCURELINT_SKIP_NETWORK_TESTS=1 to
skip it where PyPI cannot be reached.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES, REPO, TODAY, findings_at, write

# PHI sent to DeepSeek's own API: no BAA, China, trains on inputs (HIPAA001, JUR001, ...).
VIOLATING = """\
apiVersion: procurelint/v1
kind: AgentManifest
metadata:
  name: claims-triage
  team: claims-platform
  owner: alice@example.com
spec:
  workflows:
    - name: triage
      runsPerMonth: 2000
      dataClasses: [phi]
      recordsPerYear: 24000
      steps:
        - name: draft-reply
          model: deepseek/deepseek-v3.2
          endpoint: deepseek/api
          tokensPerCall: {input: 2000, output: 300}
"""
# The fix: the same open weights in the organisation's own AWS account, under its signed BAA.
FIXED = VIOLATING.replace("endpoint: deepseek/api", "endpoint: acme-bedrock/us-east-1")


def _env(tmp_path: Path) -> dict[str, str]:
    """A reproducible environment: own pre-commit cache, fixed date, no user git config."""
    empty = tmp_path / "gitconfig"
    empty.touch()
    env = {k: v for k, v in os.environ.items() if k not in ("GITHUB_ACTIONS", "PRE_COMMIT")}
    env.update({
        "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"),
        "SOURCE_DATE_EPOCH": str(int(dt.datetime.fromisoformat(TODAY)
                                     .replace(tzinfo=dt.timezone.utc).timestamp())),
        "GIT_CONFIG_GLOBAL": str(empty), "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_AUTHOR_NAME": "test", "GIT_AUTHOR_EMAIL": "test@example.com",
        "GIT_COMMITTER_NAME": "test", "GIT_COMMITTER_EMAIL": "test@example.com",
    })
    return env


def _git(cwd: Path, env: dict[str, str], *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True, timeout=60)


def _copy_of_this_repo(target: Path, env: dict[str, str]) -> Path:
    """The files a clone would hold (tracked ones, plus new ones not ignored), committed."""
    listed = subprocess.run(
        ["git", "-C", str(REPO), "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        capture_output=True, check=True, timeout=60,
    ).stdout.decode("utf-8").split("\0")
    for name in filter(None, listed):
        source = REPO / name
        if source.is_file():  # a tracked file deleted in the work tree is not copied
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    _git(target, env, "init", "-q")
    _git(target, env, "add", "-A")
    _git(target, env, "commit", "-q", "--no-verify", "-m", "procurelint under test")
    return target


def _try_repo(project: Path, hook_repo: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    _git(project, env, "add", "-A")
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", "try-repo", str(hook_repo), "procurelint",
         "--all-files", "--verbose", "--color", "never"],
        cwd=project, env=env, capture_output=True, text=True, timeout=600,
    )


def test_hook_manifest_is_valid() -> None:
    run = subprocess.run(
        [sys.executable, "-m", "pre_commit", "validate-manifest", ".pre-commit-hooks.yaml"],
        cwd=REPO, capture_output=True, text=True, timeout=120,
    )
    assert run.returncode == 0, run.stdout + run.stderr


@pytest.mark.skipif(os.environ.get("PROCURELINT_SKIP_NETWORK_TESTS") == "1",
                    reason="pre-commit pip-installs the hook from PyPI")
@pytest.mark.skipif(shutil.which("git") is None or not (REPO / ".git").exists(),
                    reason="needs git and a git checkout of procurelint")
def test_try_repo_fails_on_a_violation_and_passes_once_fixed(tmp_path: Path) -> None:
    env = _env(tmp_path)
    hook_repo = _copy_of_this_repo(tmp_path / "procurelint", env)
    project = tmp_path / "project"
    for name in ("procurelint.yaml", "catalog.yaml", "intake.yaml"):
        write(project, name, (EXAMPLES / "clean" / name).read_text(encoding="utf-8"))
    write(project, "claims/claims-triage.yaml", VIOLATING)
    _git(project, env, "init", "-q")

    failing = _try_repo(project, hook_repo, env)
    output = failing.stdout + failing.stderr
    assert failing.returncode == 1, output
    assert any(line.startswith("HIPAA001 [error] ")
               for line in findings_at(output, "claims/claims-triage.yaml", 16, 21)), output

    write(project, "claims/claims-triage.yaml", FIXED)
    passing = _try_repo(project, hook_repo, env)
    output = passing.stdout + passing.stderr
    assert passing.returncode == 0, output
    assert "passed: 0 errors" in output, output
