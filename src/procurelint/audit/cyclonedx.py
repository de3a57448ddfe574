"""The AI bill of materials: CycloneDX 1.6 JSON built from the report's inventory.

Models are `machine-learning-model` components with their developer as manufacturer; endpoints
are services, with the data classes that reach them as `data` (flow and classification) and a
trust zone `<provider kind>:<serving country>`; manifests are applications that depend on both.
Where the policy enables discovery, the places code and configs use a model are its
`evidence.occurrences`, and a discovered model no manifest declares is a component too.
Facts the catalog does not know appear as properties with the value "unknown", never omitted
silently. The serial number derives from the evidence digest, so the same inputs give the same
BOM.
"""

from __future__ import annotations

import uuid
from typing import Any

from procurelint.wording import fact_text
from procurelint.audit import Report
from procurelint import jsontext

Json = dict[str, Any]
SPEC_VERSION = "1.6"
PREFIX = "procurelint:"


def _props(pairs: list[tuple[str, Any]]) -> list[Json]:
    return [{"name": PREFIX + name, "value": fact_text(value)} for name, value in pairs]


def _organisation(name: str | None, country: str | None) -> Json:
    entity: Json = {"name": name if name is not None else "unknown"}
    if country is not None:
        entity["address"] = {"country": country}
    return entity


def _ref(kind: str, entry: Json) -> str:
    suffix = f"@{entry['repositories'][0]}" if entry["conflict"] else ""
    return f"{kind}:{entry['id']}{suffix}"


def _model(m: Json) -> Json:
    component: Json = {
        "type": "machine-learning-model", "bom-ref": _ref("model", m),
        "name": m["name"] if m["name"] is not None else m["id"],
        "manufacturer": _organisation(m["developer"], m["developerJurisdiction"]),
        "description": f"catalog model {m['id']}",
    }
    urls = [s for s in m["sources"] if s.startswith(("https://", "http://"))]
    if urls:
        component["externalReferences"] = [{"type": "documentation", "url": u} for u in urls]
    component["properties"] = _props([
        ("catalogId", m["id"]), ("inCatalog", m["known"]),
        ("developerJurisdiction", m["developerJurisdiction"]), ("openWeights", m["openWeights"]),
        ("capability", m["capability"]), ("restrictions", m["restrictions"] if m["known"] else None),
        ("validatedOn", m["validation"]["validatedOn"] if m["validation"] else "not validated"),
        ("dataClasses", m["dataClasses"]), ("repositories", m["repositories"]),
    ])
    return component


def _service(e: Json) -> Json:
    p = e["provider"] or {"id": None, "name": None, "kind": None, "jurisdiction": None,
                          "parentJurisdiction": None}
    service: Json = {
        "bom-ref": _ref("endpoint", e),
        "provider": _organisation(p["name"], p["jurisdiction"]),
        "name": e["id"],
        "description": f"inference endpoint {e['id']}" + (f" ({e['region']})" if e["region"] else ""),
        "x-trust-boundary": p["kind"] != "self-hosted",
        "trustZone": f"{p['kind'] or 'unknown'}:{e['country'] or 'unknown'}",
        "data": [{"flow": "bi-directional", "classification": cls,
                  "name": f"prompts and completions holding {cls} data"} for cls in e["dataClasses"]],
    }
    if p["id"] is not None:
        service["group"] = p["id"]
    urls = [s for s in e["sources"] if s.startswith(("https://", "http://"))]
    if urls:
        service["externalReferences"] = [{"type": "documentation", "url": u} for u in urls]
    service["properties"] = _props([
        ("inCatalog", e["known"]), ("servingCountry", e["country"]),
        ("providerJurisdiction", p["jurisdiction"]), ("providerParentJurisdiction", p["parentJurisdiction"]),
        ("providerKind", p["kind"]), ("hipaaBaa", e["hipaaBaa"]), ("baaSigned", e["baaSigned"]),
        ("fedramp", e["fedramp"]), ("crossBorderRouting", e["crossBorderRouting"]),
        ("certifications", e["certifications"] if e["known"] else None),
        ("trainsOnInputs", e["trainsOnInputs"]), ("retentionDays", e["retentionDays"]),
        ("tiers", e["tiers"]), ("monthlyUsd", f"{e['monthlyUsd']:.2f}"),
        ("repositories", e["repositories"]),
    ])
    return service


def _lookup(entries: list[Json], kind: str) -> dict[tuple[str, str], str]:
    """(repository, catalog id) -> bom-ref, so a repository's manifests point at its own facts."""
    return {(repo, e["id"]): _ref(kind, e) for e in entries for repo in e["repositories"]}


