"""A monorepo whose policy sits in a subfolder: CI formats name files from the repository root,
and a check that does not use that policy says so (POL001)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES, TODAY, findings_at

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
