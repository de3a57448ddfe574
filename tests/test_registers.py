"""The report's registers for reviewers (section 7), built from a small repository that has a
hospital flow through a pinned aggregator, a bank flow, federal work and a waived finding."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import TODAY, write

POLICY = """\
apiVersion: procurelint/v1
kind: Policy
metadata: {name: registers}
spec:
  disable: [HIPAA004]
  waivers: waivers.yaml
  agreements:
    baa: [aws, microsoft]
    contracts:
      - {provider: aws, ref: AWS-ENT-1, expires: "2026-01-31", zeroDataRetention: true}
      - {provider: microsoft, ref: MS-AOC-2026, pciDss: true}
    vendors:
      - {provider: microsoft, approved: true, assessedOn: "2026-05-01"}
"""

WAIVERS = """\
apiVersion: procurelint/v1
kind: Waivers
spec:
  waivers:
    - id: W-7
      rule: JUR007
      target: care
      reason: reviewed
      approvedBy: dpo@example.com
      ticket: LEGAL-7
      expires: "2027-01-01"
"""

MANIFEST = """\
apiVersion: procurelint/v1
kind: AgentManifest
metadata: {name: care, team: clinical, owner: o@example.com}
spec:
  workflows:
    - name: notes
      runsPerMonth: 100
      dataClasses: [phi]
      recordsPerYear: 2000
      steps:
        - name: draft
          model: openai/gpt-5
          endpoint: openrouter
          routing: {providers: [azure/eastus], allowFallbacks: false}
          tokensPerCall: {input: 100, output: 10}
    - name: cards
      runsPerMonth: 100
      dataClasses: [cardholder]
      steps:
        - name: classify
          model: openai/gpt-5
          endpoint: azure/eastus
          tokensPerCall: {input: 100, output: 10}
    - name: contracts
      runsPerMonth: 100
      dataClasses: [cui]
      steps:
        - name: summarise
          model: anthropic/claude-sonnet-4.5
          endpoint: aws-bedrock/us-gov-west-1
          tokensPerCall: {input: 100, output: 10}
"""


def test_registers_list_what_each_reviewer_expects(cli, tmp_path: Path) -> None:
    write(tmp_path, "procurelint.yaml", POLICY)
    write(tmp_path, "waivers.yaml", WAIVERS)
    write(tmp_path, "care.yaml", MANIFEST)
    run = cli("report", "--date", TODAY, "-f", "json", cwd=tmp_path)
    assert run.code in (0, 1), run.stderr
    reg = json.loads(run.stdout)["data"]["repositories"][0]["registers"]

    evidence = {r["provider"]: r for r in reg["evidence"]}
    assert set(evidence) == {"aws", "microsoft", "openrouter"}
    assert evidence["aws"]["contracts"] == [
        {"ref": "AWS-ENT-1", "expires": "2026-01-31", "expired": True, "terms": ["zeroDataRetention"]}]
    assert evidence["microsoft"]["vendor"] == {"approved": True, "assessedOn": "2026-05-01"}

    associates = {r["provider"]: r for r in reg["businessAssociates"]}
    assert associates["openrouter"]["subcontractors"] == ["microsoft"]
    assert associates["openrouter"]["baaSigned"] is False
    assert associates["microsoft"]["subcontractors"] == []

    (vendor,) = reg["vendors"]
    assert (vendor["provider"], vendor["criticality"], vendor["foreign"]) == ("microsoft", "restricted", False)

    (federal,) = reg["federal"]
    assert (federal["endpoint"], federal["fedramp"], federal["usPersonsOnly"]) == (
        "aws-bedrock/us-gov-west-1", "high", True)

    ledger = {(r["provider"], c["category"]): c["records"] for r in reg["part202"] for c in r["categories"]}
    assert ledger[("openrouter", "health")] == 2000
    assert ledger[("microsoft", "financial")] is None     # recordsPerYear not declared: unknown

    gaps = {(g["rule"], g["how"]) for g in reg["statutoryGaps"]}
    assert ("HIPAA004", "rule disabled") in gaps
    assert ("JUR007", "waived by W-7") in gaps

    md = cli("report", "--date", TODAY, "-f", "md", cwd=tmp_path).stdout
    assert "## 7. Registers for reviewers" in md
    assert "Business associates receiving PHI (HIPAA)" in md
