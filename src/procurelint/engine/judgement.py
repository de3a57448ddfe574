"""One judgement of a rule: `when`, then `violation`, each a CEL bool; an error counts as a
violation (fail closed). Every part of the engine that judges a rule calls these two."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from procurelint.expressions import CelEvalError, Program
from procurelint.policy.packs import CompiledRule

PASSED, FIRED, ERROR = "passed", "fired", "error"

Run = Callable[[Program], Any]
"""run(program) executes one of the rule's expressions (on a context, or from a cache)."""


def outcome(rule: CompiledRule, run: Run) -> bool | str:
    """True (violated), False, or the text of an evaluation error, which is reported as a
    violation."""
    try:
        for part, program in (("when", rule.when), ("violation", rule.violation)):
            assert program is not None
            result = run(program)
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
        applies = run(rule.when)
        if applies is not True:
            return None if applies is False else ERROR
        assert rule.violation is not None
        broken = run(rule.violation)
    except CelEvalError:
        return ERROR
    if broken is True:
        return FIRED
    return PASSED if broken is False else ERROR
