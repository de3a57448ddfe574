"""`check --staged` (the pre-commit hook's entry) judges what the commit will contain."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
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


# --- what lies outside the repository is read from beside it, never beside the copy ----------

PLANTED = "apiVersion: procurelint/v1\nkind: Policy\nmetadata: {name: planted}\nspec:\n  packs: [core]\n"


def test_a_policy_in_the_temporary_folder_does_not_judge_the_commit(cli, tmp_path: Path) -> None:
    """The copy of the index lies in the temporary folder, which anyone may write to on a shared
    machine: a procurelint.yaml there (or above it) is not the repository's policy."""
    temp = tmp_path / "tmp"
    write(temp, "procurelint.yaml", PLANTED)
    root = tmp_path / "repo"
    write(root, "claims/claims-triage.yaml", MANIFEST)
    git(root, "init", "-q")
    git(root, "add", "-A")
    env = {"TMPDIR": str(temp)}
    plain = cli("check", "--date", TODAY, "-f", "json", cwd=root, env=env)
    staged = cli("check", "--staged", "--date", TODAY, "-f", "json", cwd=root, env=env)
    assert plain.code == staged.code == 1, staged.stdout + staged.stderr
    assert json.loads(staged.stdout)["policy"] == json.loads(plain.stdout)["policy"]


def test_a_policy_above_the_repository_judges_the_commit(cli, tmp_path: Path) -> None:
    """A plain check from the work tree finds the policy above the repository; so must the
    hook. The commit's files are judged, not the work tree's untracked draft."""
    write(tmp_path, "procurelint.yaml", "apiVersion: procurelint/v1\nkind: Policy\n"
          "metadata: {name: outer}\nspec:\n  budgets:\n    teams: {claims-platform: 1}\n")
    root = tmp_path / "repo"
    write(root, "claims/claims-triage.yaml", MANIFEST.replace("runsPerMonth: 2000", "runsPerMonth: 200000"))
    git(root, "init", "-q")
    git(root, "add", "-A")
    write(root, "claims/draft.yaml", MANIFEST.replace("claims-triage", "draft"))
    env = {"TMPDIR": str(tmp_path / "tmp")}
    (tmp_path / "tmp").mkdir()
    staged = cli("check", "--staged", "--date", TODAY, "-f", "json", cwd=root, env=env)
    assert staged.code == 1, staged.stdout + staged.stderr
    doc = json.loads(staged.stdout)
    assert doc["policy"]["name"] == "outer"
    assert "COST002" in {f["rule"] for f in doc["findings"]}
    assert all("draft" not in f["file"] for f in doc["findings"]), doc["findings"]


def test_files_the_policy_names_outside_the_repository_are_read_from_beside_it(
        cli, tmp_path: Path) -> None:
    """`waivers: ../central/waivers.yaml` names a checkout beside the repository; in the copy
    the same path would lead beside the copy, into the temporary folder."""
    temp = tmp_path / "tmp"
    write(temp, "central/waivers.yaml", "apiVersion: procurelint/v1\nkind: Waivers\nspec:\n"
          "  waivers:\n    - {id: W-PLANTED, rule: HIPAA001, target: claims-triage, reason: r, "
          "approvedBy: x@example.com, ticket: T, expires: '2099-01-01'}\n")
    write(tmp_path, "central/waivers.yaml", "apiVersion: procurelint/v1\nkind: Waivers\nspec:\n"
          "  waivers: []\n")
    root = tmp_path / "repo"
    write(root, "procurelint.yaml", "apiVersion: procurelint/v1\nkind: Policy\nmetadata: {name: p}\n"
          "spec:\n  waivers: ../central/waivers.yaml\n")
    write(root, "claims/claims-triage.yaml", MANIFEST)
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "base")
    env = {"TMPDIR": str(temp)}
    for args in (["--staged"], ["--policy-from", "HEAD"], []):
        run = cli("check", *args, "--date", TODAY, "-f", "json", cwd=root, env=env)
        assert run.code == 1, (args, run.stdout + run.stderr)
        hipaa = [f for f in json.loads(run.stdout)["findings"] if f["rule"] == "HIPAA001"]
        assert hipaa and not any(f.get("waived") for f in hipaa), (args, hipaa)


