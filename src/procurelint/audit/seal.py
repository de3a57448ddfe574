"""Canonical JSON, digests, and the seal that makes any edit to a report detectable.

The evidence digest is the SHA-256 of the evidence's canonical JSON; it is the same for every
format of one run (the CycloneDX serial number derives from it). HTML and Markdown reports
also carry a seal: the canonical evidence, its digest, and the SHA-256 of the document with
the seal's payload removed, so an edit anywhere in the document, in the evidence or in the
seal itself changes a digest that `report --verify` recomputes.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from msgspec import Struct


HTML_MARKS = ('<script type="application/json" id="procurelint-seal">', "</script>")
"""A data block, never executed; its payload cannot hold `<`, so it cannot end early."""
MD_MARKS = ("<!-- procurelint-seal ", " -->")
"""An HTML comment, invisible when rendered; its payload cannot hold `>`, so no `-->`."""


def canonical(value: Any) -> bytes:
    """Sorted keys, no insignificant whitespace, UTF-8; floats as Python's shortest repr."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      allow_nan=False).encode("utf-8")


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def digest(value: Any) -> str:
    """SHA-256 of the canonical JSON of a value."""
    return sha256(canonical(value))


def embeddable(value: Any) -> str:
    """Canonical JSON with `<`, `>` and `&` escaped (they occur only inside JSON strings)."""
    text = canonical(value).decode("utf-8")
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def seal(before: str, after: str, marks: tuple[str, str], evidence: dict[str, Any],
         evidence_digest: str) -> str:
    """The document `before + seal + after`, the seal holding the hash of everything else."""
    opening, closing = marks
    body = sha256((before + opening + closing + after).encode("utf-8"))
    payload = embeddable({"evidence": evidence, "digest": evidence_digest, "document": body})
    return before + opening + payload + closing + after


class Sealed(Struct, frozen=True):
    """What a sealed document says about itself, and the hash of it without the payload."""

    payload: bytes
    body_sha256: str


class SealError(Exception):
    """The seal is missing, duplicated or cut: the document is not as it was written."""


def unseal(raw: bytes, marks: tuple[str, str]) -> Sealed:
    opening, closing = (m.encode("ascii") for m in marks)
    start = raw.find(opening)
    if start < 0:
        raise SealError("no seal")
    if raw.find(opening, start + 1) >= 0:
        raise SealError("the document holds more than one seal")
    begin = start + len(opening)
    end = raw.find(closing, begin)
    if end < 0:
        raise SealError("the seal is not closed")
    return Sealed(raw[begin:end], sha256(raw[:begin] + raw[end:]))