def _applications(data: Json, models: dict[tuple[str, str], str],
                  services: dict[tuple[str, str], str]) -> tuple[list[Json], list[Json]]:
    components, dependencies = [], []
    for repo in data["repositories"]:
        name = repo["name"]
        for m in repo["manifests"]:
            ref = f"manifest:{name}/{m['file']}:{m['line']}"  # unique even for duplicate names
            component: Json = {"type": "application", "bom-ref": ref, "name": m["name"],
                               "group": m["team"]}
            if m["description"]:
                component["description"] = m["description"]
            component["properties"] = _props([
                ("repository", name), ("file", m["file"]), ("team", m["team"]), ("owner", m["owner"]),
                ("environment", m["environment"]), ("monthlyUsd", f"{m['monthlyUsd']:.2f}"),
            ])
            components.append(component)
            routes = [r for w in m["workflows"] for s in w["steps"] for r in s["routes"]]
            needs = {models[(name, r["model"])] for r in routes} | {services[(name, r["endpoint"])] for r in routes}
            dependencies.append({"ref": ref, "dependsOn": sorted(needs)})
    return components, dependencies


def _occurrences(data: Json) -> dict[str, list[Json]]:
    """Catalog model id -> where discovery found code or configs using it (the repositories
    whose policy enables discovery), as CycloneDX 1.6 `evidence.occurrences`."""
    found: dict[str, list[Json]] = {}
    several = len(data["repositories"]) > 1
    for repo in data["repositories"]:
        for use in repo.get("discovered", []):
            if use["model"] is None:
                continue
            location = f"{repo['name']}/{use['file']}" if several else use["file"]
            found.setdefault(use["model"], []).append({
                "location": location, "line": use["line"], "offset": use["column"],
                "additionalContext": f"{use['how']}; endpoint {use['endpoint'] or 'unresolved'}"})
    return found


def _evidence(components: list[Json], occurrences: dict[str, list[Json]]) -> list[Json]:
    """Occurrences on the model components they belong to; a discovered model no manifest
    declares becomes a component of its own, so that the BOM lists what the code calls."""
    declared = set()
    for component in components:
        model_id = next((p["value"] for p in component.get("properties", [])
                         if p["name"] == PREFIX + "catalogId"), None)
        if component["type"] == "machine-learning-model" and model_id in occurrences:
            declared.add(model_id)
            component["evidence"] = {"occurrences": occurrences[model_id]}
    extra = [{"type": "machine-learning-model", "bom-ref": f"model:{model_id}@discovered",
              "name": model_id, "description": f"catalog model {model_id}, used in code or "
              "configs but declared in no manifest",
              "evidence": {"occurrences": occurrences[model_id]},
              "properties": _props([("catalogId", model_id), ("declared", False)])}
             for model_id in sorted(occurrences) if model_id not in declared]
    return components + extra


def bom(report: Report) -> Json:
    data, evidence = report["data"], report["evidence"]
    inv = data["inventory"]
    models = _lookup(inv["models"], "model")
    services = _lookup(inv["endpoints"], "endpoint")
    apps, dependencies = _applications(data, models, services)
    for e in inv["endpoints"]:
        served = sorted({models[(repo, m)] for repo in e["repositories"] for m in e["models"]
                         if (repo, m) in models})
        dependencies.append({"ref": _ref("endpoint", e), "dependsOn": served})
    repos = [r["name"] for r in data["repositories"]]
    serial = uuid.uuid5(uuid.NAMESPACE_URL, f"urn:procurelint:evidence:sha256:{report['digest']}")
    return {
        "bomFormat": "CycloneDX", "specVersion": SPEC_VERSION, "serialNumber": f"urn:uuid:{serial}",
        "version": 1,
        "metadata": {
            "timestamp": evidence["generatedAt"],
            "tools": {"components": [{"type": "application", "name": "procurelint",
                                      "version": evidence["tool"]["version"]}]},
            "component": {"type": "application", "bom-ref": "ai-estate",
                          "name": repos[0] if len(repos) == 1 else "organisation",
                          "description": "AI models and inference endpoints declared in agent manifests"},
            "properties": _props([
                ("evidenceDigest", report["digest"]), ("contentSha256", evidence["contentSha256"]),
                ("verdict", data["summary"]["verdict"]), ("repositories", repos),
                ("monthlyUsd", f"{data['summary']['monthlyUsd']:.2f}"),
            ]),
        },
        "components": _evidence([_model(m) for m in inv["models"]], _occurrences(data)) + apps,
        "services": [_service(e) for e in inv["endpoints"]],
        "dependencies": [{"ref": "ai-estate", "dependsOn": sorted(d["ref"] for d in dependencies
                                                                  if d["ref"].startswith("manifest:"))}]
        + dependencies,
    }


def render(report: Report) -> str:
    return jsontext.dumps(bom(report)) + "\n"