# --- a work tree that holds the index's files as the index does is judged where it lies ------

def _both(cli, root: Path, *args: str, cwd: Path | None = None) -> tuple[object, object]:
    """`check --staged` judged in place and on a copy of the index (PROCURELINT_STAGED_COPY=1)."""
    run = ["check", "--staged", "--date", TODAY, "-f", "json", *args]
    here = cli(*run, cwd=cwd or root)
    copied = cli(*run, cwd=cwd or root, env={"PROCURELINT_STAGED_COPY": "1"})
    return here, copied


def test_in_place_the_commit_is_judged_as_on_a_copy_of_the_index(cli, tmp_path: Path) -> None:
    """What git does not track (a draft, a folder of drafts, files .gitignore names) is passed
    over without a word, as it is not in the copy; a tracked file that .gitignore names is
    judged, as it is in the commit."""
    root = project(tmp_path / "repo")
    write(root, ".gitignore", "build/\n*.local.yaml\n")
    write(root, "claims/forced.local.yaml", MANIFEST.replace("claims-triage", "forced"))
    git(root, "add", ".gitignore")
    git(root, "add", "-f", "claims/forced.local.yaml")
    write(root, "claims/draft.yaml", MANIFEST.replace("claims-triage", "draft"))
    write(root, "drafts/one.yaml", MANIFEST.replace("claims-triage", "one"))
    write(root, "build/out.yaml", MANIFEST.replace("claims-triage", "built"))
    write(root, "claims/mine.local.yaml", MANIFEST.replace("claims-triage", "mine"))
    for cwd in (root, root / "claims"):
        here, copied = _both(cli, root, cwd=cwd)
        assert (here.code, here.stdout) == (copied.code, copied.stdout), here.stderr + copied.stderr
        doc = json.loads(here.stdout)
        files = {f["file"] for f in doc["findings"]} | {e["file"] for e in doc.get("notRead", [])}
        assert "claims/forced.local.yaml" in files
        assert not files & {"claims/draft.yaml", "drafts/one.yaml", "build/out.yaml",
                            "claims/mine.local.yaml"}, files


def test_in_place_a_policy_git_does_not_track_is_not_the_commits(cli, tmp_path: Path) -> None:
    """An untracked procurelint.yaml nearer than the committed one, or a catalog the policy
    names through a link git does not track, is not in the commit: the commit is judged as on
    a copy of the index, by the committed policy, or refused as the copy refuses it."""
    root = project(tmp_path / "repo")
    write(root, "claims/procurelint.yaml", PLANTED)
    here, copied = _both(cli, root, cwd=root / "claims")
    assert (here.code, here.stdout) == (copied.code, copied.stdout), here.stderr
    assert json.loads(here.stdout)["policy"]["name"] == "clean-example"

    (root / "claims/procurelint.yaml").unlink()
    policy = (root / "procurelint.yaml").read_text(encoding="utf-8")
    write(root, "procurelint.yaml", policy.replace("catalogs: [catalog.yaml]",
                                                   "catalogs: [linked.yaml]"))
    git(root, "add", "procurelint.yaml")
    os.symlink("catalog.yaml", root / "linked.yaml")
    assert cli("check", "--date", TODAY, cwd=root).code == 0  # the work tree reads the link
    here, copied = _both(cli, root)
    assert here.code == copied.code == 2, here.stdout + here.stderr
    assert here.stderr == copied.stderr and "linked.yaml" in here.stderr

    # `..` after a link git does not track leads beside the link's target, not to the
    # committed catalog.yaml that the same path names without the link
    write(tmp_path, "elsewhere/catalog.yaml", (root / "catalog.yaml").read_text(encoding="utf-8"))
    (tmp_path / "elsewhere/inner").mkdir()
    os.symlink(tmp_path / "elsewhere/inner", root / "through")
    write(root, "procurelint.yaml", policy.replace("catalogs: [catalog.yaml]",
                                                   "catalogs: [through/../catalog.yaml]"))
    git(root, "add", "procurelint.yaml")
    assert cli("check", "--date", TODAY, cwd=root).code != 2  # the work tree reads elsewhere/
    here, copied = _both(cli, root)
    assert here.code == copied.code == 2, here.stdout + here.stderr
    assert here.stderr == copied.stderr and "through/../catalog.yaml" in here.stderr

    # and so does `..` after a folder git does not track: the copy has no such folder
    (root / "through").unlink()
    write(root, "through/.keep", "")
    assert cli("check", "--date", TODAY, cwd=root).code != 2  # the work tree reads catalog.yaml
    here, copied = _both(cli, root)
    assert here.code == copied.code == 2, here.stdout + here.stderr
    assert here.stderr == copied.stderr and "through/../catalog.yaml" in here.stderr


