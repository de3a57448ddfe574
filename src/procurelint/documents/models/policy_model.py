"""Policy: what the organisation decides."""


from typing import Annotated, Literal

from pydantic import Field

from procurelint.documents.files import DEFAULT_EXCLUDE
from procurelint.documents.models.base import (ApiVersion, Day, Identifier, IsoDate, Jurisdiction,
                                              Name, PerMillion, Strict, Usd)
from procurelint.documents.models.rulepack_model import Rule, Severity

Category = Literal[
    "identifiers", "health", "financial", "biometric", "genomic", "omic", "precise-geolocation",
]


class Tier(Strict):
    name: Name
    """The tier's name, used by data classes (lowercase kebab-case)."""
    description: str | None = None
    """What data belongs in the tier."""
    allow_jurisdictions: list[Jurisdiction] | None = None
    """The only places (country codes, or EU) where the tier's data may be processed, and where the
    receiving company and its parent may be established; unknown places fail."""
    deny_jurisdictions: list[Jurisdiction] | None = None
    """Places (country codes, or EU) where the tier's data may not be processed, nor the receiving
    company or its parent be established."""
    allow_developer_jurisdictions: list[Jurisdiction] | None = None
    """The only places where the developer of a model that sees the tier's data may be established."""
    require_no_training: bool = False
    """Whether endpoints must not train on the tier's data (unknown counts as training)."""
    max_retention_days: Annotated[int, Field(ge=0)] | None = None
    """The longest an endpoint may keep prompts and outputs of the tier's data, in days (unknown
    counts as unlimited)."""


class DataClass(Strict):
    tier: Name
    """The sensitivity tier of the class."""
    regimes: list[Identifier] = []
    """Regulatory regimes the class brings in, e.g. hipaa, glba, pci, itar."""
    categories: list[Category] = []
    """Sensitive-data categories of the DOJ bulk-data rule (28 CFR Part 202)."""
    description: str | None = None
    """What data the class covers."""


class Vendor(Strict):
    provider: Identifier
    """The catalog id of the provider."""
    approved: bool
    """Whether third-party risk management approved the vendor."""
    assessed_on: IsoDate
    """The date of the last vendor assessment (YYYY-MM-DD)."""


class InventoryEntry(Strict):
    model: Identifier
    """The catalog id of the model."""
    validated_on: IsoDate
    """The date of the last model validation (YYYY-MM-DD)."""
    uses: list[str] = []
    """The uses the validation covers."""


class TransferMechanism(Strict):
    from_: Annotated[Jurisdiction, Field(alias="from")]
    """The place the personal data comes from (country code, or EU)."""
    to: Jurisdiction
    """The place it goes to."""
    mechanism: Literal["dpf", "scc", "bcr", "derogation"]
    """The legal basis of the transfer: dpf (Data Privacy Framework), scc (standard contractual
    clauses), bcr (binding corporate rules) or derogation."""


class Contract(Strict):
    """Account-level terms the organisation has contracted for with one provider. They beat
    the provider's public defaults in the catalog for this organisation's use, until `expires`
    (the terms hold through that whole day, UTC). A term left out is not contracted."""

    provider: Identifier
    """The catalog id of the provider."""
    ref: Annotated[str, Field(min_length=1)]
    """Where the signed document lives (required)."""
    expires: Day | None = None
    """The last day the terms hold (YYYY-MM-DD); past it they stop counting and CON001 says so."""
    zero_data_retention: bool = False
    """Prompts and outputs are not retained: retention 0 (beyond the offer's minRetentionDays)."""
    no_training: bool = False
    """Inputs are never used for training."""
    pci_dss: bool = False
    """A PCI DSS attestation of compliance covers the services used."""
    dpa: bool = False
    """A GDPR Art. 28 data processing agreement is signed."""
    dpf: bool = False
    """The provider is certified under the EU-US Data Privacy Framework."""
    qsoa: bool = False
    """A 42 CFR Part 2 qualified service organization agreement is signed."""
    soc2: bool = False
    """The provider's SOC 2 Type II report on the services used is on file."""
    description: str | None = None
    """What the contract covers."""


class Agreements(Strict):
    baa: list[Identifier] = []
    """Providers the organisation has signed a HIPAA business associate agreement with (catalog
    provider ids)."""
    contracts: list[Contract] = []
    """Account-level terms contracted with each provider, each with its reference and expiry."""
    vendors: list[Vendor] = []
    """Vendors assessed by third-party risk management."""


class PriceCap(Strict):
    input: PerMillion | None = None
    """The highest input price allowed, in USD per million tokens."""
    output: PerMillion | None = None
    """The highest output price allowed, in USD per million tokens."""
    cached_input: PerMillion | None = None
    """The highest cached-input price allowed, in USD per million tokens."""


class Budgets(Strict):
    org_monthly_usd: Usd | None = None
    """The organisation's monthly budget in USD."""
    teams: dict[Identifier, Usd] = {}
    """Monthly budgets in USD by team."""
    warn_at_percent: Annotated[int, Field(ge=1, le=100)] = 80
    """The share of a budget at which a warning is given. Default 80."""
    max_price_per_million: dict[Name, PriceCap] = {}
    """Price ceilings by tier name."""


