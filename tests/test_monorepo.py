"""A monorepo whose policy sits in a subfolder: CI formats name files from the repository root,
and a check that does not use that policy says so (POL001)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES, TODAY, findings_at, write
from tests.test_check_cli import manifest
from tests.test_prmode import git

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")


@pytest.fixture
def mono(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    shutil.copytree(EXAMPLES, root / "ai", ignore=shutil.ignore_patterns("clean", "economics", "custom-rules"))
    subprocess.run(["git", "init", "-q"], cwd=root, check=True, capture_output=True)
    return root


def files_of(cli, root: Path, fmt: str, *paths: str) -> list[str]:
    run = cli("check", *paths, "--date", TODAY, "-f", fmt, cwd=root)
    assert run.code == 1, run.stderr
    if fmt == "sarif":
        doc = json.loads(run.stdout)
        return [r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                for r in doc["runs"][0]["results"]]
    if fmt == "gitlab":
        return [issue["location"]["path"] for issue in json.loads(run.stdout)]
    return [line.split("file=", 1)[1].split(",", 1)[0] for line in run.stdout.splitlines()
            if line.startswith("::") and "file=" in line]


@pytest.mark.parametrize("fmt", ["sarif", "gitlab", "github"])
def test_ci_formats_name_files_from_the_repository_root(cli, mono: Path, fmt: str) -> None:
    from_top = files_of(cli, mono, fmt, "ai/")
    assert from_top and all(f.startswith("ai/") for f in from_top), from_top
    assert "ai/claims/claims-assistant.yaml" in from_top
    for name in from_top:
        assert (mono / name).is_file(), name
    assert files_of(cli, mono / "ai", fmt) == from_top  # the same, wherever the check starts


def test_text_and_json_stay_relative_to_the_policy(cli, mono: Path) -> None:
    run = cli("check", "ai/", "--date", TODAY, cwd=mono)
    assert run.stdout.startswith("claims/claims-assistant.yaml:")
    doc = json.loads(cli("check", "ai/", "--date", TODAY, "-f", "json", cwd=mono).stdout)
    assert all(not f["file"].startswith("ai/") for f in doc["findings"])


def test_fingerprints_differ_between_two_policies_of_one_repository(cli, mono: Path) -> None:
    shutil.copytree(mono / "ai", mono / "ml")
    prints = []
    for folder in ("ai/", "ml/"):
        run = cli("check", folder, "--date", TODAY, "-f", "gitlab", cwd=mono)
        prints.append({issue["fingerprint"] for issue in json.loads(run.stdout)})
    assert prints[0] and not prints[0] & prints[1]


def test_check_from_the_top_reports_the_policy_it_did_not_use(cli, mono: Path) -> None:
    run = cli("check", "--date", TODAY, cwd=mono)
    assert run.code == 1
    assert any(line.startswith(
        "POL001 [error] ai/procurelint.yaml is a policy file that this run did not use: the "
        "manifests beside it were judged by the built-in defaults")
        for line in findings_at(run.stdout, "ai/procurelint.yaml", 1, 1)), run.stdout
    assert "`procurelint check ai/`" in run.stdout
    inside = cli("check", "--date", TODAY, cwd=mono / "ai")
    assert "POL001" not in inside.stdout


# --- policies reached through symbolic links ------------------------------------------------

POLICY = "apiVersion: procurelint/v1\nkind: Policy\nmetadata: {name: acme}\n"
LAX = "apiVersion: procurelint/v1\nkind: Policy\nmetadata: {name: lax}\nspec:\n  disable: [JUR001]\n"


def link(path: Path, target: str | Path) -> None:
    """A real symbolic link at `path`; the test is skipped where links cannot be made."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.symlink(target, path)
    except (OSError, NotImplementedError) as exc:
        pytest.skip(f"symbolic links are not available here: {exc}")


