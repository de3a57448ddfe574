"""`report --merge`: one organisation-wide report from several repositories' JSON reports.

Each input is verified before it is trusted. Its repositories (data and evidence) are taken
as they are; the views across repositories are derived again, and the merged evidence lists
each input's SHA-256 and evidence digest. Repository names must be unique, so merging is
well-defined and does not depend on the order of the inputs (a merged report can itself be
merged again).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from procurelint.audit.views import assemble
from procurelint.audit.verify import OK, verify_json
from procurelint.errors import ConfigError, Location

Json = dict[str, Any]


def _load(path: Path) -> tuple[Json, str]:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"cannot read result: {exc.strerror}", Location(str(path))) from None
    try:
        doc = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise ConfigError("not a JSON report (write one with `procurelint report --format json`)",
                          Location(str(path))) from None
    outcome = verify_json(doc)
    if outcome.code != OK:
        raise ConfigError(f"refusing to merge: {outcome.message}", Location(str(path)))
    return doc, hashlib.sha256(raw).hexdigest()


def merge(paths: list[Path], generated_at: str) -> Json:
    """The merged report of several verified JSON reports."""
    repositories: list[Json] = []
    evidence: list[Json] = []
    merged: list[Json] = []
    seen: dict[str, Path] = {}
    for path in paths:
        doc, sha = _load(path)
        try:
            by_name = {e["name"]: e for e in doc["evidence"]["repositories"]}
            repos = [r for r in doc["data"]["repositories"] if isinstance(r["name"], str)]
        except (KeyError, TypeError):
            raise ConfigError("not a report of this procurelint version's shape",
                              Location(str(path))) from None
        for repo in repos:
            name = repo["name"]
            if name in seen:
                raise ConfigError(
                    f"repository {name!r} is in both {seen[name]} and {path}; give each "
                    "repository its own name with `report --repository NAME`", Location(str(path)))
            if name not in by_name:
                raise ConfigError(f"repository {name!r} has no evidence in this result", Location(str(path)))
            seen[name] = path
            repositories.append(repo)
            evidence.append(by_name[name])
        merged.append({"file": path.as_posix(), "sha256": sha, "digest": doc["digest"]})
    try:
        return assemble(repositories, evidence, generated_at, merged)
    except (KeyError, TypeError, ValueError, StopIteration) as exc:
        raise ConfigError(f"cannot merge: an input lacks part of the report's data ({exc!r})") from None
