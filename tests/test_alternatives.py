"""The cheapest-compliant-alternative search judged by facts gives what judging every step on
every offer gives, on repositories whose compliance contexts rarely repeat."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import pytest

from procurelint.documents.files import discover
from procurelint.engine.alternatives import AlternativeFinder, cheapest_compliant
from procurelint.engine.evaluate import Evaluator
from procurelint.policy.config import load_config
from procurelint.run.reading import load_manifests, parser_limits
from tests.conftest import EXAMPLES, REPO

sys.path.insert(0, str(REPO / "benchmarks"))
from corpus import generate  # noqa: E402

DAY = dt.date(2026, 11, 28)


def _judged(root: Path) -> tuple[Evaluator, list, AlternativeFinder]:
    config = load_config(None, root)
    spec = config.policy.spec
    loaded = load_manifests(config, discover(config.root, [], spec.include, spec.exclude),
                            parser_limits(config))
    evaluator = Evaluator(config, DAY)
    walked, refs = evaluator.walk(list(loaded.manifests))
    spend = evaluator.settle([evaluator.contributions(walked, refs)])
    finder = evaluator.judge_local(walked, list(loaded.manifests), spend)
    primaries = [u for u in walked.units if u.via == "primary"]
    return evaluator, primaries, finder


@pytest.mark.parametrize("shape", ["slow", "benchmark"])
def test_judging_by_facts_names_the_alternatives_judging_each_offer_names(
        tmp_path: Path, shape: str) -> None:
    generate(40, tmp_path, shape)
    evaluator, primaries, finder = _judged(tmp_path)
    assert finder.by_facts
    each = AlternativeFinder(evaluator.config, evaluator.factory, evaluator.by_scope["step"])
    each.by_facts = False  # every (step, offer) judged on the whole context, as a fallback does
    found = 0
    for unit in primaries:
        info = unit.info
        expected = each.find(info, unit, None)
        assert finder.find(info, unit, None) == expected, info.path
        assert cheapest_compliant(finder, info, unit) == cheapest_compliant(each, info, unit)
        found += expected is not None
    assert found > 0 and len(primaries) > 100


def test_records_matter_only_against_bulk_thresholds(tmp_path: Path) -> None:
    """Yearly records that put no provider over a threshold share one group of steps; those
    that do, or are not declared, get groups of their own."""
    generate(1, tmp_path, "slow")
    manifest = """\
apiVersion: procurelint/v1
kind: AgentManifest
metadata: {name: volumes, team: team-00, owner: o@example.com}
spec:
  workflows:
"""
    for index, records in enumerate([10, 20, 30, 99_000, 5_000_000, None]):
        manifest += f"""\
    - name: w{index}
      runsPerMonth: 100
      dataClasses: [pii]
{'' if records is None else f'      recordsPerYear: {records}'}
      steps:
        - {{name: s, model: lab00/model-00, endpoint: vendor00/us-east, tokensPerCall: {{input: 900, output: 90}}}}
