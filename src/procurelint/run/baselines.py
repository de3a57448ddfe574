"""Baselines: accept today's findings, report only new ones.

A finding is keyed by rule, file, manifest path and message, never by line, so that editing a
manifest above a finding does not make it new. The message is part of the key so that an entry
hides only the finding it recorded, not a different one of the same rule on the same step (the
primary endpoint's and a fallback's, or two different problems); it is taken without the
positions and quantities it quotes (`findings.normalise_message`, as the SARIF and GitLab
fingerprints are), so that a price or volume edit does not make a finding new. Keys are
counted: two findings with one key need two entries. `--diff` matches the findings of the base
revision by the same key.

A baseline hides findings as a waiver does, so entries of rules that protect other people's
data (every pack the policy's `inlineSuppressions` does not name: HIPAA, banking, federal,
jurisdiction by default) carry an approver and an expiry, as waivers do: `needs_approval`
decides which, for the `baseline` command that writes entries and for `load` that reads them,
so that a hand-written entry cannot skip what the command asks for. An expired entry hides
nothing.

Some findings no baseline may hide: those of the rules no waiver may cover either
(`policy.config.NOT_WAIVABLE`): a prohibited transaction (JUR009), the waiver rules, and POL001,
a policy file the run did not use, which says that manifests are judged by the wrong policy
(accepting it would accept every violation that policy lets through). The `baseline` command
does not record them and `load` refuses an entry for one. Nor may a baseline hide input that
was not judged (`UNJUDGED`, MAN001-MAN004). POL001, JUR009 and those (`NEVER_HIDDEN`) are not
taken out by `--diff` either, because the base revision had them: each is reported in every
pull request until it is fixed.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from pathlib import Path
from typing import Any

from procurelint import __version__
from procurelint.errors import ConfigError, Location
from procurelint.findings import Finding, identity, normalise_message
from procurelint import jsontext
from procurelint.policy.config import NOT_WAIVABLE, PROHIBITIONS, Config

Key = tuple[str, str, str, str]
"""rule, file, manifest path, message without positions and quantities."""
FORMAT_VERSION = 2
"""2: entries carry the message. Changing `normalise_message` changes keys: bump it then."""
UNJUDGED = frozenset({"MAN001", "MAN002", "MAN003", "MAN004"})
"""Findings that say part of the input was not judged: a file not read (MAN001), a manifest not
valid (MAN002), a step whose model or endpoint is unknown (MAN003, MAN004). Their key cannot say
what that part holds, so one recorded earlier would vouch for whatever it holds now."""
NEVER_HIDDEN = frozenset({"POL001", "COST009", *PROHIBITIONS, *UNJUDGED})
"""Rules whose findings neither a baseline nor the base revision of `--diff` hides: a policy
the run did not use, a team whose spend counts against no ceiling because its name only looks
budgeted (a change may raise that spend as far as it likes), a prohibited transaction, which
no one may accept as a risk, and input that was not judged."""
NEVER_RECORDED = NEVER_HIDDEN | NOT_WAIVABLE
"""Rules whose findings no baseline hides: what no waiver may cover either."""


def needs_approval(rule: str, config: Config) -> bool:
    """Whether hiding findings of `rule` needs an approver and an expiry: its pack is not one the
    policy lets be suppressed inline (`inlineSuppressions`), or this policy does not know the
    rule (a disabled or unknown rule's entry may hide its findings once it is back: fail
    closed)."""
    compiled = config.rule_index.get(rule)
    return compiled is None or compiled.pack not in config.policy.spec.inline_suppressions


def hideable(finding: Finding) -> bool:
    """Whether a baseline or the base revision may hide this finding: it counts against the
    build (waived ones do not) and its rule is not one of `NEVER_HIDDEN`."""
    return not finding.waived and finding.rule not in NEVER_HIDDEN


def recordable(finding: Finding) -> bool:
    """Whether a baseline may hide this finding: `hideable`, and its rule is not one of
    `NEVER_RECORDED`."""
    return hideable(finding) and finding.rule not in NEVER_RECORDED


def counts(findings: list[Finding]) -> Counter[Key]:
    """The keys of the findings that a baseline or a base revision may hide."""
    return Counter(identity(f) for f in findings if hideable(f))


def render(findings: list[Finding], approvals: dict[str, dict[str, str]] | None = None) -> str:
    """The baseline file for these findings (those `recordable`): sorted JSON, no timestamps.
    `approvals` gives, by rule id, the `approvedBy` and `expires` recorded with that rule's
    entries."""
    entries: list[dict[str, object]] = []
    recorded = Counter(identity(f) for f in findings if recordable(f))
    for (rule, file, path, message), count in sorted(recorded.items()):
        entry: dict[str, object] = {"rule": rule, "file": file, "path": path,
                                    "message": message, "count": count}
        entry.update((approvals or {}).get(rule, {}))
        entries.append(entry)
    doc = {"version": FORMAT_VERSION, "tool": {"name": "procurelint", "version": __version__},
           "entries": entries}
    return jsontext.dumps(doc) + "\n"


def load(path: Path, config: Config, today: dt.date | None = None
         ) -> tuple[Counter[Key], list[dict[str, str]]]:
    """Read a baseline file; anything unexpected is a config error, and so is an entry that
    hides what it may not: a regulatory rule's (`needs_approval`) without an approver and an
    expiry, or one of `NEVER_RECORDED` (refused rather than ignored: the file would tell its
    readers that the finding was accepted). Entries that expired before `today` hide nothing
    any more: they are returned apart ({rule, file, path, message, expires}), to be reported."""
    where = Location(str(path))
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"cannot read baseline: {exc.strerror}", where) from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"baseline is not valid JSON: {exc}", where) from None
    except (ValueError, RecursionError) as exc:  # a number past Python's digit limit, deep nesting
        raise ConfigError(f"baseline is not a file procurelint can read: {exc}", where) from None
    if isinstance(doc, dict) and doc.get("version") == 1:
        raise ConfigError("baseline format version 1 keys findings without their message, so an "
                          "entry could hide a different finding; re-record it with "
                          "`procurelint baseline`", where)
    if not isinstance(doc, dict) or doc.get("version") != FORMAT_VERSION or not isinstance(doc.get("entries"), list):
        raise ConfigError(f"not a procurelint baseline (version {FORMAT_VERSION})", where)
    result: Counter[Key] = Counter()
    expired: list[dict[str, str]] = []
    for number, entry in enumerate(doc["entries"], start=1):
        k, n, expires = _entry(entry, number, where)
        rule = k[0]
        if rule in NEVER_RECORDED:
            why = ("a policy file this run did not use means manifests are judged by the wrong "
                   "policy" if rule == "POL001" else
                   "it says part of the input was not judged, whatever that part holds now"
                   if rule in UNJUDGED else "no waiver may cover it either")
            raise ConfigError(
                f"baseline entry {number} ({_name(entry)}) is for {rule}, which no baseline may "
                f"hide: {why}. Remove the entry and fix the finding", where)
        if needs_approval(rule, config) and (expires is None or "approvedBy" not in entry):
            raise ConfigError(
                f"baseline entry {number} ({_name(entry)}) hides findings of regulatory rule "
                f"{rule} without approvedBy and expires; record it with `procurelint baseline "
                "--approved-by WHO --expires YYYY-MM-DD`, as a waiver needs, or fix it", where)
        if expires is None or today is None or expires >= today:
            result[k] += n
        else:
            expired.append({"rule": rule, "file": k[1], "path": k[2], "message": k[3],
                            "expires": expires.isoformat()})
    return result, expired


def _entry(entry: Any, number: int, where: Location) -> tuple[Key, int, dt.date | None]:
    """An entry's key, count and expiry; a config error when any is malformed."""
    try:
        if not isinstance(entry, dict):
            raise TypeError
        fields = [entry[name] for name in ("rule", "file", "path", "message")]
        if not all(isinstance(f, str) for f in fields):
            raise TypeError
        rule, file, path, message = fields
        n = entry.get("count", 1)
        if not isinstance(n, int) or isinstance(n, bool) or n < 1:
            raise ValueError
        approver = entry.get("approvedBy", "")
        if "approvedBy" in entry and not (isinstance(approver, str) and approver.strip()):
            raise ValueError
        expires = None
        if "expires" in entry:
            if not isinstance(entry["expires"], str):
                raise TypeError
            expires = dt.date.fromisoformat(entry["expires"])
    except (KeyError, TypeError, ValueError):
        raise ConfigError(
            f"baseline entry {number} is malformed ({_name(entry)}): it needs rule, file, path "
            "and message as text, a count of 1 or more, and when given, approvedBy as "
            "non-empty text and expires as a date (YYYY-MM-DD)", where) from None
    return (rule, file, path, normalise_message(message)), n, expires


