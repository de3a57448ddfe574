"""Output formats checked against their consumers: the SARIF and JUnit schemas, GitLab's
Code Quality schema, the Actions runner's escaping rules, and what a reviewer reads in Markdown.

The examples run through the real CLI; waivers, inline suppressions and pull-request fields
are checked on results built directly, so each case is explicit.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from lxml import etree

from procurelint.findings import Finding, Result, RuleMeta, Summary
from procurelint.output import FORMATS, renderer
from procurelint.findings import normalise_message as normalise
from procurelint.output.fingerprint import fingerprints
from procurelint.output.github import escape_data, escape_property
from procurelint.output.pr_comment import MAX_ROWS, cell
from procurelint.run.pipeline import repository_prefix
from tests.conftest import DATA, EXAMPLES, TODAY

SCHEMAS = DATA / "schemas"
# CI formats name files from the root of the git repository: `examples/...` in a clone of
# procurelint, as they are in an unpacked sdist (tests/test_monorepo.py checks this on its own).
IN_REPO = repository_prefix(EXAMPLES)
NEW_FORMATS = ("sarif", "junit", "github", "gitlab", "md")

# GitLab validates each Code Quality issue with this schema before it accepts it, and stops
# reading the report at the first issue that fails (gitlabhq/gitlabhq,
# app/validators/json_schemas/codeclimate.json, used by lib/gitlab/ci/reports/codequality_reports.rb).
GITLAB_CODECLIMATE = {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "type": "object",
    "required": ["description", "fingerprint", "severity", "location"],
    "properties": {
        "description": {"type": "string"},
        "fingerprint": {"type": "string"},
        "severity": {"type": "string"},
        "location": {
            "type": "object",
            "properties": {
                "path": {"type": "string"},
                "lines": {"type": "object", "properties": {"begin": {"type": "integer"}}},
            },
        },
    },
    "additionalProperties": True,
}
# What GitLab's documentation of the format asks for on top of that schema.
GITLAB_DOCUMENTED = {
    "type": "object",
    "required": ["description", "check_name", "fingerprint", "severity", "location"],
    "properties": {
        "description": {"type": "string", "minLength": 1},
        "check_name": {"type": "string", "minLength": 1},
        "fingerprint": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
        "severity": {"enum": ["info", "minor", "major", "critical", "blocker"]},
        "location": {
            "type": "object",
            "required": ["path", "lines"],
            "properties": {
                "path": {"type": "string", "pattern": r"^(?!/|\./)"},
                "lines": {"type": "object", "required": ["begin"],
                          "properties": {"begin": {"type": "integer", "minimum": 1}}},
            },
        },
    },
}


def check(cli, *args: str):
    return cli("check", *args, "--date", TODAY)


def sarif_errors(doc: dict[str, Any]) -> list[str]:
    """Errors against the OASIS schema and the SchemaStore copy GitHub points producers to."""
    oasis = json.loads((SCHEMAS / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    store = json.loads((SCHEMAS / "sarif-2.1.0.schemastore.json").read_text(encoding="utf-8"))
    errors = [f"oasis {list(e.path)}: {e.message}"
              for e in jsonschema.Draft4Validator(oasis).iter_errors(doc)]
    errors += [f"schemastore {list(e.path)}: {e.message}"
               for e in jsonschema.Draft7Validator(store).iter_errors(doc)]
    return errors


def junit_errors(text: str) -> list[str]:
    schema = etree.XMLSchema(etree.parse(str(SCHEMAS / "JUnit.xsd")))
    doc = etree.fromstring(text.encode("utf-8"))
    schema.validate(doc)
    return [str(e) for e in schema.error_log]


def gitlab_errors(issues: list[dict[str, Any]]) -> list[str]:
    errors = []
    for schema in (GITLAB_CODECLIMATE, GITLAB_DOCUMENTED):
        errors += [f"{list(e.path)}: {e.message}" for issue in issues
                   for e in jsonschema.Draft7Validator(schema).iter_errors(issue)]
    return errors


# --- results built directly ---------------------------------------------------------------

def meta(rule: str, severity: str = "error", pack: str = "jurisdiction") -> RuleMeta:
    return RuleMeta(id=rule, title=f"title of {rule}", severity=severity, pack=pack,
                    regime=pack, rationale=f"why {rule}", citations=("28 CFR Part 202",),
                    remediation=f"fix {rule}", caveats=())


def finding(rule: str = "JUR001", severity: str = "error", line: int = 18, **kw: Any) -> Finding:
    values: dict[str, Any] = {
        "message": f"step app/flow/step breaks {rule}", "file": "ai/app.yaml", "line": line,
        "column": 21, "path": "app/flow/step", "citations": ("28 CFR Part 202",),
        "remediation": f"fix {rule}",
    }
    values.update(kw)
    return Finding(rule=rule, severity=severity, **values)


WAIVER = {"id": "W-7", "reason": "Pinned to US providers in STRAT-88", "approvedBy":
          "ciso@example.com", "ticket": "STRAT-88", "expires": "2027-01-31"}
INLINE = {"id": "inline", "reason": "cost accepted for the pilot", "approvedBy": None,
          "ticket": None, "expires": None, "line": 11}


def result(findings: list[Finding], **kw: Any) -> Result:
    rules = {r: meta(r) for r in ("JUR001", "JUR005", "JUR008")}
    rules["COST006"] = meta("COST006", "info", "cost")
    values: dict[str, Any] = {
        "findings": sorted(findings, key=Finding.sort_key),
        "summary": Summary(files=2, manifests=1, workflows=1, steps=2, monthly_usd=1500.0),
        "fail_on": "error", "policy_name": "acme", "policy_version": "2026.11",
        "packs": {"jurisdiction": "1.0.0", "cost": "1.0.0"}, "disabled_packs": [],
        "catalog_as_of": "2026-11-01", "rules": rules,
    }
    values.update(kw)
    return Result(**values)


def waived_result() -> Result:
    return result([
        finding("JUR001"),
        finding("JUR008", waived=True, waiver=WAIVER),
        finding("COST006", "info", line=11, waived=True, waiver=INLINE),
        finding("JUR005", waiver={**WAIVER, "id": "W-1", "expires": "2026-01-31"}),  # expired
    ])


# --- every format ---------------------------------------------------------------------------

def test_every_format_is_registered() -> None:
    for name in NEW_FORMATS:
        assert name in FORMATS
        renderer(name)


@pytest.mark.parametrize("name", NEW_FORMATS)
def test_output_is_byte_identical_across_runs(cli, name: str) -> None:
    first = check(cli, "examples/", "-f", name)
    second = check(cli, "examples/", "-f", name)
    assert first.code == 1, first.stderr
    assert first.stdout == second.stdout and first.stdout


def test_an_empty_result_renders_validly_in_every_format() -> None:
    empty = result([], rules={})
    assert sarif_errors(json.loads(renderer("sarif")(empty))) == []
    assert junit_errors(renderer("junit")(empty)) == []
    assert json.loads(renderer("gitlab")(empty)) == []
    assert renderer("github")(empty).startswith("procurelint passed: 0 errors")
    assert "procurelint passed" in renderer("md")(empty)


# --- SARIF ----------------------------------------------------------------------------------

def test_sarif_of_the_examples_is_valid_and_complete(cli) -> None:
    run = check(cli, "examples/", "-f", "sarif")
    assert run.code == 1, run.stderr
    doc = json.loads(run.stdout)
    assert sarif_errors(doc) == []
    listed = check(cli, "examples/", "-f", "json")
    findings = json.loads(listed.stdout)["findings"]
    (sarif_run,) = doc["runs"]
    driver = sarif_run["tool"]["driver"]
    rules = driver["rules"]
    ids = [r["id"] for r in rules]
    assert len(ids) == len(set(ids)) and {"MAN001", "HIPAA001", "COST003"} <= set(ids)
    for rule in rules:
        assert rule["shortDescription"]["text"] and rule["fullDescription"]["text"]
        assert rule["help"]["text"] and rule["help"]["markdown"]
        assert rule["helpUri"] == ("https://github.com/procurelint/procurelint/blob/main/docs/"
                                   f"rules.md#{rule['id'].lower()}")
        props = rule["properties"]
        assert props["security-severity"] == {"error": "8.0", "warning": "5.0",
                                              "note": "2.0"}[rule["defaultConfiguration"]["level"]]
        assert "security" in props["tags"] and len(props["tags"]) <= 10
    hipaa001 = rules[ids.index("HIPAA001")]
    assert "hipaa" in hipaa001["properties"]["tags"]
    assert "45 CFR 164.502(e)" in hipaa001["properties"]["tags"]
    assert sarif_run["invocations"][0]["executionSuccessful"] is True

    results = sarif_run["results"]
    assert len(results) == len(findings)
    for item, expected in zip(results, findings, strict=True):
        assert item["ruleId"] == expected["rule"] and ids[item["ruleIndex"]] == expected["rule"]
        assert item["level"] == {"error": "error", "warning": "warning",
                                 "info": "note"}[expected["severity"]]
        assert item["message"]["text"] == expected["message"]
        location = item["locations"][0]["physicalLocation"]
        assert location["artifactLocation"]["uri"] == IN_REPO + expected["file"]
        assert not location["artifactLocation"]["uri"].startswith(("/", "file:"))
        assert location["region"]["startLine"] == expected["line"]
        assert location["region"]["startColumn"] == expected["column"]
        assert re.fullmatch("[0-9a-f]{64}", item["partialFingerprints"]["procurelint/v1"])
        assert "suppressions" in item if expected["waived"] else "suppressions" not in item
    fps = [r["partialFingerprints"]["primaryLocationLineHash"] for r in results]
    assert len(set(fps)) == len(fps)


def test_sarif_suppressions_for_waivers_and_inline_comments() -> None:
    doc = json.loads(renderer("sarif")(waived_result()))
    assert sarif_errors(doc) == []
    by_rule = {r["ruleId"]: r for r in doc["runs"][0]["results"]}
    assert "suppressions" not in by_rule["JUR001"]
    (external,) = by_rule["JUR008"]["suppressions"]
    assert external["kind"] == "external" and external["status"] == "accepted"
    assert external["justification"] == WAIVER["reason"]
    assert external["properties"] == {"id": "W-7", "approvedBy": "ciso@example.com",
                                      "ticket": "STRAT-88", "expires": "2027-01-31"}
    (in_source,) = by_rule["COST006"]["suppressions"]
    assert in_source["kind"] == "inSource" and in_source["status"] == "accepted"
    assert in_source["justification"] == INLINE["reason"]
    assert in_source["location"]["physicalLocation"]["region"]["startLine"] == 11
    # An expired waiver no longer suppresses; the result says which waiver lapsed.
    assert "suppressions" not in by_rule["JUR005"]
    assert by_rule["JUR005"]["properties"]["expiredWaiver"]["id"] == "W-1"


def test_sarif_keeps_results_of_rules_missing_from_the_rule_list() -> None:
    doc = json.loads(renderer("sarif")(result([finding("CUSTOM9")], rules={})))
    assert sarif_errors(doc) == []
    (run,) = doc["runs"]
    assert run["tool"]["driver"]["rules"][run["results"][0]["ruleIndex"]]["id"] == "CUSTOM9"
    assert "helpUri" not in run["tool"]["driver"]["rules"][0]  # not in our rules reference


# --- fingerprints ---------------------------------------------------------------------------

def fingerprint_map(cli, root: Path) -> dict[tuple[str, str, str], tuple[str, int, str]]:
    sarif = json.loads(check(cli, str(root), "-f", "sarif").stdout)
    gitlab = json.loads(check(cli, str(root), "-f", "gitlab").stdout)
    out = {}
    for item, issue in zip(sarif["runs"][0]["results"], gitlab, strict=True):
        key = (item["ruleId"], item["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
               item["message"]["text"])
        assert key not in out
        out[key] = (item["partialFingerprints"]["procurelint/v1"],
                    item["locations"][0]["physicalLocation"]["region"]["startLine"],
                    issue["fingerprint"])
    return out


def test_fingerprints_do_not_change_when_lines_move(cli, tmp_path: Path) -> None:
    root = tmp_path / "examples"
    shutil.copytree(EXAMPLES, root)
    before = fingerprint_map(cli, root)
    manifest = root / "claims" / "claims-assistant.yaml"
    manifest.write_text("# moved down by a comment\n\n#\n" + manifest.read_text(encoding="utf-8"),
                        encoding="utf-8")
    after = fingerprint_map(cli, root)
    assert before.keys() == after.keys()
    moved = [k for k in before if k[1] == "claims/claims-assistant.yaml"]
    assert moved
    for key in before:
        fp, line, gitlab_fp = before[key]
        assert after[key][0] == fp and after[key][2] == gitlab_fp
        assert after[key][1] == line + (3 if key in moved else 0)


def test_fingerprints_do_not_change_with_volumes_and_prices(cli, tmp_path: Path) -> None:
    root = tmp_path / "examples"
    shutil.copytree(EXAMPLES, root)
    before = fingerprint_map(cli, root)
    manifest = root / "claims" / "claims-assistant.yaml"
    text = manifest.read_text(encoding="utf-8")
    assert "runsPerMonth: 40000" in text and "recordsPerYear: 480000" in text
    manifest.write_text(text.replace("runsPerMonth: 40000", "runsPerMonth: 41000")
                        .replace("recordsPerYear: 480000", "recordsPerYear: 520000"), encoding="utf-8")
    after = fingerprint_map(cli, root)
    changed = set(before) - set(after)  # messages that quote the volume or its cost
    assert any("480000 records" in k[2] for k in changed) and any("$1,224.00" in k[2] for k in changed)
    assert len(before) == len(after)
    assert sorted(v[0] for v in before.values()) == sorted(v[0] for v in after.values())
    assert sorted(v[2] for v in before.values()) == sorted(v[2] for v in after.values())


def test_fingerprints_keep_numbers_that_are_part_of_ids() -> None:
    assert normalise("team x is at $7,625.00 of $6,000.00 (127.08%)") == "team x is at # of # (#%)"
    assert normalise("480000 records a year; 30 days; 1.5x the price") == "# records a year; # days; # the price"
    kept = "anthropic/claude-sonnet-4.6 at aws-bedrock/us-east-1 and qwen/qwen3-max"
    assert normalise(kept) == kept
    sonnet = finding("COST006", message="step a/b/c could use anthropic/claude-sonnet-4.6")
    haiku = finding("COST006", message="step a/b/c could use anthropic/claude-sonnet-4.5")
    assert fingerprints([sonnet]) != fingerprints([haiku])


def test_fingerprints_keep_list_indices_that_name_a_node() -> None:
    """`steps[0]` and `steps[1]` are different nodes: fixing the first must not hand its
    fingerprint (and a dismissal of its alert) to the second's different problem."""
    assert normalise("spec.workflows[0].steps[1].fallbacks: 7 is not a list") == \
        "spec.workflows[0].steps[1].fallbacks: # is not a list"
    first = finding("MAN002", message="spec.workflows[0].steps[0].fallbacks: input should be a list")
    second = finding("MAN002", line=20, message="spec.workflows[0].steps[1].fallbacks: input should be a list")
    assert fingerprints([second]) != fingerprints([first, second])[:1]


