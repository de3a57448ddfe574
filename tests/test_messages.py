"""Messages that say what happened (not only that a rule fired)."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import TODAY, write

POLICY = """\
apiVersion: procurelint/v1
kind: Policy
metadata: {name: p}
spec:
  catalogs: [catalog.yaml]
"""
CATALOG = """\
apiVersion: procurelint/v1
kind: Catalog
metadata: {name: c, asOf: "2026-11-20"}
spec:
  providers:
    - {id: acme, name: Acme, jurisdiction: US, parentJurisdiction: US, kind: cloud}
  endpoints:
    - id: acme/keeps-30
      provider: acme
      country: US
      hipaaBaa: true
      fedramp: high
      crossBorderRouting: false
      dataPolicy: {trainsOnInputs: false, retentionDays: 30}
      offers:
        - {model: anthropic/claude-sonnet-4.6, pricePerMillion: {input: 3.0, output: 15.0}}
"""
MANIFEST = """\
apiVersion: procurelint/v1
kind: AgentManifest
metadata: {{name: app, team: t, owner: o@example.com}}
spec:
  workflows:
    - name: flow
      runsPerMonth: 100
      dataClasses: [{workflow}]
      steps:
        - name: step
          model: anthropic/claude-sonnet-4.6
          endpoint: {endpoint}
          dataClasses: [{step}]
          tokensPerCall: {{input: 10, output: 10}}
"""


def run(cli, tmp_path: Path, workflow: str, step: str, endpoint: str, rule: str) -> str:
    write(tmp_path, "procurelint.yaml", POLICY)
    write(tmp_path, "catalog.yaml", CATALOG)
    write(tmp_path, "app.yaml", MANIFEST.format(workflow=workflow, step=step, endpoint=endpoint))
    out = cli("check", "--date", TODAY, "--select", rule, cwd=tmp_path)
    lines = [line for line in out.stdout.splitlines() if f" {rule} " in line]
    assert lines, out.stdout + out.stderr
    return lines[0]


def test_man008_does_not_call_a_step_that_adds_phi_a_narrowing(cli, tmp_path: Path) -> None:
    line = run(cli, tmp_path, "internal", "phi", "acme/keeps-30", "MAN008")
    assert "narrows" not in line
    assert ("step app/flow/step declares its data as phi, leaving out internal of its "
            "workflow's internal, without a deidentification that names who performs it") in line


def test_jur007_gives_a_known_retention_as_known(cli, tmp_path: Path) -> None:
    line = run(cli, tmp_path, "phi", "phi", "acme/keeps-30", "JUR007")
    assert "(30 days)" in line and "unknown" not in line


def test_jur007_says_an_unknown_retention_counts_as_unlimited(cli, tmp_path: Path) -> None:
    line = run(cli, tmp_path, "phi", "phi", "deepseek/api", "JUR007")
    assert "(not known, which counts as unlimited)" in line


def test_jur001_names_the_tier_and_the_places_it_does_not_allow(cli) -> None:
    from tests.conftest import EXAMPLES

    out = cli("check", "--date", TODAY, "--select", "JUR001", cwd=EXAMPLES).stdout
    assert ("step market-research/competitor-digest/summarise sends internal data to openrouter, "
            "where tier internal (not CN, CU, HK, IR, KP, MO, RU, VE) does not allow it: the "
            "endpoint's country is unknown") in out
    assert ("sends restricted data to deepseek/api, where tier restricted (only US) does not allow "
            "it: the endpoint is in CN, provider deepseek is established in CN, the parent of "
            "deepseek is established in CN") in out
