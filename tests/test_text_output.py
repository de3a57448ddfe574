"""`check --format text` groups findings by location: one head line per step endpoint
(`file:line:col: PATH: RULE, ...`), then each of its findings indented, errors first."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from procurelint.findings import Finding
from procurelint.output import renderer
from procurelint.output.text import printable
from tests.conftest import REPO, TODAY, findings_at, text_groups, write
from tests.test_check_cli import manifest
from tests.test_report_formats import result
from tests.test_waivers import POLICY as WAIVING_POLICY
from tests.test_waivers import waivers

# PHI and personal data on DeepSeek's own API: six rules break on one endpoint node.
PHI = manifest(classes="phi, pii")
# The same step with a fallback endpoint: a second node, judged on its own.
FALLBACK = PHI + "          fallbacks:\n            - {model: deepseek/deepseek-v3.2, endpoint: deepinfra/api}\n"
SEVERITIES = ("error", "warning", "info")


def check(cli, cwd: Path, *args: str):
    return cli("check", "--date", TODAY, "-f", "text", *args, cwd=cwd)


def json_findings(cli, cwd: Path, *args: str) -> list[dict[str, Any]]:
    findings: list[dict[str, Any]] = json.loads(
        cli("check", "--date", TODAY, "-f", "json", *args, cwd=cwd).stdout)["findings"]
    return findings


def rules_of(lines: list[str]) -> list[str]:
    return [line.split(" ", 1)[0] for line in lines]


def severities_of(lines: list[str]) -> list[str]:
    return [line.split(" ", 2)[1].strip("[]") for line in lines]


def in_severity_order(lines: list[str]) -> bool:
    """Errors, then warnings, then infos; by rule id within each."""
    keys = [(SEVERITIES.index(s), r) for s, r in zip(severities_of(lines), rules_of(lines))]
    return keys == sorted(keys)


def test_the_rules_of_one_step_endpoint_share_one_head_line(cli, tmp_path: Path) -> None:
    write(tmp_path, "app.yaml", PHI)
    run = check(cli, tmp_path)
    assert run.code == 1, run.stdout + run.stderr
    found = json_findings(cli, tmp_path)
    assert {(f["file"], f["line"], f["column"], f["path"]) for f in found} == {
        ("app.yaml", 17, 21, "app/flow/step")}
    groups = text_groups(run.stdout)
    assert len(groups) == 1, run.stdout
    head, lines = groups[0]
    assert len(lines) == len(found) >= 5
    assert {"HIPAA001", "HIPAA002", "JUR001"} <= set(rules_of(lines))
    assert sorted(rules_of(lines)) == sorted(f["rule"] for f in found)
    # The head names each rule once, in the order of the lines below it.
    assert head == "app.yaml:17:21: app/flow/step: " + ", ".join(rules_of(lines))
    assert [line for line in run.stdout.splitlines() if line.startswith("app.yaml")] == [head]
    assert run.stdout.splitlines()[-1].startswith("failed: ")


def test_a_fallback_endpoint_of_the_step_is_a_group_of_its_own(cli, tmp_path: Path) -> None:
    write(tmp_path, "app.yaml", FALLBACK)
    run = check(cli, tmp_path)
    assert run.code == 1, run.stdout + run.stderr
    found = json_findings(cli, tmp_path)
    places = sorted({(f["line"], f["column"]) for f in found})
    assert len(places) == 2 and places[0] == (17, 21) and places[1][0] == 20
    groups = text_groups(run.stdout)
    assert [head.split(": ")[:2] for head, _ in groups] == [
        [f"app.yaml:{line}:{column}", "app/flow/step"] for line, column in places]
    for (head, lines), (line, column) in zip(groups, places):
        here = [f["rule"] for f in found if (f["line"], f["column"]) == (line, column)]
        assert sorted(rules_of(lines)) == sorted(here)
        assert head.endswith(": " + ", ".join(rules_of(lines)))
    assert all("deepseek/api" in line for line in findings_at(run.stdout, "app.yaml", 17))
    assert all("deepinfra/api" in line for line in findings_at(run.stdout, "app.yaml", 20))


SEVERITY_POLICY = """\
apiVersion: procurelint/v1
kind: Policy
metadata: {name: p}
spec:
  rules:
    - id: ACME001
      title: every step is noted
      severity: info
      violation: "true"
      message: "step {step.path} is noted"
    - id: ACME002
      title: steps on DeepSeek's API are reviewed
      severity: warning
      violation: "endpoint.provider == 'deepseek'"
      message: "step {step.path} runs on {endpoint.id}"
