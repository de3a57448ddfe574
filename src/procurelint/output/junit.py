"""JUnit XML for CI test-report views (GitLab `artifacts:reports:junit`, Jenkins, Azure).

Valid against the Ant JUnit schema (JUnit.xsd), the strictest in use. The shape:

* one `testsuite` per rule pack, in the policy's pack order;
* one `testcase` per rule and subject that the rule produced findings for (the subject is the
  manifest, `team:NAME`, `org`, or the file for findings without a path such as MAN001), named
  `RULE subject`, class `procurelint.PACK.RULE`;
* one passing `testcase` `RULE (no findings)` per enabled rule that found nothing. The result
  does not list the manifests a rule judged and found clean, and a case per rule and manifest
  would grow as rules x manifests; this keeps the count at most rules + findings.

A case fails when it has an unwaived finding at or above the run's failOn, so failed tests
mean what the exit code means. Findings below failOn leave their case passing and are listed
in the suite's `system-out` (the schema allows no output per case). A case whose findings are
all waived is `skipped`, with the waiver in its message. The schema requires a timestamp and
a hostname: they are fixed (1970-01-01T00:00:00, localhost) so that output is reproducible.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import defaultdict
from collections.abc import Iterable

from procurelint.findings import FAIL_ON_RANK, SEVERITY_RANK, Finding, Result, RuleMeta

TIMESTAMP = "1970-01-01T00:00:00"
HOSTNAME = "localhost"
# Control characters but tab, LF and CR: written as the text format writes them (`\x1b`), so
# that neither a report viewer nor a terminal showing the file interprets them.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029]")
# Characters XML 1.0 cannot carry at all, not even escaped.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _clean(text: str) -> str:
    text = _CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)
    return _NOT_XML.sub("\ufffd", text)


def subject(finding: Finding) -> str:
    """What a test case is about: the manifest, team:NAME, org, or the file."""
    return finding.path.split("/", 1)[0] if finding.path else finding.file


def _waiver(finding: Finding) -> str:
    w = finding.waiver or {}
    if not finding.waived:
        return f" (waiver {w.get('id')} expired {w.get('expires')})" if w else ""
    if w.get("id") == "inline":
        return f" (suppressed inline: {w.get('reason')})"
    extra = "; ".join(f"{k} {w[k]}" for k in ("approvedBy", "ticket", "expires") if w.get(k))
    return f" (waived by {w.get('id')}: {w.get('reason')}{'; ' + extra if extra else ''})"


def line(finding: Finding) -> str:
    """A finding as the text format prints it, with its waiver."""
    where = f"{finding.file}:{finding.line}:{finding.column}" if finding.line else finding.file
    return f"{where}: {finding.rule} [{finding.severity}] {finding.message}{_waiver(finding)}"


def _case(suite: ET.Element, meta: RuleMeta, name: str, findings: list[Finding],
          fail_on: str) -> str:
    """Add one test case; returns its outcome: passed, failure or skipped."""
    case = ET.SubElement(suite, "testcase", name=_clean(name),
                         classname=_clean(f"procurelint.{meta.pack}.{meta.id}"), time="0")
    active = [f for f in findings if not f.waived]
    failing = [f for f in active if SEVERITY_RANK[f.severity] >= FAIL_ON_RANK[fail_on]]
    if failing:
        worst = max(failing, key=lambda f: SEVERITY_RANK[f.severity])
        more = f" (and {len(failing) - 1} more)" if len(failing) > 1 else ""
        body = [line(f) for f in findings]
        if meta.remediation:
            body.append(f"remediation: {meta.remediation}")
        element = ET.SubElement(case, "failure", message=_clean(failing[0].message + more),
                                type=worst.severity)
        element.text = _clean("\n".join(body))
        return "failure"
    if findings and not active:
        element = ET.SubElement(case, "skipped",
                                message=_clean("waived" + _waiver(findings[0])))
        element.text = _clean("\n".join(line(f) for f in findings))
        return "skipped"
    return "passed"


def _suite(root: ET.Element, index: int, pack: str, rules: Iterable[RuleMeta],
           by_rule: dict[str, list[Finding]], result: Result) -> None:
    suite = ET.SubElement(root, "testsuite", name=_clean(pack),
                          package=_clean(f"procurelint.{pack}"), id=str(index),
                          timestamp=TIMESTAMP, hostname=HOSTNAME)
    properties = ET.SubElement(suite, "properties")
    for name, value in (("policy", result.policy_name), ("policyVersion", result.policy_version),
                        ("packVersion", result.packs.get(pack)),
                        ("catalogAsOf", result.catalog_as_of), ("failOn", result.fail_on),
                        ("rulesNotJudged", "; ".join(result.left_out_lines()) or None)):
        if value is not None:
            ET.SubElement(properties, "property", name=name, value=_clean(value))
    outcomes: list[str] = []
    listed: list[Finding] = []
    for meta in rules:
        findings = by_rule.get(meta.id, [])
        if not findings:
            outcomes.append(_case(suite, meta, f"{meta.id} (no findings)", [], result.fail_on))
            continue
        by_subject: dict[str, list[Finding]] = defaultdict(list)
        for finding in findings:
            by_subject[subject(finding)].append(finding)
        for name in sorted(by_subject):
            outcomes.append(_case(suite, meta, f"{meta.id} {name}", by_subject[name],
                                  result.fail_on))
        listed.extend(findings)
    suite.set("tests", str(len(outcomes)))
    suite.set("failures", str(outcomes.count("failure")))
    suite.set("errors", "0")
    suite.set("skipped", str(outcomes.count("skipped")))
    suite.set("time", "0")
    out = ET.SubElement(suite, "system-out")
    out.text = _clean("\n".join(line(f) for f in sorted(listed, key=Finding.sort_key)))
    ET.SubElement(suite, "system-err")


def document(result: Result) -> ET.Element:
    """The report as an element tree (tests validate it against JUnit.xsd)."""
    metas = dict(result.rules)
    for finding in result.findings:
        if finding.rule not in metas:  # e.g. a rule the policy no longer enables
            metas[finding.rule] = RuleMeta(
                id=finding.rule, title=finding.rule, severity=finding.severity,
                pack="procurelint", regime=None, rationale="", citations=finding.citations,
                remediation=finding.remediation, caveats=())
    by_rule: dict[str, list[Finding]] = defaultdict(list)
    for finding in result.findings:
        by_rule[finding.rule].append(finding)
    packs: dict[str, list[RuleMeta]] = defaultdict(list)
    for meta in metas.values():
        packs[meta.pack].append(meta)
    root = ET.Element("testsuites")
    for index, (pack, rules) in enumerate(packs.items()):
        _suite(root, index, pack, rules, by_rule, result)
    return root


def render(result: Result) -> str:
    root = document(result)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
