"""Setups that violate the policy must never pass: each test here is a way the gate was once
fooled into exit 0 (or into a crash), run end to end as a user would."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import TODAY, write
from tests.test_check_cli import manifest


def _check(cli, cwd: Path, *args: str) -> tuple[int, dict]:
    run = cli("check", "--format", "json", "--date", TODAY, *args, cwd=cwd)
    assert "Traceback" not in run.stderr and "internal error" not in run.stderr, run.stderr
    return run.code, json.loads(run.stdout) if run.stdout else {}


def _rules(result: dict) -> set[str]:
    return {f["rule"] for f in result["findings"]}


def test_an_aggregator_pinned_to_itself_is_not_pinned(cli, tmp_path: Path) -> None:
    text = manifest(classes="genomic, pii", model="openai/gpt-5", endpoint="openrouter") + (
        "          routing: {providers: [openrouter], allowFallbacks: false}\n")
    write(tmp_path, "app.yaml", text)
    code, result = _check(cli, tmp_path)
    assert code == 1
    assert {"JUR001", "JUR005", "JUR006", "JUR007", "JUR008"} <= _rules(result)


@pytest.mark.parametrize("kind", ["agentmanifest", "AgentManifests", '"AgentManifest "',
                                  "agent_manifest"])
def test_a_misspelled_kind_is_man002_with_a_suggestion(cli, tmp_path: Path, kind: str) -> None:
    write(tmp_path, "good.yaml", manifest())
    write(tmp_path, "bad.yaml", manifest().replace("kind: AgentManifest", f"kind: {kind}"))
    code, result = _check(cli, tmp_path)
    assert code == 1
    found = [f for f in result["findings"] if f["file"] == "bad.yaml"]
    assert [f["rule"] for f in found] == ["MAN002"]
    assert "did you mean 'AgentManifest'?" in found[0]["message"]
    assert (found[0]["line"], found[0]["column"]) == (2, 7)


def test_our_api_version_with_an_unknown_kind_is_man002(cli, tmp_path: Path) -> None:
    write(tmp_path, "bad.yaml", "apiVersion: procurelint/v1\nkind: Workflow\nspec: {}\n")
    code, result = _check(cli, tmp_path)
    assert code == 1 and _rules(result) == {"MAN002"}
    assert "unknown kind 'Workflow'; expected one of" in result["findings"][0]["message"]


def test_a_near_miss_kind_of_another_tool_is_not_ours(cli, tmp_path: Path) -> None:
    write(tmp_path, "good.yaml", manifest(classes="public", model="openai/gpt-5",
                                          endpoint="azure/eastus"))
    write(tmp_path, "kyverno.yaml", "apiVersion: kyverno.io/v1\nkind: Policies\n")
    code, result = _check(cli, tmp_path)
    assert "kyverno.yaml" not in {f["file"] for f in result["findings"]}


@pytest.mark.parametrize("kind", ["[a]", "{a: 1}"])
def test_a_kind_that_is_not_a_string_is_not_a_crash(cli, tmp_path: Path, kind: str) -> None:
    write(tmp_path, "good.yaml", manifest())
    write(tmp_path, "other.yaml", f"kind: {kind}\n")
    write(tmp_path, "ours.yaml", f"apiVersion: procurelint/v1\nkind: {kind}\n")
    code, result = _check(cli, tmp_path)
    assert code == 1
    ours = [f for f in result["findings"] if f["file"] == "ours.yaml"]
    assert [f["rule"] for f in ours] == ["MAN002"]
    assert "other.yaml" not in {f["file"] for f in result["findings"]}
