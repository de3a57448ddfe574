"""Applying waivers (formats.md section 4): approved, expiring exceptions by rule and target.

A waiver covers findings of its rule whose path is its target or lies below it. It holds
through its `expires` day (UTC). An expired waiver no longer applies (the finding fails the
build again) and is itself reported (WAIVER001); a waiver that matches no finding is stale
(WAIVER002).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from procurelint.errors import ConfigError, Location
from procurelint.findings import Finding
from procurelint.yamlio import Document

if TYPE_CHECKING:  # at run time these are records (procurelint.records) that read alike
    from procurelint.model.waivers import Waiver, Waivers

NOT_WAIVABLE = frozenset({"WAIVER001", "WAIVER002"})


def covers(target: str, path: str) -> bool:
    """Whether a waiver target covers a finding path (a manifest covers its steps)."""
    return path == target or path.startswith(target + "/")


def waiver_info(waiver: Waiver) -> dict[str, Any]:
    return {"id": waiver.id, "reason": waiver.reason, "approvedBy": waiver.approved_by,
            "ticket": waiver.ticket, "expires": waiver.expires.isoformat()}


def check_rules(waivers: Waivers, known: set[str], doc: Document | None, file: str) -> None:
    """A waiver naming an unknown rule is a config error: it would silently waive nothing."""
    seen: set[str] = set()
    for i, waiver in enumerate(waivers.spec.waivers):
        where = doc.location(("spec", "waivers", i, "rule")) if doc else Location(file)
        if waiver.rule not in known:
            raise ConfigError(f"waiver {waiver.id} names unknown rule {waiver.rule!r}", where)
        if waiver.rule in NOT_WAIVABLE:
            raise ConfigError(f"waiver {waiver.id}: {waiver.rule} cannot be waived", where)
        if waiver.id in seen:
            raise ConfigError(f"waiver id {waiver.id} is used twice",
                              doc.location(("spec", "waivers", i, "id")) if doc else Location(file))
        seen.add(waiver.id)


def apply_waivers(
    findings: list[Finding],
    waivers: Waivers,
    doc: Document | None,
    file: str,
    today: dt.date,
    judged: Callable[[Waiver], bool],
    report: Callable[[str, str, Location, str], None],
) -> None:
    """Mark covered findings as waived; report expired (WAIVER001) and stale (WAIVER002) ones.

    `judged(waiver)` says whether this run judged the waiver's rule and target at all (a
    check of a few files, or with --select, must not call other waivers stale).
    """
    for i, waiver in enumerate(waivers.spec.waivers):
        where = doc.location(("spec", "waivers", i, "target")) if doc else Location(file)
        matching = [f for f in findings if f.rule == waiver.rule and covers(waiver.target, f.path)]
        if today > waiver.expires:
            for finding in matching:
                if finding.waiver is None:
                    finding.waiver = waiver_info(waiver)  # shown, but no longer applies
            report("WAIVER001", waiver.target, where,
                   f"waiver {waiver.id} for {waiver.rule} on {waiver.target} expired on "
                   f"{waiver.expires.isoformat()}; the {len(matching)} finding(s) it covered "
                   "fail again. Renew it with a new approval, or fix the findings")
            continue
        if not matching:
            if judged(waiver):
                report("WAIVER002", waiver.target, where,
                       f"waiver {waiver.id} for {waiver.rule} on {waiver.target} matches no "
                       "finding; remove it (stale waivers hide future regressions)")
            continue
        for finding in matching:
            if not finding.waived:
                finding.waived = True
                finding.waiver = waiver_info(waiver)
