"""The cost view: projected monthly spend per step, with the cheapest compliant alternative.

Built from an evaluation, so its figures are the ones the cost rules judged; `check`'s
`summary.monthlyUsd` and `cost`'s total are the same sum, rounded once.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from msgspec import Struct
from msgspec.structs import asdict

from procurelint.engine.costs import cents
from procurelint.engine.evaluate import Evaluation
from procurelint.engine.totals import Spend
from procurelint.policy.config import Config
from procurelint.engine.units import Unit
from procurelint.findings import FAIL_ON_RANK, SEVERITY_RANK, Result
from procurelint import jsontext


class StepCost(Struct, frozen=True):
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
    input_usd: float | None = None
    cached_input_usd: float | None = None
    output_usd: float | None = None
    unpriced: str | None = None
    """Why the step has no price (its cost is unknown, not $0), or None."""
    failing_rules: tuple[str, ...] = ()
    """Rules (not of the cost pack) whose findings on this step fail the check."""
    to_comply: dict[str, Any] | None = None
    """For a step that is not compliant and has no cheaper compliant alternative: the cheapest
    compliant offer whatever it costs ({model, endpoint, monthlyUsd}), or {} when none is."""


def _unpriced(info: Any, catalog: Any) -> str | None:
    step = info.step
    if step.model not in catalog.models or step.endpoint not in catalog.endpoints:
        return "model or endpoint not in the catalog"
    if catalog.offer(step.endpoint, step.model) is None:
        return f"{step.endpoint} has no price for {step.model}"
    if step.tokens_per_call is None:
        return "no tokensPerCall"
    return None


def step_costs(evaluation: Evaluation, failing: dict[str, tuple[str, ...]] | None = None) -> list[StepCost]:
    """One row per step of the checked manifests, costed on its primary endpoint. `failing`
    gives, by step path, the rules whose findings on it fail the check."""
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
        failing_rules = (failing or {}).get(info.path, ())
        to_comply = None
        if unit is not None and failing_rules and alternative is None:
            from procurelint.engine.alternatives import cheapest_compliant

            found = cheapest_compliant(evaluation.alternatives, info, unit)
            to_comply = ({"model": found["model"], "endpoint": found["endpoint"],
                          "monthlyUsd": cents(found["monthlyUsd"])}
                         if found["found"] and not found["current"] else
                         {} if found.get("reason") == "none-compliant" else None)
        unpriced = _unpriced(info, catalog)
        price = None if unpriced else catalog.offer(info.step.endpoint, info.step.model)
        tokens = info.tokens
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
            input_usd=None if price is None else tokens.input * price.input / 1_000_000,
            cached_input_usd=None if price is None else tokens.cached_input * (
                price.cached_input if price.cached_input is not None else price.input) / 1_000_000,
            output_usd=None if price is None else tokens.output * price.output / 1_000_000,
            unpriced=unpriced, failing_rules=failing_rules, to_comply=to_comply,
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


def failing_steps(result: Result) -> dict[str, tuple[str, ...]]:
    """By step path, the rules (of packs other than cost) whose unwaived findings on the step
    reach the check's failOn: such a step is not compliant, whatever it costs."""
    threshold = FAIL_ON_RANK[result.fail_on]
    found: dict[str, list[str]] = defaultdict(list)
    for f in result.findings:
        meta = result.rules.get(f.rule)
        if f.waived or SEVERITY_RANK[f.severity] < threshold or (meta and meta.pack == "cost"):
            continue
        if f.rule not in found[f.path]:
            found[f.path].append(f.rule)
    return {path: tuple(rules) for path, rules in found.items()}


def rows_of_slice(evaluation: Evaluation, request: dict[str, Any] | None
                  ) -> tuple[list[StepCost], dict[str, Any] | None]:
    """The cost rows of one slice of a run, where it was judged (a worker, or this process),
    and the what-if of `request["whatIf"]` (step path, model, endpoint) if its step is here."""
    request = request or {}
    rows = step_costs(evaluation, request.get("failing"))
    what_if = request.get("whatIf")
    return rows, (what_if_of(evaluation, *what_if) if what_if else None)


