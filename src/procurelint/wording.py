"""How catalog and context values read for people: one wording everywhere, so an unknown
fact always reads as unknown and never as blank or "no"."""

from __future__ import annotations

from typing import Any


def fact_text(value: Any, unknown: str = "unknown") -> str:
    """A fact as text: null is `unknown`, booleans are true/false, lists are comma-joined."""
    if value is None:
        return unknown
    if value is True or value is False:
        return "true" if value else "false"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or "none"
    return str(value)


def _folded(text: str) -> str:
    """An id as people misspell it alike: case, `.`, `_` and spaces do not matter."""
    return text.lower().replace(".", "-").replace("_", "-").replace(" ", "-")


def did_you_mean(value: str, choices: list[str] | set[str] | tuple[str, ...], n: int = 3) -> list[str]:
    """The known ids closest to an unknown one, best first (`claude-sonnet-4-6` finds
    `claude-sonnet-4.6`); none when nothing is close."""
    import difflib

    by_fold: dict[str, str] = {}
    for choice in sorted(choices):
        by_fold.setdefault(_folded(choice), choice)
    folded = _folded(value)
    if folded in by_fold and by_fold[folded] != value:
        return [by_fold[folded]]
    return [by_fold[m] for m in difflib.get_close_matches(folded, list(by_fold), n=n, cutoff=0.75)]


def suggestion(hints: list[str]) -> str:
    """`; did you mean 'a'?` or `; did you mean 'a' or 'b'?`, or nothing."""
    if not hints:
        return ""
    return "; did you mean " + " or ".join(repr(h) for h in hints) + "?"
