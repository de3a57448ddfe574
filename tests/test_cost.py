"""Cost arithmetic, checked against figures computed by hand, and `procurelint cost`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES, TODAY, write

CATALOG = """\
apiVersion: procurelint/v1
kind: Catalog
metadata: {name: round-prices, asOf: "2026-11-01"}
spec:
  endpoints:
    - id: test/us
      provider: aws
      country: "US"
      hipaaBaa: true
      fedramp: none
      crossBorderRouting: false
      usPersonsOnly: false
      dataPolicy: {trainsOnInputs: false, retentionDays: 0}
      offers:
        - {model: anthropic/claude-sonnet-4.6, pricePerMillion: {input: 2.00, output: 10.00, cachedInput: 0.20}}
        - {model: openai/gpt-5-mini, pricePerMillion: {input: 0.30, output: 1.10}}
      sources: [test]
"""

MANIFEST = """\
apiVersion: procurelint/v1
kind: AgentManifest
metadata: {name: billing, team: finance, owner: o@example.com}
spec:
  workflows:
    - name: invoices
      runsPerMonth: 1000
      dataClasses: [internal]
      steps:
        - name: extract
          model: anthropic/claude-sonnet-4.6
          endpoint: test/us
          callsPerRun: 2
          tokensPerCall: {input: 1500, output: 250, cachedInput: 500}
        - name: tag
          model: openai/gpt-5-mini
          endpoint: test/us
          tokensPerCall: {input: 333, output: 77, cachedInput: 1000}
"""
# extract: 2,000 calls: 3,000,000 input x $2 = $6.00; 1,000,000 cached x $0.20 = $0.20;
#          500,000 output x $10 = $5.00; total $11.20.
# tag:     1,000 calls: 333,000 input x $0.30 = $0.0999; 1,000,000 cached at the input price
#          (the offer has no cached price) x $0.30 = $0.30; 77,000 output x $1.10 = $0.0847;
#          total $0.4846 -> $0.48.
# manifest: $11.6846 -> $11.68.


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    write(tmp_path, "procurelint.yaml", "apiVersion: procurelint/v1\nkind: Policy\n"
          "metadata: {name: p}\nspec:\n  catalogs: [catalog.yaml]\n  budgets: {teams: {finance: 100}}\n")
    write(tmp_path, "catalog.yaml", CATALOG)
    write(tmp_path, "billing.yaml", MANIFEST)
    return tmp_path


def test_cost_matches_hand_arithmetic_to_the_cent(cli, repo: Path) -> None:
    doc = json.loads(cli("cost", "--format", "json", "--date", TODAY, cwd=repo).stdout)
    by_step = {row["path"]: row for row in doc["steps"]}
    assert by_step["billing/invoices/extract"]["monthlyUsd"] == 11.20
    assert by_step["billing/invoices/tag"]["monthlyUsd"] == 0.48
    assert by_step["billing/invoices/extract"]["monthlyTokens"] == 3_000_000 + 1_000_000 + 500_000
    assert doc["totalMonthlyUsd"] == 11.68
    assert doc["teams"] == [{"team": "finance", "monthlyUsd": 11.68, "budgetUsd": 100.0}]


def test_check_and_cost_agree(cli, repo: Path) -> None:
    check = json.loads(cli("check", "--format", "json", "--date", TODAY, cwd=repo).stdout)
    cost = json.loads(cli("cost", "--format", "json", "--date", TODAY, cwd=repo).stdout)
    assert check["summary"]["monthlyUsd"] == cost["totalMonthlyUsd"] == 11.68


def test_economics_example_totals(cli) -> None:
    folder = EXAMPLES / "economics"
    check = json.loads(cli("check", str(folder), "--format", "json", "--date", TODAY).stdout)
    cost = json.loads(cli("cost", str(folder), "--format", "json", "--date", TODAY).stdout)
    assert check["summary"]["monthlyUsd"] == cost["totalMonthlyUsd"]
    # The PHI steps move to the same DeepSeek weights on the BAA-covered cloud, never to
    # DeepSeek's own API; the public steps may move anywhere compliant.
    for row in cost["steps"]:
        alt = row["alternative"]
        assert alt is not None and alt["model"] == "deepseek/deepseek-v3.2"
        if row["tier"] == "restricted":
            assert alt["endpoint"] == "aws-bedrock/us-east-1"
    assert cost["possibleSavingUsd"] > 0.3 * cost["totalMonthlyUsd"]


@pytest.mark.parametrize("by", ["team", "tier", "jurisdiction", "model", "endpoint"])
def test_grouping(cli, repo: Path, by: str) -> None:
    doc = json.loads(cli("cost", "--by", by, "--format", "json", "--date", TODAY, cwd=repo).stdout)
    assert round(sum(g["monthlyUsd"] for g in doc["groups"]), 2) == doc["totalMonthlyUsd"]
    expected = {"team": {"finance"}, "tier": {"internal"}, "jurisdiction": {"US"},
                "model": {"anthropic/claude-sonnet-4.6", "openai/gpt-5-mini"}, "endpoint": {"test/us"}}
    assert {g["key"] for g in doc["groups"]} == expected[by]


def test_text_and_markdown(cli, repo: Path) -> None:
    text = cli("cost", "--date", TODAY, cwd=repo)
    assert text.code == 0 and "billing/invoices/extract" in text.stdout and "$11.20" in text.stdout
    md = cli("cost", "--format", "md", "--date", TODAY, cwd=repo).stdout
    assert md.startswith("## Projected monthly spend") and "| `billing/invoices/tag` |" in md


PUBLIC_STEP = """\
apiVersion: procurelint/v1
kind: AgentManifest
metadata: {name: faq, team: support, owner: o@example.com}
spec:
  workflows:
    - name: answer
      runsPerMonth: 10000
      dataClasses: [public]
      steps:
        - name: reply
          model: anthropic/claude-sonnet-4.6
          endpoint: anthropic/api
          tokensPerCall: {input: 2000, output: 500}
"""


@pytest.mark.parametrize(("when", "alternative"), [("true", True), ("'not a bool'", False)])
def test_an_error_rule_that_cannot_be_judged_leaves_no_alternative(
        cli, tmp_path: Path, when: str, alternative: bool) -> None:
    """An alternative must pass every error rule; a rule that cannot be evaluated on it is
    reported as a violation there, so it cannot be named as compliant either."""
    write(tmp_path, "procurelint.yaml", f"""\
apiVersion: procurelint/v1
kind: Policy
metadata: {{name: p}}
spec:
  rules:
    - id: ACME020
      title: a rule of the organisation
      severity: error
      when: "{when}"
      violation: "step.tierRank < 0"
      message: never
""")
    write(tmp_path, "faq.yaml", PUBLIC_STEP)
    run = cli("check", "--date", TODAY, "-f", "json", cwd=tmp_path)
    rules = [f["rule"] for f in json.loads(run.stdout)["findings"]]
    assert ("COST006" in rules) is alternative
    assert ("ACME020" in rules) is not alternative  # the step itself: "gave 'not a bool'"
