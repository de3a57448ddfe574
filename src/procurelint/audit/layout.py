"""What the report says, section by section, as blocks that HTML and Markdown both render.

Sections: 1 summary, 2 AI inventory, 3 data flows, 4 findings, 5 waiver register, 6 spend,
7 evidence. The evidence section is a function of the evidence and its digest alone, so that
`report --verify` can render it again from the embedded evidence and compare.
"""

from __future__ import annotations

from typing import Any

from procurelint.audit.blocks import (
    Badge, Bar, Cell, Chart, Heading, Para, Section, Strong, Table, Text, fact, money, plural,
)
from procurelint.audit.layout_evidence import evidence_section
from procurelint.audit.layout_findings import findings_section, waivers_section
from procurelint.audit.layout_flows import flows_section, inventory_section
from procurelint.audit.layout_registers import registers_section

Json = dict[str, Any]

__all__ = ["evidence_section", "sections", "title"]


def title(report: Json) -> str:
    repos = report["data"]["repositories"]
    subject = repos[0]["name"] if len(repos) == 1 else f"{len(repos)} repositories"
    return f"AI model procurement audit: {subject}"


def sections(report: Json) -> list[Section]:
    data = report["data"]
    return [
        summary_section(data),
        inventory_section(data),
        flows_section(data),
        findings_section(data),
        waivers_section(data),
        spend_section(data),
        registers_section(data),
        evidence_section(report["evidence"], report["digest"]),
    ]


def _counts_row(label: Cell, row: Json) -> list[Cell]:
    return [label] + [[Text(f"{row[k]:,}")] for k in ("error", "warning", "info", "waived")]


def summary_section(data: Json) -> Section:
    s = data["summary"]
    f = s["findings"]
    verdict = s["verdict"]
    blocks: list[Any] = [
        Para([Strong("Verdict: "), Badge("failed" if verdict == "failed" else "ok", verdict.upper()),
              Text(f" — {plural(f['error'], 'error')}, {plural(f['warning'], 'warning')} and "
                   f"{plural(f['info'], 'info')} outside waivers; {plural(f['waived'], 'finding')} "
                   "waived. Each repository is judged against its policy's failOn.")]),
        Para([Strong("Scope: "), Text(
            f"{plural(s['manifests'], 'manifest')} ({plural(s['workflows'], 'workflow')}, "
            f"{plural(s['steps'], 'step')}) in {plural(s['repositories'], 'repository')}; "
            f"{plural(s['files'], 'file')} read.")]),
        Para([Strong("Projected monthly spend: "), Text(money(s["monthlyUsd"]))]),
        Heading(3, "Findings by regime"),
        Table(["Regime", "Errors", "Warnings", "Infos", "Waived"],
              [_counts_row([Text(r["regime"])], r) for r in s["regimes"]]
              + [_counts_row([Strong("total")], f)],
              numeric=frozenset({1, 2, 3, 4})),
        Heading(3, "Repositories"),
        Table(["Repository", "Policy", "failOn", "Verdict", "Errors", "Warnings", "Infos",
               "Waived", "Monthly spend", "Disabled packs"],
              [_repository_row(r, data) for r in data["repositories"]],
              numeric=frozenset({4, 5, 6, 7, 8})),
    ]
    for repo in data["repositories"]:
        disabled = repo["policy"]["disabledPacks"]
        if disabled:
            blocks.append(Para([Badge("disabled", "packs disabled"), Text(
                f" The policy of {repo['name']} disables the rule packs {', '.join(disabled)}: "
                "their rules were not applied, so this report says nothing about them.")], "warn"))
        if repo["policy"]["disabledRules"]:
            blocks.append(Para([Badge("disabled", "rules disabled"), Text(
                f" The policy of {repo['name']} disables the rules "
                f"{', '.join(repo['policy']['disabledRules'])}.")], "warn"))
    blocks.append(Para([Text("Facts shown as "), fact(None), Text(
        " are not known to the catalog. The rules treat an unknown fact as the unsafe value "
        "(fail closed); confirm it with the provider and record it in a catalog.")], "note"))
    return Section("summary", "1. Summary", blocks)


