"""The policy facts rules read are validated: a typo is exit 2 at its position, not a silent miss."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import TODAY, write
from tests.test_check_cli import manifest

CASES = {
    "baa": ("  agreements:\n    baa: [amazon, aws]\n",
            "procurelint.yaml:6:11: agreements.baa names unknown provider 'amazon'"),
    "vendor": ("  agreements:\n    vendors:\n      - {provider: microsft, approved: true, assessedOn: \"2026-01-01\"}\n",
               "procurelint.yaml:7:20: agreements.vendors names unknown provider 'microsft'; did you mean 'microsoft'?"),
    "inventory": ("  modelInventory:\n    - {model: anthropic/claude-sonet-4.6, validatedOn: \"2026-01-01\"}\n",
                  "modelInventory names unknown model 'anthropic/claude-sonet-4.6'; did you mean 'anthropic/claude-sonnet-4.6'?"),
    "regime": ("  dataClasses:\n    claims-notes: {tier: restricted, regimes: [hipa]}\n",
               "data class 'claims-notes' names regime 'hipa', which no enabled rule knows; did you mean 'hipaa'?"),
    "tier": ("  dataClasses:\n    claims-notes: {tier: secret}\n",
             "data class 'claims-notes' uses tier 'secret', which is not defined"),
    "vendor-date": ("  agreements:\n    vendors:\n      - {provider: aws, approved: true, assessedOn: \"last spring\"}\n",
                    "assessedOn: Input should be a valid date"),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_policy_fact_typos_are_config_errors(cli, tmp_path: Path, name: str) -> None:
    body, message = CASES[name]
    write(tmp_path, "procurelint.yaml", "apiVersion: procurelint/v1\nkind: Policy\nmetadata: {name: p}\nspec:\n" + body)
    write(tmp_path, "app.yaml", manifest())
    run = cli("check", "--date", TODAY, cwd=tmp_path)
    assert run.code == 2, run.stdout
    assert message in run.stderr
    assert "procurelint.yaml:" in run.stderr and "Traceback" not in run.stderr


def test_a_custom_rule_makes_its_regime_known(cli, tmp_path: Path) -> None:
    write(tmp_path, "procurelint.yaml", """\
apiVersion: procurelint/v1
kind: Policy
metadata: {name: p}
spec:
  dataClasses:
    ledger: {tier: confidential, regimes: [sox]}
  rules:
    - id: ACME010
      title: SOX data stays on approved endpoints
      severity: error
      when: "'sox' in step.regimes"
      violation: "endpoint.country != 'US'"
      message: "step {step.path} sends SOX data to {endpoint.id}"
""")
    write(tmp_path, "app.yaml", manifest(classes="ledger"))
    run = cli("check", "--select", "ACME010", "--date", TODAY, cwd=tmp_path)
    assert run.code == 1 and "ACME010 [error] step app/flow/step sends SOX data to deepseek/api" in run.stdout