def test_fingerprints_ignore_positions_quoted_in_messages() -> None:
    first = finding("MAN007", message="manifest name 'app' is already used at a.yaml:4:9")
    moved = finding("MAN007", line=40, message="manifest name 'app' is already used at a.yaml:7:9")
    assert fingerprints([first]) == fingerprints([moved])
    assert normalise("matches no finding on line 12") == normalise("matches no finding on line 3")
    other = finding("MAN007", message="manifest name 'web' is already used at a.yaml:4:9")
    assert fingerprints([first]) != fingerprints([other])


def test_identical_findings_get_distinct_fingerprints_in_order() -> None:
    a, b = finding(line=5), finding(line=9)
    prints = fingerprints([b, a])
    assert prints[0] != prints[1]
    assert fingerprints([a, b]) == prints[::-1]  # by position in the file, not list order


# --- JUnit ----------------------------------------------------------------------------------

def test_junit_of_the_examples_is_valid(cli) -> None:
    run = check(cli, "examples/", "-f", "junit")
    assert run.code == 1, run.stderr
    assert junit_errors(run.stdout) == []
    root = etree.fromstring(run.stdout.encode("utf-8"))
    suites = {s.get("name"): s for s in root.iter("testsuite")}
    assert {"core", "hipaa", "jurisdiction", "cost"} <= set(suites)
    hipaa = suites["hipaa"]
    cases = {c.get("name"): c for c in hipaa.iter("testcase")}
    failure = cases["HIPAA001 claims-assistant"].find("failure")
    assert failure is not None and failure.get("type") == "error"
    assert "claims/claims-assistant.yaml:26:21: HIPAA001 [error]" in failure.text
    assert cases["HIPAA003 (no findings)"].find("*") is None
    # HIPAA004 is a warning, below failOn error: the case passes, the finding is in system-out.
    assert cases["HIPAA004 claims-assistant"].find("*") is None
    assert "HIPAA004 [warning]" in hipaa.find("system-out").text
    assert int(hipaa.get("failures")) == 2 and int(hipaa.get("tests")) == len(cases)
    skipped = suites["jurisdiction"].xpath("testcase[skipped]")
    assert [c.get("name") for c in skipped] == ["JUR008 market-research"]
    assert "W-2026-031" in skipped[0].find("skipped").get("message")


