"""Inline suppressions: `# procurelint: ignore[RULE,...] reason` on a manifest's YAML line.

A trailing comment applies to its own line; a comment alone on its line applies to the next
line with content. The reason is required. The policy's `inlineSuppressions` names the packs
whose rules may be suppressed inline (default: cost only); regulatory rules need a waiver,
which carries an approver and an expiry.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from msgspec import Struct

from procurelint.errors import Location
from procurelint.findings import Finding
from procurelint.policy.core_rules import message
from procurelint.policy.config import NOT_WAIVABLE

MARKER = "procurelint:"
_COMMENT = re.compile(r"(?:^|\s)#\s*procurelint:\s*ignore\[([^\]]*)\]\s*(.*?)\s*$")


class Suppression(Struct):
    file: str
    line: int
    column: int
    target_line: int
    rules: tuple[str, ...]
    reason: str
    used: set[str]


def scan(text: str, file: str) -> list[Suppression]:
    """Every suppression comment in a file's text."""
    found: list[Suppression] = []
    pending: list[Suppression] = []
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        match = _COMMENT.search(line) if MARKER in line else None
        if match:
            rules = tuple(r.strip().upper() for r in match.group(1).split(",") if r.strip())
            column = line.index("#", match.start()) + 1
            item = Suppression(file, number, column, number, rules, match.group(2), set())
            found.append(item)
            if stripped.startswith("#"):
                pending.append(item)
                continue
        if stripped and not stripped.startswith("#"):
            for item in pending:
                item.target_line = number
            pending = []
    return found


def apply(
    findings: list[Finding],
    suppressions: list[Suppression],
    allowed_packs: frozenset[str],
    pack_of: Callable[[str], str | None],
    report: Callable[[str, str, Location, str], None],
) -> None:
    """Mark suppressed findings; report missing reasons, forbidden packs and unused comments."""
    by_line: dict[tuple[str, int], list[Suppression]] = {}
    for item in suppressions:
        by_line.setdefault((item.file, item.target_line), []).append(item)
        where = Location(item.file, item.line, item.column)
        if not item.rules:
            report("SUP001", "", where, message("SUP001.no-rule"))
        if not item.reason:
            report("SUP001", "", where,
                   message("SUP001", rules=", ".join(item.rules)))
        for rule in item.rules:
            pack = pack_of(rule)
            if rule in NOT_WAIVABLE:
                report("SUP003", "", where, message("SUP003.never", rule=rule))
            elif pack is not None and pack not in allowed_packs:
                report("SUP003", "", where,
                       message("SUP003", rule=rule, pack=pack))
    # Only findings in a file with a suppression comment: most files, and most repositories,
    # have none, and a large repository can have hundreds of thousands of findings.
    files = {file for file, _ in by_line}
    suppressible = [f for f in findings if f.file in files] if files else []
    for finding in suppressible:
        for item in by_line.get((finding.file, finding.line), ()):
            if finding.rule not in item.rules:
                continue
            item.used.add(finding.rule)
            if (item.reason and pack_of(finding.rule) in allowed_packs and not finding.waived
                    and finding.rule not in NOT_WAIVABLE):
                finding.waived = True
                finding.waiver = {"id": "inline", "reason": item.reason, "approvedBy": None,
                                  "ticket": None, "expires": None,
                                  "line": item.line}
    for item in suppressions:
        unused = [r for r in item.rules if r not in item.used]
        if unused:
            report("SUP002", "", Location(item.file, item.line, item.column),
                   message("SUP002", rules=", ".join(unused), line=item.target_line))
