"""The JSON report: the data model itself, with its evidence and digest; `report --merge` reads it.

Indented like `check --format json`, except that a container holding only plain values is
written on one line: the report of a large organisation stays readable and fast to write
(the standard library's indenting encoder is pure Python; this uses its C encoder for leaves).
"""

from __future__ import annotations

import json
from typing import Any

from procurelint.audit import Report

_compact = json.JSONEncoder(sort_keys=True, ensure_ascii=False, allow_nan=False,
                            separators=(", ", ": ")).encode
_PLAIN = (str, int, float, bool, type(None))


def _flat(value: dict[str, Any] | list[Any]) -> bool:
    values = value.values() if isinstance(value, dict) else value
    return all(isinstance(v, _PLAIN) for v in values)


def _write(value: Any, pad: str, out: list[str]) -> None:
    if not isinstance(value, (dict, list)) or not value or _flat(value):
        out.append(_compact(value))
        return
    inner = pad + "  "
    if isinstance(value, dict):
        out.append("{\n")
        for i, key in enumerate(sorted(value)):
            out.append(f",\n{inner}{_compact(key)}: " if i else f"{inner}{_compact(key)}: ")
            _write(value[key], inner, out)
        out.append(f"\n{pad}}}")
    else:
        out.append("[\n")
        for i, item in enumerate(value):
            out.append(f",\n{inner}" if i else inner)
            _write(item, inner, out)
        out.append(f"\n{pad}]")


def render(report: Report) -> str:
    out: list[str] = []
    _write(report, "", out)
    out.append("\n")
    return "".join(out)
