"""Waivers and inline suppressions through the real CLI: exit codes, expiry, config errors."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import findings_at, write
from tests.test_check_cli import manifest

POLICY = "apiVersion: procurelint/v1\nkind: Policy\nmetadata: {name: p}\nspec:\n  waivers: waivers.yaml\n"


def waivers(rule: str = "JUR001", target: str = "app/flow", expires: str = "2027-03-31") -> str:
    return f"""\
apiVersion: procurelint/v1
kind: Waivers
spec:
  waivers:
    - id: W-1
      rule: {rule}
      target: {target}
      reason: Reviewed by the DPO
      approvedBy: dpo@example.com
      ticket: LEGAL-123
      expires: "{expires}"
"""


def repo(tmp_path: Path, waiver_text: str) -> Path:
    write(tmp_path, "procurelint.yaml", POLICY)
    write(tmp_path, "waivers.yaml", waiver_text)
    # Internal data on DeepSeek's API: JUR001 is the only error.
    write(tmp_path, "app.yaml", manifest(classes="internal"))
    return tmp_path


def test_the_only_error_waived_passes_then_fails_after_expiry(cli, tmp_path: Path) -> None:
    root = repo(tmp_path, waivers())
    before = cli("check", "--format", "json", "--date", "2027-03-31", cwd=root)
    doc = json.loads(before.stdout)
    jur = [f for f in doc["findings"] if f["rule"] == "JUR001"]
    assert before.code == 0, before.stdout
    assert jur and all(f["waived"] for f in jur)
    assert jur[0]["waiver"] == {"id": "W-1", "reason": "Reviewed by the DPO", "approvedBy": "dpo@example.com",
                                "ticket": "LEGAL-123", "expires": "2027-03-31"}
    assert doc["summary"]["waived"] == len(jur) and doc["summary"]["errors"] == 0
    after = cli("check", "--date", "2027-04-01", cwd=root)
    assert after.code == 1
    assert "JUR001 [error]" in after.stdout and "waiver W-1 expired 2027-03-31" in after.stdout
    assert any(line.startswith("WAIVER001 [error] ")
               for line in findings_at(after.stdout, "waivers.yaml", 7, 15)), after.stdout


def test_target_covers_what_is_below_it_only(cli, tmp_path: Path) -> None:
    root = repo(tmp_path, waivers(target="app/other-flow"))
    run = cli("check", "--format", "json", "--date", "2026-11-28", cwd=root)
    doc = json.loads(run.stdout)
    assert run.code == 1
    assert [f["rule"] for f in doc["findings"] if f["rule"].startswith("WAIVER")] == ["WAIVER002"]
    assert not any(f["waived"] for f in doc["findings"])


def test_waiver_of_unknown_rule_is_a_config_error(cli, tmp_path: Path) -> None:
    root = repo(tmp_path, waivers(rule="JUR999"))
    run = cli("check", "--date", "2026-11-28", cwd=root)
    assert run.code == 2
    assert "waivers.yaml:6:13: waiver W-1 names unknown rule 'JUR999'" in run.stderr


def test_waiver_missing_a_field_is_a_config_error(cli, tmp_path: Path) -> None:
    root = repo(tmp_path, waivers().replace("      ticket: LEGAL-123\n", ""))
    run = cli("check", "--date", "2026-11-28", cwd=root)
    assert run.code == 2 and "missing required key 'ticket'" in run.stderr


def test_checking_one_file_does_not_call_other_waivers_stale(cli, tmp_path: Path) -> None:
    root = repo(tmp_path, waivers(target="elsewhere"))
    write(root, "other.yaml", manifest().replace("name: app", "name: other"))
    run = cli("check", "other.yaml", "--format", "json", "--date", "2026-11-28", cwd=root)
    assert not [f for f in json.loads(run.stdout)["findings"] if f["rule"] == "WAIVER002"]