def _name(entry: Any) -> str:
    """An entry as its reader finds it in the file."""
    if not isinstance(entry, dict):
        return repr(entry)[:200]
    return " ".join(str(entry.get(k, "")) for k in ("rule", "file", "path")).strip()[:200]


def subtract(findings: list[Finding], accepted: Counter[Key]) -> tuple[list[Finding], list[dict[str, str]]]:
    """Findings not covered by `accepted` (those not `hideable` never are), and the accepted
    entries nothing matched any more."""
    remaining = Counter(accepted)
    new: list[Finding] = []
    for finding in findings:
        k = identity(finding)
        if hideable(finding) and remaining[k] > 0:
            remaining[k] -= 1
            continue
        new.append(finding)
    stale = [{"rule": r, "file": f, "path": p, "message": m}
             for (r, f, p, m), n in sorted(remaining.items()) if n > 0]
    return new, stale


def missing(findings: list[Finding], present: list[Finding]) -> list[Finding]:
    """The unwaived findings among `findings` that `present` does not hold too (by key,
    counted): in pull-request mode, what the change fixed."""
    left = Counter(identity(f) for f in present if not f.waived)
    out: list[Finding] = []
    for finding in findings:
        if finding.waived:
            continue
        k = identity(finding)
        if left[k] > 0:
            left[k] -= 1
            continue
        out.append(finding)
    return out
