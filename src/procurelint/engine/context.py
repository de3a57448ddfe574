"""Building the CEL evaluation context of docs/context.md.

Catalog entries and tiers become dicts once per run and are shared by every unit that uses
them; only the step-specific parts are built per unit.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from procurelint import facts
from procurelint.policy.config import Config
from procurelint.engine.units import StepInfo, Unit

if TYPE_CHECKING:  # at run time these are records (procurelint.documents.records) that read alike
    from procurelint.documents.models.catalog_model import Endpoint, Model, Provider
    from procurelint.documents.models.policy_model import Tier


def _age(day: dt.date, today: dt.date) -> int:
    return (today - day).days


@dataclass(slots=True)
class ContextFactory:
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
                "coveredPerson": any(p is None or p in facts.COUNTRIES_OF_CONCERN for p in places),
                "baaSigned": provider.id in spec.agreements.baa,
                "vendor": None if vendor is None else {
                    "approved": vendor.approved,
                    "assessedOn": vendor.assessed_on.isoformat(),
                    "ageDays": _age(vendor.assessed_on, self.today),
                },
            }
            self._providers[provider.id] = found
        return found

    def endpoint(self, endpoint: Endpoint, model_id: str) -> dict[str, Any]:
        key = (endpoint.id, model_id)
        found = self._endpoints.get(key)
        if found is None:
            catalog = self.config.catalog
            price = catalog.offer(endpoint.id, model_id)
            provider = catalog.providers[endpoint.provider]
            found = {
                "id": endpoint.id, "provider": endpoint.provider, "country": endpoint.country,
                "region": endpoint.region, "hipaaBaa": endpoint.hipaa_baa,
                "fedramp": endpoint.fedramp, "fedrampRank": facts.FEDRAMP_RANK[endpoint.fedramp],
                "dodImpactLevel": endpoint.dod_impact_level,
                "crossBorderRouting": endpoint.cross_border_routing,
                "certifications": list(endpoint.certifications),
                "usPersonsOnly": endpoint.us_persons_only,
                "dataPolicy": {
                    "trainsOnInputs": endpoint.data_policy.trains_on_inputs,
                    "retentionDays": endpoint.data_policy.retention_days,
                },
                "isAggregator": provider.kind == "aggregator",
                "countryOfConcern": endpoint.country is None
                or endpoint.country in facts.COUNTRIES_OF_CONCERN,
                "offer": None if price is None else {
                    "input": float(price.input), "output": float(price.output),
                    "cachedInput": float(price.cached_input if price.cached_input is not None else price.input),
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
        return {
            "name": s.name, "path": info.path, "dataClasses": info.classes,
            "tier": info.tier, "tierRank": self.config.tier_rank[info.tier],
            "regimes": info.regimes, "categories": info.categories,
            "personal": bool(info.categories),
            "governmentRelated": "government-related" in info.classes,
            "droppedClasses": info.dropped, "droppedRegimes": info.dropped_regimes,
            "deidentification": None if s.deidentification is None else {
                "method": s.deidentification.method,
                "performedBy": s.deidentification.performed_by,
            },
            "callsPerRun": s.calls_per_run, "hasTokens": s.tokens_per_call is not None,
            "monthlyTokens": info.tokens.as_dict(), "monthlyUsd": unit.monthly_usd,
            "via": unit.via, "environment": info.source.manifest.spec.environment,
        }

    def route(self, info: StepInfo, unit: Unit) -> dict[str, Any]:
        key = (id(info.step.routing), unit.aggregator_id)
        found = self._routes.get(key)
        if found is None:
            found = self._routes[key] = self._route(info, unit)
        return found

    def _route(self, info: StepInfo, unit: Unit) -> dict[str, Any]:
        routing = info.step.routing
        aggregator = unit.aggregator_id
        return {
            "aggregator": aggregator,
            "pinned": bool(routing and routing.providers),
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
            mechanisms = {
                m.to for m in self.config.policy.spec.transfer_mechanisms if facts.in_eu(m.from_)
            }
            for place in places:
                if place is None:
                    unlawful.append("unknown")
                elif not (facts.in_eu(place) or place in self.config.adequate or place in mechanisms):
                    unlawful.append(place)
        return {"places": [p if p is not None else "unknown" for p in places],
                "unlawful": sorted(set(unlawful))}

    def bulk_for(self, info: StepInfo, provider_id: str) -> dict[str, Any]:
        key = (provider_id, tuple(info.categories))
        found = self._bulks.get(key)
        if found is None:
            found = self._bulks[key] = self._bulk_for(info, provider_id)
        return found

    def _bulk_for(self, info: StepInfo, provider_id: str) -> dict[str, Any]:
        records, _ = self.bulk.get(provider_id, (None, True))
        thresholds = [facts.BULK_THRESHOLDS[c] for c in info.categories if c in facts.BULK_THRESHOLDS]
        threshold = min(thresholds) if thresholds else None
        exceeded = threshold is not None and (records is None or records > threshold)
        return {"records": records, "threshold": threshold, "exceeded": exceeded,
                "undeclared": records is None}

    def unit(self, info: StepInfo, unit: Unit, workflow_usd: float, manifest_usd: float) -> dict[str, Any]:
        """The full step-scope context of docs/context.md for one unit."""
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
