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
    """The rule id, e.g. ACME001: capital letters, then digits."""
    title: Annotated[str, Field(min_length=1)]
    """A short title."""
    severity: Severity
    """error, warning or info."""
    scope: Scope | list[Scope] = "step"
    """What one judgement covers: step (each endpoint a step can reach), workflow, manifest, team
    or org; a list runs the rule at each."""
    at: At | None = None
    """The YAML node a finding points to."""
    when: Annotated[str, Field(max_length=4000)] = "true"
    """CEL: whether the rule applies to the unit (docs/context.md)."""
    violation: Annotated[str, Field(max_length=4000)] | None = None
    """CEL: whether the unit breaks the rule; absent for rules the engine detects itself."""
    message: Annotated[str, Field(min_length=1)]
    """The finding's message, with {dotted.path} placeholders from the context."""
    rationale: str = ""
    """Why the rule matters."""
    citations: list[str] = []
    """The regulations or documents behind the rule."""
    remediation: str = ""
    """How to fix a finding."""
    caveats: list[str] = []
    """Facts the rule relies on that are not confirmed."""
    example: str | None = None
    """A snippet that breaks the rule."""
    aliases: list[RuleId] = []
    """Former ids of the rule, still accepted in waivers and suppressions."""


class PackMetadata(Strict):
    name: Identifier
    """The pack's name."""
    version: Identifier
    """The pack's version."""
    title: str
    """A short title."""
    regime: Identifier | None = None
    """The regulatory regime of its rules."""
    description: str | None = None
    """What the pack covers."""


class RulePackSpec(Strict):
    rules: list[Rule]
    """The rules."""


class RulePack(Strict):
    """A versioned set of rules, such as the built-in `hipaa` pack or an organisation's own."""

    api_version: ApiVersion
    """Always procurelint/v1."""
    kind: Literal["RulePack"]
    """Always RulePack."""
    metadata: PackMetadata
    """Name and version of the pack."""
    spec: RulePackSpec
    """The rules."""
