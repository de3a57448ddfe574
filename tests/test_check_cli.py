"""`procurelint check` end to end, as a user runs it: exit codes, formats, bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import TODAY, findings_at, text_groups, write

MANIFEST = """\
apiVersion: procurelint/v1
kind: AgentManifest
metadata:
  name: app
  team: t
  owner: o@example.com
spec:
  dataSubjects: {subjects}
  workflows:
    - name: flow
      runsPerMonth: 1000
      dataClasses: [{classes}]
      recordsPerYear: 500
      steps:
        - name: step
          model: {model}
          endpoint: {endpoint}
          tokensPerCall: {{input: 1000, output: 100}}
"""


def manifest(**kw: str) -> str:
    values = {"subjects": "[US]", "classes": "public", "model": "deepseek/deepseek-v3.2",
              "endpoint": "deepseek/api"}
    values.update(kw)
    return MANIFEST.format(**values)


def check(cli, *args: str, cwd: Path | None = None):
    return cli("check", *args, "--date", TODAY, cwd=cwd)


def test_examples_fail_with_positions(cli) -> None:
    run = check(cli, "examples/")
    assert run.code == 1, run.stderr
    first = run.stdout.splitlines()[0]
    file, line, column, rest = first.split(":", 3)
    assert file.endswith(".yaml") and int(line) > 0 and int(column) > 0
    at = findings_at(run.stdout, "claims/claims-assistant.yaml", 26, 21)
    assert any(f.startswith("HIPAA001 [error] ") for f in at), run.stdout
    assert run.stdout.splitlines()[-1].startswith("failed:")


def test_clean_example_passes(cli) -> None:
    run = check(cli, "examples/clean")
    assert run.code == 0, run.stdout + run.stderr
    assert "passed: 0 errors" in run.stdout


def test_output_is_byte_identical_across_runs(cli) -> None:
    first = check(cli, "examples/", "--format", "json")
    second = check(cli, "examples/", "--format", "json")
    assert first.stdout == second.stdout
    assert check(cli, "examples/").stdout == check(cli, "examples/").stdout


def test_json_follows_the_contract(cli) -> None:
    run = check(cli, "examples/", "--format", "json")
    doc = json.loads(run.stdout)
    # notRead: the sub-repositories the examples' policy excludes hold documents of their own
    assert set(doc) == {"tool", "policy", "catalog", "findings", "summary", "notRead"}
    assert {e["file"] for e in doc["notRead"]} >= {"clean/intake.yaml"}
    assert doc["tool"]["name"] == "procurelint"
    assert doc["policy"]["name"] == "acme-ai-sourcing" and doc["policy"]["version"] == "2026.11"
    assert doc["policy"]["packs"]["hipaa"] == "1.0.0"
    assert set(doc["summary"]) == {"files", "manifests", "workflows", "steps", "errors", "warnings",
                                   "infos", "waived", "monthlyUsd", "failed", "skipped"}
    assert doc["summary"]["failed"] is True
    finding = doc["findings"][0]
    assert set(finding) == {"rule", "severity", "message", "file", "line", "column", "path",
                            "citations", "remediation", "waived", "waiver"}
    keys = [(f["file"], f["line"], f["column"], f["rule"]) for f in doc["findings"]]
    assert keys == sorted(keys)
    hipaa = next(f for f in doc["findings"] if f["rule"] == "HIPAA001")
    assert hipaa["path"] == "claims-assistant/triage/draft-reply"
    assert "45 CFR 164.502(e)" in hipaa["citations"]


def test_output_file_and_fail_on_never(cli, tmp_path: Path) -> None:
    out = tmp_path / "result.json"
    run = check(cli, "examples/", "--format", "json", "--output", str(out), "--fail-on", "never")
    assert run.code == 0 and run.stdout == ""
    assert json.loads(out.read_text())["summary"]["failed"] is False


def listed_rules(out: str) -> set[str]:
    """The rule ids of the findings the text output lists."""
    return {line.split(" ", 1)[0] for _, lines in text_groups(out) for line in lines}


def test_select_and_ignore(cli) -> None:
    only = check(cli, "examples/", "--select", "HIPAA001")
    assert listed_rules(only.stdout) == {"HIPAA001"}
    ignored = check(cli, "examples/", "--ignore", "HIPAA,JUR", "--fail-on", "error")
    assert listed_rules(ignored.stdout)  # COST006 is still listed
    assert not listed_rules(ignored.stdout) & {"HIPAA001", "JUR001"}
    assert "rules not judged (--ignore HIPAA,JUR): HIPAA001" in ignored.stdout


def test_unknown_format_is_a_usage_error(cli) -> None:
    run = check(cli, "examples/", "--format", "xml")
    assert run.code == 2 and "unknown format 'xml'" in run.stderr


def test_missing_path_is_a_usage_error(cli, tmp_path: Path) -> None:
    run = check(cli, str(tmp_path / "nope"))
    assert run.code == 2 and "no such file" in run.stderr
    assert "Traceback" not in run.stderr


BAD_INPUTS = {
    "typo-key": (manifest().replace("dataClasses: [public]", "dataClases: [public]"), "MAN002"),
    "unknown-model": (manifest(model="deepseek/deepseek-v99"), "MAN003"),
    "unknown-endpoint": (manifest(endpoint="deepseek/api-v9"), "MAN004"),
    "unknown-class": (manifest(classes="phii"), "MAN006"),
    "duplicate-key": (manifest().replace("  team: t\n", "  team: t\n  team: u\n"), "MAN001"),
    "alias-bomb": ("a: &a [x,x,x,x,x,x,x,x,x,x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [" + ",".join([f"*{chr(97 + i)}"] * 10) + "]\n"
        for i in range(8)), "MAN001"),
    "bad-yaml": ("apiVersion: procurelint/v1\nkind: [AgentManifest\n", "MAN001"),
    "unknown-country": (manifest(subjects="[US, UK]"), "MAN002"),
    "wrong-api-version": (manifest().replace("procurelint/v1", "procurelint/v9"), "MAN002"),
    "metadata-is-a-list": (manifest().replace("metadata:\n  name: app\n  team: t\n  owner: o@example.com\n",
                                              "metadata: [app]\n"), "MAN002"),
    "spec-is-a-string": ("apiVersion: procurelint/v1\nkind: AgentManifest\nmetadata: {name: a, team: t, owner: o}\n"
                         "spec: nothing\n", "MAN002"),
}


@pytest.mark.parametrize("name", sorted(BAD_INPUTS))
def test_bad_input_is_a_finding_never_a_pass(cli, tmp_path: Path, name: str) -> None:
    text, rule = BAD_INPUTS[name]
    write(tmp_path, "bad.yaml", text)
    run = check(cli, "bad.yaml", cwd=tmp_path)
    assert run.code == 1, run.stdout + run.stderr
    assert "Traceback" not in run.stderr
    heads = [head for head, lines in text_groups(run.stdout)
             if any(line.startswith(f"{rule} [error] ") for line in lines)]
    assert heads and heads[0].startswith("bad.yaml:"), run.stdout


@pytest.mark.parametrize("text", ["", "# nothing here\n", "- a\n- b\n", "just a string\n", "a: 1\n"])
def test_file_with_no_manifest_is_a_usage_error(cli, tmp_path: Path, text: str) -> None:
    write(tmp_path, "other.yaml", text)
    run = check(cli, "other.yaml", cwd=tmp_path)
    assert run.code == 2, run.stdout
    assert "no AgentManifest documents found" in run.stderr


def test_empty_and_foreign_files_beside_a_manifest_are_ignored(cli, tmp_path: Path) -> None:
    write(tmp_path, "empty.yaml", "")
    write(tmp_path, ".github/ci.yml", "on: push\njobs: {}\n")
    write(tmp_path, "list.yaml", "- 1\n")
    write(tmp_path, "app.yaml", manifest())
    run = check(cli, "--format", "json", cwd=tmp_path)
    doc = json.loads(run.stdout)
    assert doc["summary"]["manifests"] == 1
    assert doc["summary"]["files"] == 4
    assert run.code == 0


def test_unquoted_no_stays_norway(cli, tmp_path: Path) -> None:
    # Under YAML 1.1 `NO` would be the boolean false and the EU data subjects would vanish.
    write(tmp_path, "app.yaml", manifest(subjects="[NO]", classes="pii",
                                          model="anthropic/claude-sonnet-4.6", endpoint="anthropic/api"))
    run = check(cli, "--format", "json", "--select", "JUR004", cwd=tmp_path)
    doc = json.loads(run.stdout)
    assert [f["rule"] for f in doc["findings"]] == ["JUR004"]
    assert run.code == 1


def test_non_utf8_file_is_man001_with_position(cli, tmp_path: Path) -> None:
    (tmp_path / "bad.yaml").write_bytes(manifest().encode().replace(b"owner: o", b"owner: \xff"))
    run = check(cli, "bad.yaml", cwd=tmp_path)
    assert run.code == 1
    assert any(f.startswith("MAN001 [error] ") for f in findings_at(run.stdout, "bad.yaml", 6, 10))


def test_bad_policy_is_exit_2_with_position(cli, tmp_path: Path) -> None:
    write(tmp_path, "procurelint.yaml",
          "apiVersion: procurelint/v1\nkind: Policy\nmetadata: {name: p}\nspec:\n  failOnn: error\n")
    write(tmp_path, "app.yaml", manifest())
    run = check(cli, cwd=tmp_path)
    assert run.code == 2
    assert "procurelint.yaml:5:3: spec: unknown key 'failOnn'; did you mean 'failOn'?" in run.stderr


def test_rule_with_bad_cel_is_exit_2_naming_rule_and_file(cli, tmp_path: Path) -> None:
    write(tmp_path, "procurelint.yaml", """\
