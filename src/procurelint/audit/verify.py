"""`report --verify`: is this report exactly as procurelint wrote it?

JSON: the evidence digest is recomputed from the re-canonicalised evidence, and the content
digest from the data; the file must also be byte for byte as procurelint writes it (`--merge`
accepts a reformatted JSON report whose digests hold). HTML and Markdown: the seal's evidence digest is recomputed, the hash of
the document without the seal's payload is compared with the one sealed in, and the readable
evidence section is rendered again from the sealed evidence and must appear verbatim.
Exit codes: 0 intact, 1 tampered, 2 unreadable (not a procurelint report at all).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from msgspec import Struct

from procurelint import __version__
from procurelint.audit.seal import HTML_MARKS, MD_MARKS, SealError, digest, embeddable, unseal

OK, TAMPERED, UNREADABLE = 0, 1, 2
REPORT_KEYS = {"apiVersion", "kind", "data", "evidence", "digest"}
# Marks of a procurelint report outside its seal: with one of these and no intact seal, the
# file was a report and has been edited (not merely a file of some other kind).
_SIGNS = (b"procurelint-seal", b'<meta name="generator" content="procurelint ',
          b"# AI model procurement audit: ")


class Outcome(Struct, frozen=True):
    code: int
    message: str


def _tampered(why: str) -> Outcome:
    return Outcome(TAMPERED, f"tampered: {why}")


def _check_evidence(evidence: Any, claimed: Any) -> Outcome | None:
    if not isinstance(evidence, dict) or not isinstance(claimed, str):
        return _tampered("the evidence or its digest is missing")
    try:
        actual = digest(evidence)
    except ValueError:
        return _tampered("the evidence holds values that are not JSON")
    if actual != claimed:
        return _tampered(f"the evidence digest is {actual}, but the report claims {claimed}")
    return None


def verify_json(doc: Any) -> Outcome:
    """Verify a JSON report (also used by `--merge` before it trusts an input)."""
    if not isinstance(doc, dict) or set(doc) != REPORT_KEYS or doc.get("kind") != "AuditReport":
        return _tampered("the JSON report does not have exactly the keys " + ", ".join(sorted(REPORT_KEYS)))
    problem = _check_evidence(doc["evidence"], doc["digest"])
    if problem is not None:
        return problem
    content = digest(doc["data"])
    if doc["evidence"].get("contentSha256") != content:
        return _tampered(f"the report's data hashes to {content}, not to the content SHA-256 in its evidence")
    return Outcome(OK, f"ok: evidence digest {doc['digest']} and content SHA-256 {content} match")


def _verify_json_file(doc: Any, raw: bytes) -> Outcome:
    """A JSON report file must also be byte for byte as procurelint writes it."""
    outcome = verify_json(doc)
    if outcome.code != OK:
        return outcome
    version = doc["evidence"].get("tool", {}).get("version")
    if version != __version__:
        return Outcome(OK, f"{outcome.message}; the file's layout was not compared (written by "
                           f"procurelint {version}, this is {__version__})")
    from procurelint.audit.report_json import render

    if render(doc).encode("utf-8") != raw:
        return _tampered("the data and evidence are intact, but the file is not as procurelint "
                         "wrote it (reformatted, or an escape or space edited)")
    return Outcome(OK, outcome.message + "; the file is as procurelint wrote it")


def _verify_sealed(raw: bytes, fmt: str) -> Outcome:
    marks = HTML_MARKS if fmt == "html" else MD_MARKS
    try:
        sealed = unseal(raw, marks)
        payload = json.loads(sealed.payload.decode("utf-8"))
    except SealError as exc:
        return _tampered(str(exc))
    except (UnicodeDecodeError, ValueError):
        return _tampered("the sealed evidence is not valid JSON")
    if not isinstance(payload, dict) or set(payload) != {"evidence", "digest", "document"}:
        return _tampered("the seal does not hold exactly evidence, digest and document")
    try:
        canonical_form = embeddable(payload).encode("utf-8")
    except ValueError:
        return _tampered("the sealed evidence holds values that are not JSON")
    if canonical_form != sealed.payload:
        # Equal values, other bytes (an escape spelled differently): still an edit.
        return _tampered("the sealed evidence is not in the canonical form procurelint writes")
    problem = _check_evidence(payload["evidence"], payload["digest"])
    if problem is not None:
        return problem
    if payload["document"] != sealed.body_sha256:
        return _tampered("the document was edited outside its sealed evidence "
                         f"(it hashes to {sealed.body_sha256}, the seal says {payload['document']})")
    evidence, claimed = payload["evidence"], payload["digest"]
    version = evidence.get("tool", {}).get("version")
    ok = f"ok: {fmt} report; evidence digest {claimed} and document hash match"
    if version != __version__:
        return Outcome(OK, f"{ok}; its readable evidence was not re-rendered (written by "
                           f"procurelint {version}, this is {__version__})")
    try:
        if fmt == "html":
            from procurelint.audit.html import evidence_html as readable
        else:
            from procurelint.audit.markdown import evidence_md as readable
        expected = readable(evidence, claimed).encode("utf-8")
    except (KeyError, TypeError, AttributeError, IndexError):
        return _tampered("the sealed evidence does not have the shape procurelint writes")
    if expected not in raw:
        return _tampered("the readable evidence section differs from the sealed evidence")
    return Outcome(OK, ok + "; the readable evidence matches the sealed evidence")


def verify_bytes(raw: bytes) -> Outcome:
    # JSON first: a JSON report holds user text unescaped, which may spell a seal's marks.
    if raw.lstrip().startswith(b"{"):
        try:
            doc = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            if b'"AuditReport"' in raw:
                return _tampered("the JSON report no longer parses")
            return Outcome(UNREADABLE, "unreadable: not JSON, and no procurelint seal found")
        if isinstance(doc, dict) and doc.get("kind") == "AuditReport":
            return _verify_json_file(doc, raw)
        if isinstance(doc, dict) and doc.get("bomFormat") == "CycloneDX":
            return Outcome(UNREADABLE, "unreadable: a CycloneDX BOM carries no seal; verify the "
                                       "JSON, HTML or Markdown report whose evidence digest it names")
    if HTML_MARKS[0].encode() in raw:
        return _verify_sealed(raw, "html")
    if MD_MARKS[0].encode() in raw:
        return _verify_sealed(raw, "md")
    if any(sign in raw for sign in _SIGNS):
        return _tampered("this is a procurelint report, but its seal is missing or damaged")
    return Outcome(UNREADABLE, "unreadable: not a procurelint report (no seal, not a JSON report)")


def verify_file(path: Path) -> Outcome:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return Outcome(UNREADABLE, f"unreadable: {path}: {exc.strerror}")
    return verify_bytes(raw)