def test_in_place_needs_git_to_compare_every_entry(tmp_path: Path) -> None:
    """The work tree is judged in place only when git vouches that it holds every entry of the
    index as the index does."""
    from procurelint.run.pull_request import committed_in_place

    root = project(tmp_path / "repo")
    top = root.resolve()
    index = committed_in_place(top)
    assert index is not None and set(index) == {"procurelint.yaml", "catalog.yaml", "intake.yaml",
                                                "claims/claims-triage.yaml"}
    blob = subprocess.run(["git", "hash-object", "intake.yaml"], cwd=root, capture_output=True,
                          text=True, check=True).stdout.strip()
    assert index["intake.yaml"] == blob
    write(root, "claims/draft.yaml", MANIFEST)  # untracked: not among the index's files
    assert committed_in_place(top) is not None

    write(root, "claims/claims-triage.yaml", MANIFEST)  # an unstaged edit
    assert committed_in_place(top) is None
    git(root, "add", "-u")
    assert committed_in_place(top) is not None

    for flag in ("--assume-unchanged", "--skip-worktree"):  # git would not compare it
        git(root, "update-index", flag, "intake.yaml")
        assert committed_in_place(top) is None, flag
        git(root, "update-index", flag.replace("--", "--no-"), "intake.yaml")
    assert committed_in_place(top) is not None

    os.symlink("intake.yaml", root / "link.yaml")  # a link, re-pointed in the copy
    git(root, "add", "link.yaml")
    assert committed_in_place(top) is None
    git(root, "rm", "-q", "--cached", "link.yaml")
    (root / "link.yaml").unlink()
    assert committed_in_place(top) is not None

    blob = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True,
                          text=True, check=True).stdout.strip()
    git(root, "update-index", "--add", "--cacheinfo", f"160000,{blob},sub")  # a submodule
    (root / "sub").mkdir()
    assert committed_in_place(top) is None


@pytest.mark.skipif(os.uname().sysname == "Darwin", reason="needs file names of any bytes")
def test_in_place_a_name_that_is_not_utf8_is_the_files_git_tracks(cli, tmp_path: Path) -> None:
    """A name that is not UTF-8 is shown escaped (`caf\\xe9.yaml`). An untracked file of such a
    name is passed over; an untracked file whose name is that escape, letter for letter, does
    not stand in for the tracked file it spells."""
    root = project(tmp_path / "repo")
    top = os.fsencode(root)
    with open(top + b"/claims/caf\xe9.yaml", "w", encoding="utf-8") as out:
        out.write(MANIFEST.replace("claims-triage", "cafe"))  # judged: HIPAA001
    git(root, "add", "-A")
    write(root, "claims/caf\\xe9.yaml", FIXED.replace("claims-triage", "cafe"))
    with open(top + b"/claims/draft\xe9.yaml", "w", encoding="utf-8") as out:
        out.write(MANIFEST.replace("claims-triage", "draft"))
    here, copied = _both(cli, root)
    assert (here.code, here.stdout) == (copied.code, copied.stdout), here.stderr + copied.stderr
    assert here.code == 1, here.stdout
    hipaa = {f["file"] for f in json.loads(here.stdout)["findings"] if f["rule"] == "HIPAA001"}
    assert hipaa == {"claims/caf\\xe9.yaml"}, hipaa


