"""The views across repositories: summary, inventory and spend, and the sealed whole report.

A single run and `report --merge` both call `assemble`, so a merged report's views are derived
exactly as a single repository's are. Nothing here reads the engine: only the JSON data of the
repositories (see `model.py`), which is what makes merging well-defined.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from procurelint.audit.evidence import TOOL
from procurelint.audit.seal import canonical, digest
from procurelint.engine.costs import cents
from procurelint.findings import SEVERITIES

Json = dict[str, Any]
from procurelint.documents.envelope import API_VERSION
KIND = "AuditReport"


def severity_counts() -> Json:
    """Zero counts of unwaived findings by severity, and of waived findings."""
    return {**{s: 0 for s in SEVERITIES}, "waived": 0}


def assemble(repositories: list[Json], evidence: list[Json], generated_at: str,
             merged: list[Json]) -> Json:
    """The whole report: organisation-wide views, the repositories, and sealed evidence."""
    repositories = sorted(repositories, key=lambda r: str(r["name"]))
    data = {
        "summary": summarise(repositories),
        "inventory": inventory(repositories),
        "spend": spend(repositories),
        "repositories": repositories,
    }
    sealed = {
        "tool": dict(TOOL), "generatedAt": generated_at,
        "repositories": sorted(evidence, key=lambda e: str(e["name"])),
        "merged": sorted(merged, key=lambda m: (str(m["file"]), str(m["sha256"]))),
        "contentSha256": digest(data),
    }
    return {"apiVersion": API_VERSION, "kind": KIND, "data": data, "evidence": sealed,
            "digest": digest(sealed)}


def _steps(repo: Json) -> list[tuple[Json, Json, Json]]:
    return [(m, w, s) for m in repo["manifests"] for w in m["workflows"] for s in w["steps"]]


def summarise(repositories: list[Json]) -> Json:
    totals = {k: 0 for k in ("files", "manifests", "workflows", "steps")}
    counts = severity_counts()
    regimes: dict[str, Json] = {}
    for repo in repositories:
        s = repo["summary"]
        for key in totals:
            totals[key] += s[key]
        for key in counts:
            counts[key] += s["findings"][key]
        for row in s["regimes"]:
            target = regimes.setdefault(row["regime"], severity_counts())
            for key in target:
                target[key] += row[key]
    total = sum(s["monthlyUsd"] for repo in repositories for _, _, s in _steps(repo))
    return {
        "verdict": "failed" if any(r["verdict"] == "failed" for r in repositories) else "passed",
        "repositories": len(repositories), **totals, "findings": counts,
        "regimes": [dict(regime=k, **v) for k, v in sorted(regimes.items())],
        "monthlyUsd": cents(total),
    }


def _ranked(amounts: dict[Any, float], extra: dict[Any, Json] | None = None) -> list[Json]:
    rows = [dict(name=k, monthlyUsd=cents(v), **(extra or {}).get(k, {})) for k, v in amounts.items()]
    return sorted(rows, key=lambda r: (-r["monthlyUsd"], r["name"] is None, str(r["name"])))


def spend(repositories: list[Json]) -> Json:
    """Projected monthly spend by team, tier, serving jurisdiction and repository."""
    teams: dict[str, float] = defaultdict(float)
    tiers: dict[str, float] = defaultdict(float)
    places: dict[str | None, float] = defaultdict(float)
    repos: dict[str, float] = defaultdict(float)
    budgets: dict[str, set[float]] = defaultdict(set)
    org_budgets: set[float] = set()
    for repo in repositories:
        facts = repo["catalog"]["endpoints"]
        own: set[str] = set()
        for manifest, _, step in _steps(repo):
            usd = step["monthlyUsd"]
            own.add(manifest["team"])
            teams[manifest["team"]] += usd
            tiers[step["tier"]] += usd
            primary = next(r for r in step["routes"] if r["via"] == "primary")
            places[facts[primary["endpoint"]]["country"]] += usd
            repos[repo["name"]] += usd
        for team, budget in repo["budgets"]["teams"].items():
            if team in own:  # a policy's budget governs only its own repository's teams
                budgets[team].add(float(budget))
        if repo["budgets"]["orgMonthlyUsd"] is not None:
            org_budgets.add(float(repo["budgets"]["orgMonthlyUsd"]))
    team_extra = {t: {"budgetsUsd": sorted(budgets.get(t, set()))} for t in teams}
    return {
        "monthlyUsd": cents(sum(repos.values())),
        "orgBudgetsUsd": sorted(org_budgets),
        "teams": _ranked(teams, team_extra),
        "tiers": _ranked(tiers),
        "jurisdictions": _ranked(places),
        "repositories": _ranked(repos),
    }


def inventory(repositories: list[Json]) -> Json:
    """Every model and endpoint in use; entries whose facts differ between repositories stay apart."""
    return {"models": _group(repositories, "models"), "endpoints": _group(repositories, "endpoints")}


def _usage(repo: Json, kind: str) -> dict[str, Json]:
    use: dict[str, Json] = defaultdict(lambda: {
        "workflows": set(), "via": set(), "models": set(), "endpoints": set(),
        "dataClasses": set(), "tiers": set(), "monthlyUsd": 0.0})
    for manifest, workflow, step in _steps(repo):
        for route in step["routes"]:
            ids = [route["model"]] if kind == "models" else [route["endpoint"]]
            for key in ids:
                u = use[key]
                u["workflows"].add(f"{manifest['name']}/{workflow['name']}")
                u["via"].add(route["via"])
                u["models"].add(route["model"])
                u["endpoints"].add(route["endpoint"])
                u["dataClasses"].update(step["dataClasses"])
                u["tiers"].add(step["tier"])
                if route["via"] == "primary":
                    u["monthlyUsd"] += step["monthlyUsd"]
    return use


def _group(repositories: list[Json], kind: str) -> list[Json]:
    groups: dict[tuple[str, bytes], Json] = {}
    for repo in repositories:
        use = _usage(repo, kind)
        for key, facts in repo["catalog"][kind].items():
            u = use.get(key)
            if u is None:
                continue
            entry = groups.setdefault((key, canonical(facts)), {
                **facts, "repositories": [], "usedBy": [], "via": set(), "dataClasses": set(),
                "tiers": set(), "related": set(), "monthlyUsd": 0.0})
            entry["repositories"].append(repo["name"])
            entry["usedBy"].append({"repository": repo["name"], "workflows": sorted(u["workflows"])})
            entry["via"] |= u["via"]
            entry["dataClasses"] |= u["dataClasses"]
            entry["tiers"] |= u["tiers"]
            entry["related"] |= u["endpoints" if kind == "models" else "models"]
            entry["monthlyUsd"] += u["monthlyUsd"]
    ids: dict[str, int] = defaultdict(int)
    for key, _ in groups:
        ids[key] += 1
    out = []
    for (key, _), entry in groups.items():
        entry["conflict"] = ids[key] > 1
        entry["monthlyUsd"] = cents(entry["monthlyUsd"])
        for name in ("via", "dataClasses", "tiers", "related"):
            entry[name] = sorted(entry[name])
        entry["endpoints" if kind == "models" else "models"] = entry.pop("related")
        out.append(entry)
    return sorted(out, key=lambda e: (e["id"], e["repositories"]))