apiVersion: procurelint/v1
kind: Policy
metadata: {name: p}
spec:
  rules:
    - id: ACME001
      title: broken
      severity: error
      violation: "step.monthlyUsd >"
      message: broken
""")
    write(tmp_path, "app.yaml", manifest())
    run = check(cli, cwd=tmp_path)
    assert run.code == 2
    assert "procurelint.yaml:9:18: rule ACME001: `violation` is not a valid CEL expression" in run.stderr


def test_rule_failing_at_evaluation_is_an_error_finding(cli, tmp_path: Path) -> None:
    write(tmp_path, "procurelint.yaml", """\
apiVersion: procurelint/v1
kind: Policy
metadata: {name: p}
spec:
  rules:
    - id: ACME002
      title: reads a field that does not exist
      severity: warning
      violation: "step.noSuchField == 1"
      message: never
""")
    write(tmp_path, "app.yaml", manifest())
    run = check(cli, cwd=tmp_path)
    assert run.code == 1
    assert "ACME002 [error] rule ACME002 could not be evaluated for app/flow/step" in run.stdout


def test_config_flag_and_search_from_path(cli, tmp_path: Path) -> None:
    write(tmp_path, "repo/procurelint.yaml",
          "apiVersion: procurelint/v1\nkind: Policy\nmetadata: {name: from-repo}\n")
    write(tmp_path, "repo/app.yaml", manifest())
    found = json.loads(check(cli, "repo", "--format", "json", cwd=tmp_path).stdout)
    assert found["policy"]["name"] == "from-repo"
    explicit = check(cli, "repo", "--config", str(tmp_path / "missing.yaml"), cwd=tmp_path)
    assert explicit.code == 2 and "config file not found" in explicit.stderr


def test_python_m_and_version(cli) -> None:
    run = cli("--version")
    assert run.code == 0 and run.stdout.startswith("procurelint 0.")
    assert cli().code == 2


@pytest.mark.parametrize("option", ["--select", "--ignore"])
def test_selection_naming_no_rule_is_a_usage_error(cli, option: str) -> None:
    run = check(cli, "examples/", option, "HIPA001")
    assert run.code == 2 and f"{option} 'HIPA001' matches no enabled rule" in run.stderr
    assert check(cli, "examples/", option, "hipaa").code in (0, 1)  # a prefix, any case


def test_rule_message_naming_an_unknown_variable_is_exit_2(cli, tmp_path: Path) -> None:
    write(tmp_path, "procurelint.yaml", """\