def test_in_place_a_policy_in_a_folder_git_does_not_track_is_not_the_commits(
        cli, tmp_path: Path) -> None:
    """Run from a folder git does not track, or with --config in a repository nested there,
    the check reads what the copy would read: the committed policy for the first, nothing (an
    error) for the second."""
    root = project(tmp_path / "repo")
    write(root, "claims/claims-triage.yaml", MANIFEST)
    git(root, "add", "-A")
    write(root, "drafts/procurelint.yaml", PLANTED)
    here, copied = _both(cli, root, cwd=root / "drafts")
    assert (here.code, here.stdout) == (copied.code, copied.stdout), here.stderr + copied.stderr
    assert here.code == 1 and json.loads(here.stdout)["policy"]["name"] == "clean-example"

    (root / "drafts/procurelint.yaml").unlink()
    here, copied = _both(cli, root, cwd=root / "drafts")
    assert (here.code, here.stdout) == (copied.code, copied.stdout), here.stderr + copied.stderr
    assert here.code == 1

    # the committed policy, named through a folder the copy does not have: the copy reads
    # the file the path leads to, which the index holds
    here, copied = _both(cli, root, "--config", "drafts/../procurelint.yaml")
    assert (here.code, here.stdout) == (copied.code, copied.stdout), here.stderr + copied.stderr
    assert here.code == 1 and json.loads(here.stdout)["policy"]["name"] == "clean-example"

    nest = root / "nest"
    write(nest, "procurelint.yaml", PLANTED)
    git(nest, "init", "-q")
    git(nest, "add", "-A")
    git(nest, "commit", "-q", "-m", "nested")
    here, copied = _both(cli, root, "--config", "nest/procurelint.yaml")
    assert here.code == copied.code == 2, here.stdout + here.stderr
    assert here.stderr == copied.stderr and "nest/procurelint.yaml" in here.stderr


def test_a_baseline_outside_the_repository_is_read_from_there(cli, tmp_path: Path) -> None:
    """`--baseline ../accepted.json`, named from inside the repository, is the same file on a
    copy of the index as in place."""
    root = project(tmp_path / "repo")
    write(root, "claims/claims-triage.yaml", MANIFEST)
    git(root, "add", "-A")
    made = cli("baseline", "--output", str(tmp_path / "accepted.json"), "--date", TODAY,
               "--approved-by", "ciso@example.com", "--expires", "2027-03-31", cwd=root)
    assert made.code == 0, made.stderr
    assert cli("check", "--staged", "--date", TODAY, cwd=root).code == 1
    beside = os.path.join(os.pardir, "accepted.json")  # relative, from the repository
    here, copied = _both(cli, root, "--baseline", beside)
    assert here.code == copied.code == 0, here.stdout + here.stderr + copied.stderr
    assert here.stdout == copied.stdout