def test_junit_waived_and_mixed_cases() -> None:
    mixed = result([finding("JUR001"), finding("JUR001", line=30, waived=True, waiver=WAIVER),
                    finding("JUR008", waived=True, waiver=WAIVER),
                    finding("JUR005", path="team:claims", file="procurelint.yaml")])
    text = renderer("junit")(mixed)
    assert junit_errors(text) == []
    cases = {c.get("name"): c for c in etree.fromstring(text.encode()).iter("testcase")}
    failure = cases["JUR001 app"].find("failure")
    assert "waived by W-7" in failure.text  # the waived finding of the same case is listed
    skipped = cases["JUR008 app"].find("skipped")
    assert "W-7" in skipped.get("message") and WAIVER["reason"] in skipped.get("message")
    assert cases["JUR005 team:claims"].find("failure") is not None
    assert "COST006 (no findings)" in cases


def test_junit_strips_characters_xml_cannot_carry() -> None:
    text = renderer("junit")(result([finding(message="bad \x00\x1b byte")]))
    assert junit_errors(text) == []


def test_junit_escapes_control_characters_even_in_a_pack_name() -> None:
    raw = "\x1b[2K\x01\x7f\x9b\u2028"
    nasty = finding(message=f"bad {raw} byte", file=f"ai/{raw}.yaml")
    rules = {"JUR001": meta("JUR001", pack=f"acme{raw}")}
    text = renderer("junit")(result([nasty], rules=rules))
    assert junit_errors(text) == []
    assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029]", text)
    assert 'name="acme\\x1b[2K\\x01\\x7f\\x9b\\u2028"' in text
    assert "bad \\x1b[2K\\x01\\x7f\\x9b\\u2028 byte" in text


