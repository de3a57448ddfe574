"""Catalog: models (weights), providers (legal entities) and endpoints (serving), with prices."""


from typing import Annotated, Any, Literal

from pydantic import Field

from procurelint.facts import CAPABILITY_RANK as CAPABILITY_RANK  # its home, free of pydantic
from procurelint.documents.models.base import (ApiVersion, Identifier, IsoDate, Jurisdiction,
                                              PerMillion, Strict)

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
    restrictions: list[Identifier] | None = []
    """US restricted-party listings that bind the provider (e.g. bis-entity-list); null when
    unknown (screening not settled), which counts as listed."""
    sources: list[str] = []
    """Where the facts come from."""


class Price(Strict):
    """USD per million tokens."""

    input: PerMillion
    """USD per million input tokens."""
    output: PerMillion
    """USD per million output tokens."""
    cached_input: PerMillion | None = None
    """USD per million input tokens read from the prompt cache (a manifest's cachedInput tokens,
    billed in addition to its input tokens); absent when the endpoint has no cache price, and
    then cached tokens cost the input price."""


class DataPolicy(Strict):
    trains_on_inputs: bool | None
    """Whether the endpoint may train on prompts, or null when unknown (counts as true)."""
    retention_days: Annotated[int, Field(ge=0)] | None
    """How long prompts and outputs are kept, in days, or null when unknown (counts as unlimited)."""
    min_retention_days: Annotated[int, Field(ge=0)] = 0
    """Retention that applies even under the organisation's zero-data-retention agreement, e.g.
    a model served in a mode that shares prompts with its developer. 0: such an agreement
    brings retention to zero."""


class Offer(Strict):
    model: Identifier
    """The catalog id of the model offered."""
    price_per_million: Price
    """Its price on this endpoint."""
    data_policy: DataPolicy | None = None
    """This model's data handling where it differs from the endpoint's (replaces it whole)."""
    retires: IsoDate | None = None
    """The day the endpoint stops serving the model (retirement, deprecation shutdown)."""
    retires_source: str | None = None
    """Where the retirement date comes from."""


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
    serving_countries: list[Jurisdiction] | None = None
    """Every country where a request may be served, for an endpoint that routes across borders
    (EU: any EU/EEA member state); null when not known beyond `country`."""
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
    as_of: IsoDate
    """The date its facts and prices were checked (YYYY-MM-DD); CAT001 warns when it is older than
    the policy's maxCatalogAgeDays."""
    description: str | None = None
    """What the catalog holds."""


class Patch(Strict):
    """A field-level change to an entry defined earlier (usually a built-in one): `set` holds
    the changed fields in the entry's own form; nested mappings merge, lists replace. With
    `endpoint` and `offer`, it changes that endpoint's offer of the model `offer`."""

    endpoint: Identifier | None = None
    """The endpoint to change."""
    model: Identifier | None = None
    """The model to change."""
    provider: Identifier | None = None
    """The provider to change."""
    offer: Identifier | None = None
    """With `endpoint`: the model whose offer on that endpoint to change."""
    set: Annotated[dict[str, Any], Field(min_length=1)]
    """The changed fields, in the entry's own form."""
    sources: Annotated[list[Annotated[str, Field(min_length=1)]], Field(min_length=1)]
    """Where the new facts come from (required)."""
    description: str | None = None
    """Why the fact was changed."""


class CatalogSpec(Strict):
    models: list[Model] = []
    """Models (weights)."""
    providers: list[Provider] = []
    """Providers (legal entities)."""
    endpoints: list[Endpoint] = []
    """Endpoints (where a model is served) and their offers."""
    patches: list[Patch] = []
    """Field-level changes to entries defined earlier, each with its sources."""


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