def test_in_place_no_monitor_or_setting_of_git_vouches_for_an_edit(tmp_path: Path) -> None:
    """git compares a file's content only when its stat data changed. A file-system monitor
    that missed an edit, or a same-size edit whose modification time was set back (with
    `core.trustctime` off and `core.checkStat` minimal), would pass for unchanged: git is asked
    without the monitor, with the change time trusted and every stat field compared."""
    from procurelint.run.pull_request import committed_in_place

    root = project(tmp_path / "repo")
    top = root.resolve()
    intake = root / "intake.yaml"
    text = intake.read_text(encoding="utf-8")
    old = 1_600_000_000
    os.utime(intake, (old, old))
    git(root, "add", "intake.yaml")
    monitor = root / ".git" / "monitor.sh"
    monitor.write_text('#!/bin/sh\nprintf "token\\0"\n', encoding="utf-8")  # "nothing changed"
    monitor.chmod(0o755)
    git(root, "config", "core.fsmonitor", str(monitor))
    git(root, "config", "core.fsmonitorHookVersion", "2")
    git(root, "config", "core.trustctime", "false")
    git(root, "config", "core.checkStat", "minimal")
    git(root, "update-index", "--fsmonitor-valid", "intake.yaml")
    assert committed_in_place(top) is not None
    time.sleep(1.1)  # a change time of its own, in whole seconds too
    intake.write_text(text.replace("e", "E", 1), encoding="utf-8")  # the same size
    os.utime(intake, (old, old))
    lied = subprocess.run(["git", "diff", "--quiet"], cwd=root, capture_output=True, check=False)
    assert lied.returncode == 0  # what the repository's own settings make git say
    assert committed_in_place(top) is None


def test_a_path_that_leaves_the_repository_and_comes_back_is_the_commits(
        cli, tmp_path: Path) -> None:
    """`--config ../repo/procurelint.yaml`, or a path through a link to the repository, names
    the repository's policy: on a copy of the index it is the copy's, never a file beside the
    copy in the temporary folder, nor the work tree's."""
    temp = tmp_path / "tmp"
    write(temp, "repo/procurelint.yaml", PLANTED)  # beside the copy, were `..` taken there
    root = project(tmp_path / "repo")
    write(root, "claims/claims-triage.yaml", MANIFEST)
    git(root, "add", "-A")
    write(root, "claims/claims-triage.yaml", FIXED)  # the work tree passes, the commit fails
    os.symlink(root, tmp_path / "link")
    env = {"TMPDIR": str(temp)}
    runs = [cli("check", "--staged", "--date", TODAY, "-f", "json", "--config", config,
                cwd=root, env=env)
            for config in (os.path.join(os.pardir, "repo", "procurelint.yaml"),
                           str(tmp_path / "link" / "procurelint.yaml"), "procurelint.yaml")]
    for run in runs:
        assert run.code == 1, run.stdout + run.stderr
        assert json.loads(run.stdout)["policy"]["name"] == "clean-example"
    assert runs[0].stdout == runs[1].stdout == runs[2].stdout


def test_a_copy_is_not_judged_by_git_around_it(cli, tmp_path: Path) -> None:
    """A copy of the index, or of the base revision of --diff, holds git's files only: none is
    passed over as ignored, though git run in the temporary folder would find another
    repository there (here, one that ignores every YAML file) or the one GIT_DIR names (as git
    exports it to hooks in a linked work tree)."""
    outer = tmp_path / "outer"
    write(outer, ".gitignore", "*.yaml\n")
    git(outer, "init", "-q")
    (outer / "tmp").mkdir()
    root = project(tmp_path / "repo")
    write(root, "claims/claims-triage.yaml", MANIFEST)
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "violation")
    env = {"TMPDIR": str(outer / "tmp"), "PROCURELINT_STAGED_COPY": "1"}
    run = cli("check", "--staged", "--date", TODAY, cwd=root, env=env)
    assert run.code == 1 and "HIPAA001" in run.stdout, run.stdout + run.stderr
    run = cli("check", "--diff", "HEAD", "--date", TODAY, "-f", "json", cwd=root, env=env)
    assert run.code == 0, run.stdout + run.stderr  # the base holds the same findings: none new

    write(root, "sub/.gitignore", "drafts/\n")
    for name in ("procurelint.yaml", "catalog.yaml"):
        write(root, f"sub/{name}", (root / name).read_text(encoding="utf-8"))
    write(root, "sub/drafts/bad.yaml", MANIFEST.replace("claims-triage", "bad"))
    git(root, "add", "-f", "sub")
    env = {"GIT_DIR": str(root / ".git")}
    here, copied = _both(cli, root, "--config", "sub/procurelint.yaml")
    assert here.code == copied.code == 1, here.stdout + copied.stdout
    with_git_dir = cli("check", "--staged", "--date", TODAY, "-f", "json", "--config",
                       "sub/procurelint.yaml", cwd=root,
                       env={**env, "PROCURELINT_STAGED_COPY": "1"})
    assert (with_git_dir.code, with_git_dir.stdout) == (copied.code, copied.stdout)
    with_git_dir = cli("check", "--staged", "--date", TODAY, "-f", "json", "--config",
                       "sub/procurelint.yaml", cwd=root, env=env)
    assert (with_git_dir.code, with_git_dir.stdout) == (copied.code, copied.stdout)
    assert "drafts/bad.yaml" in {f["file"] for f in json.loads(copied.stdout)["findings"]}


