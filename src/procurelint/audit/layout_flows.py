"""Sections 2 (AI inventory) and 3 (data flows, with the rules in force)."""

from __future__ import annotations

from typing import Any

from procurelint.audit.blocks import (
    OUTCOME_MARKS, Badge, Bullets, Cell, Code, Heading, Inline, Para, Section, Strong, Table, Text,
    Unknown, fact, money, plural,
)

Json = dict[str, Any]


def rule_anchor(ri: int, rule_id: str) -> str:
    return f"rule-{ri}-{rule_id}"


def _used_by(entry: Json, multi: bool) -> Cell:
    parts = []
    for use in entry["usedBy"]:
        names = ", ".join(use["workflows"])
        parts.append(f"{use['repository']}: {names}" if multi else names)
    cell: Cell = [Text("; ".join(parts))]
    if entry["via"] != ["primary"]:
        cell.append(Text(f" (reached as {', '.join(entry['via'])})"))
    return cell


def _identity(entry: Json, label: str | None) -> Cell:
    cell: Cell = [Code(entry["id"])]
    if label:
        cell.append(Text(f" {label}"))
    if not entry["known"]:
        cell += [Text(" "), Badge("unknown", "not in the catalog")]
    if entry["conflict"]:
        cell += [Text(" "), Badge("warning", "facts differ: " + ", ".join(entry["repositories"]))]
    return cell


def _model_row(m: Json, multi: bool) -> list[Cell]:
    validation = m["validation"]
    return [
        _identity(m, m["name"]),
        [fact(m["developer"])],
        [fact(m["developerJurisdiction"])],
        [fact(m["openWeights"])],
        [fact(m["capability"])],
        [fact(m["restrictions"]) if m["known"] else Unknown()],
        [Text("not in the model inventory") if validation is None
         else Text(f"validated {validation['validatedOn']}")],
        [Text(", ".join(m["endpoints"]))],
        _used_by(m, multi),
    ]


def _retention(days: int | None) -> Inline:
    if days is None:
        return Unknown()
    return Text("none (zero retention)" if days == 0 else plural(days, "day"))


def _endpoint_row(e: Json, multi: bool) -> list[Cell]:
    p = e["provider"]
    provider: Cell = [Unknown()] if p is None else [Text(f"{p['name']} ({p['kind']})")]
    return [
        _identity(e, f"({e['region']})" if e["region"] else None),
        provider,
        [Text("provider "), Unknown() if p is None else fact(p["jurisdiction"]),
         Text(" · parent "), Unknown() if p is None else fact(p["parentJurisdiction"]),
         Text(" · serving "), fact(e["country"])],
        [fact(e["certifications"]) if e["known"] else Unknown()],
        [Text("offered "), fact(e["hipaaBaa"]), Text(" · signed "), fact(e["baaSigned"])],
        [fact(e["fedramp"])],
        [Text("training "), fact(e["trainsOnInputs"]), Text(" · retention "),
         _retention(e["retentionDays"])],
        [fact(e["crossBorderRouting"])],
        [Text(", ".join(e["dataClasses"]))],
        _used_by(e, multi),
        [Text(money(e["monthlyUsd"]))],
    ]


def inventory_section(data: Json) -> Section:
    multi = len(data["repositories"]) > 1
    inv = data["inventory"]
    blocks: list[Any] = [
        Para([Text("Every model and endpoint that a step can reach: its primary endpoint, each "
                   "fallback, and each provider pinned behind an aggregator. Facts come from the "
                   "catalog (see the evidence for its date and digest); BAA signed and the model "
                   "inventory come from the policy.")]),
        Heading(3, f"Models ({len(inv['models'])})"),
        Table(["Model", "Developer", "Developer jurisdiction", "Open weights", "Capability",
               "Restrictions", "Model risk validation", "Served by", "Used by (workflows)"],
              [_model_row(m, multi) for m in inv["models"]]),
        Heading(3, f"Endpoints ({len(inv['endpoints'])})"),
        Table(["Endpoint", "Provider", "Jurisdictions", "Certifications", "HIPAA BAA", "FedRAMP",
               "Prompts", "Cross-border routing", "Data classes", "Used by (workflows)",
               "Monthly spend"],
              [_endpoint_row(e, multi) for e in inv["endpoints"]], numeric=frozenset({10})),
    ]
    conflicts = sorted({e["id"] for e in inv["models"] + inv["endpoints"] if e["conflict"]})
    if conflicts:
        blocks.append(Para([Badge("warning", "facts differ"), Text(
            " The repositories' catalogs or policies (signed BAAs, vendor records, model "
            "validation) state different facts about " + ", ".join(conflicts)
            + "; each version is listed with the repositories that use it.")], "warn"))
    return Section("inventory", "2. AI inventory", blocks)


# -- data flows ----------------------------------------------------------------------------------
def _classes(step: Json) -> Cell:
    cell: Cell = [Text(", ".join(step["dataClasses"]))]
    d = step["deidentification"]
    if d is not None:
        cell.append(Text(f" (de-identified: {d['method']} by {d['performedBy']})"))
    return cell


def _endpoint_cell(route: Json, catalog: Json) -> Cell:
    e = catalog["endpoints"][route["endpoint"]]
    cell: Cell = [Code(route["endpoint"]), Text(" ("), fact(e["country"]), Text(")")]
    if not route["judged"]:
        if not e["known"]:
            why = "endpoint not in the catalog"
        elif not catalog["models"][route["model"]]["known"]:
            why = "model not in the catalog"
        else:
            why = "routing pins apply only behind an aggregator"
        cell += [Text(" "), Badge("unknown", f"not judged: {why}")]
    elif not route["offered"]:
        cell += [Text(" "), Badge("warning", "does not offer this model")]
    return cell


