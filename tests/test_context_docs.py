"""docs/context.md, the contract custom rules are written against, matches the engine.

Every field the document names under a variable must exist in the context the engine builds,
and every field the engine builds must be documented.
"""

from __future__ import annotations

import datetime as dt
import re

from procurelint.policy.config import load_config
from procurelint.run.pipeline import Options, check
from tests.conftest import EXAMPLES, REPO

# Backticked words in the document that are values or other documents' keys, not fields.
NOT_FIELDS = {
    "primary", "fallback", "routing", "tokensPerCall", "spec.regimes", "government-related",
    "modelInventory", "agreements.baa", "agreements.vendors",
    "spec.budget.monthlyUsd", "budgets.orgMonthlyUsd", "org",
}
# Words a section mentions that belong to another variable.
MENTIONS = {"bulk": {"recordsPerYear"}}
TOKEN = re.compile(r"`([a-z][A-Za-z]*(?:\.[a-z][A-Za-z]*)?)`")


def documented() -> dict[str, set[str]]:
    text = (REPO / "docs" / "context.md").read_text(encoding="utf-8")
    sections = re.split(r"^## ", text, flags=re.M)[1:]
    fields: dict[str, set[str]] = {}
    for section in sections:
        heading, _, body = section.partition("\n")
        names = re.findall(r"`([a-z]+)`", heading)
        if not names or names[0] in ("today",):
            continue
        found = {t for t in TOKEN.findall(body) if t not in NOT_FIELDS}
        for name in names:
            fields[name] = found - MENTIONS.get(name, set())
    return fields


def actual() -> dict[str, dict]:
    config = load_config(None, EXAMPLES)
    evaluation = check(config, Options(today=dt.date(2026, 11, 28)),
                       view=lambda evaluation, _: evaluation).views[0]
    unit = next(u for u in evaluation.walk.units if u.info.step.name == "draft-reply")
    data = evaluation.factory.unit(unit.info, unit, 1.0, 1.0)
    data["alternative"] = {"model": "m", "endpoint": "e", "monthlyUsd": 1.0, "savingUsd": 1.0,
                           "savingPercent": 1.0}
    data["spend"] = evaluation_spend_example()
    return data


def evaluation_spend_example() -> dict:
    from procurelint.engine.evaluate import Evaluator

    config = load_config(None, EXAMPLES)
    return Evaluator(config, dt.date(2026, 11, 28)).factory.spend("org", 1.0, 2.0)


def _flatten(value: dict, prefix: str = "") -> set[str]:
    out = set()
    for key, sub in value.items():
        out.add(prefix + key)
        if key == "dataPolicy" and isinstance(sub, dict):
            out |= _flatten(sub, prefix + key + ".")
    return out


def test_documented_fields_exist_and_built_fields_are_documented() -> None:
    docs = documented()
    data = actual()
    problems = []
    for name in ("step", "workflow", "manifest", "model", "endpoint", "provider", "route", "tier",
                 "bulk", "transfer", "policy", "spend", "alternative"):
        built = _flatten(data[name])
        written = docs.get(name, set())
        # The table of `step` lists `name`, `path` in one cell; inline lists name nested keys in
        # braces ({method, performedBy}), which are not top-level fields.
        missing_in_engine = {f for f in written if f not in built
                             and f.split(".")[0] not in built}
        undocumented = {f for f in built if f not in written and f != "dataPolicy"}
        if missing_in_engine:
            problems.append(f"{name}: documented but not built: {sorted(missing_in_engine)}")
        if undocumented:
            problems.append(f"{name}: built but not documented: {sorted(undocumented)}")
    assert not problems, "\n".join(problems)


def test_tiers_is_a_list_of_tiers_and_today_a_date() -> None:
    data = actual()
    assert isinstance(data["tiers"], list) and data["tiers"][-1] == data["tier"]
    assert data["today"] == "2026-11-28"
