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
    assert doc["teams"] == [{"team": "finance", "monthlyUsd": 11.68, "budgetUsd": 100.0,
                             "overBudget": False}]
    extract, tag = by_step["billing/invoices/extract"], by_step["billing/invoices/tag"]
    assert (extract["inputUsd"], extract["cachedInputUsd"], extract["outputUsd"]) == (6.00, 0.20, 5.00)
    assert (tag["inputUsd"], tag["cachedInputUsd"], tag["outputUsd"]) == (0.10, 0.30, 0.08)
    assert extract["compliant"] and extract["unpriced"] is None


def test_cost_marks_over_budget_and_exits_1(cli, repo: Path) -> None:
    policy = (repo / "procurelint.yaml").read_text(encoding="utf-8")
    write(repo, "procurelint.yaml", policy.replace("finance: 100", "finance: 10"))
    run = cli("cost", "--date", TODAY, cwd=repo)
    assert run.code == 1, run.stderr
    assert "  finance" in run.stdout and "$11.68 of $10.00 budget  OVER BUDGET" in run.stdout
    doc = json.loads(cli("cost", "-f", "json", "--date", TODAY, cwd=repo).stdout)
    assert doc["teams"][0]["overBudget"] is True
    write(repo, "procurelint.yaml", policy)
    assert cli("cost", "--date", TODAY, cwd=repo).code == 0


def test_cost_marks_unpriced_steps_instead_of_zero(cli, repo: Path) -> None:
    write(repo, "billing.yaml", MANIFEST.replace("          tokensPerCall: {input: 333, output: 77, cachedInput: 1000}\n", ""))
    run = cli("cost", "--date", TODAY, cwd=repo)
    assert run.code == 1, run.stderr
    line = next(l for l in run.stdout.splitlines() if l.startswith("billing/invoices/tag"))
    assert "unpriced" in line and "$0.00" not in line
    assert "  ^ UNPRICED: no tokensPerCall; its cost is unknown, not $0" in run.stdout
    assert "1 steps unpriced: the totals leave them out" in run.stdout
    doc = json.loads(cli("cost", "-f", "json", "--date", TODAY, cwd=repo).stdout)
    tag = next(r for r in doc["steps"] if r["path"] == "billing/invoices/tag")
    assert tag["monthlyUsd"] is None and tag["unpriced"] == "no tokensPerCall"


def test_cost_marks_steps_that_are_not_compliant(cli) -> None:
    run = cli("cost", "--date", TODAY, cwd=EXAMPLES)
    lines = run.stdout.splitlines()
    reply = lines.index(next(l for l in lines if l.startswith("claims-assistant/triage/draft-reply")))
    assert lines[reply + 1].startswith("  ^ NOT COMPLIANT: HIPAA001, HIPAA002, JUR001")
    doc = json.loads(cli("cost", "-f", "json", "--date", TODAY, cwd=EXAMPLES).stdout)
    rows = {r["path"]: r for r in doc["steps"]}
    assert rows["claims-assistant/triage/draft-reply"]["compliant"] is False
    assert "JUR001" in rows["claims-assistant/triage/draft-reply"]["failingRules"]
    assert rows["claims-assistant/triage/extract"]["compliant"] is True
    assert doc["nonCompliantSteps"] == 2
    md = cli("cost", "-f", "md", "--date", TODAY, cwd=EXAMPLES).stdout
    assert "`claims-assistant/triage/draft-reply` ⚠ not compliant" in md


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


def test_what_if_prices_and_judges_another_model_and_endpoint(cli) -> None:
    step = "claims-assistant/triage/draft-reply"
    run = cli("cost", "--date", TODAY, "--step", step, "--model", "deepseek/deepseek-v3.2",
              "--endpoint", "acme-bedrock/us-east-1", cwd=EXAMPLES)
    assert run.code == 0, run.stderr
    lines = run.stdout.splitlines()
    assert lines[0] == f"what if {step} used deepseek/deepseek-v3.2 on acme-bedrock/us-east-1:"
    assert lines[1].startswith("  now:  $82.32/month on deepseek/deepseek-v3.2 at deepseek/api; NOT COMPLIANT: HIPAA001")
    assert lines[2].startswith("  then: $") and lines[2].endswith("; compliant")
    doc = json.loads(cli("cost", "--date", TODAY, "--step", step, "--model", "deepseek/deepseek-v3.2",
                         "--endpoint", "acme-bedrock/us-east-1", "-f", "json", cwd=EXAMPLES).stdout)
    what = doc["whatIf"]
    assert what["compliant"] is True and what["offered"] is True
    assert round(what["inputUsd"] + what["cachedInputUsd"] + what["outputUsd"], 2) == what["monthlyUsd"]
    assert doc["current"]["compliant"] is False

    worse = cli("cost", "--date", TODAY, "--step", "claims-assistant/triage/extract", "--model",
                "deepseek/deepseek-v3.2", "--endpoint", "deepseek/api", cwd=EXAMPLES)
    assert worse.code == 1 and "NOT COMPLIANT" in worse.stdout.splitlines()[2]


def test_what_if_usage_errors_suggest_ids(cli) -> None:
    bad_model = cli("cost", "--step", "claims-assistant/triage/extract", "--model",
                    "anthropic/claude-sonnet-4-6", "--endpoint", "deepseek/api", cwd=EXAMPLES)
    assert bad_model.code == 2 and "did you mean 'anthropic/claude-sonnet-4.6'" in bad_model.stderr
    bad_step = cli("cost", "--step", "claims-assistant/triage/extrct", "--model",
                   "anthropic/claude-sonnet-4.6", "--endpoint", "deepseek/api", cwd=EXAMPLES)
    assert bad_step.code == 2 and "did you mean 'claims-assistant/triage/extract'" in bad_step.stderr
    partial = cli("cost", "--step", "claims-assistant/triage/extract", cwd=EXAMPLES)
    assert partial.code == 2 and "--model and --endpoint" in partial.stderr


def test_a_step_that_is_not_compliant_shows_what_compliance_costs(cli) -> None:
    """Where no compliant offer is cheaper, `cost` shows the cheapest compliant one, whatever it
    costs (the audit report shows the same), instead of a bare "-"."""
    run = cli("cost", "--date", TODAY, cwd=EXAMPLES)
    reply = next(l for l in run.stdout.splitlines() if l.startswith("claims-assistant/triage/draft-reply"))
    assert reply.endswith("to comply: deepseek/deepseek-v3.2 on acme-bedrock/us-east-1: $215.40, +$133.08")
    doc = json.loads(cli("cost", "-f", "json", "--date", TODAY, cwd=EXAMPLES).stdout)
    rows = {r["path"]: r for r in doc["steps"]}
    comply = rows["claims-assistant/triage/draft-reply"]["toComply"]
    assert comply == {"model": "deepseek/deepseek-v3.2", "endpoint": "acme-bedrock/us-east-1",
                      "monthlyUsd": 215.40}
    assert rows["claims-assistant/triage/extract"]["toComply"] is None  # compliant already
    what_if = json.loads(cli("cost", "-f", "json", "--date", TODAY, "--step", "claims-assistant/triage/draft-reply",
                             "--model", comply["model"], "--endpoint", comply["endpoint"], cwd=EXAMPLES).stdout)
    assert what_if["whatIf"]["compliant"] is True and what_if["whatIf"]["monthlyUsd"] == comply["monthlyUsd"]
