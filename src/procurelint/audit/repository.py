"""The report's data of one repository, built from a run of `check`.

Everything a renderer shows is here or in `views.py`, as plain JSON values, so the JSON report
is the model and `report --merge` can rebuild the same views from several repositories' JSON.
Amounts on steps are unrounded USD (sums across repositories stay exact); totals are rounded
to the cent.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from procurelint.audit.registers import build_registers
from procurelint.audit.views import severity_counts
from procurelint.policy.config import Config
from procurelint.engine.alternatives import cheapest_compliant
from procurelint.engine.evaluate import Evaluation
from procurelint.engine.judgement import FIRED
from procurelint.engine.verdicts import RuleVerdicts
from procurelint.engine.units import ManifestInput, StepInfo, Unit
from procurelint.findings import Finding, Result

Json = dict[str, Any]
EXPIRING_DAYS = 30


Reported = tuple[dict[tuple[str, str], bool], set[str]]
"""What every slice needs of the whole run: the (rule, path) of each finding, with whether
all of those findings are waived, and the paths with findings."""


def reported(result: Result) -> Reported:
    """The request that `manifests_of_slice` answers for each slice of a run."""
    by_rule_path: dict[tuple[str, str], list[Finding]] = defaultdict(list)
    for f in result.findings:
        by_rule_path[(f.rule, f.path)].append(f)
    waived = {key: all(f.waived for f in found) for key, found in by_rule_path.items()}
    return waived, {f.path for f in result.findings}


def manifests_of_slice(evaluation: Evaluation, request: Reported) -> list[Json]:
    """The report data of the selected manifests of one slice of a run, with every step
    rule's verdict per route and, for a step with findings, its cheapest compliant offer.
    Runs where the slice was judged (a worker process, or this one)."""
    waived, with_findings = request
    config = evaluation.factory.config
    verdicts = RuleVerdicts(config, evaluation, set(waived))
    units: dict[int, list[Unit]] = defaultdict(list)
    for unit in evaluation.walk.units:
        units[id(unit.info)].append(unit)
    steps: dict[tuple[int, int], list[StepInfo]] = defaultdict(list)
    for info in evaluation.walk.steps:
        steps[(id(info.source), info.wi)].append(info)

    def step_data(info: StepInfo) -> Json:
        routes = _routes(config, info, units[id(info)], verdicts, waived)
        primary = next((u for u in units[id(info)] if u.via == "primary"), None)
        alternative = None
        if info.path in with_findings and primary is not None:
            alternative = cheapest_compliant(evaluation.alternatives, info, primary)
        return _step(info, routes, alternative)

    sources: dict[int, tuple[ManifestInput, list[Json]]] = {}
    for source, workflow, wi in evaluation.walk.workflows:
        if source.selected:
            _, workflows = sources.setdefault(id(source), (source, []))
            workflows.append(_workflow(source, workflow, wi,
                                       [step_data(i) for i in steps[(id(source), wi)]]))
    return [_manifest(source, workflows) for source, workflows in sources.values()]


def build_repository(config: Config, result: Result, manifests: list[Json], name: str,
                     today: dt.date) -> Json:
    """The report data of one repository's run, from its result and its slices' manifests."""
    manifests = sorted(manifests, key=lambda m: (m["file"], m["line"], m["name"]))
    spec = config.policy.spec
    extra = {"discovered": discovered(config)} if spec.discovery.enabled else {}
    return extra | {
        "name": name,
        "policy": {
            "name": config.policy.metadata.name, "version": config.policy.metadata.version,
            "failOn": result.fail_on, "disabledPacks": list(config.disabled_packs),
            "disabledRules": sorted(spec.disable),
        },
        "verdict": "failed" if result.failed else "passed",
        "summary": _repository_summary(result),
        "budgets": {
            "orgMonthlyUsd": spec.budgets.org_monthly_usd,
            "teams": dict(sorted(spec.budgets.teams.items())),
            "warnAtPercent": spec.budgets.warn_at_percent,
        },
        "catalog": _catalog_facts(config, manifests),
        "registers": build_registers(config, result, manifests, today),
        "manifests": manifests,
        "findings": [dict(f.to_json(), regime=_regime(result, f.rule)) for f in result.findings],
        "waivers": _waivers(config, result.findings, today),
        "rules": [
            {"id": r.id, "title": r.title, "severity": r.severity, "pack": r.pack,
             "regime": r.regime or r.pack, "rationale": r.rationale,
             "citations": list(r.citations), "remediation": r.remediation,
             "caveats": [" ".join(c.split()) for c in r.caveats]}
            for r in result.rules.values()
        ],
    }


def discovered(config: Config) -> list[Json]:
    """The repository's discovered model uses (the policy's `discovery.enabled`), for the AI-BOM's
    evidence of occurrence."""
    from procurelint.run.discovery import discovered_uses

    return [{k: use[k] for k in ("file", "line", "column", "how", "literal", "model", "endpoint")}
            for use in discovered_uses(config)]


def _regime(result: Result, rule_id: str) -> str:
    meta = result.rules.get(rule_id)
    if meta is None:
        return "other"
    return meta.regime or meta.pack


def _repository_summary(result: Result) -> Json:
    regimes: dict[str, Json] = {}
    for f in result.findings:
        row = regimes.setdefault(_regime(result, f.rule), severity_counts())
        row["waived" if f.waived else f.severity] += 1
    s = result.summary
    return {
        "files": s.files, "manifests": s.manifests, "workflows": s.workflows, "steps": s.steps,
        "findings": {"error": result.count("error"), "warning": result.count("warning"),
                     "info": result.count("info"), "waived": result.waived},
        "regimes": [dict(regime=k, **v) for k, v in sorted(regimes.items())],
    }


def _manifest(source: ManifestInput, workflows: list[Json]) -> Json:
    m = source.manifest
    return {
        "name": m.metadata.name, "team": m.metadata.team, "owner": m.metadata.owner,
        "description": m.metadata.description, "environment": m.spec.environment,
        "file": source.doc.file, "line": source.location("metadata", "name").line,
        "regimes": list(m.spec.regimes), "dataSubjects": list(m.spec.data_subjects),
        "budgetUsd": None if m.spec.budget is None else float(m.spec.budget.monthly_usd),
        "monthlyUsd": sum(s["monthlyUsd"] for w in workflows for s in w["steps"]),
        "workflows": workflows,
    }


def _workflow(source: ManifestInput, workflow: Any, wi: int, steps: list[Json]) -> Json:
    return {
        "name": workflow.name, "description": workflow.description,
        "line": source.location("spec", "workflows", wi, "name").line,
        "runsPerMonth": workflow.runs_per_month, "dataClasses": list(workflow.data_classes),
        "recordsPerYear": workflow.records_per_year,
        "dataSubjects": None if workflow.data_subjects is None else list(workflow.data_subjects),
        "monthlyUsd": sum(s["monthlyUsd"] for s in steps),
        "steps": steps,
    }


def _step(info: StepInfo, routes: list[Json], alternative: Json | None) -> Json:
    step = info.step
    return {
        "name": step.name, "path": info.path, "line": info.location("name").line,
        "description": step.description, "dataClasses": list(info.classes), "tier": info.tier,
        "tiers": list(info.tiers), "regimes": list(info.regimes),
        "categories": list(info.categories),
        "deidentification": None if step.deidentification is None else {
            "method": step.deidentification.method,
            "performedBy": step.deidentification.performed_by,
        },
        "hasTokens": step.tokens_per_call is not None,
        "monthlyTokens": info.tokens.as_dict(), "monthlyUsd": info.monthly_usd,
        "routes": routes, "alternative": alternative,
    }


def _routes(config: Config, info: StepInfo, units: list[Unit], verdicts: RuleVerdicts,
            waived: dict[tuple[str, str], bool]) -> list[Json]:
    """Every endpoint the step declares: primary, fallbacks, routing pins (judged or not)."""
    step = info.step
    declared: list[tuple[str, str, str, str | None]] = [("primary", step.model, step.endpoint, None)]
    declared += [("fallback", f.model, f.endpoint, None) for f in step.fallbacks]
    if step.routing is not None:
        declared += [("routing", step.model, pin, step.endpoint) for pin in step.routing.providers]
    judged = {(u.via, u.model_id, u.endpoint_id): u for u in units}
    routes = []
    for via, model, endpoint, aggregator in declared:
        unit = judged.get((via, model, endpoint))
        rules = {} if unit is None else verdicts.unit(unit)
        for rule_id, outcome in rules.items():
            if outcome == FIRED and waived.get((rule_id, info.path), False):
                rules[rule_id] = "waived"
        routes.append({
            "via": via, "model": model, "endpoint": endpoint, "aggregator": aggregator,
            "judged": unit is not None,
            "offered": config.catalog.offer(endpoint, model) is not None,
            "monthlyUsd": 0.0 if unit is None else unit.monthly_usd,
            "rules": rules,
        })
    return routes


def _catalog_facts(config: Config, manifests: list[Json]) -> Json:
    """The catalog's facts about every model and endpoint the manifests use."""
    models: set[str] = set()
    endpoints: set[str] = set()
    for route in _all_routes(manifests):
        models.add(route["model"])
        endpoints.add(route["endpoint"])
    return {
        "models": {m: _model_facts(config, m) for m in sorted(models)},
        "endpoints": {e: _endpoint_facts(config, e) for e in sorted(endpoints)},
    }


