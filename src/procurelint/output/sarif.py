"""SARIF 2.1.0 for GitHub code scanning and other SARIF viewers.

Built as typed data, then serialised. Choices that code scanning depends on:

* every enabled rule is a `reportingDescriptor`, so an alert can always show its rule's
  rationale, remediation and citations, even for rules that found nothing this run;
* `properties.security-severity` by the rule's severity: error 8.0 (high), warning 5.0
  (medium), info 2.0 (low). GitHub reads it only when the tags include `security`, so they do;
* `partialFingerprints` hold our line-independent fingerprint (report/fingerprint.py) under
  `procurelint/v1`, and also under `primaryLocationLineHash`, the only key code scanning
  reads: without it, upload-sarif would hash the text around the line, and an alert would be
  closed and reopened whenever its YAML line is edited or duplicated elsewhere;
* waived findings carry `suppressions`: a waiver is `external`, an inline
  `# procurelint: ignore[...]` comment is `inSource`; both `accepted`, with the reason.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, TypedDict
from urllib.parse import quote

from procurelint import __version__
from procurelint.findings import Finding, Result, RuleMeta
from procurelint.policy.packs import BUILTIN_PACKS
from procurelint.output.fingerprint import fingerprints
from procurelint.output.repository_paths import repository_findings
from procurelint import jsontext
from procurelint.documents.envelope import API_VERSION

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/procurelint/procurelint"
RULES_DOC = "https://github.com/procurelint/procurelint/blob/main/docs/rules.md"
LEVEL = {"error": "error", "warning": "warning", "info": "note"}
SECURITY_SEVERITY = {"error": "8.0", "warning": "5.0", "info": "2.0"}
MAX_DESCRIPTION = 1024  # code scanning's limit for short and full descriptions
MAX_TAGS = 10  # code scanning keeps only the first 10 tags of a rule


class Message(TypedDict):
    text: str


class Help(TypedDict):
    text: str
    markdown: str


RuleProperties = TypedDict("RuleProperties", {
    "security-severity": str, "precision": str, "tags": list[str],
})


class Descriptor(TypedDict, total=False):
    id: str
    shortDescription: Message
    fullDescription: Message
    help: Help
    helpUri: str
    defaultConfiguration: dict[str, str]
    properties: RuleProperties


class ArtifactLocation(TypedDict):
    uri: str
    uriBaseId: str


class Region(TypedDict, total=False):
    startLine: int
    startColumn: int
    endLine: int


class PhysicalLocation(TypedDict, total=False):
    artifactLocation: ArtifactLocation
    region: Region


class Location(TypedDict):
    physicalLocation: PhysicalLocation


class Suppression(TypedDict, total=False):
    kind: str
    status: str
    justification: str
    location: Location
    properties: dict[str, Any]


class SarifResult(TypedDict, total=False):
    ruleId: str
    ruleIndex: int
    level: str
    message: Message
    locations: list[Location]
    partialFingerprints: dict[str, str]
    suppressions: list[Suppression]
    properties: dict[str, Any]


class Driver(TypedDict):
    name: str
    version: str
    semanticVersion: str
    informationUri: str
    rules: list[Descriptor]


class Run(TypedDict):
    tool: dict[str, Driver]
    invocations: list[dict[str, bool]]
    results: list[SarifResult]
    properties: dict[str, Any]


Log = TypedDict("Log", {"$schema": str, "version": str, "runs": list[Run]})


def _clip(text: str) -> str:
    return text if len(text) <= MAX_DESCRIPTION else text[: MAX_DESCRIPTION - 1] + "…"


def _tags(meta: RuleMeta) -> list[str]:
    tags: list[str] = []
    for tag in ("security", "compliance", meta.pack, meta.regime or "", *meta.citations):
        if tag and tag not in tags:  # the schema wants unique tags
            tags.append(tag)
    return tags[:MAX_TAGS]


def _help(meta: RuleMeta) -> Help:
    text = [meta.title, "", meta.rationale or meta.title]
    markdown = [f"**{meta.title}**", "", meta.rationale or meta.title]
    if meta.remediation:
        text += ["", f"Remediation: {meta.remediation}"]
        markdown += ["", f"**Remediation.** {meta.remediation}"]
    if meta.citations:
        text += ["", "Citations:"] + [f"- {c}" for c in meta.citations]
        markdown += ["", "**Citations**", ""] + [f"- {c}" for c in meta.citations]
    if meta.caveats:
        text += ["", "Caveats:"] + [f"- {c}" for c in meta.caveats]
        markdown += ["", "**Caveats**", ""] + [f"- {c}" for c in meta.caveats]
    return {"text": "\n".join(text), "markdown": "\n".join(markdown)}


def descriptor(meta: RuleMeta) -> Descriptor:
    """A rule as code scanning shows it next to each of its alerts."""
    rule: Descriptor = {
        "id": meta.id,
        "shortDescription": {"text": _clip(meta.title or meta.id)},
        "fullDescription": {"text": _clip(meta.rationale or meta.title or meta.id)},
        "help": _help(meta),
        "defaultConfiguration": {"level": LEVEL.get(meta.severity, "warning")},
        "properties": {
            "security-severity": SECURITY_SEVERITY.get(meta.severity, "5.0"),
            "precision": "high" if meta.caveats else "very-high",
            "tags": _tags(meta),
        },
    }
    if meta.pack in BUILTIN_PACKS:  # custom rules have no section in our rules reference
        rule["helpUri"] = f"{RULES_DOC}#{meta.id.lower()}"
    return rule


def _unlisted(finding: Finding) -> RuleMeta:
    """Metadata for a finding whose rule is not in `result.rules`, so ruleIndex stays valid."""
    return RuleMeta(id=finding.rule, title=finding.rule, severity=finding.severity,
                    pack="procurelint", regime=None, rationale="", citations=finding.citations,
                    remediation=finding.remediation, caveats=())


def _artifact(file: str) -> ArtifactLocation:
    """A path relative to the source root, as code scanning wants it."""
    return {"uri": _uri(file), "uriBaseId": "%SRCROOT%"}


@lru_cache(maxsize=4096)
def _uri(file: str) -> str:
    return quote(file, safe="/")  # a file holds many findings: quote it once


def _location(finding: Finding) -> Location:
    physical: PhysicalLocation = {"artifactLocation": _artifact(finding.file)}
    if finding.line > 0:
        region: Region = {"startLine": finding.line}
        if finding.column > 0:
            region["startColumn"] = finding.column
        region["endLine"] = finding.line
        physical["region"] = region
    return {"physicalLocation": physical}


def _suppression(waiver: dict[str, Any], file: str) -> Suppression:
    inline = waiver.get("id") == "inline"
    suppression: Suppression = {
        "kind": "inSource" if inline else "external",
        "status": "accepted",
        "justification": str(waiver.get("reason") or ""),
    }
    details = {k: waiver[k] for k in ("id", "approvedBy", "ticket", "expires")
               if waiver.get(k) is not None}
    if details:
        suppression["properties"] = details
    if inline and isinstance(waiver.get("line"), int):
        suppression["location"] = {"physicalLocation": {
            "artifactLocation": _artifact(file), "region": {"startLine": waiver["line"]},
        }}
    return suppression


def _result(finding: Finding, index: int, fingerprint: str) -> SarifResult:
    result: SarifResult = {
        "ruleId": finding.rule,
        "ruleIndex": index,
        "level": LEVEL.get(finding.severity, "warning"),
        "message": {"text": finding.message or finding.rule},
        "locations": [_location(finding)],
        "partialFingerprints": {
            API_VERSION: fingerprint,
            "primaryLocationLineHash": fingerprint,
        },
        "properties": {"path": finding.path},
    }
    if finding.waived and finding.waiver:
        result["suppressions"] = [_suppression(finding.waiver, finding.file)]
    elif finding.waiver:  # an expired waiver: shown, but the finding counts again
        result["properties"] = {"path": finding.path, "expiredWaiver": {
            k: v for k, v in finding.waiver.items() if v is not None}}
    return result


def document(result: Result) -> Log:
    """The SARIF log as plain data (tests validate it against the OASIS schema)."""
    metas = dict(result.rules)
    findings = repository_findings(result)  # code scanning resolves uris from the repository root
    for finding in findings:
        if finding.rule not in metas:
            metas[finding.rule] = _unlisted(finding)
    index = {rule_id: i for i, rule_id in enumerate(metas)}
    prints = fingerprints(findings)
    s = result.summary
    return {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "procurelint",
                "version": __version__,
                "semanticVersion": __version__,
                "informationUri": INFORMATION_URI,
                "rules": [descriptor(meta) for meta in metas.values()],
            }},
            "invocations": [{"executionSuccessful": True}],
            "results": [_result(f, index[f.rule], fp)
                        for f, fp in zip(findings, prints, strict=True)],
            "properties": {
                "policy": {"name": result.policy_name, "version": result.policy_version,
                           "packs": result.packs},
                "catalogAsOf": result.catalog_as_of,
                "failOn": result.fail_on,
                "leftOut": result.left_out,
                "failed": result.failed,
                "monthlyUsd": s.monthly_usd,
            },
        }],
    }


def render(result: Result) -> str:
    return jsontext.dumps(document(result)) + "\n"