def _via(route: Json) -> str:
    if route["via"] == "routing":
        return f"routing pin behind {route['aggregator']}"
    return str(route["via"])


def _verdicts(route: Json, ri: int, caveated: set[str], order: dict[str, int]) -> Cell:
    """In the order of the rules in force (pack by pack), not alphabetically."""
    cell: Cell = []
    outcomes = route["rules"]
    for rule_id in sorted(outcomes, key=lambda r: (order.get(r, len(order)), r)):
        outcome = outcomes[rule_id]
        text = f"{OUTCOME_MARKS.get(outcome, '?')} {rule_id}" + (" ⚠" if rule_id in caveated else "")
        if cell:
            cell.append(Text(" "))
        cell.append(Badge(outcome, text, rule_anchor(ri, rule_id)))
    return cell or [Text("no step rule applied" if route["judged"] else "not judged")]


def _manifest_blocks(manifest: Json, repo: Json, ri: int, caveated: set[str],
                     level: int, anchor: str) -> list[Any]:
    order = {r["id"]: i for i, r in enumerate(repo["rules"])}
    head: list[Inline] = [
        Strong("Team: "), Text(manifest["team"]), Text(" · "), Strong("Owner: "), Text(manifest["owner"]),
        Text(" · "), Strong("Environment: "), Text(manifest["environment"]), Text(" · "),
        Strong("File: "), Code(f"{manifest['file']}:{manifest['line']}"),
    ]
    if manifest["regimes"]:
        head += [Text(" · "), Strong("Declared regimes: "), Text(", ".join(manifest["regimes"]))]
    blocks: list[Any] = [Heading(level, f"Manifest {manifest['name']}", anchor),
                         Para(head)]
    if manifest["description"]:
        blocks.append(Para([Strong("Description: "), Text(manifest["description"])]))
    items = []
    for w in manifest["workflows"]:
        subjects = w["dataSubjects"] if w["dataSubjects"] is not None else manifest["dataSubjects"]
        records = "not declared" if w["recordsPerYear"] is None else f"{w['recordsPerYear']:,}"
        line: Cell = [Strong(w["name"]), Text(
            f": {w['runsPerMonth']:,} runs/month; data subjects {', '.join(subjects)}; "
            f"records per year {records}; {money(w['monthlyUsd'])}/month")]
        if w["description"]:
            line += [Text(" — "), Text(w["description"])]
        items.append(line)
    blocks.append(Bullets(items))
    rows: list[list[Cell]] = []
    for w in manifest["workflows"]:
        for s in w["steps"]:
            for route in s["routes"]:
                primary = route["via"] == "primary"
                rows.append([
                    [Text(w["name"])], [Text(s["name"])], _classes(s), [Text(s["tier"])],
                    [Text(", ".join(s["regimes"]) or "none")], [Text(_via(route))],
                    [Code(route["model"])], _endpoint_cell(route, repo["catalog"]),
                    [Text(money(s["monthlyUsd"]) if primary else "—")],
                    _verdicts(route, ri, caveated, order),
                ])
    blocks.append(Table(["Workflow", "Step", "Data classes", "Tier", "Regimes", "Route", "Model",
                         "Endpoint (serving country)", "Monthly", "Rules (outcome)"],
                        rows, numeric=frozenset({8})))
    return blocks


def rules_blocks(repo: Json, ri: int) -> list[Any]:
    rows: list[list[Cell]] = []
    anchors: list[str | None] = []
    for r in repo["rules"]:
        caveats: Cell = []
        for c in r["caveats"]:
            caveats += ([Text(" ")] if caveats else []) + [Badge("warning", "unconfirmed"), Text(f" {c}")]
        rows.append([
            [Strong(r["id"])], [Text(r["title"])], [Text(f"{r['pack']} ({r['regime']})")],
            [Badge(r["severity"], r["severity"])],
            [Text("; ".join(r["citations"]) or "none recorded")],
            caveats or [Text("none")],
        ])
        anchors.append(rule_anchor(ri, r["id"]))
    return [Table(["Rule", "Title", "Pack (regime)", "Severity", "Citations", "Unconfirmed caveats"],
                  rows, row_anchors=anchors)]


def flows_section(data: Json) -> Section:
    multi = len(data["repositories"]) > 1
    blocks: list[Any] = [Para([Text(
        "For each step: its data classes, the strictest tier they need, the regimes they bring, "
        "and every endpoint the step can reach, with each step rule that applied there and its "
        "outcome: ✓ passed, ✗ fired (a finding), ≈ fired but waived, ‼ could not be evaluated. "
        "⚠ marks a rule with unconfirmed caveats; they are listed under the rules in force.")])]
    for ri, repo in enumerate(data["repositories"]):
        caveated = {r["id"] for r in repo["rules"] if r["caveats"]}
        if multi:
            blocks.append(Heading(3, f"Repository {repo['name']}", f"flows-{ri}"))
        for mi, manifest in enumerate(repo["manifests"]):
            blocks += _manifest_blocks(manifest, repo, ri, caveated, 4 if multi else 3,
                                       f"manifest-{ri}-{mi}")
        blocks.append(Heading(4 if multi else 3, "Rules in force" + (f" in {repo['name']}" if multi else ""),
                              f"rules-{ri}"))
        blocks += rules_blocks(repo, ri)
    return Section("flows", "3. Data flows", blocks)
