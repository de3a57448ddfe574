"""The audit report's verdict of each step rule on each route is the check's own.

The check keeps what each step rule gave on each unit, and the report reads it rather than
judging again. Each kept verdict must be what judging every rule afresh on the unit's whole
context gives (the report's way before the check kept them), on every unit of the examples
and of generated corpora of both shapes, with the work split across processes or not.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import Any

import pytest
from msgspec.structs import replace

from procurelint.audit.repository import reported
from procurelint.engine import judgement
from procurelint.engine.evaluate import Evaluation
from procurelint.engine.verdicts import RuleVerdicts
from procurelint.expressions import CelEvalError
from procurelint.policy.config import load_config
from procurelint.run.pipeline import Options, check
from tests.conftest import EXAMPLES, REPO, TODAY

sys.path.insert(0, str(REPO / "benchmarks"))
from corpus import generate  # noqa: E402

DAY = dt.date.fromisoformat(TODAY)


def _kept_and_afresh(evaluation: Evaluation, request: Any) -> tuple[list[Any], list[Any], int]:
    """Per selected unit: the verdicts from what the check kept, and judged afresh."""
    waived, _ = request
    config = evaluation.factory.config
    units = [u for u in evaluation.walk.units if u.info.source.selected]
    kept = RuleVerdicts(config, evaluation, set(waived))
    afresh = RuleVerdicts(config, replace(evaluation, judged={}), set(waived))
    return ([kept.unit(u) for u in units], [afresh.unit(u) for u in units],
            sum(id(u) in evaluation.judged for u in units))


# Rules that the check's memos must handle apart: one that reads no variable, one that reads
# the step whole (then no unit's step is interned, and every rule's view of it is new for each
# unit), one that reads a field of several variables.
_UNUSUAL_RULES = """\
  rules:
    - id: ROWS001
      title: reads nothing
      severity: info
      violation: "1 == 1"
      message: "step {step.path}"
    - id: ROWS002
      title: reads the whole step
      severity: warning
      violation: "size(step) > 5 && size(step.dataClasses) > 1"
      message: "step {step.path}"
    - id: ROWS003
      title: reads fields of several variables
      severity: warning
      when: "step.phi"
      violation: "endpoint.country != 'US' || model.developerJurisdiction != 'US'"
      message: "step {step.path}"
"""


@pytest.mark.parametrize(("shape", "processes"), [("examples", 1), ("benchmark", 1),
                                                  ("slow", 1), ("slow", 2), ("unusual", 1)])
def test_the_verdicts_kept_by_the_check_are_those_judged_afresh(
        shape: str, processes: int, tmp_path: Path) -> None:
    if shape == "examples":
        root = EXAMPLES
    else:
        root = tmp_path / shape
        generate(40, root, "slow" if shape == "unusual" else shape)
        if shape == "unusual":
            with (root / "procurelint.yaml").open("a") as policy:
                policy.write(_UNUSUAL_RULES)
    checked = check(load_config(None, root), Options(today=DAY), processes=processes,
                    view=_kept_and_afresh, request=reported)
    assert len(checked.views) == processes
    for kept, afresh, from_the_check in checked.views:
        assert from_the_check == len(kept) > 0  # every unit's verdicts came from the check
        assert kept == afresh
        # Both kinds of verdict occur, so that a mix-up between them would show.
        outcomes = {outcome for unit in kept for outcome in unit.values()}
        assert {"passed", "fired"} <= outcomes


def _rule() -> Any:
    config = load_config(None, EXAMPLES)
    return next(r for r in config.rules if r.id == "HIPAA001")


@pytest.mark.parametrize(("when", "violation", "found", "verdict"), [
    (False, True, None, None),                 # does not apply: no verdict
    (True, False, False, "passed"),
    (True, True, True, "fired"),
    (1, True, "`when` gave 1, not a bool", "error"),
    (True, "yes", "`violation` gave 'yes', not a bool", "error"),
    (CelEvalError("no such key: x"), True, "no such key: x", "error"),
    (True, CelEvalError("no such key: y"), "no such key: y", "error"),
])
def test_one_judgement_in_the_words_of_the_check_and_of_the_report(
        when: Any, violation: Any, found: Any, verdict: str | None) -> None:
    rule = _rule()

    def run(program: Any) -> Any:
        value = when if program is rule.when else violation
        if isinstance(value, Exception):
            raise value
        return value

    assert judgement.judged(rule, run) == found
    assert judgement.outcome(rule, run) == (False if found is None else found)
    assert judgement.verdict(rule, run) == verdict


_FAILING_ALTERNATIVE_RULE = """\
  rules:
    - id: ALTS001
      title: fails on every step
      severity: warning
      violation: "alternative.nosuch.deeper == step.path"
      message: "step {step.path}"
"""


def test_an_error_the_check_remembers_keeps_no_frames(tmp_path: Path) -> None:
    """A rule on the cheaper alternative that fails on every step: its error is remembered and
    given again for every unit with the same values. What is remembered must not hold the
    frames the error was raised through: once the memo is let go they would be cyclic garbage,
    which nothing frees while the collector is off for judging (and an error raised again
    gathered one more frame each time)."""
    import gc
    import types

    root = tmp_path / "failing"
    generate(40, root, "slow")
    with (root / "procurelint.yaml").open("a") as policy:
        policy.write(_FAILING_ALTERNATIVE_RULE)
    config = load_config(None, root)
    gc.collect()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        result = check(config, Options(today=DAY), processes=1).result
        gc.collect()
        left = [o for o in gc.garbage if isinstance(o, (types.FrameType, types.TracebackType))]
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
    errors = [f for f in result.findings if f.rule == "ALTS001"]
    assert len(errors) > 10 and all("could not be evaluated" in f.message for f in errors)
    assert left == []


def test_each_list_of_tiers_is_converted_once_for_the_rules_that_read_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A unit's tiers are one of a few lists, each holding every tier's jurisdictions: the
    costliest value a rule reads to convert into CEL. Rules of one shape judge units in any
    order of their tier lists, so each list keeps a context of its own. Converting it again
    whenever the list changed from one unit to the next cost 8% of the instructions of a
    check of 200 manifests of the slow shape."""
    from collections import Counter

    from procurelint.expressions import ContextPool

    root = tmp_path / "slow"
    generate(40, root, "slow")
    conversions: Counter[tuple[Any, int]] = Counter()
    original = ContextPool.context

    def counted(pool: ContextPool, key: Any, variables: dict[str, Any]) -> Any:
        if isinstance(key, tuple) and key[0] == "projected" and "tiers" in variables:
            entry = pool._pool.get(key)
            if entry is None or entry[1].keys() != variables.keys() \
                    or entry[1]["tiers"] is not variables["tiers"]:
                conversions[(key[1:3], id(variables["tiers"]))] += 1
        return original(pool, key, variables)

    monkeypatch.setattr(ContextPool, "context", counted)
    check(load_config(None, root), Options(today=DAY), processes=1)
    assert len({tiers for _, tiers in conversions}) > 1  # the corpus has several lists
    assert set(conversions.values()) == {1}
