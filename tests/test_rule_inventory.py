"""The rules of the design contract (rules.md) exist with their documented id and severity."""

from __future__ import annotations

import pytest

from procurelint.policy.packs import BUILTIN_PACKS, builtin_pack

# From the design contract, rules.md version 1: (pack, id, default severity).
CONTRACT = [
    ("core", "MAN001", "error"), ("core", "MAN002", "error"), ("core", "MAN003", "error"),
    ("core", "MAN004", "error"), ("core", "MAN005", "error"), ("core", "MAN006", "error"),
    ("core", "MAN007", "error"), ("core", "MAN008", "error"), ("core", "MAN009", "error"),
    ("core", "CAT001", "warning"),
    ("hipaa", "HIPAA001", "error"), ("hipaa", "HIPAA002", "error"), ("hipaa", "HIPAA003", "error"),
    ("hipaa", "HIPAA004", "warning"), ("hipaa", "HIPAA005", "warning"),
    ("banking", "BANK001", "error"), ("banking", "BANK002", "warning"),
    ("banking", "BANK003", "error"), ("banking", "BANK004", "error"),
    ("banking", "BANK005", "warning"),
    ("federal", "FED001", "error"), ("federal", "FED002", "error"), ("federal", "FED003", "error"),
    ("federal", "FED004", "error"), ("federal", "FED005", "error"),
    ("jurisdiction", "JUR001", "error"), ("jurisdiction", "JUR002", "error"),
    ("jurisdiction", "JUR003", "error"), ("jurisdiction", "JUR004", "error"),
    ("jurisdiction", "JUR005", "error"), ("jurisdiction", "JUR006", "error"),
    ("jurisdiction", "JUR007", "error"), ("jurisdiction", "JUR008", "error"),
    ("cost", "COST001", "error"), ("cost", "COST002", "error"), ("cost", "COST003", "error"),
    ("cost", "COST004", "warning"), ("cost", "COST005", "error"), ("cost", "COST006", "info"),
    ("cost", "COST007", "warning"),
]


@pytest.mark.parametrize(("pack", "rule_id", "severity"), CONTRACT)
def test_contract_rule_exists(pack: str, rule_id: str, severity: str) -> None:
    rules = {r.id: r for r in builtin_pack(pack).pack.spec.rules}
    assert rule_id in rules, f"{rule_id} missing from policies/{pack}.yaml"
    assert rules[rule_id].severity == severity


@pytest.mark.parametrize("pack", BUILTIN_PACKS)
def test_every_rule_is_documented(pack: str) -> None:
    for rule in builtin_pack(pack).pack.spec.rules:
        assert rule.title and rule.rationale and rule.citations and rule.remediation, rule.id
        assert rule.example, f"{rule.id} has no example"


def test_rule_ids_are_unique_across_packs() -> None:
    seen: dict[str, str] = {}
    for pack in BUILTIN_PACKS:
        for rule in builtin_pack(pack).pack.spec.rules:
            assert rule.id not in seen, f"{rule.id} in {pack} and {seen[rule.id]}"
            seen[rule.id] = pack


def test_built_in_rules_keep_list_macros_shallow() -> None:
    from procurelint.policy.packs import MAX_COMPREHENSION_DEPTH, MAX_COST, estimated_cost

    for pack in BUILTIN_PACKS:
        for rule in builtin_pack(pack).pack.spec.rules:
            for source in (rule.when, rule.violation or ""):
                depth, cost = estimated_cost(source)
                assert depth <= MAX_COMPREHENSION_DEPTH and cost <= MAX_COST, rule.id
