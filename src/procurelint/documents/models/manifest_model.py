"""AgentManifest: what a team declares about its agent workflows."""


from typing import Annotated, Literal

from pydantic import Field

from procurelint.documents.models.base import ApiVersion, Identifier, Jurisdiction, Name, Strict


class Tokens(Strict):
    input: Annotated[int, Field(ge=0)]
    output: Annotated[int, Field(ge=0)]
    cached_input: Annotated[int, Field(ge=0)] = 0


class Deidentification(Strict):
    method: Literal["safe-harbor", "expert-determination", "redaction", "synthetic"]
    performed_by: Identifier
    reference: str | None = None
    """Where the de-identification is documented; required with `performedBy: external`."""


class Routing(Strict):
    """Aggregator routing preferences; mirrors OpenRouter's `provider` object."""

    providers: list[Identifier] = []
    allow_fallbacks: bool | None = None
    data_collection: Literal["allow", "deny"] | None = None
    zero_data_retention: bool | None = None


class Fallback(Strict):
    model: Identifier
    endpoint: Identifier


class Step(Strict):
    name: Name
    description: str | None = None
    model: Identifier
    endpoint: Identifier
    calls_per_run: Annotated[int, Field(ge=0)] = 1
    tokens_per_call: Tokens | None = None
    data_classes: Annotated[list[Identifier], Field(min_length=1)] | None = None
    deidentification: Deidentification | None = None
    routing: Routing | None = None
    fallbacks: list[Fallback] = []


class Workflow(Strict):
    name: Name
    description: str | None = None
    runs_per_month: Annotated[int, Field(ge=0)]
    data_classes: Annotated[list[Identifier], Field(min_length=1)]
    records_per_year: Annotated[int, Field(ge=0)] | None = None
    data_subjects: list[Jurisdiction] | None = None
    steps: Annotated[list[Step], Field(min_length=1)]


class Budget(Strict):
    monthly_usd: Annotated[float, Field(ge=0)]


class ManifestSpec(Strict):
    environment: Literal["production", "staging", "development"] = "production"
    regimes: list[Identifier] = []
    data_subjects: list[Jurisdiction] = ["US"]
    budget: Budget | None = None
    workflows: Annotated[list[Workflow], Field(min_length=1)]


class ManifestMetadata(Strict):
    name: Name
    team: Identifier
    owner: Annotated[str, Field(min_length=1)]
    description: str | None = None


class AgentManifest(Strict):
    """One team's declaration of agent workflows, their data and their model choices."""

    api_version: ApiVersion
    kind: Literal["AgentManifest"]
    metadata: ManifestMetadata
    spec: ManifestSpec
