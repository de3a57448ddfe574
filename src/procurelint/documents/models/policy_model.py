"""Policy: what the organisation decides."""


import datetime as dt
from typing import Annotated, Literal

from pydantic import Field

from procurelint.documents.models.base import ApiVersion, Day, Identifier, Jurisdiction, Name, Strict
from procurelint.documents.models.rulepack_model import Rule, Severity

Category = Literal[
    "identifiers", "health", "financial", "biometric", "genomic", "omic", "precise-geolocation",
]


class Tier(Strict):
    name: Name
    description: str | None = None
    allow_jurisdictions: list[Jurisdiction] | None = None
    deny_jurisdictions: list[Jurisdiction] | None = None
    allow_developer_jurisdictions: list[Jurisdiction] | None = None
    require_no_training: bool = False
    max_retention_days: Annotated[int, Field(ge=0)] | None = None


class DataClass(Strict):
    tier: Name
    regimes: list[Identifier] = []
    categories: list[Category] = []
    description: str | None = None


class Vendor(Strict):
    provider: Identifier
    approved: bool
    assessed_on: dt.date


class InventoryEntry(Strict):
    model: Identifier
    validated_on: dt.date
    uses: list[str] = []


class TransferMechanism(Strict):
    from_: Annotated[Jurisdiction, Field(alias="from")]
    to: Jurisdiction
    mechanism: Literal["dpf", "scc", "bcr", "derogation"]


class Contract(Strict):
    """Account-level terms the organisation has contracted for with one provider. They beat
    the provider's public defaults in the catalog for this organisation's use, until `expires`
    (the terms hold through that whole day, UTC). A term left out is not contracted."""

    provider: Identifier
    ref: Annotated[str, Field(min_length=1)]
    expires: Day | None = None
    zero_data_retention: bool = False
    no_training: bool = False
    pci_dss: bool = False
    dpa: bool = False
    dpf: bool = False
    qsoa: bool = False        # 42 CFR Part 2 qualified service organization agreement
    soc2: bool = False        # the provider's SOC 2 Type II report on the services used is on file
    description: str | None = None


class Agreements(Strict):
    baa: list[Identifier] = []
    contracts: list[Contract] = []
    vendors: list[Vendor] = []


class PriceCap(Strict):
    input: Annotated[float, Field(ge=0)] | None = None
    output: Annotated[float, Field(ge=0)] | None = None
    cached_input: Annotated[float, Field(ge=0)] | None = None


class Budgets(Strict):
    org_monthly_usd: Annotated[float, Field(ge=0)] | None = None
    teams: dict[Identifier, Annotated[float, Field(ge=0)]] = {}
    warn_at_percent: Annotated[int, Field(ge=1, le=100)] = 80
    max_price_per_million: dict[Name, PriceCap] = {}


class Limits(Strict):
    """Bounds on what one run reads, so a hostile pull request cannot exhaust the gate."""

    max_file_bytes: Annotated[int, Field(ge=1)] = 2 * 1024 * 1024
    max_files: Annotated[int, Field(ge=1)] = 50_000
    max_depth: Annotated[int, Field(ge=8, le=900)] = 64
    max_nodes: Annotated[int, Field(ge=100)] = 200_000
    max_scalar_length: Annotated[int, Field(ge=64)] = 64 * 1024
    max_workflows: Annotated[int, Field(ge=1)] = 500
    max_steps: Annotated[int, Field(ge=1)] = 500


class Override(Strict):
    severity: Severity


FailOn = Literal["error", "warning", "info", "never"]


class PolicySpec(Strict):
    include: list[str] = ["**/*.yaml", "**/*.yml"]
    exclude: list[str] = []
    packs: list[Identifier] | None = None
    fail_on: FailOn = "error"
    tiers: Annotated[list[Tier], Field(min_length=1)] | None = None
    data_classes: dict[Identifier, DataClass] = {}
    agreements: Agreements = Agreements()
    model_inventory: list[InventoryEntry] = []
    transfer_mechanisms: list[TransferMechanism] = []
    adequate_jurisdictions: list[Jurisdiction] | None = None
    max_catalog_age_days: Annotated[int, Field(ge=1)] = 180
    budgets: Budgets = Budgets()
    catalogs: list[str] = []
    waivers: str | None = None
    rule_packs: list[str] = []
    rules: list[Rule] = []
    inline_suppressions: list[Identifier] = ["cost"]
    limits: Limits = Limits()
    overrides: dict[Identifier, Override] = {}
    disable: list[Identifier] = []


class PolicyMetadata(Strict):
    name: Identifier
    version: str | None = None
    description: str | None = None


class Policy(Strict):
    """The organisation's sourcing policy: tiers, data classes, agreements, budgets, packs."""

    api_version: ApiVersion
    kind: Literal["Policy"]
    metadata: PolicyMetadata
    spec: PolicySpec = PolicySpec()