def _repository_row(repo: Json, data: Json) -> list[Cell]:
    s = repo["summary"]["findings"]
    policy = repo["policy"]
    spend = next((r["monthlyUsd"] for r in data["spend"]["repositories"] if r["name"] == repo["name"]), 0.0)
    return [
        [Text(repo["name"])],
        [Text(f"{policy['name']} {policy['version'] or '(version not set)'}")],
        [Text(policy["failOn"])],
        [Badge("failed" if repo["verdict"] == "failed" else "ok", repo["verdict"])],
        [Text(f"{s['error']:,}")], [Text(f"{s['warning']:,}")], [Text(f"{s['info']:,}")],
        [Text(f"{s['waived']:,}")], [Text(money(spend))],
        [Text(", ".join(policy["disabledPacks"]) or "none")],
    ]


def _spend_table(rows: list[Json], label: str, unknown_label: bool = False) -> Table:
    body: list[list[Cell]] = []
    for row in rows:
        name = row["name"]
        body.append([[fact(name) if unknown_label else Text(str(name))], [Text(money(row["monthlyUsd"]))]])
    return Table([label, "Monthly spend"], body, numeric=frozenset({1}))


def spend_section(data: Json) -> Section:
    spend = data["spend"]
    blocks: list[Any] = [Para([Strong("Projected monthly spend: "), Text(money(spend["monthlyUsd"])), Text(
        ". Each step's tokens per month (runs × calls × tokens per call) at its primary endpoint's "
        "price for its model; fallbacks and routing pins cost nothing until they are used.")])]
    if spend["orgBudgetsUsd"]:
        budgets = " / ".join(money(b) for b in spend["orgBudgetsUsd"])
        blocks.append(Para([Strong("Organisation budget: "), Text(f"{budgets} per month")]))
    teams = spend["teams"]
    blocks += [
        Heading(3, "By team"),
        Chart("chart-teams", "Projected monthly spend by team",
              [Bar(t["name"], t["monthlyUsd"], t["budgetsUsd"][0] if len(t["budgetsUsd"]) == 1 else None)
               for t in teams], "the team's budget"),
        Table(["Team", "Monthly spend", "Budget", "Share of budget"], [
            [[Text(t["name"])], [Text(money(t["monthlyUsd"]))],
             [Text(" / ".join(money(b) for b in t["budgetsUsd"]) or "no budget")],
             [Text(_share(t))]] for t in teams], numeric=frozenset({1, 2, 3})),
        Heading(3, "By data tier"),
        Chart("chart-tiers", "Projected monthly spend by data tier",
              [Bar(t["name"], t["monthlyUsd"]) for t in spend["tiers"]]),
        _spend_table(spend["tiers"], "Tier"),
        Heading(3, "By serving jurisdiction"),
        Para([Text("The country where the step's primary endpoint runs inference.")]),
        Chart("chart-jurisdictions", "Projected monthly spend by serving jurisdiction",
              [Bar(j["name"], j["monthlyUsd"]) for j in spend["jurisdictions"]]),
        _spend_table(spend["jurisdictions"], "Serving country", unknown_label=True),
    ]
    if len(spend["repositories"]) > 1:
        blocks += [
            Heading(3, "By repository"),
            Chart("chart-repositories", "Projected monthly spend by repository",
                  [Bar(r["name"], r["monthlyUsd"]) for r in spend["repositories"]]),
            _spend_table(spend["repositories"], "Repository"),
        ]
    return Section("spend", "6. Spend", blocks)


def _share(team: Json) -> str:
    if len(team["budgetsUsd"]) != 1 or not team["budgetsUsd"][0]:
        return "—"
    return f"{team['monthlyUsd'] * 100 / team['budgetsUsd'][0]:.1f}%"
