"""Catalog: models (weights), providers (legal entities) and endpoints (serving), with prices."""


import datetime as dt
from typing import Annotated, Literal

from pydantic import Field

from procurelint.facts import CAPABILITY_RANK as CAPABILITY_RANK  # its home, free of pydantic
from procurelint.documents.models.base import ApiVersion, Identifier, Jurisdiction, Strict

Capability = Literal["frontier", "strong", "efficient", "small"]


class Model(Strict):
    id: Identifier
    """The model's id, as manifests name it (e.g. anthropic/claude-sonnet-4.6)."""
    name: str
    """The model's name."""
    developer: str
    """The company that developed the model."""
    developer_jurisdiction: Jurisdiction | None
    """Where the developer is established (country code), or null when unknown."""
    open_weights: bool | None
    """Whether the weights are published, or null when unknown."""
    capability: Capability
    """The capability class: frontier, strong, efficient or small; alternatives are offered in the
    same class or above."""
    restrictions: list[Identifier] = []
    """Listings that restrict the model, e.g. entity-list."""
    sources: list[str] = []
    """Where the facts come from."""


class Provider(Strict):
    id: Identifier
    """The provider's id."""
    name: str
    """The legal entity's name."""
    jurisdiction: Jurisdiction | None
    """Where the provider is established (country code), or null when unknown."""
    parent_jurisdiction: Jurisdiction | None
    """Where its ultimate parent is established, or null when unknown."""
    kind: Literal["first-party", "cloud", "aggregator", "self-hosted"]
    """first-party (the model's developer), cloud, aggregator or self-hosted."""
    sources: list[str] = []
    """Where the facts come from."""


class Price(Strict):
    """USD per million tokens."""

    input: Annotated[float, Field(ge=0)]
    """USD per million input tokens."""
    output: Annotated[float, Field(ge=0)]
    """USD per million output tokens."""
    cached_input: Annotated[float, Field(ge=0)] | None = None
    """USD per million input tokens read from the prompt cache (a manifest's cachedInput tokens,
    billed in addition to its input tokens); absent when the endpoint has no cache price, and
    then cached tokens cost the input price."""


class Offer(Strict):
    model: Identifier
    """The catalog id of the model offered."""
    price_per_million: Price
    """Its price on this endpoint."""


class DataPolicy(Strict):
    trains_on_inputs: bool | None
    """Whether the endpoint may train on prompts, or null when unknown (counts as true)."""
    retention_days: Annotated[int, Field(ge=0)] | None
    """How long prompts and outputs are kept, in days, or null when unknown (counts as unlimited)."""


class Endpoint(Strict):
    id: Identifier
    """The endpoint's id, as manifests name it (e.g. aws-bedrock/us-east-1)."""
    provider: Identifier
    """The catalog id of the provider that runs it."""
    country: Jurisdiction | None
    """Where inference runs (country code), or null when unknown."""
    region: str | None = None
    """The provider's region name."""
    hipaa_baa: bool | None
    """Whether the provider offers a BAA that covers this endpoint, or null when unknown."""
    fedramp: Literal["none", "low", "moderate", "high"] | None
    """The FedRAMP authorisation: none, low, moderate or high, or null when unknown."""
    dod_impact_level: Literal[2, 4, 5, 6] | None = None
    """The DoD impact level (2, 4, 5 or 6), if any."""
    cross_border_routing: bool | None
    """Whether requests may be served outside `country`, or null when unknown."""
    certifications: list[Identifier] = []
    """Certifications of the endpoint, e.g. pci-dss, soc2."""
    us_persons_only: bool | None = None
    """Whether only US persons operate it (for export-controlled data), or null when unknown."""
    data_policy: DataPolicy
    """What the endpoint does with prompts and outputs."""
    offers: list[Offer] = []
    """The models it serves, with their prices."""
    sources: list[str] = []
    """Where the facts come from."""


class CatalogMetadata(Strict):
    name: Identifier
    """The catalog's name."""
    as_of: dt.date
    """The date its facts and prices were checked (YYYY-MM-DD); CAT001 warns when it is older than
    the policy's maxCatalogAgeDays."""
    description: str | None = None
    """What the catalog holds."""


class CatalogSpec(Strict):
    models: list[Model] = []
    """Models (weights)."""
    providers: list[Provider] = []
    """Providers (legal entities)."""
    endpoints: list[Endpoint] = []
    """Endpoints (where a model is served) and their offers."""


class Catalog(Strict):
    """Facts about models, providers and endpoints; unknown facts are null (fail closed)."""

    api_version: ApiVersion
    """Always procurelint/v1."""
    kind: Literal["Catalog"]
    """Always Catalog."""
    metadata: CatalogMetadata
    """Name and date of the catalog."""
    spec: CatalogSpec
    """Models, providers and endpoints."""
