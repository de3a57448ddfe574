"""One judgement of a rule: `when`, then `violation`, each a CEL bool; an error counts as a
violation (fail closed). Every part of the engine that judges a rule calls these two."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from procurelint.errors import ConfigError
from procurelint.expressions import CelEvalError, Program
from procurelint.policy.packs import CompiledRule

PASSED, FIRED, ERROR = "passed", "fired", "error"

Run = Callable[[Program], Any]
"""run(program) executes one of the rule's expressions (on a context, or from a cache)."""


def timed(rule: CompiledRule, part: str, program: Program, run: Run) -> Any:
    """run(program), failing the run (exit 2, naming the rule) when the CEL evaluation took
    longer than the policy's limits.maxRuleMilliseconds of CPU time: a gate that hangs is a gate
    that is skipped. Building the context is not counted, nor time the machine spent elsewhere."""
    program.seconds = 0.0
    result = run(program)
    elapsed = program.seconds
    if elapsed > rule.time_limit:
        raise ConfigError(
            f"rule {rule.id}: one evaluation of `{part}` took {elapsed * 1000:,.0f} ms, more than "
            f"limits.maxRuleMilliseconds ({rule.time_limit * 1000:,.0f}); simplify the rule")
    return result


def outcome(rule: CompiledRule, run: Run) -> bool | str:
    """True (violated), False, or the text of an evaluation error, which is reported as a
    violation."""
    try:
        for part, program in (("when", rule.when), ("violation", rule.violation)):
            assert program is not None
            result = timed(rule, part, program, run)
            if result is not True and result is not False:
                raise CelEvalError(f"`{part}` gave {result!r}, not a bool")
            if not result:
                return False
        return True
    except CelEvalError as exc:
        return str(exc)


def verdict(rule: CompiledRule, run: Run) -> str | None:
    """None when the rule does not apply; else passed, fired or error (for the audit report,
    which shows what was checked and passed as well as what fired)."""
    try:
        applies = timed(rule, "when", rule.when, run)
        if applies is not True:
            return None if applies is False else ERROR
        assert rule.violation is not None
        broken = timed(rule, "violation", rule.violation, run)
    except CelEvalError:
        return ERROR
    if broken is True:
        return FIRED
    return PASSED if broken is False else ERROR
