"""The GitHub Action (action.yml), the GitLab CI template and the CI setups shown in docs/ci.md,
checked with check-jsonschema's vendored copies of the schemas GitHub's and GitLab's files are
held to (SchemaStore's github-action and github-workflow schemas, GitLab's own CI schema), and
the action's check step run as the runner would run it."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.conftest import EXAMPLES, REPO

ACTION = REPO / "action.yml"
GITLAB_TEMPLATE = REPO / "templates" / "procurelint.gitlab-ci.yml"
BIN = Path(sys.executable).parent


def validate(schema: str, path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "check_jsonschema", "--builtin-schema",
                           f"vendor.{schema}", str(path)], capture_output=True, text=True, timeout=120)


def doc_blocks(kind: str) -> list[str]:
    """The YAML blocks of docs/ci.md for GitHub workflows or GitLab CI."""
    text = (REPO / "docs" / "ci.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```yaml\n(.*?)```", text, re.S)
    if kind == "github":
        return [b for b in blocks if b.startswith("# .github/workflows/") or b.startswith("on:")]
    return [b for b in blocks if b.startswith("# .gitlab-ci.yml")]


def test_action_is_valid() -> None:
    run = validate("github-actions", ACTION)
    assert run.returncode == 0, run.stdout + run.stderr


def test_the_validators_reject_a_broken_file(tmp_path: Path) -> None:
    broken = tmp_path / "action.yml"
    broken.write_text(ACTION.read_text(encoding="utf-8").replace("using: composite", "using: compost"),
                      encoding="utf-8")
    assert validate("github-actions", broken).returncode == 1
    job = tmp_path / ".gitlab-ci.yml"
    job.write_text("procurelint:\n  script: 3\n  when: sometimes\n", encoding="utf-8")
    assert validate("gitlab-ci", job).returncode == 1


def test_gitlab_template_is_valid() -> None:
    run = validate("gitlab-ci", GITLAB_TEMPLATE)
    assert run.returncode == 0, run.stdout + run.stderr


@pytest.mark.parametrize("kind,schema", [("github", "github-workflows"), ("gitlab", "gitlab-ci")])
def test_the_setups_in_the_docs_are_valid(kind: str, schema: str, tmp_path: Path) -> None:
    blocks = doc_blocks(kind)
    assert len(blocks) >= 3
    for i, block in enumerate(blocks):
        path = tmp_path / f"{i}.yml"
        path.write_text(block, encoding="utf-8")
        run = validate(schema, path)
        assert run.returncode == 0, block + run.stdout + run.stderr
    if kind == "github":
        assert any("uses: procurelint/procurelint@" in b for b in blocks)
    else:
        assert any("file: templates/procurelint.gitlab-ci.yml" in b for b in blocks)


def test_action_scripts_take_inputs_from_the_environment_only() -> None:
    """`${{ inputs.x }}` inside a script is pasted into the shell before it runs: a path or
    option with a quote in it would be executed. Scripts read inputs from `env` instead."""
    action = yaml.safe_load(ACTION.read_text(encoding="utf-8"))
    steps = action["runs"]["steps"]
    for step in steps:
        assert "${{" not in step.get("run", ""), step.get("name")
    used = set(re.findall(r"inputs\.([\w-]+)", ACTION.read_text(encoding="utf-8")))
    assert used == set(action["inputs"])


def _step(step_id: str) -> dict[str, str]:
    action = yaml.safe_load(ACTION.read_text(encoding="utf-8"))
    return next(s for s in action["runs"]["steps"] if s.get("id") == step_id or s.get("name") == step_id)


def test_the_check_step_writes_its_reports_and_the_gate_fails(tmp_path: Path) -> None:
    out, github = tmp_path / "temp", tmp_path / "github"
    out.mkdir()
    github.mkdir()
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
           "PROCURELINT_PATHS": "", "PROCURELINT_ARGS": "--date 2026-11-28",
           "PROCURELINT_COMMENT": "true", "PROCURELINT_BASE_REF": "", "PROCURELINT_EVENT": "push",
           "PROCURELINT_OUT": str(out), "GITHUB_OUTPUT": str(github / "output"),
           "GITHUB_STEP_SUMMARY": str(github / "summary")}
    env.pop("GITHUB_ACTIONS", None)
    run = subprocess.run(["bash", "-e", "-c", _step("check")["run"]], cwd=EXAMPLES, env=env,
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr  # the step passes; the gate fails later
    assert "::error file=" in run.stdout
    outputs = dict(line.split("=", 1) for line in (github / "output").read_text().splitlines())
    assert outputs == {"exit-code": "1", "sarif-file": str(out / "procurelint.sarif"),
                       "markdown-file": str(out / "procurelint.md")}
    assert json.loads((out / "procurelint.sarif").read_text())["runs"][0]["results"]
    assert (github / "summary").read_text().startswith("<!-- procurelint -->")

    gate = subprocess.run(["bash", "-c", _step("Gate")["run"]], env={**env, "CODE": "1"},
                          capture_output=True, timeout=60)
    assert gate.returncode == 1
    unset = subprocess.run(["bash", "-c", _step("Gate")["run"]], env={**env, "CODE": ""},
                           capture_output=True, timeout=60)
    assert unset.returncode == 2  # the check did not even run: fail closed
