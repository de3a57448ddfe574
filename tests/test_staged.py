"""`check --staged` (the pre-commit hook's entry) judges what the commit will contain."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from tests.conftest import EXAMPLES, REPO, TODAY, write

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")

MANIFEST = """\
apiVersion: procurelint/v1
kind: AgentManifest
metadata: {name: claims-triage, team: claims-platform, owner: alice@example.com}
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
FIXED = MANIFEST.replace("endpoint: deepseek/api", "endpoint: acme-bedrock/us-east-1")


def git(cwd: Path, *args: str) -> None:
    env = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@e",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@e"}
    subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True, timeout=60)


def project(root: Path) -> Path:
    for name in ("procurelint.yaml", "catalog.yaml", "intake.yaml"):
        write(root, name, (EXAMPLES / "clean" / name).read_text(encoding="utf-8"))
    write(root, "claims/claims-triage.yaml", FIXED)
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "clean")
    return root


def test_the_hook_runs_check_staged() -> None:
    (hook,) = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert hook["entry"].split() == ["procurelint", "check", "--staged"]


def test_an_untracked_draft_manifest_does_not_block_the_commit(cli, tmp_path: Path) -> None:
    root = project(tmp_path / "repo")
    write(root, "claims/draft.yaml", MANIFEST.replace("claims-triage", "draft"))
    assert cli("check", "--date", TODAY, cwd=root).code == 1  # the work tree has the draft
    staged = cli("check", "--staged", "--date", TODAY, cwd=root)
    assert staged.code == 0, staged.stdout + staged.stderr
    assert "draft.yaml" not in staged.stdout

    git(root, "add", "claims/draft.yaml")  # once staged, it is judged
    staged = cli("check", "--staged", "--date", TODAY, cwd=root)
    assert staged.code == 1 and "claims/draft.yaml:" in staged.stdout


def test_unstaged_edits_are_not_judged_but_staged_ones_are(cli, tmp_path: Path) -> None:
    root = project(tmp_path / "repo")
    write(root, "claims/claims-triage.yaml", MANIFEST)
    assert cli("check", "--staged", "--date", TODAY, cwd=root).code == 0
    git(root, "add", "-u")
    write(root, "claims/claims-triage.yaml", FIXED)  # fixed in the work tree, not in the commit
    staged = cli("check", "--staged", "--date", TODAY, cwd=root)
    assert staged.code == 1 and "claims/claims-triage.yaml:" in staged.stdout


def test_an_untracked_waivers_file_does_not_make_the_commit_pass(cli, tmp_path: Path) -> None:
    root = project(tmp_path / "repo")
    policy = (root / "procurelint.yaml").read_text(encoding="utf-8")
    write(root, "procurelint.yaml", policy.replace("spec:\n", "spec:\n  waivers: waivers.yaml\n", 1))
    write(root, "waivers.yaml", "apiVersion: procurelint/v1\nkind: Waivers\nmetadata: {name: w}\n"
          "spec:\n  waivers: []\n")
    git(root, "add", "procurelint.yaml")  # the policy names waivers.yaml; it is not committed
    assert cli("check", "--date", TODAY, cwd=root).code == 0
    staged = cli("check", "--staged", "--date", TODAY, cwd=root)
    assert staged.code == 2, staged.stdout + staged.stderr
    assert "waivers.yaml" in staged.stderr and "Traceback" not in staged.stderr


def test_paths_and_output_files_are_where_the_user_named_them(cli, tmp_path: Path) -> None:
    root = project(tmp_path / "repo")
    write(root, "claims/draft.yaml", MANIFEST.replace("claims-triage", "draft"))
    run = cli("check", "--staged", "claims", "--date", TODAY, "-f", "json=out.json", cwd=root)
    assert run.code == 0, run.stderr
    assert (root / "out.json").is_file()


def test_outside_git_the_files_are_checked_as_they_are(cli, tmp_path: Path) -> None:
    root = tmp_path / "plain"
    for name in ("procurelint.yaml", "catalog.yaml", "intake.yaml"):
        write(root, name, (EXAMPLES / "clean" / name).read_text(encoding="utf-8"))
    write(root, "claims/claims-triage.yaml", MANIFEST)
    env = {"GIT_CEILING_DIRECTORIES": str(tmp_path)}
    assert cli("check", "--staged", "--date", TODAY, cwd=root, env=env).code == 1


def test_staged_with_diff_is_a_usage_error(cli, tmp_path: Path) -> None:
    root = project(tmp_path / "repo")
    run = cli("check", "--staged", "--diff", "HEAD", cwd=root)
    assert run.code == 2 and "--staged" in run.stderr and "Traceback" not in run.stderr


def test_a_bad_diff_base_says_what_is_wrong(cli, tmp_path: Path) -> None:
    root = project(tmp_path / "repo")
    run = cli("check", "--diff", "origin/mian", "--date", TODAY, cwd=root)
    assert run.code == 2
    assert "'origin/mian' is not a commit, branch or tag" in run.stderr
    assert "rev-parse" not in run.stderr and "Traceback" not in run.stderr


def test_the_hook_runs_for_every_file_name_check_reads() -> None:
    """pre-commit searches `files` in each changed file's name; `include` ignores the case of
    the extension, so the hook must too, or a commit of `m.YAML` skips the gate."""
    import re

    (hook,) = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    files = re.compile(hook["files"])
    for name in ("a.yaml", "b/c.yml", "m.YAML", "m.Yml", "m.yAmL"):
        assert files.search(name), name
    for name in ("a.yaml.txt", "notes.md", "yaml"):
        assert not files.search(name), name


def test_a_staged_file_marked_skip_worktree_is_judged(cli, tmp_path: Path) -> None:
    """`git update-index --skip-worktree` (or a sparse checkout) leaves an entry in the commit
    that `checkout-index --all` would not write out: it must be judged all the same."""
    root = project(tmp_path / "repo")
    write(root, "claims/claims-triage.yaml", MANIFEST)
    git(root, "add", "-u")
    git(root, "update-index", "--skip-worktree", "claims/claims-triage.yaml")
    staged = cli("check", "--staged", "--date", TODAY, cwd=root)
    assert staged.code == 1 and "claims/claims-triage.yaml:" in staged.stdout, staged.stdout
