"""GitLab Code Quality (a subset of the Code Climate issue format) for merge-request widgets.

GitLab keys issues by `fingerprint` (a repeated one silently replaces the earlier issue) and
stops reading the report at the first issue its schema rejects, so every issue carries every
required field and a unique, line-independent fingerprint (report/fingerprint.py, shared with
SARIF). The widget shows what a merge request changes by comparing fingerprints with the
target branch, so a waived finding gets a fingerprint of its own: waiving a finding then
shows as the finding resolved and a waived `info` issue added, instead of nothing.

Severities: error -> critical, warning -> major, info -> info. `blocker` is left unused:
Code Climate reserves it for issues that stop the product working, not policy violations.
"""

from __future__ import annotations

from typing import TypedDict

from procurelint.findings import Finding, Result, RuleMeta
from procurelint.output.fingerprint import fingerprints, salted
from procurelint.output.repository_paths import repository_findings
from procurelint import jsontext

SEVERITY = {"error": "critical", "warning": "major", "info": "info"}


class Lines(TypedDict):
    begin: int


class IssueLocation(TypedDict):
    path: str
    lines: Lines


class Content(TypedDict):
    body: str


class Issue(TypedDict):
    type: str
    check_name: str
    description: str
    content: Content
    categories: list[str]
    fingerprint: str
    severity: str
    location: IssueLocation


def _waiver(finding: Finding) -> str:
    w = finding.waiver or {}
    if w.get("id") == "inline":
        return f"suppressed inline: {w.get('reason')}"
    details = "".join(f"; {label} {w[key]}" for key, label in
                      (("approvedBy", "approved by"), ("ticket", "ticket"), ("expires", "expires"))
                      if w.get(key))
    return f"waived by {w.get('id')}: {w.get('reason')}{details}"


def _body(finding: Finding, meta: RuleMeta | None) -> str:
    parts = [f"**{finding.rule}** {meta.title}" if meta else f"**{finding.rule}**",
             f"Path: `{finding.path}`" if finding.path else ""]
    if finding.remediation:
        parts.append(f"Remediation: {finding.remediation}")
    if finding.citations:
        parts.append("Citations: " + "; ".join(finding.citations))
    return "\n\n".join(p for p in parts if p)


def issue(finding: Finding, meta: RuleMeta | None, fingerprint: str) -> Issue:
    """One finding as a Code Quality issue."""
    description = f"{finding.rule}: {finding.message}"
    severity = SEVERITY.get(finding.severity, "major")
    if finding.waived:
        description += f" ({_waiver(finding)})"
        severity = "info"
        fingerprint = salted(fingerprint, "waived")
    elif finding.waiver:
        description += (f" (waiver {finding.waiver.get('id')} expired on "
                        f"{finding.waiver.get('expires')})")
    return {
        "type": "issue",
        "check_name": finding.rule,
        "description": description,
        "content": {"body": _body(finding, meta)},
        "categories": ["Security"],
        "fingerprint": fingerprint,
        "severity": severity,
        "location": {"path": finding.file, "lines": {"begin": max(finding.line, 1)}},
    }


def document(result: Result) -> list[Issue]:
    findings = repository_findings(result)  # GitLab resolves paths from the repository root
    prints = fingerprints(findings)
    return [issue(f, result.rules.get(f.rule), fp)
            for f, fp in zip(findings, prints, strict=True)]


def render(result: Result) -> str:
    return jsontext.dumps(document(result)) + "\n"