def test_in_place_nothing_a_checkout_would_convert(cli, tmp_path: Path) -> None:
    """An attribute that makes a checkout write a file other than as the work tree holds it
    (here `ident`, staged after the file was written: a checkout expands `$Id$`, which breaks
    the YAML) sends the check to a copy of the index, as does a setting that makes line ends
    CRLF on checkout."""
    from procurelint.run.pull_request import committed_in_place, holds_as_committed

    root = project(tmp_path / "repo")
    top = root.resolve()
    names = ["procurelint.yaml", "intake.yaml"]

    def holds() -> bool:
        index = committed_in_place(top)
        return index is not None and holds_as_committed(top, index, names)

    assert holds()
    text = (root / "intake.yaml").read_text(encoding="utf-8")
    write(root, "intake.yaml", text.replace("\nspec:", " $Id$\nspec:", 1))
    git(root, "add", "intake.yaml")
    before = _both(cli, root)
    assert before[0].stdout == before[1].stdout
    write(root, ".gitattributes", "*.yaml ident\n")
    git(root, "add", ".gitattributes")
    assert not holds()
    here, copied = _both(cli, root)
    assert (here.code, here.stdout) == (copied.code, copied.stdout), here.stderr + copied.stderr
    assert here.stdout != before[0].stdout

    for line, converts in (("*.yaml eol=lf", False), ("*.yaml text", False),
                           ("*.yaml -filter", False), ("*.yaml eol=crlf", True),
                           ("*.yaml filter=lfs", True), ("*.yaml working-tree-encoding=UTF-16", True),
                           ("other.txt ident", False), ("[attr]odd ident\n*.yaml odd", True)):
        write(root, ".gitattributes", line + "\n")
        git(root, "add", ".gitattributes")
        assert holds() is not converts, line
    write(root, ".gitattributes", "")
    git(root, "add", ".gitattributes")
    for value, converts in (("true", True), ("yes", True), ("On", True), ("1", True),
                            ("input", False), ("false", False)):
        git(root, "config", "core.autocrlf", value)
        assert holds() is not converts, value
    write(root, ".gitattributes", "*.yaml text\n")
    git(root, "add", ".gitattributes")
    for value, converts in (("lf", False), ("crlf", True)):  # line ends of text files
        git(root, "config", "core.eol", value)
        assert holds() is not converts, value
    git(root, "config", "--unset", "core.eol")
    with open(root / ".git" / "config", "a", encoding="utf-8") as config:
        config.write("[core]\n\tautocrlf\n")  # a bare key is true
    assert not holds()


