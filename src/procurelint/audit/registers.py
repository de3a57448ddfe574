"""Registers that each kind of reviewer expects, built from one repository's run.

A hospital's privacy officer asks for the business associates that receive PHI and their
subcontractors; a bank's third-party risk team for its vendor inventory with fourth parties;
a federal contractor's security officer for the FedRAMP level and impact level of every
endpoint federal data reaches; everyone for the 28 CFR Part 202 volumes per provider, the
evidence on file per provider, and the statutory rules the policy leaves out or waives.
Plain JSON values, like the rest of the report's data, so that merged reports rebuild them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from procurelint import facts
from procurelint.findings import Result
from procurelint.policy.config import Config

Json = dict[str, Any]
FEDERAL = ("federal", "federal-cui", "itar")
TERMS = ("zeroDataRetention", "noTraining", "pciDss", "dpa", "dpf", "qsoa", "soc2")


def _statutory(citations: list[str]) -> bool:
    """A rule that cites a law, regulation or standard, not only the organisation's policy."""
    return any(not c.startswith("policy:") for c in citations)


def _phi(config: Config, step: Json) -> bool:
    classes = config.data_classes
    if "phi" in step["dataClasses"]:
        return True
    return "hipaa" in step["regimes"] and (
        "health" in step["categories"] or "identifiers" in step["categories"]
        or any(c in classes and "hipaa" in classes[c].regimes for c in step["dataClasses"]))


def _financial(step: Json) -> bool:
    return ("npi" in step["dataClasses"] or "cardholder" in step["dataClasses"]
            or (("glba" in step["regimes"] or "pci" in step["regimes"])
                and "financial" in step["categories"]))


def _federal(config: Config, manifest: Json, step: Json) -> bool:
    classes = config.data_classes
    if any(r in FEDERAL for r in manifest["regimes"]):
        return True
    return any(c != "government-related" and c in classes
               and any(r in FEDERAL for r in classes[c].regimes) for c in step["dataClasses"])


