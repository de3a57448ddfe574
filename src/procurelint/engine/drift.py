"""The contexts of the drift rules: each discovered use beside what the manifests declare, and
each declaration beside the uses that call it (docs/context.md, `use` and `declaration`).

A use is governed by a manifest that declares its model on its endpoint (as primary, fallback
or routing pin); a use whose endpoint discovery could not tell is governed by a declaration of
its model on any endpoint, since the declaration then says where the calls go. An unresolved
use is governed by nothing: fail closed.
"""

from __future__ import annotations

import datetime as dt
import os
from collections import defaultdict
from collections.abc import Callable, Sequence
from typing import Any

from procurelint.engine.totals import Declared
from procurelint.errors import Location

ROUTING_DEFAULTS: dict[str, Any] = {"only": [], "order": [], "ignore": [], "allowFallbacks": None,
                    "dataCollection": None, "zdr": None, "fallbacks": []}
_ROUTING_KEYS = {"only": "only", "order": "order", "ignore": "ignore",
                 "allow_fallbacks": "allowFallbacks", "data_collection": "dataCollection",
                 "zdr": "zdr", "fallbacks": "fallbacks"}


def routing(raw: dict[str, Any]) -> dict[str, Any]:
    """Gateway routing settings in the context's spelling, every key present."""
    result = dict(ROUTING_DEFAULTS)
    for key, value in raw.items():
        if key in _ROUTING_KEYS:
            result[_ROUTING_KEYS[key]] = value
    return result


def _governs(declared: Declared, use: dict[str, Any]) -> bool:
    if use["model"] is None or declared.model != use["model"]:
        return False
    return use["endpoint"] is None or declared.endpoint == use["endpoint"]


def _nearest(file: str, declared: Sequence[Declared]) -> Declared | None:
    """The manifest whose file shares the longest folder prefix with `file`."""
    best: tuple[int, str, str] | None = None
    chosen = None
    for item in declared:
        shared = len(os.path.commonpath([os.path.dirname(file) or ".",
                                         os.path.dirname(item.file) or "."]).split("/")) \
            if os.path.dirname(file) and os.path.dirname(item.file) else 0
        key = (-shared, item.file, item.manifest)
        if best is None or key < best:
            best, chosen = key, item
    return chosen


def use_contexts(uses: Sequence[dict[str, Any]], declared: Sequence[Declared],
                 retirement: Callable[[str, str], tuple[dt.date, str | None] | None]) -> list[
        tuple[dict[str, Any], Location, str]]:
    """(data, location, path) of each use: the use with the manifests that declare it, and
    when its endpoint stops serving its model. The path is "": the location says where the
    call is."""
    result = []
    for use in uses:
        retires = retirement(use["endpoint"], use["model"]) if use["model"] and use["endpoint"] else None
        governing = [d for d in declared if _governs(d, use)]
        regulated = sorted({d.manifest for d in governing if d.regimes})
        hint = _nearest(use["file"], declared)
        data = {
            "use": {
                **{k: use[k] for k in ("file", "line", "column", "how", "provider", "literal",
                                       "model", "endpoint", "note")},
                "shown": use["literal"] if use["literal"] is not None else "a model not known",
                "resolved": use["model"] is not None and use["endpoint"] is not None,
                "routing": routing(use.get("routing", {})),
                "declaredIn": sorted({d.manifest for d in governing}),
                "regulatedIn": regulated,
                "regimes": sorted({r for d in governing for r in d.regimes}),
                "declareIn": f"{hint.manifest} ({hint.file})" if hint is not None
                else "a new AgentManifest",
                "retires": retires[0].isoformat() if retires else None,
                "retiresSource": retires[1] if retires else None,
            },
        }
        location = Location(use["file"], use["line"], use["column"])
        # No manifest path: the location says where the call is. A path of `file:line:col`
        # would move with every line edited above the call, and the finding's fingerprint and
        # baseline key with it.
        result.append((data, location, ""))
    return result


def declaration_contexts(declared: Sequence[Declared], uses: Sequence[dict[str, Any]]) -> list[
        tuple[dict[str, Any], Location, str]]:
    """(data, location, path) of each declared (step, endpoint): with the uses that call it."""
    calls: dict[str, list[str]] = defaultdict(list)
    for use in uses:
        if use["model"] is not None:
            calls[use["model"]].append(f"{use['file']}:{use['line']}:{use['column']}")
    result = []
    seen: set[tuple[str, str]] = set()
    for item in declared:
        if not item.selected or (item.path, item.model) in seen:
            continue
        seen.add((item.path, item.model))  # a step's fallbacks declare the same model again
        data = {"declaration": {"manifest": item.manifest, "file": item.file, "path": item.path,
                                "model": item.model, "endpoint": item.endpoint,
                                "regimes": list(item.regimes),
                                "calledAt": sorted(calls.get(item.model, []))}}
        result.append((data, item.model_at, item.path))
    return result
