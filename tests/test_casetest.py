"""`procurelint test`: an organisation tests its own rules with cases as data."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.conftest import EXAMPLES, TODAY


def test_example_custom_rule_cases_pass(cli) -> None:
    run = cli("test", str(EXAMPLES / "custom-rules" / "tests"), "--date", TODAY)
    assert run.code == 0, run.stdout
    assert run.stdout.count("ok   ") == 3 and "3 passed, 0 failed" in run.stdout


def test_a_wrong_expectation_fails_and_says_why(cli, tmp_path: Path) -> None:
    shutil.copytree(EXAMPLES / "custom-rules", tmp_path / "custom-rules")
    expect = tmp_path / "custom-rules" / "tests" / "ACME001-fires-no-soc2-report" / "expect.yaml"
    expect.write_text(expect.read_text().replace("line: 16", "line: 15"))
    quiet = tmp_path / "custom-rules" / "tests" / "ACME001-passes-public-data" / "crm.yaml"
    quiet.write_text(quiet.read_text().replace("[public]", "[pii]\n      recordsPerYear: 10"))
    run = cli("test", str(tmp_path / "custom-rules" / "tests"), "--date", TODAY)
    assert run.code == 1
    assert "expected finding not reported: rule=ACME001, file=crm.yaml, line=15" in run.stdout
    assert "unexpected finding: ACME001 at crm.yaml:16:21" in run.stdout
    assert "1 passed, 2 failed" in run.stdout


def test_no_cases_is_a_usage_error(cli, tmp_path: Path) -> None:
    run = cli("test", str(tmp_path))
    assert run.code == 2 and "no test cases" in run.stderr
