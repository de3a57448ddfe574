"""Applying waivers: approved, expiring exceptions by rule and target.

A waiver covers findings of its rule whose path is its target or lies below it. It holds
through its `expires` day (UTC). An expired waiver no longer applies (the finding fails the
build again) and is itself reported (WAIVER001); a waiver that matches no finding is stale
(WAIVER002).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from procurelint.errors import Location
from procurelint.findings import Finding
from procurelint.documents.document import Document
from procurelint.policy.core_rules import message

if TYPE_CHECKING:  # at run time these are records (procurelint.documents.records) that read alike
    from procurelint.documents.models.waivers_model import Waiver, Waivers

def covers(target: str, path: str) -> bool:
    """Whether a waiver target covers a finding path (a manifest covers its steps)."""
    return path == target or path.startswith(target + "/")


def waiver_info(waiver: Waiver) -> dict[str, Any]:
    return {"id": waiver.id, "reason": waiver.reason, "approvedBy": waiver.approved_by,
            "ticket": waiver.ticket, "expires": waiver.expires.isoformat()}


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
    # Each waiver looks only at the findings of its rule under the first part of its target (a
    # path it covers begins with that part): a large repository can have hundreds of thousands
    # of findings, and a policy hundreds of waivers.
    placed: dict[tuple[str, str], list[Finding]] = {}
    if waivers.spec.waivers:
        for finding in findings:
            key = (finding.rule, finding.path.partition("/")[0])
            found = placed.get(key)
            if found is None:
                placed[key] = [finding]
            else:
                found.append(finding)
    for i, waiver in enumerate(waivers.spec.waivers):
        where = doc.location(("spec", "waivers", i, "target")) if doc else Location(file)
        under = placed.get((waiver.rule, waiver.target.partition("/")[0]), ())
        matching = [f for f in under if covers(waiver.target, f.path)]
        if today > waiver.expires:
            for finding in matching:
                if finding.waiver is None:
                    finding.waiver = waiver_info(waiver)  # shown, but no longer applies
            report("WAIVER001", waiver.target, where,
                   message("WAIVER001", id=waiver.id, rule=waiver.rule, target=waiver.target,
                           expires=waiver.expires.isoformat(), count=len(matching)))
            continue
        if not matching:
            if judged(waiver):
                report("WAIVER002", waiver.target, where,
                       message("WAIVER002", id=waiver.id, rule=waiver.rule, target=waiver.target))
            continue
        for finding in matching:
            if not finding.waived:
                finding.waived = True
                finding.waiver = waiver_info(waiver)