@pytest.fixture
def linked(tmp_path: Path) -> Path:
    """A git repository with a manifest that breaks JUR001 and no policy yet."""
    root = tmp_path / "repo"
    write(root, "svc/app.yaml", manifest(classes="internal"))
    subprocess.run(["git", "init", "-q"], cwd=root, check=True, capture_output=True)
    return root


def judged(cli, cwd: Path, *args: str) -> tuple[int, dict]:
    run = cli("check", *args, "--date", TODAY, "-f", "json", cwd=cwd)
    assert run.code in (0, 1), run.stderr
    return run.code, json.loads(run.stdout)


def found(doc: dict) -> set[tuple[str, str]]:
    return {(f["rule"], f["file"]) for f in doc["findings"]}


def test_a_linked_policy_roots_the_run_at_the_link(cli, linked: Path) -> None:
    """procurelint.yaml links to config/procurelint.yaml: the run judges the repository from
    the link's folder, not config/ alone, and the target is the policy it used (no POL001)."""
    write(linked, "config/procurelint.yaml", POLICY)
    link(linked / "procurelint.yaml", "config/procurelint.yaml")
    for cwd in (linked, linked / "svc"):
        code, doc = judged(cli, cwd)
        assert code == 1 and doc["policy"]["name"] == "acme"
        assert found(doc) == {("JUR001", "svc/app.yaml")}, doc["findings"]


def test_a_policy_linked_from_outside_the_repository_is_the_runs_own(cli, linked: Path) -> None:
    """The run's own policy may live outside the repository (a shared checkout); other links
    that lead outside stay MAN001 findings."""
    write(linked.parent, "central/policy.yaml", POLICY)
    write(linked.parent, "central/elsewhere.yaml", manifest().replace("name: app", "name: away"))
    link(linked / "procurelint.yaml", os.path.join(os.pardir, "central", "policy.yaml"))
    link(linked / "svc" / "away.yaml", os.path.join(os.pardir, os.pardir, "central", "elsewhere.yaml"))
    code, doc = judged(cli, linked)
    assert code == 1 and doc["policy"]["name"] == "acme"
    assert found(doc) == {("JUR001", "svc/app.yaml"), ("MAN001", "svc/away.yaml")}, doc["findings"]


def test_a_linked_nested_policy_is_reported_by_its_link_name(cli, linked: Path) -> None:
    """sub/procurelint.yaml links to a lax policy kept elsewhere in the repository: a check of
    sub/ from there uses it, so a check from the top that does not must say so."""
    write(linked, "procurelint.yaml", POLICY)
    write(linked, "policies/lax.yaml", LAX)
    write(linked, "sub/app.yaml", manifest(classes="internal").replace("name: app", "name: sub"))
    link(linked / "sub" / "procurelint.yaml", os.path.join(os.pardir, "policies", "lax.yaml"))
    code, doc = judged(cli, linked)
    assert code == 1
    assert ("POL001", "sub/procurelint.yaml") in found(doc), doc["findings"]
    assert ("JUR001", "sub/app.yaml") in found(doc)
    inside_code, inside = judged(cli, linked / "sub")  # what the lax policy lets through
    assert inside_code == 0 and inside["policy"]["name"] == "lax"
    assert inside["summary"]["manifests"] == 1


def test_a_nested_policy_linked_outside_is_man001_and_pol001(cli, linked: Path) -> None:
    write(linked, "procurelint.yaml", POLICY)
    write(linked.parent, "central/lax.yaml", LAX)
    link(linked / "sub" / "procurelint.yaml", os.path.join(os.pardir, os.pardir, "central", "lax.yaml"))
    code, doc = judged(cli, linked)
    assert code == 1
    assert {("MAN001", "sub/procurelint.yaml"), ("POL001", "sub/procurelint.yaml")} <= found(doc)