class Limits(Strict):
    """Bounds on what one run reads, so a hostile pull request cannot exhaust the gate."""

    max_file_bytes: Annotated[int, Field(ge=1)] = 2 * 1024 * 1024
    """The largest file read, in bytes."""
    max_files: Annotated[int, Field(ge=1)] = 50_000
    """The most files one run reads."""
    max_depth: Annotated[int, Field(ge=8, le=900)] = 64
    """The deepest nesting of a YAML document."""
    max_nodes: Annotated[int, Field(ge=100)] = 200_000
    """The most nodes a YAML document may have after aliases are expanded."""
    max_scalar_length: Annotated[int, Field(ge=64)] = 64 * 1024
    """The longest scalar value, in characters."""
    max_workflows: Annotated[int, Field(ge=1)] = 500
    """The most workflows a manifest may declare."""
    max_steps: Annotated[int, Field(ge=1)] = 500
    """The most steps a workflow may declare."""
    max_list_length: Annotated[int, Field(ge=10)] = 1000
    """The most items a list in a manifest may hold."""
    max_rule_milliseconds: Annotated[int, Field(ge=1)] = 1000
    """How long one evaluation of a rule's expression may take; past it the run fails."""


class Discovery(Strict):
    """Whether `check` also discovers model use in code and configs (the `drift` pack)."""

    enabled: bool = False
    """Turn on discovery of model use in code and configs (the drift pack)."""
    exclude: list[str] = []
    """Globs of the files discovery does not read."""
    max_file_bytes: Annotated[int, Field(ge=1)] = 1024 * 1024
    """Files larger than this are skipped with a note."""


class Override(Strict):
    severity: Severity
    """The severity the rule has under this policy."""


FailOn = Literal["error", "warning", "info", "never"]


class PolicySpec(Strict):
    include: list[str] = ["**/*.yaml", "**/*.yml"]
    """Globs of the files to read, relative to the policy's folder."""
    exclude: list[str] = list(DEFAULT_EXCLUDE)
    """Globs of the files not to read, e.g. a folder with its own policy (default: installed
    packages, virtual environments and caches; a list given here replaces it whole)."""
    packs: list[Identifier] | None = None
    """The rule packs to enable (default: every built-in pack)."""
    fail_on: FailOn = "error"
    """The lowest severity that fails the check: error, warning, info, or never."""
    tiers: Annotated[list[Tier], Field(min_length=1)] | None = None
    """The sensitivity tiers, least sensitive first; replaces the built-in list whole (`procurelint
    tiers`)."""
    data_classes: dict[Identifier, DataClass] = {}
    """Data classes by name; replaces or adds to the built-in ones (`procurelint classes`)."""
    agreements: Agreements = Agreements()
    """Business associate agreements and assessed vendors."""
    model_inventory: list[InventoryEntry] = []
    """Models in the model risk inventory, with their validation dates."""
    transfer_mechanisms: list[TransferMechanism] = []
    """Legal bases for transfers of personal data between places."""
    adequate_jurisdictions: list[Jurisdiction] | None = None
    """Places the EU deems adequate for personal data (default: the built-in list)."""
    max_catalog_age_days: Annotated[int, Field(ge=1)] = 180
    """How old a catalog's asOf may be before CAT001 warns. Default 180."""
    lifecycle_horizon_days: Annotated[int, Field(ge=0, le=36_500)] = 90
    """How far ahead LIFE002 warns of a model's retirement, in days. Default 90."""
    budgets: Budgets = Budgets()
    """Organisation and team budgets and price ceilings."""
    catalogs: list[str] = []
    """Catalog files to merge over the built-in catalog, relative to the policy's folder."""
    waivers: str | None = None
    """The waivers file, relative to the policy's folder."""
    rule_packs: list[str] = []
    """Files of the organisation's own rule packs, relative to the policy's folder."""
    rules: list[Rule] = []
    """The organisation's own rules, written in the policy."""
    inline_suppressions: list[Identifier] = ["cost"]
    """Packs whose findings may be suppressed by an inline comment. Default: cost."""
    limits: Limits = Limits()
    """Bounds on what one run reads."""
    discovery: Discovery = Discovery()
    """Discovery of model use in the repository's code and configs."""
    overrides: dict[Identifier, Override] = {}
    """New severities by rule id."""
    disable: list[Identifier] = []
    """Rule ids or pack names to turn off."""
    locked_packs: list[Identifier] = []
    """Packs whose rules the command line may not leave out (--select, --ignore), and with any
    locked pack, a --fail-on looser than failOn is refused too: exit 2."""


class PolicyMetadata(Strict):
    name: Identifier
    """The policy's name."""
    version: str | None = None
    """The policy's version, shown in reports."""
    description: str | None = None
    """What the policy covers."""


class Policy(Strict):
    """The organisation's sourcing policy: tiers, data classes, agreements, budgets, packs."""

    api_version: ApiVersion
    """Always procurelint/v1."""
    kind: Literal["Policy"]
    """Always Policy."""
    metadata: PolicyMetadata
    """Name and version of the policy."""
    spec: PolicySpec = PolicySpec()
    """What the organisation decides."""
