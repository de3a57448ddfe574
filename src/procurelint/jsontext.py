"""JSON text as `json.dumps(value, indent=2, ensure_ascii=False)` writes it, faster: the
standard library uses its C encoder only without indentation, and SARIF or JSON results of a
large repository hold hundreds of thousands of values. So the standard library writes the
value compactly, in C, and msgspec's formatter (also C) indents that text, copying every
string and number as written. What either refuses (NaN and the infinities, text that is not
valid Unicode) is written by `json.dumps` itself, so the text is always exactly the standard
library's."""

from __future__ import annotations

import json
from typing import Any

import msgspec


def dumps(value: Any) -> str:
    """`json.dumps(value, indent=2, ensure_ascii=False)`."""
    try:
        compact = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
        return msgspec.json.format(compact, indent=2)
    except (ValueError, UnicodeError, msgspec.MsgspecError):
        return json.dumps(value, indent=2, ensure_ascii=False)