def test_junit_fails_cases_by_the_runs_fail_on() -> None:
    warning = result([finding("COST006", "info")], fail_on="info")
    cases = {c.get("name"): c for c in
             etree.fromstring(renderer("junit")(warning).encode()).iter("testcase")}
    assert cases["COST006 app"].find("failure").get("type") == "info"


# --- GitHub ---------------------------------------------------------------------------------

def test_github_escaping_follows_the_runner() -> None:
    assert escape_data("50% a\r\nb: c, d") == "50%25 a%0D%0Ab: c, d"
    assert escape_property("a%b\nc:d,e") == "a%25b%0Ac%3Ad%2Ce"
    nasty = finding(message="line one\n::error::injected 100%", file="ai/a,b:c.yaml")
    out = renderer("github")(result([nasty]))
    lines = out.splitlines()
    assert len(lines) == 2  # one command and the summary: the newline cannot start a command
    assert lines[0] == ("::error file=ai/a%2Cb%3Ac.yaml,line=18,col=21,title=JUR001 title of "
                        "JUR001::line one%0A::error::injected 100%25")


def test_github_escapes_other_control_characters_as_the_text_format_does() -> None:
    raw = "\x1b[1A\x1b[2K\x01\x7f\x9b\u2028"
    nasty = finding("JUR008", file=f"ai/{raw}.yaml", message=f"m {raw}\nnext",
                    waived=True, waiver={**WAIVER, "reason": f"ok {raw}"})
    out = renderer("github")(result([nasty], left_out=[{"rule": "JUR001", "reason": raw}]))
    assert not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]", out)
    lines = out.splitlines()
    assert len(lines) == 3
    shown = r"\x1b[1A\x1b[2K\x01\x7f\x9b\u2028"
    assert lines[0].startswith(f"::notice file=ai/{shown}.yaml,line=18,")
    assert f"::m {shown}%0Anext [waived by W-7: ok {shown}; " in lines[0]
    assert lines[2] == f"rules not judged ({shown}): JUR001"
    assert escape_data("a\x1bb") == "a\\x1bb" and escape_property("a\x1b:b") == "a\\x1b%3Ab"