def test_a_link_to_the_runs_own_policy_in_a_sub_folder_is_another_policy(cli, linked: Path) -> None:
    """sub/procurelint.yaml -> ../procurelint.yaml: a check of sub/ from there is rooted at
    sub/ (its catalogs, waivers and packs are looked up there), not the policy this run used."""
    write(linked, "procurelint.yaml", POLICY)
    link(linked / "sub" / "procurelint.yaml", os.path.join(os.pardir, "procurelint.yaml"))
    code, doc = judged(cli, linked)
    assert code == 1
    assert {f for f in found(doc) if f[0] == "POL001"} == {("POL001", "sub/procurelint.yaml")}


STRICT = ("apiVersion: procurelint/v1\nkind: Policy\nmetadata: {name: strict}\nspec:\n"
          "  disable: [COST006]\n  failOn: info\n")


@pytest.fixture
def shared_policy(linked: Path) -> Path:
    """procurelint.yaml links to a policy in a shared checkout beside the repository; the
    manifest breaks JUR001; all committed on main."""
    write(linked.parent, "central/policy.yaml", STRICT)
    link(linked / "procurelint.yaml", os.path.join(os.pardir, "central", "policy.yaml"))
    git(linked, "checkout", "-q", "-b", "main")
    git(linked, "add", "-A")
    git(linked, "commit", "-q", "-m", "base")
    return linked


def test_pull_request_mode_reads_a_policy_linked_from_outside(cli, shared_policy: Path) -> None:
    git(shared_policy, "checkout", "-q", "-b", "change")
    write(shared_policy, "svc/new.yaml", manifest(classes="internal").replace("name: app", "name: new"))
    git(shared_policy, "add", "-A")
    git(shared_policy, "commit", "-q", "-m", "a violation")
    code, doc = judged(cli, shared_policy, "--diff", "main")
    assert code == 1 and found(doc) == {("JUR001", "svc/new.yaml")}, doc["findings"]
    code, doc = judged(cli, shared_policy, "--policy-from", "main")
    assert code == 1 and doc["policy"]["name"] == "strict"
    assert ("JUR001", "svc/new.yaml") in found(doc)


def test_the_staged_check_reads_a_policy_linked_from_outside(cli, shared_policy: Path) -> None:
    code, doc = judged(cli, shared_policy, "--staged")
    assert doc["policy"]["name"] == "strict" and code == 1  # not the built-in defaults


def test_policy_from_reads_an_absolute_link_at_the_base_revision(cli, linked: Path) -> None:
    """procurelint.yaml links by absolute path to config/policy.yaml inside the repository: the
    base revision's policy is the base revision's file, not the one the change edited."""
    write(linked, "config/policy.yaml", STRICT)
    link(linked / "procurelint.yaml", linked / "config" / "policy.yaml")
    git(linked, "checkout", "-q", "-b", "main")
    git(linked, "add", "-A")
    git(linked, "commit", "-q", "-m", "base")
    git(linked, "checkout", "-q", "-b", "change")
    write(linked, "config/policy.yaml", LAX)
    git(linked, "commit", "-q", "-am", "loosen")
    assert judged(cli, linked)[0] == 0  # the edited policy alone would let it through
    code, doc = judged(cli, linked, "--policy-from", "main")
    assert code == 1 and doc["policy"]["name"] == "strict"
    assert ("JUR001", "svc/app.yaml") in found(doc)


@pytest.mark.parametrize("fmt", ["sarif", "gitlab", "github"])
def test_the_staged_check_names_files_as_the_plain_check(cli, mono: Path, fmt: str) -> None:
    """--staged runs in a copy of the index, which has no .git: the names (and the fingerprints
    made from them) are still those from the repository's top."""
    git(mono, "add", "-A")
    plain = cli("check", "--date", TODAY, "-f", fmt, cwd=mono / "ai")
    staged = cli("check", "--staged", "--date", TODAY, "-f", fmt, cwd=mono / "ai")
    assert plain.code == staged.code == 1, staged.stderr
    assert "ai/claims/claims-assistant.yaml" in staged.stdout
    assert staged.stdout == plain.stdout
