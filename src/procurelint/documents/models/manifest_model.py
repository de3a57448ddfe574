"""AgentManifest: what a team declares about its agent workflows."""


from typing import Annotated, Literal

from pydantic import Field

from procurelint.documents.models.base import (ApiVersion, Identifier, Jurisdiction, Name, Strict,
                                              Usd)

MAX_COUNT = 10**15
Count = Annotated[int, Field(ge=0, le=MAX_COUNT)]
"""A count of runs, calls, tokens or records: at most a quadrillion, far above any real
workload, so that their products stay costs that can be added up and reported."""


class Tokens(Strict):
    input: Count
    """Input (prompt) tokens per call that are not read from the provider's prompt cache."""
    output: Count
    """Output (completion) tokens per call."""
    cached_input: Count = 0
    """Input tokens per call read from the provider's prompt cache, billed at the catalog's
    cachedInput price in addition to the `input` tokens (not included in them). Default 0."""


class Deidentification(Strict):
    method: Literal["safe-harbor", "expert-determination", "redaction", "synthetic"]
    """How identifying data is removed before this step: safe-harbor or expert-determination (45
    CFR 164.514), redaction, or synthetic data."""
    performed_by: Identifier
    """The earlier step or system that removes it."""
    reference: str | None = None
    """Where the de-identification is documented; required with `performedBy: external`."""


class Routing(Strict):
    """Aggregator routing preferences; mirrors OpenRouter's `provider` object."""

    providers: list[Identifier] = []
    """Upstream endpoints the aggregator may use, in order (catalog endpoint ids); the step is
    judged on each."""
    allow_fallbacks: bool | None = None
    """Whether the aggregator may fall back to upstreams not listed in `providers`; only `false`
    pins the route."""
    data_collection: Literal["allow", "deny"] | None = None
    """The aggregator's data-collection preference: `deny` asks for upstreams that do not store or
    train on prompts."""
    zero_data_retention: bool | None = None
    """Whether only zero-data-retention upstreams may serve the request."""


class Fallback(Strict):
    model: Identifier
    """The fallback model's catalog id."""
    endpoint: Identifier
    """The catalog id of the endpoint that serves the fallback model."""


class Step(Strict):
    name: Name
    """The step's name, unique in its workflow (lowercase kebab-case)."""
    description: str | None = None
    """What the step does, for reviewers."""
    model: Identifier
    """The catalog id of the model the step calls, e.g. anthropic/claude-sonnet-4.6 (`procurelint
    catalog list`)."""
    endpoint: Identifier
    """The catalog id of the endpoint that serves the model, e.g. aws-bedrock/us-east-1: where the
    data goes."""
    calls_per_run: Count = 1
    """Model calls the step makes per workflow run. Default 1."""
    tokens_per_call: Tokens | None = None
    """Tokens of one call, for the projected cost; without it the step's cost is unknown."""
    data_classes: Annotated[list[Identifier], Field(min_length=1)] | None = None
    """The data classes this step sends, replacing the workflow's; leaving a workflow class out
    needs `deidentification` (MAN008). `procurelint classes` lists them."""
    deidentification: Deidentification | None = None
    """How the data the step leaves out is removed before it; required when the step's classes
    leave out some of the workflow's."""
    routing: Routing | None = None
    """Routing preferences at an aggregator endpoint (OpenRouter's `provider` object)."""
    fallbacks: list[Fallback] = []
    """Models and endpoints the step falls back to; each is judged like the primary."""


class Workflow(Strict):
    name: Name
    """The workflow's name, unique in its manifest (lowercase kebab-case)."""
    description: str | None = None
    """What the workflow does, for reviewers."""
    runs_per_month: Count
    """Expected runs a month, for the projected cost."""
    data_classes: Annotated[list[Identifier], Field(min_length=1)]
    """The data classes the workflow handles; each maps to a sensitivity tier (`procurelint
    classes`)."""
    records_per_year: Count | None = None
    """Records of US persons' sensitive data the workflow sends a year, for the DOJ bulk-data
    thresholds; unknown when absent."""
    data_subjects: list[Jurisdiction] | None = None
    """Where the people the data is about live (country codes, or EU); default: the manifest's."""
    steps: Annotated[list[Step], Field(min_length=1)]
    """The model calls of the workflow, in order."""


class Budget(Strict):
    monthly_usd: Usd
    """The manifest's monthly budget in USD."""


class ManifestSpec(Strict):
    environment: Literal["production", "staging", "development"] = "production"
    """Where the workflows run: production, staging or development."""
    regimes: list[Identifier] = []
    """Regulatory regimes that apply to every workflow besides those of its data classes, e.g.
    hipaa."""
    data_subjects: list[Jurisdiction] = ["US"]
    """Where the people the data is about live (country codes, or EU). Default US."""
    budget: Budget | None = None
    """The manifest's own monthly budget."""
    workflows: Annotated[list[Workflow], Field(min_length=1)]
    """The agent workflows the manifest declares."""


class ManifestMetadata(Strict):
    name: Name
    """The manifest's name, unique in the repository (lowercase kebab-case)."""
    team: Identifier
    """The team that owns the workflows; team budgets add up its manifests."""
    owner: Annotated[str, Field(min_length=1)]
    """Who answers for the manifest, e.g. an email address."""
    description: str | None = None
    """What the manifest covers, for reviewers."""


class AgentManifest(Strict):
    """One team's declaration of agent workflows, their data and their model choices."""

    api_version: ApiVersion
    """Always procurelint/v1."""
    kind: Literal["AgentManifest"]
    """Always AgentManifest."""
    metadata: ManifestMetadata
    """Name, team and owner of the manifest."""
    spec: ManifestSpec
    """The workflows, their data and their model choices."""
