"""Building the CEL evaluation context of docs/context.md.

Catalog entries and tiers become dicts once per run and are shared by every unit that uses
them; only the step-specific parts are built per unit.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from msgspec import Struct, field

from procurelint import facts
from procurelint.policy.config import Config
from procurelint.engine.units import StepInfo, Unit

if TYPE_CHECKING:  # at run time these are records (procurelint.documents.records) that read alike
    from procurelint.documents.models.catalog_model import Endpoint, Model, Provider
    from procurelint.documents.models.policy_model import Tier


def _age(day: dt.date, today: dt.date) -> int:
    return (today - day).days


class ContextFactory(Struct):
    """Caches of context parts, keyed by catalog id, for one run."""

    config: Config
    today: dt.date
    bulk: dict[str, tuple[int | None, bool]] = field(default_factory=dict)
    _models: dict[str, dict[str, Any]] = field(default_factory=dict)
    _endpoints: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    _providers: dict[str, dict[str, Any]] = field(default_factory=dict)
    _tiers: dict[str, dict[str, Any]] = field(default_factory=dict)
    _tier_lists: dict[tuple[str, ...], list[dict[str, Any]]] = field(default_factory=dict)
    _policy: dict[str, Any] | None = None
    _today_text: str | None = None
    _workflows: dict[tuple[int, int, float], dict[str, Any]] = field(default_factory=dict)
    _manifests: dict[tuple[int, float], dict[str, Any]] = field(default_factory=dict)
    _routes: dict[tuple[int, str | None], dict[str, Any]] = field(default_factory=dict)
    _bulks: dict[tuple[str, tuple[str, ...]], dict[str, Any]] = field(default_factory=dict)
    _transfers: dict[tuple[Any, ...], dict[str, Any]] = field(default_factory=dict)

    def forget(self) -> None:
        """Drop the contexts of workflows, manifests and routes, keyed by the identity of
        manifests' values: for when those manifests are let go."""
        self._workflows.clear()
        self._manifests.clear()
        self._routes.clear()

    # -- shared parts -------------------------------------------------------------------
    @property
    def today_text(self) -> str:
        """One string object for the run's date, so contexts that share it are identical."""
        if self._today_text is None:
            self._today_text = self.today.isoformat()
        return self._today_text

    def policy(self) -> dict[str, Any]:
        if self._policy is None:
            p = self.config.policy
            self._policy = {
                "name": p.metadata.name,
                "version": p.metadata.version,
                "baa": list(p.spec.agreements.baa),
                "countriesOfConcern": sorted(facts.COUNTRIES_OF_CONCERN),
                "eu": sorted(facts.EU_EEA),
                "maxCatalogAgeDays": p.spec.max_catalog_age_days,
                "lifecycleHorizonDays": p.spec.lifecycle_horizon_days,
                "lifecycleUntil": _days_after(self.today, p.spec.lifecycle_horizon_days).isoformat(),
            }
        return self._policy

    def model(self, model: Model) -> dict[str, Any]:
        found = self._models.get(model.id)
        if found is None:
            entry = next((e for e in self.config.policy.spec.model_inventory if e.model == model.id), None)
            found = {
                "id": model.id, "name": model.name, "developer": model.developer,
                "developerJurisdiction": model.developer_jurisdiction,
                "openWeights": model.open_weights, "capability": model.capability,
                "restrictions": list(model.restrictions),
                "developerOfConcern": model.developer_jurisdiction is None
                or model.developer_jurisdiction in facts.COUNTRIES_OF_CONCERN,
                "inventory": None if entry is None else {
                    "validatedOn": entry.validated_on.isoformat(),
                    "ageDays": _age(entry.validated_on, self.today),
                    "uses": list(entry.uses),
                },
            }
            self._models[model.id] = found
        return found

    def provider(self, provider: Provider) -> dict[str, Any]:
        found = self._providers.get(provider.id)
        if found is None:
            spec = self.config.policy.spec
            vendor = next((v for v in spec.agreements.vendors if v.provider == provider.id), None)
            places = (provider.jurisdiction, provider.parent_jurisdiction)
            found = {
                "id": provider.id, "name": provider.name,
                "jurisdiction": provider.jurisdiction,
                "parentJurisdiction": provider.parent_jurisdiction,
                "kind": provider.kind,
                "restrictions": None if provider.restrictions is None else list(provider.restrictions),
                # 28 CFR 202.211: an entity organised under US law is a US person, not a covered
                # person, whoever owns it (unless designated, which the catalog does not record).
                "coveredPerson": provider.jurisdiction != "US"
                and any(p is None or p in facts.COUNTRIES_OF_CONCERN for p in places),
                "baaSigned": provider.id in spec.agreements.baa,
                "contract": self.contract(provider.id),
                "vendor": None if vendor is None else {
                    "approved": vendor.approved,
                    "assessedOn": vendor.assessed_on.isoformat(),
                    "ageDays": _age(vendor.assessed_on, self.today),
                },
            }
            self._providers[provider.id] = found
        return found

    def contract(self, provider_id: str) -> dict[str, Any]:
        """The account-level terms in force with a provider (policy agreements.contracts):
        each term holds when a contract that is not past its expiry grants it."""
        terms = {"zeroDataRetention": False, "noTraining": False, "pciDss": False,
                 "dpa": False, "dpf": False, "qsoa": False, "soc2": False}
        refs: list[str] = []
        expired: list[dict[str, Any]] = []
        for c in self.config.policy.spec.agreements.contracts:
            if c.provider != provider_id:
                continue
            if c.expires is not None and c.expires < self.today:
                expired.append({"ref": c.ref, "expires": c.expires.isoformat()})
                continue
            refs.append(c.ref)
            terms["zeroDataRetention"] |= c.zero_data_retention
            terms["noTraining"] |= c.no_training
            terms["pciDss"] |= c.pci_dss
            terms["dpa"] |= c.dpa
            terms["dpf"] |= c.dpf
            terms["qsoa"] |= c.qsoa
            terms["soc2"] |= c.soc2
        return {**terms, "refs": refs, "expired": expired}

    def endpoint(self, endpoint: Endpoint, model_id: str) -> dict[str, Any]:
        key = (endpoint.id, model_id)
        found = self._endpoints.get(key)
        if found is None:
            catalog = self.config.catalog
            price = catalog.offer(endpoint.id, model_id)
            retirement = catalog.retirement(endpoint.id, model_id)
            provider = catalog.providers[endpoint.provider]
            policy = catalog.data_policy(endpoint.id, model_id)
            serving = (None if endpoint.serving_countries is None
                       else facts.expand(list(endpoint.serving_countries)))
            contract = self.contract(provider.id)
            if contract["zeroDataRetention"]:
                retention: int | None = policy.min_retention_days
            else:
                retention = policy.retention_days
                if retention is not None:
                    retention = max(retention, policy.min_retention_days)
            found = {
                "id": endpoint.id, "provider": endpoint.provider, "country": endpoint.country,
                "region": endpoint.region, "hipaaBaa": endpoint.hipaa_baa,
                "fedramp": endpoint.fedramp, "fedrampRank": facts.FEDRAMP_RANK[endpoint.fedramp],
                "dodImpactLevel": endpoint.dod_impact_level,
                "crossBorderRouting": endpoint.cross_border_routing,
                "servingCountries": serving,
                "countries": [endpoint.country] if endpoint.country is not None
                else serving if serving is not None else [None],
                "certifications": list(endpoint.certifications),
                "usPersonsOnly": endpoint.us_persons_only,
                "dataPolicy": {
                    "trainsOnInputs": policy.trains_on_inputs,
                    "retentionDays": policy.retention_days,
                    "minRetentionDays": policy.min_retention_days,
                    "retention": _retention(policy.retention_days),
                },
                "terms": {
                    "trainsOnInputs": False if contract["noTraining"] else policy.trains_on_inputs,
                    "retentionDays": retention,
                    "retention": _retention(retention),
                    "pciDss": contract["pciDss"] or "pci-dss" in endpoint.certifications,
                },
                "isAggregator": provider.kind == "aggregator",
                "countryOfConcern": endpoint.country is None
                or endpoint.country in facts.COUNTRIES_OF_CONCERN,
                "offer": None if price is None else {
                    "input": float(price.input), "output": float(price.output),
                    "cachedInput": float(price.cached_input if price.cached_input is not None else price.input),
                    "retires": retirement[0].isoformat() if retirement else None,
                    "retiresSource": retirement[1] if retirement else None,
                },
            }
            self._endpoints[key] = found
        return found

    def tier(self, name: str) -> dict[str, Any]:
        found = self._tiers.get(name)
        if found is None:
            tier: Tier = self.config.tiers[self.config.tier_rank[name]]
            cap = self.config.policy.spec.budgets.max_price_per_million.get(name)
            found = {
                "name": tier.name, "rank": self.config.tier_rank[name],
                "allowJurisdictions": facts.expand(tier.allow_jurisdictions),
                "denyJurisdictions": facts.expand(tier.deny_jurisdictions),
                "allowDeveloperJurisdictions": facts.expand(tier.allow_developer_jurisdictions),
                "requireNoTraining": tier.require_no_training,
                "maxRetentionDays": tier.max_retention_days,
                "maxPricePerMillion": None if cap is None else {
                    "input": cap.input, "output": cap.output, "cachedInput": cap.cached_input,
                },
            }
            self._tiers[name] = found
        return found

    def tier_list(self, names: list[str]) -> list[dict[str, Any]]:
        key = tuple(names)
        found = self._tier_lists.get(key)
        if found is None:
            found = self._tier_lists[key] = [self.tier(t) for t in names]
        return found

    # -- per-scope contexts -------------------------------------------------------------
    def manifest(self, source_manifest: Any, monthly_usd: float) -> dict[str, Any]:
        key = (id(source_manifest), monthly_usd)
        found = self._manifests.get(key)
        if found is None:
            found = self._manifests[key] = self._manifest(source_manifest, monthly_usd)
        return found

    def _manifest(self, source_manifest: Any, monthly_usd: float) -> dict[str, Any]:
        m = source_manifest
        return {
            "name": m.metadata.name, "team": m.metadata.team, "owner": m.metadata.owner,
            "environment": m.spec.environment, "regimes": list(m.spec.regimes),
            "dataSubjects": facts.expand(list(m.spec.data_subjects)),
            "monthlyUsd": monthly_usd,
            "budgetUsd": None if m.spec.budget is None else float(m.spec.budget.monthly_usd),
        }

    def workflow(self, info: StepInfo, monthly_usd: float) -> dict[str, Any]:
        key = (id(info.source), info.wi, monthly_usd)
        found = self._workflows.get(key)
        if found is None:
            found = self._workflows[key] = self._workflow(info, monthly_usd)
        return found

    def _workflow(self, info: StepInfo, monthly_usd: float) -> dict[str, Any]:
        w = info.workflow
        subjects = w.data_subjects if w.data_subjects is not None else info.source.manifest.spec.data_subjects
        return {
            "name": w.name, "path": f"{info.source.manifest.metadata.name}/{w.name}",
            "runsPerMonth": w.runs_per_month, "dataClasses": list(w.data_classes),
            "regimes": info.regimes, "tier": info.tier,
            "tierRank": self.config.tier_rank[info.tier],
            "recordsPerYear": w.records_per_year,
            "dataSubjects": facts.expand(list(subjects)),
            "euSubjects": any(facts.in_eu(s) for s in subjects),
            "monthlyUsd": monthly_usd,
        }

    def step(self, info: StepInfo, unit: Unit) -> dict[str, Any]:
        s = info.step
        class_regimes = self._class_regimes(info)
        return {
            "name": s.name, "path": info.path, "dataClasses": info.classes,
            "classRegimes": class_regimes, "phi": _phi(info, self.config.data_classes),
            "tier": info.tier, "tierRank": self.config.tier_rank[info.tier],
            "regimes": info.regimes, "dataRegimes": info.data_regimes,
            "categories": info.categories,
            "personal": bool(info.categories),
            "governmentRelated": "government-related" in info.classes,
            "droppedClasses": info.dropped, "droppedRegimes": info.dropped_regimes,
            "deidentification": _deidentification(info),
            "callsPerRun": s.calls_per_run, "hasTokens": s.tokens_per_call is not None,
            "monthlyTokens": info.tokens.as_dict(), "monthlyUsd": unit.monthly_usd,
            "via": unit.via, "environment": info.source.manifest.spec.environment,
        }

    def step_fields(self, info: StepInfo, unit: Unit, fields: frozenset[str]) -> dict[str, Any]:
        """Those fields of `step`, alone: what the rules judged read of it (a HIPAA-only check
        reads four). Each is worked out as `step` works it out (a test compares them)."""
        out: dict[str, Any] = {}
        whole: dict[str, Any] | None = None
        for name in fields:
            if name in _STEP_PLAIN:
                out[name] = getattr(info, _STEP_PLAIN[name])
            elif name == "classRegimes":
                out[name] = self._class_regimes(info)
            elif name == "phi":
                out[name] = _phi(info, self.config.data_classes)
            elif name == "deidentification":
                out[name] = _deidentification(info)
            else:  # the others, as the whole step has them (a name it lacks stays absent)
                if whole is None:
                    whole = self.step(info, unit)
                if name in whole:
                    out[name] = whole[name]
        return out

    def _class_regimes(self, info: StepInfo) -> dict[str, list[str]]:
        known = self.config.data_classes
        return {c: list(known[c].regimes) if c in known else [] for c in info.classes}

    def route(self, info: StepInfo, unit: Unit) -> dict[str, Any]:
        routing = info.step.routing
        if unit.via == "fallback" and unit.aggregator_id is None and routing is not None \
                and self._is_aggregator(unit.endpoint_id):
            # A fallback through another aggregator than the step's: the step's routing (its
            # pins, its fallbacks off) is sent to its own aggregator only.
            routing = None
        key = (id(routing), unit.aggregator_id)
        found = self._routes.get(key)
        if found is None:
            found = self._routes[key] = self._route(routing, unit.aggregator_id)
        return found

    def _is_aggregator(self, endpoint_id: str) -> bool:
        catalog = self.config.catalog
        provider = catalog.providers.get(catalog.endpoints[endpoint_id].provider)
        return provider is not None and provider.kind == "aggregator"

    def _pinned(self, routing: Any) -> bool:
        """A pin is a pin only when every pinned provider is a concrete serving endpoint of the
        catalog: an unknown id, or an aggregator (the step's own included), pins nothing."""
        if routing is None or not routing.providers:
            return False
        catalog = self.config.catalog
        for pin in routing.providers:
            endpoint = catalog.endpoints.get(pin)
            provider = None if endpoint is None else catalog.providers.get(endpoint.provider)
            if provider is None or provider.kind == "aggregator":
                return False
        return True

    def _route(self, routing: Any, aggregator: str | None) -> dict[str, Any]:
        return {
            "aggregator": aggregator,
            "pinned": self._pinned(routing),
            "allowFallbacks": True if routing is None or routing.allow_fallbacks is None
            else routing.allow_fallbacks,
            "dataCollection": None if routing is None else routing.data_collection,
            "zeroDataRetention": None if routing is None else routing.zero_data_retention,
            "providers": [] if routing is None else list(routing.providers),
        }

    def transfer(self, workflow: dict[str, Any], step: dict[str, Any],
                 endpoint: dict[str, Any], provider: dict[str, Any]) -> dict[str, Any]:
        return self.transfer_for(bool(workflow["euSubjects"] and step["personal"]), endpoint, provider)

    def transfer_for(self, eu_personal: bool, endpoint: dict[str, Any],
                     provider: dict[str, Any]) -> dict[str, Any]:
        """`transfer` for personal data of EU subjects (or not) sent to this endpoint."""
        key = (eu_personal, endpoint["id"], provider["id"])
        found = self._transfers.get(key)
        if found is None:
            found = self._transfers[key] = self._transfer(eu_personal, endpoint, provider)
        return found

    def _transfer(self, eu_personal: bool, endpoint: dict[str, Any],
                  provider: dict[str, Any]) -> dict[str, Any]:
        places = [endpoint["country"], provider["jurisdiction"], provider["parentJurisdiction"]]
        unlawful: list[str] = []
        if eu_personal:
            # The Data Privacy Framework covers only US organisations certified under it, one
            # by one: a dpf mechanism counts for transfers to the US, for a provider whose
            # contract records dpf.
            certified = provider["contract"]["dpf"]
            mechanisms = {
                m.to for m in self.config.policy.spec.transfer_mechanisms
                if facts.in_eu(m.from_) and (m.mechanism != "dpf" or (certified and m.to == "US"))
            }
            for place in places:
                if place is None:
                    unlawful.append("unknown")
                elif not (facts.in_eu(place) or place in self.config.adequate or place in mechanisms):
                    unlawful.append(place)
        return {"places": [p if p is not None else "unknown" for p in places],
                "unlawful": sorted(set(unlawful))}

    def bulk_for(self, info: StepInfo, provider_id: str) -> dict[str, Any]:
        key = (provider_id, tuple(info.bulk_categories))
        found = self._bulks.get(key)
        if found is None:
            found = self._bulks[key] = self._bulk_for(info, provider_id)
        return found

    def _bulk_for(self, info: StepInfo, provider_id: str) -> dict[str, Any]:
        records, _ = self.bulk.get(provider_id, (None, True))
        thresholds = [facts.BULK_THRESHOLDS[c] for c in info.bulk_categories
                      if c in facts.BULK_THRESHOLDS]
        threshold = min(thresholds) if thresholds else None
        exceeded = threshold is not None and (records is None or records > threshold)
        return {"records": records, "threshold": threshold, "exceeded": exceeded,
                "undeclared": records is None, "personal": bool(info.bulk_categories)}

    def unit(self, info: StepInfo, unit: Unit, workflow_usd: float, manifest_usd: float,
             names: tuple[str, ...] | None = None,
             step_fields: frozenset[str] | None = None) -> dict[str, Any]:
        """The full step-scope context of docs/context.md for one unit; with `names` (some of
        `UNIT_VARIABLES`, in its order), only those variables, and with `step_fields`, only
        those fields of the step, for rules that read no others: a check with `--select HIPAA`
        builds no tiers, bulk or transfer for any unit, and four fields of its step."""
        if names is not None:
            return self._some(info, unit, workflow_usd, manifest_usd, names, step_fields)
        catalog = self.config.catalog
        model = catalog.models[unit.model_id]
        endpoint = catalog.endpoints[unit.endpoint_id]
        provider = catalog.providers[endpoint.provider]
        step = self.step(info, unit)
        workflow = self.workflow(info, workflow_usd)
        endpoint_ctx = self.endpoint(endpoint, model.id)
        provider_ctx = self.provider(provider)
        return {
            "step": step, "workflow": workflow,
            "manifest": self.manifest(info.source.manifest, manifest_usd),
            "model": self.model(model), "endpoint": endpoint_ctx, "provider": provider_ctx,
            "route": self.route(info, unit), "tier": self.tier(info.tier),
            "tiers": self.tier_list(info.tiers),
            "bulk": self.bulk_for(info, provider.id),
            "transfer": self.transfer(workflow, step, endpoint_ctx, provider_ctx),
            "policy": self.policy(), "today": self.today_text,
        }

    def _some(self, info: StepInfo, unit: Unit, workflow_usd: float, manifest_usd: float,
              names: tuple[str, ...], step_fields: frozenset[str] | None) -> dict[str, Any]:
        """`unit` with only `names` built (`transfer` needs the workflow, step, endpoint and
        provider, which it builds without keeping)."""
        catalog = self.config.catalog
        endpoint = catalog.endpoints[unit.endpoint_id]
        data: dict[str, Any] = {}
        needs_transfer = "transfer" in names
        step = None
        if "step" in names and step_fields is not None and not needs_transfer:
            step = self.step_fields(info, unit, step_fields)
        elif "step" in names or needs_transfer:
            step = self.step(info, unit)
        workflow = self.workflow(info, workflow_usd) if "workflow" in names or needs_transfer \
            else None
        endpoint_ctx = self.endpoint(endpoint, unit.model_id) \
            if "endpoint" in names or needs_transfer else None
        provider_ctx = self.provider(catalog.providers[endpoint.provider]) \
            if "provider" in names or needs_transfer else None
        for name in names:
            if name == "step":
                data[name] = step
            elif name == "workflow":
                data[name] = workflow
            elif name == "manifest":
                data[name] = self.manifest(info.source.manifest, manifest_usd)
            elif name == "model":
                data[name] = self.model(catalog.models[unit.model_id])
            elif name == "endpoint":
                data[name] = endpoint_ctx
            elif name == "provider":
                data[name] = provider_ctx
            elif name == "route":
                data[name] = self.route(info, unit)
            elif name == "tier":
                data[name] = self.tier(info.tier)
            elif name == "tiers":
                data[name] = self.tier_list(info.tiers)
            elif name == "bulk":
                data[name] = self.bulk_for(info, endpoint.provider)
            elif name == "transfer":
                assert workflow is not None and step is not None
                assert endpoint_ctx is not None and provider_ctx is not None
                data[name] = self.transfer(workflow, step, endpoint_ctx, provider_ctx)
            elif name == "policy":
                data[name] = self.policy()
            elif name == "today":
                data[name] = self.today_text
            else:
                raise KeyError(f"no variable {name!r} in a unit's context")
        return data

    # -- the scopes across manifests: spend against a budget, teams, the organisation ---------
    def spend(self, subject: str, monthly: float, budget: float | None) -> dict[str, Any]:
        """`spend` of the manifest, team and org scopes: a total against its ceiling."""
        percent = self.config.policy.spec.budgets.warn_at_percent
        return {
            "subject": subject, "monthlyUsd": monthly, "budgetUsd": budget,
            "warnAtPercent": percent,
            "warnUsd": None if budget is None else budget * percent / 100.0,
        }

    def team(self, team: str, monthly: float, budget: float | None,
             manifests: list[str], budgeted_as: list[str] | None = None) -> dict[str, Any]:
        """The context of the team scope; `budgeted_as`, the budgeted teams whose names read
        as this one's (`engine.lookalike`)."""
        ceiling = None if budget is None else float(budget)
        data: dict[str, Any] = {
            "team": {"name": team, "monthlyUsd": monthly, "budgetUsd": ceiling,
                     "manifests": sorted(manifests), "budgetedAs": budgeted_as or []},
            "spend": self.spend(f"team {team}", monthly, ceiling),
            "policy": self.policy(), "today": self.today_text,
        }
        data["team"]["warnUsd"] = data["spend"]["warnUsd"]
        return data

    def org(self, monthly: float, budget: float | None, manifests: list[str]) -> dict[str, Any]:
        """The context of the org scope."""
        ceiling = None if budget is None else float(budget)
        data: dict[str, Any] = {
            "org": {"monthlyUsd": monthly, "budgetUsd": ceiling, "manifests": manifests},
            "spend": self.spend("org", monthly, ceiling),
            "policy": self.policy(), "today": self.today_text,
        }
        data["org"]["warnUsd"] = data["spend"]["warnUsd"]
        return data

