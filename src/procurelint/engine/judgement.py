"""One judgement of a rule: `when`, then `violation`, each a CEL bool; an error counts as a
violation (fail closed). Every part of the engine that judges a rule calls `judged`, or
`outcome` and `verdict`, which say what it found in the words of the check and of the audit
report."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from procurelint.errors import ConfigError
from procurelint.expressions import CelEvalError, Program
from procurelint.policy.packs import CompiledRule

PASSED, FIRED, ERROR = "passed", "fired", "error"

Run = Callable[[Program], Any]
"""run(program) executes one of the rule's expressions (on a context, or from a cache)."""

Judged = bool | str | None
"""What `judged` found: None (the rule does not apply), False (passed), True (fired), or the
text of an evaluation error."""


def timed(rule: CompiledRule, part: str, program: Program, run: Run) -> Any:
    """run(program), failing the run (exit 2, naming the rule) when the CEL evaluation took
    longer than the policy's limits.maxRuleMilliseconds of CPU time: a gate that hangs is a gate
    that is skipped. Building the context is not counted, nor time the machine spent elsewhere."""
    program.seconds = 0.0
    try:
        result = run(program)
    except CelEvalError:
        _within_limit(rule, part, program.seconds)  # one that fails late is as slow
        raise
    _within_limit(rule, part, program.seconds)
    return result


def _within_limit(rule: CompiledRule, part: str, elapsed: float) -> None:
    if elapsed > rule.time_limit:
        raise ConfigError(
            f"rule {rule.id}: one evaluation of `{part}` took {elapsed * 1000:,.0f} ms, more than "
            f"limits.maxRuleMilliseconds ({rule.time_limit * 1000:,.0f}); simplify the rule")


def outcome(rule: CompiledRule, run: Run) -> bool | str:
    """True (violated), False, or the text of an evaluation error, which is reported as a
    violation."""
    result = judged(rule, run)
    return False if result is None else result


def judged(rule: CompiledRule, run: Run) -> Judged:
    """`outcome`, told apart where the rule does not apply: None when `when` is false, False
    when it applies and passed, True when it fired, the text of an evaluation error. The check
    keeps this of each step rule, so that the audit report can show what applied and passed
    without judging again."""
    try:
        applies = timed(rule, "when", rule.when, run)
        if applies is False:
            return None
        if applies is not True:
            raise CelEvalError(f"`when` gave {applies!r}, not a bool")
        assert rule.violation is not None
        broken = timed(rule, "violation", rule.violation, run)
        if broken is not True and broken is not False:
            raise CelEvalError(f"`violation` gave {broken!r}, not a bool")
        return broken
    except CelEvalError as exc:
        return str(exc)


def verdict_of(result: Judged) -> str | None:
    """The audit report's word for a `judged` value: None where the rule did not apply."""
    if result is None:
        return None
    if result is True:
        return FIRED
    return PASSED if result is False else ERROR


def verdict(rule: CompiledRule, run: Run) -> str | None:
    """None when the rule does not apply; else passed, fired or error (for the audit report,
    which shows what was checked and passed as well as what fired)."""
    return verdict_of(judged(rule, run))
