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
