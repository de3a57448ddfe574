"""`--select` and `--ignore` judge only the rules they keep, and report what a run of every
rule, filtered, reports."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from procurelint.engine.evaluate import Evaluation, Evaluator
from procurelint.engine.projection import Projector
from procurelint.policy.config import load_config
from procurelint.run.pipeline import Options, check
from procurelint.run.selection import wanted
from tests.conftest import TODAY, write

MANIFEST = """\
apiVersion: procurelint/v1
kind: AgentManifest
metadata: {name: faq, team: support, owner: o@example.com}
spec:
  workflows:
    - name: answer
      runsPerMonth: 10000
      dataClasses: [public]
      steps:
        - name: reply
          model: anthropic/claude-sonnet-4.6
          endpoint: anthropic/api  # procurelint: ignore[COST006] priced per contract
          tokensPerCall: {input: 2000, output: 500}
        - name: summarise
          model: anthropic/claude-sonnet-4.6
          endpoint: anthropic/api
          tokensPerCall: {input: 2000, output: 500}
    - name: claims
      runsPerMonth: 10000
      dataClasses: [phi]
      recordsPerYear: 1000
      steps:
        - name: draft
          model: deepseek/deepseek-v3.2
          endpoint: deepseek/api
          tokensPerCall: {input: 2000, output: 500}
"""


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    write(tmp_path, "procurelint.yaml",
          "apiVersion: procurelint/v1\nkind: Policy\nmetadata: {name: p}\nspec: {}\n")
    write(tmp_path, "faq.yaml", MANIFEST)
    return tmp_path


def _judged(evaluation: Evaluation, request: Any) -> tuple[set[str], int]:
    """The rules that fired, and how much the alternative search did: price fronts built, or
    offers judged one by one (a run of few steps tries offers cheapest first)."""
    search = evaluation.alternatives
    return {f.rule for f in evaluation.findings}, len(search._fronts) + len(search._verdicts)  # noqa: SLF001


@pytest.mark.parametrize(("select", "ignore", "cost006"), [
    ([], [], True),
    (["HIPAA"], [], False),
    ([], ["COST006", "SUP"], False),
    # SUP002 kept: a suppression names COST006, so it is judged to find the comment used.
    ([], ["COST006"], True),
    (["COST006"], [], True),
])
def test_rules_left_out_are_not_judged(repo: Path, select: list[str], ignore: list[str],
                                       cost006: bool) -> None:
    config = load_config(None, repo)
    options = Options(select=select, ignore=ignore, today=dt.date.fromisoformat(TODAY))
    checked = check(config, options, view=_judged)
    [(rules, fronts)] = checked.views
    judged = {r for r in rules if not r.startswith("MAN")} - {"COST006"}
    assert judged == {r for r in judged if wanted(r, select, ignore)}
    assert bool(judged) is (select != ["COST006"])  # HIPAA001 and others fire when judged
    assert ("COST006" in rules) is cost006
    assert (fronts > 0) is cost006  # the alternative search runs only for COST006


@pytest.mark.parametrize("args", [["--select", "HIPAA"], ["--ignore", "COST006"],
                                  ["--select", "SUP002,HIPAA"], ["--select", "SUP"]])
def test_selected_findings_are_those_of_a_full_run(cli, repo: Path, args: list[str]) -> None:
    """A suppression comment of a rule left out is found used (no SUP002) as in a full run."""
    full = json.loads(cli("check", "--date", TODAY, "-f", "json", cwd=repo).stdout)["findings"]
    run = json.loads(cli("check", "--date", TODAY, "-f", "json", *args, cwd=repo).stdout)
    patterns = [p for a, v in zip(args[::2], args[1::2]) for p in v.split(",")]
    if args[0] == "--select":
        expected = [f for f in full if any(f["rule"].startswith(p) for p in patterns)]
    else:
        expected = [f for f in full if not any(f["rule"].startswith(p) for p in patterns)]
    assert run["findings"] == expected
    assert "COST006" in {f["rule"] for f in full}


def test_rules_left_out_add_no_field_to_the_projected_step(repo: Path) -> None:
    """A unit's values are projected to the fields the judged rules read; when COST006 is
    judged, to those every step rule reads, since an alternative must pass them all."""
    config = load_config(None, repo)
    evaluator = Evaluator(config, dt.date.fromisoformat(TODAY))
    every = {name: set(fields) for name, fields in evaluator.projector.fields.items() if fields}

    def read_by(prefixes: tuple[str, ...]) -> dict[str, set[str]]:
        sources = [s for r in config.rules if "step" in r.scopes
                   and (r.violation is None or r.id.startswith(prefixes))
                   for s in (r.rule.when, r.rule.violation or "")]
        return {n: set(f) for n, f in Projector(sources).fields.items() if f}

    evaluator.only(lambda rule: rule.startswith("HIPAA"))
    hipaa = {name: set(fields) for name, fields in evaluator.projector.fields.items() if fields}
    assert hipaa == read_by(("HIPAA",))
    assert hipaa["step"] < every["step"]  # the other rules' fields are left out
    evaluator.only(lambda rule: rule in ("HIPAA001", "COST006"))
    assert {n: set(f) for n, f in evaluator.projector.fields.items() if f} == every


@pytest.mark.parametrize(("select", "built"), [
    (["HIPAA"], {("restricted",)}),  # the PHI step only, which HIPAA001 reports
    (["COST006"], {("restricted",), ("public",)}),  # the search judges every step rule
    ([], {("restricted",), ("public",)}),
])
def test_rules_left_out_build_no_variable_of_a_unit(repo: Path, select: list[str],
                                                    built: set[tuple[str, ...]]) -> None:
    """A unit's context holds only the variables the judged rules read: the HIPAA rules read
    no tiers, bulk-data total or transfer, so a `--select HIPAA` check builds them only for
    the message of a unit a rule fired on."""
    config = load_config(None, repo)
    options = Options(select=select, today=dt.date.fromisoformat(TODAY))
    checked = check(config, options, view=lambda evaluation, request: evaluation.factory)
    [factory] = checked.views
    assert set(factory._tier_lists) == built  # noqa: SLF001
    transfers = {key[1] for key in factory._transfers}  # noqa: SLF001
    assert "deepseek/api" in transfers
    assert ("anthropic/api" in transfers) is (len(built) > 1)


_NAMING_PACK = """\
apiVersion: procurelint/v1
kind: RulePack
metadata: {name: naming, version: 1.0.0, title: Messages that name what the rule does not read}
spec:
  rules:
    - id: NAME001
      title: A step of PHI
      severity: error
      scope: step
      when: "true"
      violation: "step.phi"
      message: "{step.path} in {workflow.name} of {manifest.team} ({tier.name}; {why.placesNotAllowed})"
      rationale: A message may name any variable of the step scope.
      citations: ["none"]
      remediation: None.