apiVersion: procurelint/v1
kind: Policy
metadata: {name: p}
spec:
  rules:
    - id: ACME003
      title: typo in a placeholder
      severity: error
      violation: "true"
      message: "step {stpe.path} is fine"
""")
    write(tmp_path, "app.yaml", manifest())
    run = check(cli, cwd=tmp_path)
    assert run.code == 2 and "procurelint.yaml:10:16: rule ACME003: message placeholder {stpe...}" in run.stderr


@pytest.mark.parametrize(("scope", "why", "refused"), [
    ("step", "placesNotAllowed", False), ("team", "teamAsWritten", False),
    ("team", "placesNotAllowed", True), ("step", "teamAsWritten", True),
    ("manifest", "teamAsWritten", True), ("step", "placesnotallowed", True),
])
def test_a_message_names_only_the_explanations_of_its_scope(cli, tmp_path: Path, scope: str,
                                                            why: str, refused: bool) -> None:
    """An explanation of another scope would print as written: it is refused as a typo is."""
    write(tmp_path, "procurelint.yaml", f"""\
apiVersion: procurelint/v1
kind: Policy
metadata: {{name: p}}
spec:
  rules:
    - id: ACME004
      title: an explanation
      severity: warning
      scope: {scope}
      violation: "today == 'never'"
      message: "because {{why.{why}}}"