"""


def test_errors_come_first_then_warnings_then_infos(cli, tmp_path: Path) -> None:
    # ACME001 (info) and ACME002 (warning) sort before HIPAA and JUR by id, not by severity.
    write(tmp_path, "procurelint.yaml", SEVERITY_POLICY)
    write(tmp_path, "app.yaml", PHI)
    run = check(cli, tmp_path)
    assert run.code == 1, run.stdout + run.stderr
    groups = text_groups(run.stdout)
    assert len(groups) == 1, run.stdout
    head, lines = groups[0]
    assert set(severities_of(lines)) == {"error", "warning", "info"}
    assert in_severity_order(lines), lines
    assert rules_of(lines)[-3:] == ["ACME002", "HIPAA004", "ACME001"]
    assert lines[-3] == "ACME002 [warning] step app/flow/step runs on deepseek/api"
    assert lines[-1] == "ACME001 [info] step app/flow/step is noted"
    assert head == "app.yaml:17:21: app/flow/step: " + ", ".join(rules_of(lines))


def test_a_file_that_does_not_parse_has_a_head_line_without_a_path(cli, tmp_path: Path) -> None:
    write(tmp_path, "good.yaml", PHI)
    write(tmp_path, "bad.yaml", "apiVersion: procurelint/v1\nkind: [AgentManifest\n")
    run = check(cli, tmp_path)
    bad = [f for f in json_findings(cli, tmp_path) if f["file"] == "bad.yaml"]
    assert [(f["rule"], f["path"]) for f in bad] == [("MAN001", "")]
    groups = text_groups(run.stdout)
    assert groups[0][0] == f"bad.yaml:{bad[0]['line']}:{bad[0]['column']}: MAN001", run.stdout
    assert groups[0][1] == [f"MAN001 [error] {bad[0]['message']}"]
    assert groups[1][0].startswith("good.yaml:17:21: app/flow/step: ")


def test_a_finding_with_no_line_is_headed_by_its_file() -> None:
    # `check` places every finding it makes today, so the renderer is given one without a line.
    # Two findings of one rule at one place keep the order they came in.
    def finding(rule: str, severity: str, message: str, line: int = 0) -> Finding:
        return Finding(rule=rule, severity=severity, message=message, file="ai/app.yaml",
                       line=line, column=line and 3, path="app/flow/step")

    findings = [
        finding("COST006", "info", "cheaper elsewhere"), finding("JUR001", "error", "zeta came first"),
        finding("JUR001", "error", "alpha came second"), finding("JUR005", "warning", "routed anywhere"),
        finding("JUR001", "error", "placed", line=4),
    ]
    unsorted = result([])
    unsorted.findings = findings  # as given: COST006 before JUR001, zeta before alpha
    text = renderer("text")(unsorted)
    assert text_groups(text) == [
        ("ai/app.yaml: app/flow/step: JUR001, JUR005, COST006",
         ["JUR001 [error] zeta came first", "JUR001 [error] alpha came second",
          "JUR005 [warning] routed anywhere", "COST006 [info] cheaper elsewhere"]),
        ("ai/app.yaml:4:3: app/flow/step: JUR001", ["JUR001 [error] placed"]),
    ]
    assert findings_at(text, "ai/app.yaml") == text_groups(text)[0][1]
    assert text.splitlines()[-1].startswith("failed: 3 errors, 1 warnings, 1 infos")


def test_waivers_are_shown_on_the_finding_they_cover(cli, tmp_path: Path) -> None:
    write(tmp_path, "procurelint.yaml", WAIVING_POLICY)
    write(tmp_path, "waivers.yaml", waivers(rule="JUR001", target="app/flow", expires="2027-03-31"))
    write(tmp_path, "app.yaml", PHI)

    def group_of_the_step(run) -> tuple[str, list[str]]:
        groups = [g for g in text_groups(run.stdout) if g[0].startswith("app.yaml:17:21: ")]
        assert len(groups) == 1, run.stdout
        return groups[0]

    active = cli("check", "--date", "2027-03-31", cwd=tmp_path)
    head, lines = group_of_the_step(active)
    assert "W-1" not in head and "JUR001" in rules_of(lines)
    assert [line for line in lines if "W-1" in line] == [
        line for line in lines if line.startswith("JUR001 [error] ")]
    assert [line for line in lines if line.startswith("JUR001 ")][0].endswith(
        " (waived by W-1: Reviewed by the DPO)")
    assert not any(g[0].startswith("waivers.yaml") for g in text_groups(active.stdout))

    expired = cli("check", "--date", "2027-04-01", cwd=tmp_path)
    head, lines = group_of_the_step(expired)
    assert "W-1" not in head
    assert [line for line in lines if "W-1" in line] == [
        line for line in lines if line.startswith("JUR001 [error] ")]
    assert [line for line in lines if line.startswith("JUR001 ")][0].endswith(
        " (waiver W-1 expired 2027-03-31)")
    waiver = [g for g in text_groups(expired.stdout) if g[0].startswith("waivers.yaml:")]
    assert [g[0] for g in waiver] == ["waivers.yaml:7:15: app/flow: WAIVER001"]
    assert waiver[0][1][0].startswith("WAIVER001 [error] waiver W-1 for JUR001 on app/flow expired")


def test_control_characters_stay_escaped_in_head_and_finding_lines(cli, tmp_path: Path) -> None:
    name = "x\n::error file=x::forged\x1b[31m.yaml"
    write(tmp_path, name, manifest(model='"deepseek/v\\e[31m\\n::error::forged"'))
    run = check(cli, tmp_path)
    assert run.code == 1, run.stdout + run.stderr
    assert "\x1b" not in run.stdout
    assert not any(line.startswith("::") for line in run.stdout.splitlines())
    groups = text_groups(run.stdout)
    assert len(groups) == 1, run.stdout
    head, lines = groups[0]
    assert head.startswith("x\\n::error file=x::forged\\x1b[31m.yaml:") and head.endswith(": app: MAN002")
    assert len(lines) == 1 and lines[0].startswith("MAN002 [error] ")
    assert lines[0].endswith("(got 'deepseek/v\\x1b[31m\\n::error::forged')")
    # Nothing else: every line is a head, a finding under it, or the summary.
    assert len(run.stdout.splitlines()) == 3


def test_the_grouped_output_is_byte_identical_run_to_run(cli, tmp_path: Path) -> None:
    first, second = (check(cli, REPO, "examples/") for _ in range(2))
    assert first.stdout == second.stdout
    groups = text_groups(first.stdout)
    found = json_findings(cli, REPO, "examples/")
    assert len(groups) == len({(f["file"], f["line"], f["column"], f["path"]) for f in found}) >= 2
    assert sum(len(lines) for _, lines in groups) == len(found)
    # Files written in the other order give the same text.
    runs = []
    for order, folder in ((("a", "b"), tmp_path / "one"), (("b", "a"), tmp_path / "two")):
        for name in order:
            write(folder, f"{name}.yaml", FALLBACK.replace("name: app", f"name: {name}"))
        runs.append(check(cli, folder).stdout)
    assert runs[0] == runs[1] and len(text_groups(runs[0])) == 4


def test_the_readme_shows_what_check_prints_for_the_examples(cli) -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("## The output\n", 1)[1]
    shown = section.split("```text\n", 1)[1].split("```\n", 1)[0]
    command, printed = shown.split("\n", 1)
    assert command == "$ procurelint check examples/"
    assert printed == check(cli, REPO, "examples/").stdout


def test_the_readme_manifest_is_the_example_whose_output_it_shows() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("## A manifest\n", 1)[1].split("## The output\n", 1)[0]
    name = section.split("`", 2)[1]
    shown = section.split("```yaml\n", 1)[1].split("```\n", 1)[0]
    assert shown == (REPO / name).read_text(encoding="utf-8")


ESCAPED = {*range(0x00, 0x09), *range(0x0a, 0x20), *range(0x7f, 0xa0), 0x2028, 0x2029}
"""What the text output escapes: C0 controls but the tab, DEL and C1 controls, and the two
Unicode separators, each as Python writes it (`\\n`, `\\x1b`, `\\u2028`)."""


@given(st.text(alphabet=st.one_of(
    st.sampled_from([chr(c) for c in sorted(ESCAPED)] + ["\t", "\u200b", "\u00a0", "\ud800"]),
    st.characters())))
def test_printable_escapes_exactly_the_controls_and_separators(text: str) -> None:
    expected = "".join(ch.encode("unicode_escape").decode("ascii") if ord(ch) in ESCAPED else ch
                       for ch in text)
    assert printable(text) == expected


def test_printable_keeps_a_line_to_itself() -> None:
    assert printable("a\nb\r::error::x\x1b[31m\u2028\tend") == \
        "a\\nb\\r::error::x\\x1b[31m\\u2028\tend"
