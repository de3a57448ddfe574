"""The cost view: projected monthly spend per step, with the cheapest compliant alternative.

Built from an evaluation, so its figures are the ones the cost rules judged; `check`'s
`summary.monthlyUsd` and `cost`'s total are the same sum, rounded once.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass
from typing import Any

from procurelint.engine.costs import cents
from procurelint.engine.evaluate import Evaluation
from procurelint.engine.totals import Spend
from procurelint.policy.config import Config
from procurelint.engine.units import Unit
from procurelint import jsontext



@dataclass(frozen=True, slots=True)
class StepCost:
    manifest: str
    team: str
    workflow: str
    step: str
    path: str
    file: str
    tier: str
    model: str
    endpoint: str
    country: str | None
    provider_jurisdiction: str | None
    monthly_tokens: int
    monthly_usd: float
    alternative_model: str | None
    alternative_endpoint: str | None
    alternative_usd: float | None
    saving_usd: float | None
    saving_percent: float | None


def step_costs(evaluation: Evaluation) -> list[StepCost]:
    """One row per step of the checked manifests, costed on its primary endpoint."""
    catalog = evaluation.factory.config.catalog
    rows = []
    primaries: dict[int, Unit] = {id(u.info): u for u in evaluation.walk.units if u.via == "primary"}
    for info in evaluation.walk.steps:
        if not info.source.selected:
            continue
        manifest = info.source.manifest
        unit = primaries.get(id(info))
        alternative = None
        country = jurisdiction = None
        if unit is not None:
            endpoint = catalog.endpoints[unit.endpoint_id]
            country = endpoint.country
            jurisdiction = catalog.providers[endpoint.provider].jurisdiction
            data = evaluation.factory.unit(info, unit, 0.0, 0.0)
            alternative = evaluation.alternatives.find(info, unit, data)
        rows.append(StepCost(
            manifest=manifest.metadata.name, team=manifest.metadata.team,
            workflow=info.workflow.name, step=info.step.name, path=info.path,
            file=info.source.doc.file, tier=info.tier, model=info.step.model,
            endpoint=info.step.endpoint, country=country, provider_jurisdiction=jurisdiction,
            monthly_tokens=info.tokens.total, monthly_usd=info.monthly_usd,
            alternative_model=alternative["model"] if alternative else None,
            alternative_endpoint=alternative["endpoint"] if alternative else None,
            alternative_usd=alternative["monthlyUsd"] if alternative else None,
            saving_usd=alternative["savingUsd"] if alternative else None,
            saving_percent=alternative["savingPercent"] if alternative else None,
        ))
    return rows


def _group_key(row: StepCost, by: str) -> str:
    if by == "team":
        return row.team
    if by == "tier":
        return row.tier
    if by == "jurisdiction":
        return row.country or "unknown"
    if by == "model":
        return row.model
    return row.endpoint


def rows_of_slice(evaluation: Evaluation, _request: object) -> list[StepCost]:
    """The cost rows of one slice of a run, where it was judged (a worker, or this process)."""
    return step_costs(evaluation)


def summary(rows: list[StepCost], spend: Spend, config: Config, by: str) -> dict[str, Any]:
    """The cost document: steps, groups, team and organisation totals (USD to the cent)."""
    groups: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
    for row in rows:
        group = groups[_group_key(row, by)]
        group[0] += row.monthly_usd
        group[1] += row.saving_usd or 0.0
    budgets = config.policy.spec.budgets
    return {
        "steps": [_row_json(r) for r in rows],
        "groupBy": by,
        "groups": [
            {"key": key, "monthlyUsd": cents(total), "possibleSavingUsd": cents(saving)}
            for key, (total, saving) in sorted(groups.items())
        ],
        "teams": [
            {"team": team, "monthlyUsd": cents(total),
             "budgetUsd": budgets.teams.get(team)}
            for team, total in sorted(spend.teams.items())
        ],
        "org": {"monthlyUsd": cents(spend.org), "budgetUsd": budgets.org_monthly_usd},
        "totalMonthlyUsd": cents(sum(r.monthly_usd for r in rows)),
        "possibleSavingUsd": cents(sum(r.saving_usd or 0.0 for r in rows)),
    }


def _row_json(row: StepCost) -> dict[str, Any]:
    data = asdict(row)
    out = {
        "path": data["path"], "file": data["file"], "manifest": data["manifest"],
        "team": data["team"], "workflow": data["workflow"], "step": data["step"],
        "tier": data["tier"], "model": data["model"], "endpoint": data["endpoint"],
        "country": data["country"], "providerJurisdiction": data["provider_jurisdiction"],
        "monthlyTokens": data["monthly_tokens"], "monthlyUsd": cents(row.monthly_usd),
        "alternative": None,
    }
    if row.alternative_model is not None:
        out["alternative"] = {
            "model": row.alternative_model, "endpoint": row.alternative_endpoint,
            "monthlyUsd": cents(row.alternative_usd or 0.0),
            "savingUsd": cents(row.saving_usd or 0.0),
            "savingPercent": round(row.saving_percent or 0.0, 1),
        }
    return out


def render_json(doc: dict[str, Any]) -> str:
    return jsontext.dumps(doc) + "\n"


def _money(value: float | None) -> str:
    return "-" if value is None else f"${value:,.2f}"


def render_text(doc: dict[str, Any]) -> str:
    lines = []
    width = max([len(r["path"]) for r in doc["steps"]] + [4])
    header = (f"{'step':<{width}} {'tokens/mo':>15} {'USD/mo':>12}  {'endpoint (country)':<34} "
              "best compliant alternative")
    lines.append(header)
    lines.append("-" * len(header))
    for row in doc["steps"]:
        where = f"{row['endpoint']} ({row['country'] or 'unknown'})"
        alt = row["alternative"]
        alt_text = (f"{alt['model']} on {alt['endpoint']}: {_money(alt['monthlyUsd'])}, saves "
                    f"{_money(alt['savingUsd'])} ({alt['savingPercent']}%)") if alt else "-"
        lines.append(f"{row['path']:<{width}} {row['monthlyTokens']:>15,} {_money(row['monthlyUsd']):>12}  "
                     f"{where:<34} {alt_text}")
    lines.append("")
    lines.append(f"by {doc['groupBy']}:")
    for group in doc["groups"]:
        lines.append(f"  {group['key']:<40} {_money(group['monthlyUsd']):>14}   "
                     f"possible saving {_money(group['possibleSavingUsd'])}")
    lines.append("teams (every manifest under the root):")
    for team in doc["teams"]:
        budget = f" of {_money(team['budgetUsd'])} budget" if team["budgetUsd"] is not None else ""
        lines.append(f"  {team['team']:<40} {_money(team['monthlyUsd']):>14}{budget}")
    org = doc["org"]
    budget = f" of {_money(org['budgetUsd'])} budget" if org["budgetUsd"] is not None else ""
    lines.append(f"organisation: {_money(org['monthlyUsd'])}{budget}")
    lines.append(f"total of these steps: {_money(doc['totalMonthlyUsd'])}/month; "
                 f"moving each step to its cheapest compliant alternative would save "
                 f"{_money(doc['possibleSavingUsd'])}/month")
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ").replace("<", "&lt;")


def render_md(doc: dict[str, Any]) -> str:
    lines = ["## Projected monthly spend", "",
             "| step | tokens/month | USD/month | endpoint (country) | cheapest compliant alternative | saving |",
             "|---|---:|---:|---|---|---:|"]
    for row in doc["steps"]:
        alt = row["alternative"]
        lines.append(
            f"| `{_cell(row['path'])}` | {row['monthlyTokens']:,} | {_money(row['monthlyUsd'])} | "
            f"{_cell(row['endpoint'])} ({row['country'] or 'unknown'}) | "
            f"{_cell(alt['model'] + ' on ' + alt['endpoint']) if alt else '-'} | "
            f"{_money(alt['savingUsd']) + ' (' + str(alt['savingPercent']) + '%)' if alt else '-'} |")
    lines += ["", f"### By {doc['groupBy']}", "", "| group | USD/month | possible saving |", "|---|---:|---:|"]
    lines += [f"| {_cell(g['key'])} | {_money(g['monthlyUsd'])} | {_money(g['possibleSavingUsd'])} |"
              for g in doc["groups"]]
    lines += ["", f"**Total:** {_money(doc['totalMonthlyUsd'])}/month; possible saving "
              f"{_money(doc['possibleSavingUsd'])}/month.", ""]
    return "\n".join(lines)
