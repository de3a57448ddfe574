"""Loading configuration documents (policy, catalogs, packs, waivers): errors here exit 2."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel

from procurelint.documents import is_ours, validate
from procurelint.errors import ConfigError, Location, YamlError
from procurelint.resources import cached
from procurelint.yamlio import Document, load_file

M = TypeVar("M", bound=BaseModel)


def load_one(path: Path, kind: type[M], display: str | None = None) -> tuple[M, Document]:
    """Load a file that must hold exactly one document of `kind`.

    A policy or catalog that validated once is taken from the cache, keyed by its content:
    validating it again on every commit would cost more than checking a small repository.
    """
    name = display or str(path)
    if not path.is_file():
        raise ConfigError(f"{kind.__name__} file not found", Location(name))
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"cannot read file: {exc.strerror}", Location(name)) from None
    key = f"doc-{kind.__name__}-" + hashlib.sha256(name.encode() + b"\0" + raw).hexdigest()[:32]
    return cached(key, lambda: _load_one(path, kind, name))


def _load_one(path: Path, kind: type[M], name: str) -> tuple[M, Document]:
    try:
        docs = load_file(str(path), name)
    except YamlError as exc:
        raise ConfigError(exc.message, exc.location) from None
    ours = [d for d in docs if is_ours(d.data)]
    if len(ours) != 1:
        raise ConfigError(
            f"expected one {kind.__name__} document, found {len(ours)}", Location(name, 1, 1)
        )
    doc = ours[0]
    model, problems = validate(doc, doc.data)
    if problems:
        first = problems[0]
        more = f" (and {len(problems) - 1} more problems)" if len(problems) > 1 else ""
        raise ConfigError(first.message + more, first.location)
    if not isinstance(model, kind):
        raise ConfigError(
            f"expected a {kind.__name__} document, found kind {doc.data.get('kind')!r}",
            doc.location(("kind",)),
        )
    return model, doc