def test_github_commands_by_severity_and_waiver() -> None:
    out = renderer("github")(waived_result()).splitlines()
    by_rule = {re.search(r"title=(\w+)", line).group(1): line for line in out[:-1]}
    assert by_rule["JUR001"].startswith("::error file=ai/app.yaml,line=18,col=21,title=JUR001 ")
    assert by_rule["JUR008"].startswith("::notice ")
    assert "(waived)" in by_rule["JUR008"] and "waived by W-7" in by_rule["JUR008"]
    assert "approved by ciso@example.com" in by_rule["JUR008"]
    assert by_rule["COST006"].startswith("::notice ") and "suppressed inline" in by_rule["COST006"]
    assert by_rule["JUR005"].startswith("::error ") and "W-1 expired" in by_rule["JUR005"]
    assert out[-1].startswith("procurelint failed: 2 errors")
    warning = renderer("github")(result([finding("JUR001", "warning")]))
    assert warning.startswith("::warning ")


def test_github_is_the_default_on_actions(cli) -> None:
    run = cli("check", "examples/", "--date", TODAY, env={"GITHUB_ACTIONS": "true"})
    assert run.code == 1
    assert run.stdout.startswith("::")
    assert f"::error file={IN_REPO}claims/claims-assistant.yaml,line=26," in run.stdout


