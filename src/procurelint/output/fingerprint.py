"""Fingerprints that identify a finding across runs, shared by the SARIF and GitLab formats.

Code scanning and GitLab's merge-request widget match a finding with the same finding in an
earlier run by its fingerprint. A fingerprint built from the line number would close an alert
and open a new one whenever someone adds a comment above it, so ours hash what the finding is
about instead: the rule, the file, the manifest/workflow/step path and the message, with any
positions in the message (`file:12:3`, `line 12`) and any quantity (`$7,625.00`, `480000
records`, `30 days`, `12%`) taken out: a price or volume edit changes the message, not the
finding, and must not close the alert (and lose its dismissal) to open a new one; so does a
date. Numbers that are part of an id (`claude-sonnet-4.6`, `us-east-1`, `qwen3`) stay. The
identity is `findings.identity`, by which baselines and `--diff` match findings too.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from procurelint import findings
from procurelint.findings import Finding


def identity(finding: Finding) -> str:
    """What a finding is about, independent of where its text sits in the file."""
    return "\x00".join(findings.identity(finding))


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def fingerprints(findings: Sequence[Finding]) -> list[str]:
    """One fingerprint per finding (hex SHA-256), in the same order, unique within the list.

    Findings with the same identity (the same message twice on one path) are told apart by
    their order of occurrence in the file, which moving lines does not change.
    """
    out = [""] * len(findings)
    seen: dict[str, int] = {}
    for index in sorted(range(len(findings)), key=lambda i: findings[i].sort_key()):
        key = identity(findings[index])
        seen[key] = seen.get(key, 0) + 1
        out[index] = _digest(key if seen[key] == 1 else f"{key}\x00#{seen[key]}")
    return out


def salted(fingerprint: str, salt: str) -> str:
    """A fingerprint in a separate space, e.g. for a waived finding in GitLab's widget."""
    return _digest(f"{fingerprint}\x00{salt}")
