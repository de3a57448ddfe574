"""Write what discovery found: text (one line per use, `file:line:column: ...`) or JSON."""

from __future__ import annotations

from procurelint.inventory.uses import Inventory, Use
from procurelint.jsontext import dumps

FORMATS = ("text", "json")


def render(inventory: Inventory, fmt: str, *, mentions: bool) -> str:
    """The inventory in `fmt` (one of FORMATS); mentions only when asked for."""
    if fmt == "json":
        return _json(inventory, mentions)
    return _text(inventory, mentions)


def summary(inventory: Inventory) -> dict[str, int]:
    resolved = sum(1 for u in inventory.uses if u.resolved)
    return {"uses": len(inventory.uses), "resolved": resolved,
            "unresolved": len(inventory.uses) - resolved, "mentions": len(inventory.mentions),
            "filesRead": inventory.files_read, "skipped": len(inventory.skipped)}


def _json(inventory: Inventory, mentions: bool) -> str:
    data: dict[str, object] = {
        "uses": [u.as_json() for u in inventory.uses],
        "skipped": [{"file": s.file, "reason": s.reason} for s in inventory.skipped],
        "summary": summary(inventory),
    }
    if mentions:
        data["mentions"] = [u.as_json() for u in inventory.mentions]
    return dumps(data) + "\n"


def line(use: Use) -> str:
    """One use as a line of text."""
    where = f"{use.file}:{use.line}:{use.column}"
    literal = f"{use.literal!r}" if use.literal is not None else "a model not known"
    if use.resolved:
        what = f"{use.model} on {use.endpoint}"
    else:
        what = (f"unresolved {literal} (model {use.model or '?'}, endpoint {use.endpoint or '?'}; "
                f"{use.note})")
    extra = [use.how]
    if use.resolved and use.literal is not None:
        extra.append(f"written {literal}")
    if use.via:
        extra.append("via " + ", ".join(use.via))
    if use.routing:
        extra.append("routing " + ", ".join(f"{k}={v}" for k, v in use.routing))
    return f"{where}: {what} [{'; '.join(extra)}]"


def _text(inventory: Inventory, mentions: bool) -> str:
    out = [line(u) for u in inventory.uses]
    if mentions:
        out.extend(f"{line(u)} (mention)" for u in inventory.mentions)
    out.extend(f"{s.file}: skipped: {s.reason}" for s in inventory.skipped)
    counts = summary(inventory)
    tail = (f"found {counts['uses']} uses ({counts['resolved']} resolved, {counts['unresolved']} "
            f"unresolved) in {counts['filesRead']} files read; {counts['skipped']} skipped; "
            f"{counts['mentions']} mentions in tests, docs and comments")
    if not mentions and counts["mentions"]:
        tail += " (--mentions lists them)"
    out.append(tail)
    return "\n".join(out) + "\n"
