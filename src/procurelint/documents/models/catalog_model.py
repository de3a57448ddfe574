"""Catalog: models (weights), providers (legal entities) and endpoints (serving), with prices."""


from typing import Annotated, Any, Literal

from pydantic import Field

from procurelint.facts import CAPABILITY_RANK as CAPABILITY_RANK  # its home, free of pydantic
from procurelint.documents.models.base import IsoDate, ApiVersion, Identifier, Jurisdiction, Strict

Capability = Literal["frontier", "strong", "efficient", "small"]


class Model(Strict):
    id: Identifier
    name: str
    developer: str
    developer_jurisdiction: Jurisdiction | None
    open_weights: bool | None
    capability: Capability
    restrictions: list[Identifier] = []
    sources: list[str] = []


class Provider(Strict):
    id: Identifier
    name: str
    jurisdiction: Jurisdiction | None
    parent_jurisdiction: Jurisdiction | None
    kind: Literal["first-party", "cloud", "aggregator", "self-hosted"]
    # US restricted-party listings that bind the provider (e.g. bis-entity-list); null: unknown
    # (screening not settled), treated as listed.
    restrictions: list[Identifier] | None = []
    sources: list[str] = []


class Price(Strict):
    """USD per million tokens."""

    input: Annotated[float, Field(ge=0)]
    output: Annotated[float, Field(ge=0)]
    cached_input: Annotated[float, Field(ge=0)] | None = None


class DataPolicy(Strict):
    trains_on_inputs: bool | None
    retention_days: Annotated[int, Field(ge=0)] | None
    # Retention that applies even under the organisation's zero-data-retention agreement, e.g.
    # a model served in a mode that shares prompts with its developer. 0: such an agreement
    # brings retention to zero.
    min_retention_days: Annotated[int, Field(ge=0)] = 0


class Offer(Strict):
    model: Identifier
    price_per_million: Price
    # This model's data handling where it differs from the endpoint's (replaces it whole).
    data_policy: DataPolicy | None = None
    retires: IsoDate | None = None
    """The day the endpoint stops serving the model (retirement, deprecation shutdown)."""
    retires_source: str | None = None


class Endpoint(Strict):
    id: Identifier
    provider: Identifier
    country: Jurisdiction | None
    region: str | None = None
    hipaa_baa: bool | None
    fedramp: Literal["none", "low", "moderate", "high"] | None
    dod_impact_level: Literal[2, 4, 5, 6] | None = None
    cross_border_routing: bool | None
    # Every country where a request may be served, for an endpoint that routes across borders
    # (EU: any EU/EEA member state); null: not known beyond `country`.
    serving_countries: list[Jurisdiction] | None = None
    certifications: list[Identifier] = []
    us_persons_only: bool | None = None
    data_policy: DataPolicy
    offers: list[Offer] = []
    sources: list[str] = []


class CatalogMetadata(Strict):
    name: Identifier
    as_of: IsoDate
    description: str | None = None


class Patch(Strict):
    """A field-level change to an entry defined earlier (usually a built-in one): `set` holds
    the changed fields in the entry's own form; nested mappings merge, lists replace. With
    `endpoint` and `offer`, it changes that endpoint's offer of the model `offer`."""

    endpoint: Identifier | None = None
    model: Identifier | None = None
    provider: Identifier | None = None
    offer: Identifier | None = None
    set: Annotated[dict[str, Any], Field(min_length=1)]
    sources: Annotated[list[Annotated[str, Field(min_length=1)]], Field(min_length=1)]
    description: str | None = None


class CatalogSpec(Strict):
    models: list[Model] = []
    providers: list[Provider] = []
    endpoints: list[Endpoint] = []
    patches: list[Patch] = []


class Catalog(Strict):
    """Facts about models, providers and endpoints; unknown facts are null (fail closed)."""

    api_version: ApiVersion
    kind: Literal["Catalog"]
    metadata: CatalogMetadata
    spec: CatalogSpec