# --- GitLab ---------------------------------------------------------------------------------

def test_gitlab_code_quality_of_the_examples(cli) -> None:
    run = check(cli, "examples/", "-f", "gitlab")
    assert run.code == 1, run.stderr
    issues = json.loads(run.stdout)
    assert isinstance(issues, list) and issues
    assert gitlab_errors(issues) == []
    assert len({i["fingerprint"] for i in issues}) == len(issues)
    hipaa = next(i for i in issues if i["check_name"] == "HIPAA001")
    assert hipaa["severity"] == "critical"
    assert hipaa["location"] == {"path": f"{IN_REPO}claims/claims-assistant.yaml", "lines": {"begin": 26}}
    assert {i["severity"] for i in issues} == {"critical", "major", "info"}


def test_gitlab_waived_findings_are_info_with_their_waiver() -> None:
    issues = json.loads(renderer("gitlab")(waived_result()))
    assert gitlab_errors(issues) == []
    by_rule = {i["check_name"]: i for i in issues}
    assert by_rule["JUR008"]["severity"] == "info"
    assert "waived by W-7: Pinned to US providers" in by_rule["JUR008"]["description"]
    assert "suppressed inline" in by_rule["COST006"]["description"]
    assert by_rule["JUR005"]["severity"] == "critical"
    assert "W-1 expired" in by_rule["JUR005"]["description"]
    unwaived = json.loads(renderer("gitlab")(result([finding("JUR008")])))[0]
    assert unwaived["fingerprint"] != by_rule["JUR008"]["fingerprint"]  # waiving shows in the MR


def test_gitlab_file_level_findings_start_at_line_one() -> None:
    issues = json.loads(renderer("gitlab")(result([finding("MAN001", line=0, column=0, path="")])))
    assert gitlab_errors(issues) == [] and issues[0]["location"]["lines"]["begin"] == 1


# --- Markdown -------------------------------------------------------------------------------

def table_rows(text: str, header_start: str) -> list[str]:
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(header_start))
    rows = []
    for line in lines[start + 2:]:
        if not line.startswith("|"):
            break
        rows.append(line)
    return rows


def unescaped_pipes(row: str) -> int:
    return len(re.findall(r"(?<!\\)\|", row))


def test_markdown_pull_request_comment() -> None:
    nasty = finding("JUR001", message="a | b\nc <script>alert(1)</script> costs $5 and $6")
    pr = result(
        [nasty, finding("JUR008", waived=True, waiver=WAIVER)],
        base_monthly_usd=1200.0,
        policy_changes=["agreements.baa: added deepseek"],
        stale_baseline=[{"rule": "JUR005", "file": "ai/old.yaml", "path": "old/flow/step"}],
    )
    text = renderer("md")(pr)
    assert text.startswith("<!-- procurelint -->\n### ❌ **procurelint failed**")
    assert "1 errors, 0 warnings, 0 infos, 1 waived in 1 manifests" in text
    assert r"Projected spend: **\$1,500.00/month**, +\$300.00 (+25.0%) against the base" in text
    (row,) = table_rows(text, "| rule | severity |")
    assert unescaped_pipes(row) == 5  # four cells: no pipe or newline of the message leaked
    assert "<script>" not in text and "&lt;script&gt;" in row and "<br>" in row
    assert r"\$5" in row
    (waived,) = table_rows(text, "| rule | location | message | waiver |")
    assert unescaped_pipes(waived) == 8
    assert "W-7" in waived and "Pinned to US providers" in waived and "ciso@example.com" in waived
    assert "#### New findings" in text
    assert "#### Policy changes\n\n- agreements.baa: added deepseek" in text
    assert "JUR005 ai/old.yaml old/flow/step" in text