def build_registers(config: Config, result: Result, manifests: list[Json], today: dt.date) -> Json:
    catalog = config.catalog
    agreements = config.policy.spec.agreements
    reached: dict[str, set[str]] = {}
    associates: dict[str, Json] = {}
    vendors: dict[str, Json] = {}
    federal: dict[str, Json] = {}
    volumes: dict[str, dict[str, dict[str, int | None]]] = {}
    for manifest in manifests:
        for workflow in manifest["workflows"]:
            for step in workflow["steps"]:
                pins = [r["endpoint"] for r in step["routes"] if r["via"] == "routing"]
                pin_providers = sorted({catalog.endpoints[e].provider for e in pins
                                        if e in catalog.endpoints})
                for route in step["routes"]:
                    endpoint = catalog.endpoints.get(route["endpoint"])
                    if endpoint is None:
                        continue
                    provider = endpoint.provider
                    reached.setdefault(provider, set()).add(endpoint.id)
                    aggregator = catalog.providers[provider].kind == "aggregator"
                    fourth = pin_providers if aggregator else []
                    if _phi(config, step):
                        row = associates.setdefault(provider, {"steps": set(), "subcontractors": set()})
                        row["steps"].add(step["path"])
                        row["subcontractors"].update(fourth)
                    if _financial(step):
                        row = vendors.setdefault(provider, {"tiers": set(), "fourthParties": set(),
                                                            "steps": set()})
                        row["tiers"].add(step["tier"])
                        row["steps"].add(step["path"])
                        row["fourthParties"].update(fourth)
                    if _federal(config, manifest, step):
                        federal.setdefault(endpoint.id, {"steps": set()})["steps"].add(step["path"])
                    # 28 CFR 202.206: de-identified data still counts, so the workflow's
                    # categories apply whatever a step narrows its classes to.
                    categories = sorted(set(step["categories"]) | {
                        cat for c in workflow["dataClasses"] if c in config.data_classes
                        for cat in config.data_classes[c].categories})
                    if categories:
                        ledger = volumes.setdefault(provider, {})
                        for category in categories:
                            per = ledger.setdefault(category, {})
                            per[f"{manifest['name']}/{workflow['name']}"] = workflow["recordsPerYear"]

    def contracts(provider: str) -> list[Json]:
        out = []
        for c in agreements.contracts:
            if c.provider != provider:
                continue
            terms = [t for t, on in zip(TERMS, (c.zero_data_retention, c.no_training, c.pci_dss,
                                                c.dpa, c.dpf, c.qsoa, c.soc2)) if on]
            out.append({"ref": c.ref, "expires": None if c.expires is None else c.expires.isoformat(),
                        "expired": c.expires is not None and c.expires < today, "terms": terms})
        return out

    def vendor(provider: str) -> Json | None:
        v = next((v for v in agreements.vendors if v.provider == provider), None)
        return None if v is None else {"approved": v.approved, "assessedOn": v.assessed_on.isoformat()}

    def identity(provider: str) -> Json:
        p = catalog.providers[provider]
        places = (p.jurisdiction, p.parent_jurisdiction)
        return {"provider": p.id, "name": p.name, "kind": p.kind, "jurisdiction": p.jurisdiction,
                "parentJurisdiction": p.parent_jurisdiction,
                "foreign": None if None in places else any(x != "US" for x in places),
                "coveredPerson": p.jurisdiction != "US"
                and any(x is None or x in facts.COUNTRIES_OF_CONCERN for x in places)}

    evidence = []
    for provider in sorted(reached):
        certifications = sorted({c for e in reached[provider] for c in catalog.endpoints[e].certifications})
        evidence.append({**identity(provider), "endpoints": sorted(reached[provider]),
                         "baaSigned": provider in agreements.baa, "contracts": contracts(provider),
                         "vendor": vendor(provider), "certifications": certifications})
    rank = config.tier_rank
    return {
        "evidence": evidence,
        "businessAssociates": [
            {**identity(p), "baaSigned": p in agreements.baa, "steps": len(row["steps"]),
             "subcontractors": sorted(row["subcontractors"])}
            for p, row in sorted(associates.items())],
        "vendors": [
            {**identity(p), "vendor": vendor(p), "steps": len(row["steps"]),
             "criticality": max(row["tiers"], key=lambda t: rank.get(t, -1)),
             "fourthParties": sorted(row["fourthParties"])}
            for p, row in sorted(vendors.items())],
        "federal": [
            {"endpoint": e, "provider": catalog.endpoints[e].provider,
             "fedramp": catalog.endpoints[e].fedramp,
             "dodImpactLevel": catalog.endpoints[e].dod_impact_level,
             "usPersonsOnly": catalog.endpoints[e].us_persons_only, "steps": len(row["steps"])}
            for e, row in sorted(federal.items())],
        "part202": [
            {**identity(p), "categories": [
                {"category": cat, "threshold": facts.BULK_THRESHOLDS.get(cat),
                 "records": None if any(v is None for v in per.values()) else sum(
                     v for v in per.values() if v is not None),
                 "workflows": sorted(per)}
                for cat, per in sorted(ledger.items())]}
            for p, ledger in sorted(volumes.items())],
        "statutoryGaps": _gaps(config, result),
    }


def _gaps(config: Config, result: Result) -> list[Json]:
    """Rules that cite a statute, regulation or standard and that the policy turned off (a
    disabled rule or pack) or whose findings a waiver covers."""
    from procurelint.policy.packs import builtin_pack

    gaps: list[Json] = []
    disabled = set(config.policy.spec.disable)
    for pack in config.packs:
        for rule in pack.pack.spec.rules:
            if rule.id in disabled and _statutory(list(rule.citations)):
                gaps.append({"rule": rule.id, "title": rule.title, "how": "rule disabled",
                             "citations": list(rule.citations), "target": None})
    for name in config.disabled_packs:
        for rule in builtin_pack(name).pack.spec.rules:
            if _statutory(list(rule.citations)):
                gaps.append({"rule": rule.id, "title": rule.title, "how": f"pack {name} disabled",
                             "citations": list(rule.citations), "target": None})
    for f in result.findings:
        meta = result.rules.get(f.rule)
        if f.waived and meta is not None and _statutory(list(meta.citations)):
            gaps.append({"rule": f.rule, "title": meta.title,
                         "how": f"waived by {(f.waiver or {}).get('id')}",
                         "citations": list(meta.citations), "target": f.path})
    return gaps