def _all_routes(manifests: list[Json]) -> list[Json]:
    return [r for m in manifests for w in m["workflows"] for s in w["steps"] for r in s["routes"]]


def _model_facts(config: Config, model_id: str) -> Json:
    model = config.catalog.models.get(model_id)
    entry = next((e for e in config.policy.spec.model_inventory if e.model == model_id), None)
    validation = None if entry is None else {
        "validatedOn": entry.validated_on.isoformat(), "uses": list(entry.uses)}
    if model is None:
        return {"id": model_id, "known": False, "name": None, "developer": None,
                "developerJurisdiction": None, "openWeights": None, "capability": None,
                "restrictions": [], "validation": validation, "sources": []}
    return {
        "id": model.id, "known": True, "name": model.name, "developer": model.developer,
        "developerJurisdiction": model.developer_jurisdiction, "openWeights": model.open_weights,
        "capability": model.capability, "restrictions": list(model.restrictions),
        "validation": validation, "sources": list(model.sources),
    }


def _endpoint_facts(config: Config, endpoint_id: str) -> Json:
    catalog = config.catalog
    endpoint = catalog.endpoints.get(endpoint_id)
    if endpoint is None:
        return {"id": endpoint_id, "known": False, "region": None, "country": None,
                "provider": None, "hipaaBaa": None, "baaSigned": None, "fedramp": None,
                "dodImpactLevel": None, "crossBorderRouting": None, "certifications": [],
                "usPersonsOnly": None, "trainsOnInputs": None, "retentionDays": None,
                "vendor": None, "sources": []}
    provider = catalog.providers[endpoint.provider]
    agreements = config.policy.spec.agreements
    vendor = next((v for v in agreements.vendors if v.provider == provider.id), None)
    return {
        "id": endpoint.id, "known": True, "region": endpoint.region, "country": endpoint.country,
        "provider": {"id": provider.id, "name": provider.name, "kind": provider.kind,
                     "jurisdiction": provider.jurisdiction,
                     "parentJurisdiction": provider.parent_jurisdiction},
        "hipaaBaa": endpoint.hipaa_baa, "baaSigned": provider.id in agreements.baa,
        "fedramp": endpoint.fedramp, "dodImpactLevel": endpoint.dod_impact_level,
        "crossBorderRouting": endpoint.cross_border_routing,
        "certifications": list(endpoint.certifications), "usPersonsOnly": endpoint.us_persons_only,
        "trainsOnInputs": endpoint.data_policy.trains_on_inputs,
        "retentionDays": endpoint.data_policy.retention_days,
        "vendor": None if vendor is None else {
            "approved": vendor.approved, "assessedOn": vendor.assessed_on.isoformat()},
        "sources": list(endpoint.sources),
    }


def _waivers(config: Config, findings: list[Finding], today: dt.date) -> Json:
    entries = []
    if config.waivers is not None:
        for w in config.waivers.spec.waivers:
            days = (w.expires - today).days
            covered = [f for f in findings if f.waiver is not None and f.waiver.get("id") == w.id]
            entries.append({
                "id": w.id, "rule": w.rule, "target": w.target, "reason": w.reason,
                "approvedBy": w.approved_by, "ticket": w.ticket, "expires": w.expires.isoformat(),
                "status": "expired" if days < 0 else ("expiring" if days <= EXPIRING_DAYS else "active"),
                "daysLeft": days, "findings": len(covered),
                "waived": sum(1 for f in covered if f.waived),
            })
    entries.sort(key=lambda e: (e["expires"], e["id"]))
    return {"file": config.waivers_file, "entries": entries}