def what_if_of(evaluation: Evaluation, path: str, model: str, endpoint: str) -> dict[str, Any] | None:
    """The step at `path` judged and priced on `model` at `endpoint`, or None if the step is
    not in this slice."""
    from procurelint.engine.costs import monthly_cost

    info = next((i for i in evaluation.walk.steps if i.path == path and i.source.selected), None)
    if info is None:
        return None
    catalog = evaluation.factory.config.catalog
    price = catalog.offer(endpoint, model)
    tokens = info.tokens
    priced = price is not None and info.step.tokens_per_call is not None
    out: dict[str, Any] = {
        "path": path, "model": model, "endpoint": endpoint,
        "offered": price is not None,
        "monthlyUsd": cents(monthly_cost(tokens, price)) if priced else None,
        "inputUsd": cents(tokens.input * price.input / 1_000_000) if priced and price else None,
        "cachedInputUsd": cents(tokens.cached_input * (
            price.cached_input if price.cached_input is not None else price.input) / 1_000_000)
        if priced and price else None,
        "outputUsd": cents(tokens.output * price.output / 1_000_000) if priced and price else None,
        "compliant": price is not None and evaluation.alternatives.compliant(info, endpoint, model),
    }
    return out


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
             "budgetUsd": budgets.teams.get(team),
             "overBudget": budgets.teams.get(team) is not None and cents(total) > budgets.teams[team]}
            for team, total in sorted(spend.teams.items())
        ],
        "org": {"monthlyUsd": cents(spend.org), "budgetUsd": budgets.org_monthly_usd,
                "overBudget": budgets.org_monthly_usd is not None
                and cents(spend.org) > budgets.org_monthly_usd},
        "unpricedSteps": sum(1 for r in rows if r.unpriced),
        "nonCompliantSteps": sum(1 for r in rows if r.failing_rules),
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
        "monthlyTokens": data["monthly_tokens"],
        "monthlyUsd": None if row.unpriced else cents(row.monthly_usd),
        "inputUsd": None if row.input_usd is None else cents(row.input_usd),
        "cachedInputUsd": None if row.cached_input_usd is None else cents(row.cached_input_usd),
        "outputUsd": None if row.output_usd is None else cents(row.output_usd),
        "unpriced": row.unpriced,
        "compliant": not row.failing_rules,
        "failingRules": list(row.failing_rules),
        "alternative": None,
        "toComply": row.to_comply,
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


def render_what_if(doc: dict[str, Any]) -> str:
    """The what-if of `cost --step PATH --model M --endpoint E`, beside the step as it is."""
    what, now = doc["whatIf"], doc["current"]
    lines = [f"what if {what['path']} used {what['model']} on {what['endpoint']}:"]
    state = ("unpriced (" + now["unpriced"] + ")" if now["unpriced"] else _money(now["monthlyUsd"]) + "/month")
    verdict = "compliant" if now["compliant"] else "NOT COMPLIANT: " + ", ".join(now["failingRules"])
    lines.append(f"  now:  {state} on {now['model']} at {now['endpoint']}; {verdict}")
    if not what["offered"]:
        lines.append(f"  then: {what['endpoint']} does not offer {what['model']} in the catalog")
    else:
        money = ("unpriced (no tokensPerCall)" if what["monthlyUsd"] is None else
                 f"{_money(what['monthlyUsd'])}/month (input {_money(what['inputUsd'])}, cached "
                 f"{_money(what['cachedInputUsd'])}, output {_money(what['outputUsd'])})")
        verdict = ("compliant" if what["compliant"]
                   else "NOT COMPLIANT: a rule of error severity would fire or cannot be judged")
        lines.append(f"  then: {money}; {verdict}")
        if what["monthlyUsd"] is not None and now["monthlyUsd"] is not None:
            delta = what["monthlyUsd"] - now["monthlyUsd"]
            lines.append(f"  change: {'+' if delta >= 0 else '-'}{_money(abs(delta))}/month")
    return "\n".join(lines) + "\n"


def _money(value: float | None) -> str:
    return "-" if value is None else f"${value:,.2f}"


