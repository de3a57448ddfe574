"""RulePack: rules as data, for built-in packs and custom rules."""


from typing import Annotated, Literal

from pydantic import Field

from procurelint.documents.models.base import ApiVersion, Identifier, Strict

Severity = Literal["error", "warning", "info"]
Scope = Literal["step", "workflow", "manifest", "team", "org", "use", "declaration"]
# The YAML node a finding points to (docs/context.md, "Where a finding points").
At = Literal[
    "endpoint", "model", "dataClasses", "deidentification", "routing", "tokensPerCall", "step",
    "workflow", "recordsPerYear", "runsPerMonth", "manifest", "budget", "waiver", "use",
]
RuleId = Annotated[str, Field(pattern=r"^[A-Z][A-Z0-9_-]*[0-9]+$", max_length=40)]


class Rule(Strict):
    """One rule. `violation` is CEL; rules without it are detected by the engine itself."""

    id: RuleId
    title: Annotated[str, Field(min_length=1)]
    severity: Severity
    scope: Scope | list[Scope] = "step"
    at: At | None = None
    when: Annotated[str, Field(max_length=4000)] = "true"
    violation: Annotated[str, Field(max_length=4000)] | None = None
    message: Annotated[str, Field(min_length=1)]
    rationale: str = ""
    citations: list[str] = []
    remediation: str = ""
    caveats: list[str] = []
    example: str | None = None
    aliases: list[RuleId] = []


class PackMetadata(Strict):
    name: Identifier
    version: Identifier
    title: str
    regime: Identifier | None = None
    description: str | None = None


class RulePackSpec(Strict):
    rules: list[Rule]


class RulePack(Strict):
    """A versioned set of rules, such as the built-in `hipaa` pack or an organisation's own."""

    api_version: ApiVersion
    kind: Literal["RulePack"]
    metadata: PackMetadata
    spec: RulePackSpec