"""
    (tmp_path / "volumes.yaml").write_text(manifest)
    evaluator, primaries, finder = _judged(tmp_path)
    ours = [u for u in primaries if u.info.source.manifest.metadata.name == "volumes"]
    groups = [finder._key(u.info) for u in ours]  # noqa: SLF001 - the grouping under test
    assert groups[0] == groups[1] == groups[2]
    assert len({groups[0], groups[4], groups[5]}) == 3
    each = AlternativeFinder(evaluator.config, evaluator.factory, evaluator.by_scope["step"])
    each.by_facts = False
    for unit in ours:
        assert finder.find(unit.info, unit, None) == each.find(unit.info, unit, None)


def test_examples_alike(tmp_path: Path) -> None:
    for root in [EXAMPLES, *sorted(p.parent for p in EXAMPLES.glob("*/procurelint.yaml"))]:
        evaluator, primaries, finder = _judged(root)
        each = AlternativeFinder(evaluator.config, evaluator.factory, evaluator.by_scope["step"])
        each.by_facts = False
        for unit in primaries:
            assert finder.find(unit.info, unit, None) == each.find(unit.info, unit, None)


@pytest.mark.parametrize("shape", ["slow", "benchmark"])
def test_a_run_of_few_steps_names_what_judging_by_facts_names(tmp_path: Path, shape: str) -> None:
    """A small run tries offers cheapest first (FEW_STEPS); it names the alternatives the
    masks of judging by facts name, step by step, on a repository whose facts rarely repeat."""
    generate(3, tmp_path, shape)
    evaluator, primaries, finder = _judged(tmp_path)
    assert finder.few_steps and finder.by_facts  # the run itself took the small-run path
    masks = AlternativeFinder(evaluator.config, evaluator.factory, evaluator.by_scope["step"])
    assert not masks.few_steps
    small = AlternativeFinder(evaluator.config, evaluator.factory, evaluator.by_scope["step"],
                              steps=len(primaries))
    found = 0
    for unit in primaries:
        expected = masks.find(unit.info, unit, None)
        assert small.find(unit.info, unit, None) == expected, unit.info.path
        found += expected is not None
    assert found > 0
    assert small._verdicts  # noqa: SLF001 - searches went offer by offer (a group searched
    # more than FRONT_AFTER times still gets its mask)


@pytest.mark.parametrize("shape", ["slow", "benchmark"])
def test_an_offer_judged_by_facts_is_judged_as_on_the_whole_context(
        tmp_path: Path, shape: str) -> None:
    """`compliant`, which a small run's search and `cost` ask offer by offer, judges each rule
    on the facts it reads of the step and of the offer; on every offer it gives the verdict
    of every rule run on the step's whole context there."""
    generate(3, tmp_path, shape)
    evaluator, primaries, finder = _judged(tmp_path)
    assert finder.by_facts
    each = AlternativeFinder(evaluator.config, evaluator.factory, evaluator.by_scope["step"])
    each.by_facts = False
    assert _offer_by_offer(finder, each, primaries[:8], evaluator) == {True, False}


def _offer_by_offer(finder: AlternativeFinder, each: AlternativeFinder, units: list,
                    evaluator: Evaluator) -> set[bool]:
    """Asserts that both finders judge every offer alike for these units; the verdicts seen."""
    verdicts = set()
    for unit in units:
        for endpoint_id, model_id, _ in evaluator.config.catalog.offers():
            verdict = finder.compliant(unit.info, endpoint_id, model_id)
            assert verdict == each.compliant(unit.info, endpoint_id, model_id), (
                unit.info.path, endpoint_id, model_id)
            verdicts.add(verdict)
    return verdicts


# Compliance rules whose verdict depends on what the step would cost at an offer (one reads
# the cost, one the whole step), which turn judging by facts off.
_COSTLY_RULES = """\
  rules:
    - id: DEAR001
      title: a dear step leaves the US
      severity: error
      violation: "step.monthlyUsd > 300.0 && endpoint.country != 'US'"
      message: "step {step.path}"
    - id: DEAR002
      title: reads the whole step
      severity: error
      violation: "size(step) > 5 && step.tierRank >= 3 && model.developerJurisdiction != 'US'"
      message: "step {step.path}"
"""


@pytest.mark.parametrize("count", [3, 40])
def test_rules_reading_the_cost_judge_offers_as_the_whole_context_does(
        tmp_path: Path, count: int) -> None:
    """With a compliance rule that reads the step's cost or the whole step, each (step, offer)
    is judged rule by rule, those rules on the step as it would cost at that offer: the search
    names what judging every rule on the whole context names, on every step."""
    generate(count, tmp_path, "slow")
    with (tmp_path / "procurelint.yaml").open("a") as policy:
        policy.write(_COSTLY_RULES)
    evaluator, primaries, finder = _judged(tmp_path)
    assert finder.by_rule and not finder.by_facts
    each = AlternativeFinder(evaluator.config, evaluator.factory, evaluator.by_scope["step"])
    each.by_rule = False  # every (step, offer) judged on the whole context
    found = 0
    for unit in primaries:
        expected = each.find(unit.info, unit, None)
        assert finder.find(unit.info, unit, None) == expected, unit.info.path
        assert cheapest_compliant(finder, unit.info, unit) == cheapest_compliant(each, unit.info, unit)
        found += expected is not None
    assert found > 0
    # And offer by offer, where the cost decides: the same verdicts, of both kinds.
    assert _offer_by_offer(finder, each, primaries[:6], evaluator) == {True, False}