def test_markdown_without_base_shows_spend_and_passes() -> None:
    text = renderer("md")(result([finding("COST006", "info")]))
    assert "✅ **procurelint passed**" in text
    assert r"Projected spend: **\$1,500.00/month**." in text
    assert "against the base" not in text and "Waived" not in text and "Policy" not in text


def test_markdown_lists_errors_before_warnings_and_infos_and_stays_short() -> None:
    infos = [finding("COST006", "info", line=n, message=f"saving {n}") for n in range(1, 59)]
    errors = [finding("JUR001", "error", line=100 + n, message=f"error {n}") for n in range(14)]
    text = renderer("md")(result(infos + errors + [finding("JUR005", "warning", line=300)]))
    rows = table_rows(text, "| rule | severity |")
    assert len(rows) == MAX_ROWS <= 30
    severities = [row.split("|")[2].strip() for row in rows]
    assert severities == ["error"] * 14 + ["warning"] + ["info"] * (MAX_ROWS - 15)
    assert f"…and {58 - (MAX_ROWS - 15)} more ({58 - (MAX_ROWS - 15)} infos)" in text
    assert len(text) < 10_000


def test_markdown_credits_the_findings_the_change_fixed() -> None:
    fixed = [finding("JUR001", line=n) for n in range(10)] + [finding("JUR005", "warning")]
    text = renderer("md")(result([finding("JUR008")], base_monthly_usd=1400.0, fixed=fixed))
    assert "This change fixes 11 findings present at the base (10 errors, 1 warning)." in text
    assert "<summary>Fixed by this change (11)</summary>" in text
    assert "#### New findings" in text
    assert "fixes" not in renderer("md")(result([finding("JUR008")], base_monthly_usd=1400.0))


def test_diff_mode_credits_fixes_end_to_end(cli, tmp_path: Path) -> None:
    root = tmp_path / "examples"
    shutil.copytree(EXAMPLES, root)
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@e",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@e", "GIT_CONFIG_NOSYSTEM": "1"}
    for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "-m", "base"]):
        subprocess.run(["git", *args], cwd=root, env=env, check=True, capture_output=True)
    manifest = root / "claims" / "claims-assistant.yaml"
    manifest.write_text(manifest.read_text(encoding="utf-8").replace(
        "endpoint: deepseek/api", "endpoint: acme-bedrock/us-east-1"), encoding="utf-8")
    run = cli("check", "--diff", "main", "--date", TODAY, "-f", "md", cwd=root)
    assert run.code == 0, run.stderr  # nothing new
    assert "This change fixes 7 findings present at the base (6 errors, 1 warning)." in run.stdout


def test_markdown_tables_stop_at_max_rows() -> None:
    many = result([finding(line=n, message=f"finding {n}") for n in range(1, MAX_ROWS + 6)])
    text = renderer("md")(many)
    assert len(table_rows(text, "| rule | severity |")) == MAX_ROWS
    assert "…and 5 more" in text


def test_markdown_cells_escape_user_text() -> None:
    assert cell("a|b") == "a&#124;b"
    assert cell("x\r\ny") == "x<br>y"
    assert cell("<img src=x>") == "&lt;img src=x&gt;"
    assert cell("*bold* _it_ [l](u) `c`") == r"\*bold\* \_it\_ \[l\](u) \`c\`"
    assert cell("") == " "
    assert cell("a\x1b[2K\x01\x9b\nb") == "a\\x1b\\[2K\\x01\\x9b<br>b"


def test_markdown_of_the_examples(cli) -> None:
    run = check(cli, "examples/", "-f", "md")
    assert run.code == 1
    assert "#### Findings" in run.stdout and "<summary>Waived findings (1)</summary>" in run.stdout
    assert "W-2026-031" in run.stdout