def render_text(doc: dict[str, Any]) -> str:
    lines = []
    width = max([len(r["path"]) for r in doc["steps"]] + [4])
    header = (f"{'step':<{width}} {'tokens/mo':>15} {'input':>11} {'cached':>11} {'output':>11} "
              f"{'USD/mo':>12}  {'endpoint (country)':<34} best compliant alternative")
    lines.append(header)
    lines.append("-" * len(header))
    for row in doc["steps"]:
        where = f"{row['endpoint']} ({row['country'] or 'unknown'})"
        alt = row["alternative"]
        alt_text = (f"{alt['model']} on {alt['endpoint']}: {_money(alt['monthlyUsd'])}, saves "
                    f"{_money(alt['savingUsd'])} ({alt['savingPercent']}%)") if alt else "none cheaper"
        comply = row["toComply"]
        if comply:
            more = comply["monthlyUsd"] - (row["monthlyUsd"] or 0.0)
            alt_text = (f"to comply: {comply['model']} on {comply['endpoint']}: "
                        f"{_money(comply['monthlyUsd'])}, {'+' if more >= 0 else '-'}{_money(abs(more))}")
        elif comply == {}:
            alt_text = "no compliant offer in the catalog"
        total = "unpriced" if row["unpriced"] else _money(row["monthlyUsd"])
        lines.append(f"{row['path']:<{width}} {row['monthlyTokens']:>15,} {_money(row['inputUsd']):>11} "
                     f"{_money(row['cachedInputUsd']):>11} {_money(row['outputUsd']):>11} {total:>12}  "
                     f"{where:<34} {alt_text}")
        if row["unpriced"]:
            lines.append(f"  ^ UNPRICED: {row['unpriced']}; its cost is unknown, not $0")
        if not row["compliant"]:
            lines.append(f"  ^ NOT COMPLIANT: {', '.join(row['failingRules'])} (see `procurelint check`)")
    lines.append("")
    lines.append(f"by {doc['groupBy']}:")
    for group in doc["groups"]:
        lines.append(f"  {group['key']:<40} {_money(group['monthlyUsd']):>14}   "
                     f"possible saving {_money(group['possibleSavingUsd'])}")
    lines.append("teams (every manifest under the root):")
    for team in doc["teams"]:
        budget = f" of {_money(team['budgetUsd'])} budget" if team["budgetUsd"] is not None else ""
        over = "  OVER BUDGET" if team["overBudget"] else ""
        lines.append(f"  {team['team']:<40} {_money(team['monthlyUsd']):>14}{budget}{over}")
    org = doc["org"]
    budget = f" of {_money(org['budgetUsd'])} budget" if org["budgetUsd"] is not None else ""
    lines.append(f"organisation: {_money(org['monthlyUsd'])}{budget}"
                 + ("  OVER BUDGET" if org["overBudget"] else ""))
    lines.append(f"total of these steps: {_money(doc['totalMonthlyUsd'])}/month; "
                 f"moving each step to its cheapest compliant alternative would save "
                 f"{_money(doc['possibleSavingUsd'])}/month")
    if doc["unpricedSteps"]:
        lines.append(f"{doc['unpricedSteps']} steps unpriced: the totals leave them out")
    if doc["nonCompliantSteps"]:
        lines.append(f"{doc['nonCompliantSteps']} steps not compliant (marked above): `procurelint check` "
                     "fails on them")
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ").replace("<", "&lt;")


def _to_comply_md(row: dict[str, Any]) -> str:
    comply = row["toComply"]
    if comply:
        return f"to comply: {_cell(comply['model'] + ' on ' + comply['endpoint'])} ({_money(comply['monthlyUsd'])})"
    return "no compliant offer" if comply == {} else "-"


def render_md(doc: dict[str, Any]) -> str:
    lines = ["## Projected monthly spend", "",
             "| step | tokens/month | USD/month | endpoint (country) | cheapest compliant alternative | saving |",
             "|---|---:|---:|---|---|---:|"]
    for row in doc["steps"]:
        alt = row["alternative"]
        marks = ("" if row["compliant"] else " ⚠ not compliant") + (" ⚠ unpriced" if row["unpriced"] else "")
        lines.append(
            f"| `{_cell(row['path'])}`{marks} | {row['monthlyTokens']:,} | "
            f"{'unpriced' if row['unpriced'] else _money(row['monthlyUsd'])} | "
            f"{_cell(row['endpoint'])} ({row['country'] or 'unknown'}) | "
            f"{_cell(alt['model'] + ' on ' + alt['endpoint']) if alt else _to_comply_md(row)} | "
            f"{_money(alt['savingUsd']) + ' (' + str(alt['savingPercent']) + '%)' if alt else '-'} |")
    lines += ["", f"### By {doc['groupBy']}", "", "| group | USD/month | possible saving |", "|---|---:|---:|"]
    lines += [f"| {_cell(g['key'])} | {_money(g['monthlyUsd'])} | {_money(g['possibleSavingUsd'])} |"
              for g in doc["groups"]]
    lines += ["", f"**Total:** {_money(doc['totalMonthlyUsd'])}/month; possible saving "
              f"{_money(doc['possibleSavingUsd'])}/month.", ""]
    return "\n".join(lines)