""")
    write(tmp_path, "app.yaml", manifest())
    run = check(cli, cwd=tmp_path)
    assert (run.code == 2) is refused, run.stderr
    if refused:  # at the manifest scope `why` is no variable at all
        assert "rule ACME004: message placeholder {why" in run.stderr


def test_a_past_source_date_epoch_is_said(cli, tmp_path: Path) -> None:
    """CI often derives SOURCE_DATE_EPOCH from the commit's date, which whoever commits
    chooses: a date in the past (expired waivers hold again) is said on standard error. An
    explicit --date is the caller's own choice, and today's date needs no word."""
    import time

    write(tmp_path, "app.yaml", manifest())
    past = cli("check", cwd=tmp_path, env={"SOURCE_DATE_EPOCH": "1700000000"})
    assert "note: judging as of 2023-11-14, from SOURCE_DATE_EPOCH" in past.stderr, past.stderr
    assert past.stdout  # the check itself runs as before
    now = cli("check", cwd=tmp_path, env={"SOURCE_DATE_EPOCH": str(int(time.time()))})
    assert "note:" not in now.stderr
    given = cli("check", "--date", TODAY, cwd=tmp_path, env={"SOURCE_DATE_EPOCH": "1700000000"})
    assert "note:" not in given.stderr


def test_teams_that_read_alike_to_the_rules_are_each_judged_and_named(cli, tmp_path: Path) -> None:
    """Team rules see the fields they read, and teams that agree on those share the outcome:
    each budgeted team without a manifest still gets its own finding, its message told from
    the whole team (the built-in rules read no name); and a rule that reads the name tells
    teams of one budget apart."""
    policy = """\
apiVersion: procurelint/v1
kind: Policy
metadata: {name: p}
spec:
  budgets:
    teams: {alpha: 500, bravo: 500, charlie: 500, delta: 900}
"""
    rules = """\
  rules:
    - id: ACME005
      title: one team by name
      severity: warning
      scope: team
      violation: "team.name == 'bravo' && spend.budgetUsd == 500.0"
      message: "team {team.name} is bravo"
    - id: ACME006
      title: the whole team
      severity: warning
      scope: team
      violation: "size(team) > 0 && team.name.startsWith('c')"
      message: "team {team.name} starts with c"
"""
    unused = [("COST008", f"team:{t}", f"budgets.teams names team {t}, which no manifest under "
               "the root declares; a misspelt team name leaves the real team without a ceiling")
              for t in ("alpha", "bravo", "charlie", "delta")]
    write(tmp_path, "app.yaml", manifest())
    for written, expected in ((policy, unused), (policy + rules, [
            ("ACME005", "team:bravo", "team bravo is bravo"),
            ("ACME006", "team:charlie", "team charlie starts with c"), *unused])):
        write(tmp_path, "procurelint.yaml", written)
        doc = json.loads(check(cli, "--format", "json", cwd=tmp_path).stdout)
        assert sorted((f["rule"], f["path"], f["message"]) for f in doc["findings"]
                      if f["rule"] in ("COST008", "ACME005", "ACME006")) == expected
