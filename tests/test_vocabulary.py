"""Learning the vocabulary: `classes` and `tiers` show what a policy defines, and every
unknown id a manifest names gets a suggestion."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from procurelint.wording import did_you_mean
from tests.conftest import EXAMPLES, TODAY, write

MANIFEST = """\
apiVersion: procurelint/v1
kind: AgentManifest
metadata: {{name: app, team: t, owner: o@example.com}}
spec:
  workflows:
    - name: flow
      runsPerMonth: 100
      dataClasses: [{cls}]
      steps:
        - name: step
          model: {model}
          endpoint: {endpoint}
          tokensPerCall: {{input: 10, output: 10}}
"""


def check(cli, tmp_path: Path, cls: str = "public", model: str = "anthropic/claude-sonnet-4.6",
          endpoint: str = "aws-bedrock/us-east-1") -> str:
    write(tmp_path, "app.yaml", MANIFEST.format(cls=cls, model=model, endpoint=endpoint))
    run = cli("check", "--date", TODAY, cwd=tmp_path)
    assert run.code == 1, run.stdout + run.stderr
    return run.stdout


@pytest.mark.parametrize("cls,meant", [
    ("itar", "'export-controlled'"), ("hipaa", "'phi'"), ("PHI", "'phi'"), ("phii", "'phi'"),
    ("credit-card", "'cardholder'"), ("secrets", "'credentials'"), ("pci", "'cardholder'"),
])
def test_an_unknown_data_class_gets_a_suggestion(cli, tmp_path: Path, cls: str, meant: str) -> None:
    out = check(cli, tmp_path, cls=cls)
    assert f"MAN006 [error] data class {cls!r} is not defined" in out
    hint = out.split("did you mean ", 1)[1].split("?", 1)[0]
    assert meant in hint.split(" or ") and "`procurelint classes` lists them" in out


def test_a_tier_named_as_a_class_says_so(cli, tmp_path: Path) -> None:
    out = check(cli, tmp_path, cls="restricted")
    assert ("data class 'restricted' is not defined (built-in or in the policy) ('restricted' is a "
            "tier, not a data class); did you mean 'phi' or ") in out


def test_unknown_model_and_endpoint_ids_get_a_suggestion(cli, tmp_path: Path) -> None:
    out = check(cli, tmp_path, model="anthropic/claude-sonnet-4-6", endpoint="aws-bedrock/us-east1")
    assert ("names model 'anthropic/claude-sonnet-4-6', which is not in the catalog; did you mean "
            "'anthropic/claude-sonnet-4.6'?") in out
    assert "names endpoint 'aws-bedrock/us-east1', which is not in the catalog; did you mean 'aws-bedrock/us-east-1'" in out


def test_did_you_mean_stays_quiet_when_nothing_is_close() -> None:
    assert did_you_mean("zzz/qqq", ["anthropic/claude-sonnet-4.6", "openai/gpt-5"]) == []
    assert did_you_mean("OpenAI/GPT-5", ["openai/gpt-5"]) == ["openai/gpt-5"]


def test_classes_lists_the_effective_classes(cli, tmp_path: Path) -> None:
    write(tmp_path, "procurelint.yaml", "apiVersion: procurelint/v1\nkind: Policy\nmetadata: {name: p}\n"
          "spec:\n  dataClasses:\n    claims-notes: {tier: restricted, regimes: [hipaa]}\n")
    run = cli("classes", cwd=tmp_path)
    assert run.code == 0, run.stderr
    assert run.stdout.splitlines()[0].split() == ["CLASS", "TIER", "REGIMES", "CATEGORIES", "DEFINED", "BY"]
    lines = {line.split()[0]: line.split() for line in run.stdout.splitlines()[1:-1]}
    assert lines["export-controlled"] == ["export-controlled", "restricted", "itar", "-", "built-in"]
    assert lines["claims-notes"] == ["claims-notes", "restricted", "hipaa", "-", "policy"]
    doc = json.loads(cli("classes", "-f", "json", cwd=tmp_path).stdout)
    assert {"name": "phi", "tier": "restricted", "regimes": ["hipaa"], "categories": ["health"],
            "description": None, "definedBy": "built-in"} in doc["dataClasses"]


def test_tiers_say_what_each_allows(cli) -> None:
    run = cli("tiers", cwd=EXAMPLES)
    assert run.code == 0, run.stderr
    out = run.stdout
    assert out.startswith("public (least sensitive)")
    assert "restricted (most sensitive): Regulated data" in out
    assert "  endpoint country, provider and parent: only US (an unknown place is not allowed)" in out
    assert "  retention of prompts: at most 0 days (unknown counts as unlimited)" in out
    assert "  data classes: biometric, cardholder, credentials, cui, export-controlled," in out
    doc = json.loads(cli("tiers", "-f", "json", cwd=EXAMPLES).stdout)
    assert [t["name"] for t in doc["tiers"]] == ["public", "internal", "confidential", "restricted"]