"""


@pytest.mark.parametrize("args", [[], ["--select", "NAME"]])
def test_a_message_names_variables_its_rule_does_not_read(cli, tmp_path: Path,
                                                          args: list[str]) -> None:
    """A rule that reads only the step still has every variable of its unit in its message,
    when it alone is judged as when every rule is."""
    write(tmp_path, "procurelint.yaml", "apiVersion: procurelint/v1\nkind: Policy\n"
          "metadata: {name: p}\nspec: {rulePacks: [pack.yaml]}\n")
    write(tmp_path, "pack.yaml", _NAMING_PACK)
    write(tmp_path, "faq.yaml", MANIFEST)
    run = cli("check", "--date", TODAY, "-f", "json", *args, cwd=tmp_path)
    [message] = [f["message"] for f in json.loads(run.stdout)["findings"] if f["rule"] == "NAME001"]
    # The default policy's restricted tier allows the US only; deepseek/api is in China.
    assert message == ("faq/claims/draft in claims of support (restricted; tier restricted "
                       "(only US) does not allow it: the endpoint is in CN, provider deepseek is "
                       "established in CN, the parent of deepseek is established in CN)")


def _units_and_factory(root: Path) -> tuple[list[Any], Any]:
    config = load_config(None, root)
    options = Options(today=dt.date.fromisoformat(TODAY))
    checked = check(config, options, view=lambda evaluation, request: (
        list(evaluation.walk.units), evaluation.factory))
    [(units, factory)] = checked.views
    return units, factory


_DECLARING = MANIFEST.replace("spec:\n", "spec:\n  regimes: [glba]\n", 1).replace(
    "        - name: draft\n", """\
        - name: extract
          model: deepseek/deepseek-v3.2
          endpoint: deepseek/api
          tokensPerCall: {input: 2000, output: 500}
        - name: draft
          dataClasses: [public]
          deidentification: {method: safe-harbor, performedBy: extract}
""", 1)
"""The manifest above, declaring a regime of its own and a step de-identified by another."""


@pytest.mark.parametrize("corpus", ["examples", "slow", "declaring"])
def test_a_step_built_field_by_field_is_the_whole_step(corpus: str, tmp_path: Path) -> None:
    """`step_fields`, which a check that judges few rules builds in place of `step`, gives each
    field as `step` does, alone or with the others (and nothing for a name `step` lacks)."""
    import sys

    from tests.conftest import EXAMPLES, REPO

    if corpus == "examples":
        root = EXAMPLES
    elif corpus == "declaring":
        root = tmp_path
        write(root, "procurelint.yaml",
              "apiVersion: procurelint/v1\nkind: Policy\nmetadata: {name: p}\nspec: {}\n")
        write(root, "faq.yaml", _DECLARING)
    else:
        sys.path.insert(0, str(REPO / "benchmarks"))
        from corpus import generate

        root = tmp_path / "corpus"
        generate(40, root, "slow")
    units, factory = _units_and_factory(root)
    assert units
    for unit in units:
        whole = factory.step(unit.info, unit)
        assert factory.step_fields(unit.info, unit, frozenset(whole) | {"nothing"}) == whole
        for name in whole:
            assert factory.step_fields(unit.info, unit, frozenset({name})) == {name: whole[name]}