def test_in_place_reads_the_bytes_the_index_holds(cli, tmp_path: Path) -> None:
    """git finds a file the same as the index when it converts to the index's bytes on
    check-in (line ends, with `eol=lf` or `core.autocrlf=input`): a CR that is not part of a
    CRLF pair stays in the work tree but not in the commit, and changes what YAML reads. The
    check then reads a copy of the index, as it does for CRLF line ends that the commit does
    not hold."""
    root = project(tmp_path / "repo")
    write(root, ".gitattributes", "*.yaml eol=lf\n")
    write(root, "claims/claims-triage.yaml", MANIFEST)
    policy = (root / "procurelint.yaml").read_text(encoding="utf-8")
    # the include glob reads `claims/claims-\<LF>triage.yaml`, an escaped line break, in the
    # commit; in the work tree, with a CR before it, a line break and an empty line too
    (root / "procurelint.yaml").write_bytes(policy.encode() + b'  include: ["intake.yaml", '
                                            b'"claims/claims-\\\r\r\ntriage.yaml"]\n')
    git(root, "add", "-A")
    assert subprocess.run(["git", "diff", "--quiet"], cwd=root, check=False).returncode == 0
    here, copied = _both(cli, root)
    assert (here.code, here.stdout) == (copied.code, copied.stdout), here.stderr + copied.stderr
    assert here.code == 1 and "HIPAA001" in here.stdout

    write(root, ".gitattributes", "")
    write(root, "procurelint.yaml", policy + "  limits: {maxFileBytes: 560}\n")
    write(root, "claims/claims-triage.yaml", FIXED)
    git(root, "add", "-A")
    git(root, "config", "core.autocrlf", "input")
    (root / "claims/claims-triage.yaml").write_bytes(FIXED.replace("\n", "\r\n").encode())
    git(root, "add", "-A")
    assert subprocess.run(["git", "diff", "--quiet"], cwd=root, check=False).returncode == 0
    here, copied = _both(cli, root)
    assert (here.code, here.stdout) == (copied.code, copied.stdout), here.stderr + copied.stderr
    assert here.code == 0, here.stdout


def test_in_place_names_files_from_the_top_git_named(cli, tmp_path: Path) -> None:
    """CI formats name files from the repository's top. A `.git` folder that git does not
    track, between the policy's folder and the top, is not the top."""
    root = project(tmp_path / "repo")
    for name in ("procurelint.yaml", "catalog.yaml"):
        write(root, f"sub/{name}", (root / name).read_text(encoding="utf-8"))
    write(root, "sub/claims.yaml", MANIFEST)
    git(root, "add", "-A")
    (root / "sub" / ".git").mkdir()
    runs = [cli("check", "--staged", "--date", TODAY, "-f", "github", cwd=root / "sub", env=env)
            for env in ({}, {"PROCURELINT_STAGED_COPY": "1"})]
    assert runs[0].code == runs[1].code == 1, runs[0].stdout + runs[0].stderr
    assert runs[0].stdout == runs[1].stdout and "file=sub/claims.yaml" in runs[0].stdout


def test_a_path_through_a_link_git_does_not_track_is_where_it_leads(cli, tmp_path: Path) -> None:
    """`check --staged l` with `l` a link (git does not track) to a folder of the repository
    judges that folder's staged files, as `check l` judges its files."""
    root = project(tmp_path / "repo")
    write(root, "claims/claims-triage.yaml", MANIFEST)
    git(root, "add", "-A")
    write(root, "claims/claims-triage.yaml", FIXED)  # the work tree passes, the commit fails
    os.symlink("claims", root / "l")
    linked = cli("check", "--staged", "--date", TODAY, "-f", "json", "l", cwd=root)
    named = cli("check", "--staged", "--date", TODAY, "-f", "json", "claims", cwd=root)
    assert linked.code == named.code == 1, linked.stdout + linked.stderr
    assert linked.stdout == named.stdout


@pytest.mark.skipif(os.uname().sysname == "Darwin", reason="needs file names of any bytes")
def test_in_place_a_name_that_is_not_utf8_is_matched_as_the_walk_matches_it(
        cli, tmp_path: Path) -> None:
    """The walk matches the include globs against the name it shows (`m\\xff.yml`); the files
    whose bytes must be the index's are chosen the same way. Here a clean filter makes the
    index hold a violation that the work tree does not, and git finds the two the same."""
    root = project(tmp_path / "repo")
    with open(root / "procurelint.yaml", "a", encoding="utf-8") as policy:
        policy.write('  include: ["**/*.yaml", "**/m????.yml"]\n')  # \\xff: four
    git(root, "config", "filter.swap.clean", "sed s#acme-bedrock/us-east-1#deepseek/api#")
    git(root, "config", "filter.swap.smudge", "cat")
    write(root, ".gitattributes", "m*.yml filter=swap\n")
    text = (root / "intake.yaml").read_text(encoding="utf-8")
    with open(os.fsencode(root) + b"/m\xff.yml", "w", encoding="utf-8") as out:
        out.write(text.replace("patient-intake", "second"))
    git(root, "add", "-A")
    assert subprocess.run(["git", "diff", "--quiet"], cwd=root, check=False).returncode == 0
    here, copied = _both(cli, root)
    assert (here.code, here.stdout) == (copied.code, copied.stdout), here.stderr + copied.stderr
    assert here.code == 1 and "m\\\\xff.yml" in here.stdout


