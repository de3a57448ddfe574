"""Recognising procurelint documents and validating them against their models.

Validation errors become `Problem`s that carry the position of the offending node, so that
a typo'd key is reported at the key, a wrong value at the value.

pydantic and the models are imported only when a document is validated by them: a warm run
over valid manifests takes them from the fast path (`procurelint.documents.manifest_validation`) and the
configuration from the cache, and never pays for the import.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from msgspec import Struct

from procurelint.documents.envelope import API_VERSION, KIND_NAMES
from procurelint.errors import Location
from procurelint.documents.manifest_validation import fast_manifest
from procurelint.documents.records import from_model
from procurelint.documents.document import Document, Path

if TYPE_CHECKING:
    from pydantic import BaseModel

    from procurelint.documents.models.manifest_model import AgentManifest


class Problem(Struct, frozen=True):
    """A schema problem at a position: becomes MAN002 in a manifest, exit 2 in config."""

    message: str
    location: Location
    path: str = ""


def _folded(kind: str) -> str:
    """A kind as a near miss would spell it: no case, spaces, dashes, underscores or plural."""
    folded = "".join(ch for ch in kind.lower() if ch.isalnum())
    if folded.endswith("ies"):
        return folded[:-3] + "y"
    return folded[:-1] if folded.endswith("s") else folded


_FOLDED_KINDS = {_folded(name): name for name in KIND_NAMES}


def near_kind(kind: Any) -> str | None:
    """The kind of this contract that `kind` misspells (case, plural, spaces), or None."""
    if not isinstance(kind, str) or kind in KIND_NAMES:
        return None
    return _FOLDED_KINDS.get(_folded(kind))


def ours_by_api(api: Any) -> bool:
    """An apiVersion of ours, however it is cased or padded (an unsupported one is MAN002)."""
    return isinstance(api, str) and api.strip().lower().startswith("procurelint/")


def is_ours(data: Any) -> bool:
    """Whether a YAML document is a procurelint document: our apiVersion, a kind of this
    contract, or a near miss of one with no other tool's apiVersion (then MAN002 says so)."""
    if not isinstance(data, dict):
        return False
    api = data.get("apiVersion")
    if ours_by_api(api):
        return True
    kind = data.get("kind")
    if not isinstance(kind, str):
        return False
    return kind in KIND_NAMES or (api is None and near_kind(kind) is not None)


def is_config_kind(data: dict[str, Any]) -> bool:
    """A policy, catalog, pack or waivers document, spelled exactly: read where it is
    referenced, not as a manifest."""
    kind = data.get("kind")
    return isinstance(kind, str) and kind in KIND_NAMES and kind != "AgentManifest"


def _name_of(data: dict[str, Any]) -> str:
    meta = data.get("metadata")
    if isinstance(meta, dict) and isinstance(meta.get("name"), str):
        return str(meta["name"])
    return ""


def _dotted(loc: Path) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _known_fields(model: type[BaseModel], loc: Path) -> list[str]:
    """Aliases of the model found at `loc` (for did-you-mean suggestions)."""
    current: Any = model
    for part in loc:
        if isinstance(part, int) or current is None:
            continue
        fields = getattr(current, "model_fields", None)
        if not fields:
            return []
        target = next((f for n, f in fields.items() if (f.alias or n) == part), None)
        if target is None:
            return []
        current = _inner_model(target.annotation)
    fields = getattr(current, "model_fields", None) or {}
    return [f.alias or n for n, f in fields.items()]


def _inner_model(annotation: Any) -> Any:
    from pydantic import BaseModel

    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()) or ():
        found = _inner_model(arg)
        if found is not None:
            return found
    meta = getattr(annotation, "__origin__", None)
    if meta is not None and isinstance(meta, type) and issubclass(meta, BaseModel):
        return meta
    return None


def _clean_loc(data: Any, loc: tuple[Any, ...]) -> Path:
    """Keep the parts of a pydantic loc that name real nodes (drop union/type tags)."""
    out: list[str | int] = []
    node = data
    for part in loc:
        if isinstance(node, dict) and isinstance(part, str) and part in node:
            out.append(part)
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            out.append(part)
            node = node[part]
        elif isinstance(node, dict) and isinstance(part, str):
            out.append(part)  # a missing or unknown key: point at its mapping
            break
    return tuple(out)


def _describe(err: dict[str, Any], model: type[BaseModel], loc: Path) -> str:
    kind = err["type"]
    where = _dotted(loc[:-1]) if loc else ""
    prefix = f"{where}: " if where else ""
    if kind == "extra_forbidden":
        key = loc[-1] if loc else "?"
        known = _known_fields(model, loc[:-1])
        import difflib  # only to word an error

        hint = difflib.get_close_matches(str(key), known, n=1)
        tip = f"; did you mean {hint[0]!r}?" if hint else (
            f"; expected one of: {', '.join(sorted(known))}" if known else ""
        )
        return f"{prefix}unknown key {key!r}{tip}"
    if kind == "missing":
        return f"{prefix}missing required key {loc[-1]!r}" if loc else "missing required key"
    value = err.get("input")
    shown = repr(value) if isinstance(value, (str, int, float, bool)) or value is None else type(value).__name__
    return f"{_dotted(loc) or 'document'}: {err['msg']} (got {shown})"


def validate(doc: Document, data: dict[str, Any]) -> tuple[BaseModel | None, list[Problem]]:
    """Validate one of our documents against the model of its kind."""
    from pydantic import ValidationError

    from procurelint.documents.models import KINDS

    name = _name_of(data)
    api = data.get("apiVersion")
    kind = data.get("kind")
    model = KINDS.get(kind) if isinstance(kind, str) else None
    problems: list[Problem] = []
    if api != API_VERSION:
        problems.append(Problem(
            f"missing apiVersion; expected {API_VERSION!r}" if api is None else
            f"unsupported apiVersion {api!r}; this version of procurelint reads {API_VERSION!r}",
            doc.location(("apiVersion",) if api is not None else ()), name,
        ))
    if model is None:
        hint = near_kind(kind)
        tip = f"; did you mean {hint!r}?" if hint else f"; expected one of: {', '.join(sorted(KINDS))}"
        shown = repr(kind) if isinstance(kind, (str, int, float, bool)) or kind is None else type(kind).__name__
        problems.append(Problem(f"unknown kind {shown}{tip}",
                                doc.location(("kind",) if kind is not None else ()), name))
    if problems or model is None:
        return None, problems
    try:
        # By alias only: `allow_fallbacks` is an unknown key, not `allowFallbacks`.
        return model.model_validate(data, by_alias=True, by_name=False), []  # type: ignore[attr-defined]
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            loc = _clean_loc(data, err["loc"])
            is_key = err["type"] in ("extra_forbidden",)
            location = doc.location(loc, key=is_key)
            problems.append(Problem(_describe(dict(err), model, loc), location, name))
        problems.sort(key=lambda p: (p.location.line, p.location.column, p.message))
        return None, problems


def validate_manifest(doc: Document) -> tuple[AgentManifest | None, list[Problem]]:
    """Validate a document of kind AgentManifest (or none) into records: by the fast path when
    it is sure, else by pydantic, whose problems are reported as they always were."""
    if doc.data.get("kind") != "AgentManifest":
        return None, validate(doc, doc.data)[1]  # no kind, an unknown one or a near miss
    fast = fast_manifest(doc.data)
    if fast is not None:
        return fast, []  # type: ignore[return-value]  # a record that reads as the model
    model, problems = validate(doc, doc.data)
    return (None if model is None else from_model(model)), problems
