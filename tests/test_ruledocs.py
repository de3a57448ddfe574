"""Rule documentation is generated from the packs: docs/rules.md, `rules`, `explain`."""

from __future__ import annotations

from procurelint.policy.packs import available_builtin_packs, builtin_pack
from procurelint.output.rule_docs import markdown
from tests.conftest import REPO


def test_docs_rules_md_is_current() -> None:
    packs = [builtin_pack(n) for n in available_builtin_packs()]
    committed = (REPO / "docs" / "rules.md").read_text(encoding="utf-8")
    assert committed == markdown(packs), "docs/rules.md is stale: run `procurelint rules --format md > docs/rules.md`"


def test_rules_md_has_a_section_per_rule() -> None:
    text = (REPO / "docs" / "rules.md").read_text(encoding="utf-8")
    for name in available_builtin_packs():
        for rule in builtin_pack(name).pack.spec.rules:
            assert f"\n### {rule.id}\n" in text


def test_rules_lists_every_rule(cli) -> None:
    run = cli("rules")
    assert run.code == 0
    ids = [line.split()[0] for line in run.stdout.splitlines()]
    assert "HIPAA002" in ids and "COST007" in ids and "MAN001" in ids
    only = cli("rules", "--pack", "federal")
    assert [line.split()[0] for line in only.stdout.splitlines()] == [
        "FED001", "FED002", "FED003", "FED004", "FED005", "FED006", "FED007", "FED008"]
    assert cli("rules", "--pack", "nope").code == 2


def test_explain_hipaa002(cli) -> None:
    run = cli("explain", "HIPAA002")
    assert run.code == 0
    out = run.stdout
    assert out.startswith("HIPAA002: ")
    for section in ("Why it matters", "Citations", "How to fix it", "Example (violates the rule)"):
        assert section in out
    assert "45 CFR 164.504(e)" in out


def test_explain_marks_unconfirmed_facts(cli) -> None:
    out = cli("explain", "BANK004").stdout
    assert "UNCONFIRMED: SR 11-7 was reported rescinded" in out


def test_explain_is_case_insensitive_and_rejects_unknown_ids(cli) -> None:
    assert cli("explain", "jur001").code == 0
    run = cli("explain", "NOPE999")
    assert run.code == 2 and "unknown rule" in run.stderr
