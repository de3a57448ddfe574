"""Catalog: models (weights), providers (legal entities) and endpoints (serving), with prices."""


from typing import Annotated, Literal

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
    sources: list[str] = []


class Price(Strict):
    """USD per million tokens."""

    input: Annotated[float, Field(ge=0)]
    output: Annotated[float, Field(ge=0)]
    cached_input: Annotated[float, Field(ge=0)] | None = None


class Offer(Strict):
    model: Identifier
    price_per_million: Price


class DataPolicy(Strict):
    trains_on_inputs: bool | None
    retention_days: Annotated[int, Field(ge=0)] | None


class Endpoint(Strict):
    id: Identifier
    provider: Identifier
    country: Jurisdiction | None
    region: str | None = None
    hipaa_baa: bool | None
    fedramp: Literal["none", "low", "moderate", "high"] | None
    dod_impact_level: Literal[2, 4, 5, 6] | None = None
    cross_border_routing: bool | None
    certifications: list[Identifier] = []
    us_persons_only: bool | None = None
    data_policy: DataPolicy
    offers: list[Offer] = []
    sources: list[str] = []


class CatalogMetadata(Strict):
    name: Identifier
    as_of: IsoDate
    description: str | None = None


class CatalogSpec(Strict):
    models: list[Model] = []
    providers: list[Provider] = []
    endpoints: list[Endpoint] = []


class Catalog(Strict):
    """Facts about models, providers and endpoints; unknown facts are null (fail closed)."""

    api_version: ApiVersion
    kind: Literal["Catalog"]
    metadata: CatalogMetadata
    spec: CatalogSpec