def test_a_file_the_policy_names_through_a_link_back_into_the_repository_is_the_commits(
        cli, tmp_path: Path) -> None:
    """`catalogs: [../link/catalog.yaml]`, with `link` beside the repository leading back into
    it, names the repository's catalog: the commit's, not the work tree's unstaged edit."""
    root = project(tmp_path / "repo")
    os.symlink(root, tmp_path / "link")
    policy = (root / "procurelint.yaml").read_text(encoding="utf-8")
    write(root, "procurelint.yaml", policy.replace("catalogs: [catalog.yaml]",
                                                   "catalogs: [../link/catalog.yaml]"))
    catalog = (root / "catalog.yaml").read_text(encoding="utf-8")
    write(root, "catalog.yaml", catalog.replace("hipaaBaa: true", "hipaaBaa: false", 1))
    git(root, "add", "-A")  # the commit's catalog: no BAA, so the PHI step fails
    write(root, "catalog.yaml", catalog)  # the work tree's, not staged: a BAA
    for env in ({}, {"PROCURELINT_STAGED_COPY": "1"}):
        run = cli("check", "--staged", "--date", TODAY, "-f", "json", cwd=root, env=env)
        assert run.code == 1 and "HIPAA001" in run.stdout, (env, run.stdout + run.stderr)


def test_a_copy_names_the_files_as_the_user_named_them(cli, tmp_path: Path) -> None:
    """A baseline named by an absolute path is reported under that name, not as the copy's
    file in a temporary folder of a new name on every run; an error names the repository's
    file and says the index's was read."""
    root = project(tmp_path / "repo")
    write(root, "claims/claims-triage.yaml", MANIFEST)
    made = cli("baseline", "--output", "accepted.json", "--date", TODAY,
               "--approved-by", "ciso@example.com", "--expires", "2027-03-31", cwd=root)
    assert made.code == 0, made.stderr
    git(root, "add", "-A")
    here, copied = (cli("check", "--staged", "--date", TODAY, "--baseline",
                        str(root / "accepted.json"), cwd=root, env=env)
                    for env in ({}, {"PROCURELINT_STAGED_COPY": "1"}))
    assert here.code == copied.code == 0, here.stdout + here.stderr + copied.stderr
    assert here.stdout == copied.stdout and f"baseline {root / 'accepted.json'}:" in here.stdout

    git(root, "rm", "-q", "--cached", "accepted.json")  # in the work tree, not in the commit
    here, copied = _both(cli, root, "--baseline", str(root / "accepted.json"))
    assert here.code == copied.code == 2 and here.stderr == copied.stderr
    assert str(root / "accepted.json") in here.stderr and "git's index" in here.stderr
    assert "procurelint-staged-" not in here.stderr


def test_the_folders_of_the_index_are_every_folder_that_holds_a_file() -> None:
    from procurelint.commands.check import _folders

    names = ["a/b/c.yaml", "a/b/d.yaml", "a/e.yaml", "f.yaml", "a/b/g/h.yaml", "x/y/z/w.yaml",
             "x/v.yaml"]
    expected = {name[:i] for name in names for i, c in enumerate(name) if c == "/"}
    for order in (names, names[::-1]):
        assert _folders(dict.fromkeys(order, "")) == expected
