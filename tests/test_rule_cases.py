"""Rule tests as data: every folder under tests/cases with an expect.yaml is one case.

A case's findings of the rules it names must be exactly those its expect.yaml lists, with
their file, line and path. Every rule of every built-in pack needs a case where it fires and
a case where it is judged and does not fire.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from procurelint.run.rule_cases import find_cases, run_case
from procurelint.policy.packs import available_builtin_packs, builtin_pack
from tests.conftest import REPO, TODAY

CASES = find_cases(REPO / "tests" / "cases")
# Rules detected while reading files, tested in test_core_rules.py instead of as cases.
ENGINE_TESTED = {"MAN001", "MAN002", "CAT001"}


@pytest.mark.parametrize("case", CASES, ids=[f"{c.parent.name}/{c.name}" for c in CASES])
def test_case(case: Path) -> None:
    outcome = run_case(case, dt.date.fromisoformat(TODAY))
    assert outcome.ok, "\n".join(outcome.problems)


def _coverage() -> tuple[dict[str, int], dict[str, int]]:
    import yaml

    fires: dict[str, int] = {}
    passes: dict[str, int] = {}
    for case in CASES:
        expect = yaml.safe_load((case / "expect.yaml").read_text())
        fired = {f["rule"] for f in expect.get("findings") or []}
        for rule in expect["rules"]:
            bucket = fires if rule in fired else passes
            bucket[rule] = bucket.get(rule, 0) + 1
    return fires, passes


def test_every_rule_has_a_firing_and_a_passing_case() -> None:
    fires, passes = _coverage()
    missing = []
    for name in available_builtin_packs():
        for rule in builtin_pack(name).pack.spec.rules:
            if rule.id in ENGINE_TESTED:
                continue
            if rule.id not in fires:
                missing.append(f"{rule.id}: no case where it fires")
            if rule.id not in passes:
                missing.append(f"{rule.id}: no case where it is judged and passes")
    assert not missing, "\n".join(missing)
