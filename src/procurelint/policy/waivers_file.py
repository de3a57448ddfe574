"""A waivers file checked against the rules it names, when the policy is loaded."""

from __future__ import annotations

from typing import TYPE_CHECKING

from procurelint.documents.yamlio import Document
from procurelint.errors import ConfigError, Location

if TYPE_CHECKING:  # at run time a record (procurelint.documents.records) that reads alike
    from procurelint.documents.models.waivers_model import Waivers

NOT_WAIVABLE = frozenset({"WAIVER001", "WAIVER002", "JUR009"})
"""Rules no waiver or inline suppression may cover: the waiver rules themselves, and
prohibitions that the organisation cannot accept as a risk (JUR009, 28 CFR 202.303)."""


def check_rules(waivers: Waivers, known: set[str], doc: Document | None, file: str) -> None:
    """A waiver naming an unknown rule is a config error: it would silently waive nothing."""
    seen: set[str] = set()
    for i, waiver in enumerate(waivers.spec.waivers):
        where = doc.location(("spec", "waivers", i, "rule")) if doc else Location(file)
        if waiver.rule not in known:
            raise ConfigError(f"waiver {waiver.id} names unknown rule {waiver.rule!r}", where)
        if waiver.rule in NOT_WAIVABLE:
            raise ConfigError(f"waiver {waiver.id}: {waiver.rule} cannot be waived"
                              + (" (a prohibited transaction under 28 CFR 202.303)"
                                 if waiver.rule == "JUR009" else ""), where)
        if waiver.id in seen:
            raise ConfigError(f"waiver id {waiver.id} is used twice",
                              doc.location(("spec", "waivers", i, "id")) if doc else Location(file))
        seen.add(waiver.id)
