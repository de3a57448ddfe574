"""Baselines: accept today's findings, report only new ones.

A finding is keyed by rule, file and manifest path, never by line, so that editing a manifest
above a finding does not make it new. Keys are counted: two findings of one rule on one step
(a primary endpoint and a fallback) need two entries.

A baseline hides findings as a waiver does, so entries of rules that protect other people's
data (every pack the policy's `inlineSuppressions` does not name: HIPAA, banking, federal,
jurisdiction by default) carry an approver and an expiry, as waivers do. An expired entry hides
nothing.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from pathlib import Path

from procurelint import __version__
from procurelint.errors import ConfigError, Location
from procurelint.findings import Finding
from procurelint import jsontext

Key = tuple[str, str, str]
FORMAT_VERSION = 1


def key(finding: Finding) -> Key:
    return (finding.rule, finding.file, finding.path)


def counts(findings: list[Finding]) -> Counter[Key]:
    """The keys of the findings that count against the build (waived ones do not)."""
    return Counter(key(f) for f in findings if not f.waived)


def render(findings: list[Finding], approvals: dict[str, dict[str, str]] | None = None) -> str:
    """The baseline file for these findings: sorted JSON, no timestamps. `approvals` gives, by
    rule id, the `approvedBy` and `expires` recorded with that rule's entries."""
    entries: list[dict[str, object]] = []
    for (rule, file, path), count in sorted(counts(findings).items()):
        entry: dict[str, object] = {"rule": rule, "file": file, "path": path, "count": count}
        entry.update((approvals or {}).get(rule, {}))
        entries.append(entry)
    doc = {"version": FORMAT_VERSION, "tool": {"name": "procurelint", "version": __version__},
           "entries": entries}
    return jsontext.dumps(doc) + "\n"


def load(path: Path, today: dt.date | None = None) -> Counter[Key]:
    """Read a baseline file; anything unexpected is a config error. Entries that expired
    before `today` are left out: they hide nothing any more."""
    where = Location(str(path))
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"cannot read baseline: {exc.strerror}", where) from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"baseline is not valid JSON: {exc}", where) from None
    if not isinstance(doc, dict) or doc.get("version") != FORMAT_VERSION or not isinstance(doc.get("entries"), list):
        raise ConfigError(f"not a procurelint baseline (version {FORMAT_VERSION})", where)
    result: Counter[Key] = Counter()
    for entry in doc["entries"]:
        try:
            k = (str(entry["rule"]), str(entry["file"]), str(entry["path"]))
            n = int(entry.get("count", 1))
            expires = dt.date.fromisoformat(entry["expires"]) if entry.get("expires") else None
        except (KeyError, TypeError, ValueError, AttributeError):
            raise ConfigError(f"baseline entry is malformed: {entry!r}", where) from None
        if expires is None or today is None or expires >= today:
            result[k] += n
    return result


def subtract(findings: list[Finding], accepted: Counter[Key]) -> tuple[list[Finding], list[dict[str, str]]]:
    """Findings not covered by `accepted`, and the accepted entries nothing matched any more."""
    remaining = Counter(accepted)
    new: list[Finding] = []
    for finding in findings:
        k = key(finding)
        if not finding.waived and remaining[k] > 0:
            remaining[k] -= 1
            continue
        new.append(finding)
    stale = [{"rule": r, "file": f, "path": p} for (r, f, p), n in sorted(remaining.items()) if n > 0]
    return new, stale