UNIT_VARIABLES = ("step", "workflow", "manifest", "model", "endpoint", "provider", "route", "tier",
                  "tiers", "bulk", "transfer", "policy", "today")
"""The variables of `ContextFactory.unit`, in its order."""


_STEP_PLAIN = {"dataClasses": "classes", "tier": "tier", "regimes": "regimes",
               "dataRegimes": "data_regimes", "categories": "categories",
               "droppedClasses": "dropped", "droppedRegimes": "dropped_regimes"}
"""The fields of `step` that are a `StepInfo`'s own values, by the attribute that holds each."""


def _phi(info: StepInfo, known: dict[str, Any]) -> bool:
    """`step.phi`. 45 CFR 160.103: under HIPAA, identifiers held with health information are
    PHI; so is every class of the hipaa regime (docs/context.md). `known`: the data classes."""
    return "phi" in info.classes or ("hipaa" in info.regimes and (
        "health" in info.categories or "identifiers" in info.categories
        or any("hipaa" in known[c].regimes for c in info.classes if c in known)))


def _deidentification(info: StepInfo) -> dict[str, Any] | None:
    deid = info.step.deidentification
    return None if deid is None else {
        "method": deid.method, "performedBy": deid.performed_by, "reference": deid.reference,
        "performerKnown": _performer_known(info),
    }


def _performer_known(info: StepInfo) -> bool:
    """`performedBy` names an earlier step of the same workflow that holds every class this
    step leaves out (it receives the data before identifiers are removed, and is judged with
    it), or `external` with a reference. Two steps naming each other cannot lift a class."""
    deid = info.step.deidentification
    if deid is None:
        return False
    if deid.performed_by == "external":
        return bool(deid.reference and deid.reference.strip())
    for step in info.workflow.steps[:info.si]:
        if step.name == deid.performed_by:
            held = step.data_classes if step.data_classes is not None else info.workflow.data_classes
            return set(info.dropped) <= set(held)
    return False


def _retention(days: int | None) -> str:
    """How long an endpoint keeps prompts and outputs, as a message says it."""
    if days is None:
        return "not known, which counts as unlimited"
    return f"{days} day" if days == 1 else f"{days} days"


def _days_after(day: dt.date, days: int) -> dt.date:
    """`day` + `days`, or the last day there is (`--date 9999-12-01` is a date)."""
    try:
        return day + dt.timedelta(days=days)
    except OverflowError:
        return dt.date.max
