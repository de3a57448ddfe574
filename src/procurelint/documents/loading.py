"""Loading configuration documents (policy, catalogs, packs, waivers): errors here exit 2."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from procurelint.documents import digests
from procurelint.documents.kinds import is_ours, validate
from procurelint.errors import ConfigError, Location, YamlError
from procurelint.documents.records import from_model
from procurelint.documents.cache import cached
from procurelint.documents.document import Document


def load_one(path: Path, kind: str, display: str | None = None) -> tuple[Any, Document]:
    """Load a file that must hold exactly one document of `kind` (the model's name).

    The document comes back as records (`procurelint.documents.records`) that read like the model. One
    that validated once is taken from the cache, keyed by its content: validating it again,
    and importing pydantic to do so, on every commit would cost more than checking a small
    repository; the kind is named, so that the models stay unimported on that path.
    """
    name = display or str(path)
    if not path.is_file():
        raise ConfigError(f"{kind} file not found", Location(name))
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"cannot read file: {exc.strerror}", Location(name)) from None
    key = f"doc-{kind}-" + digests.hexdigest(name.encode() + b"\0" + raw)[:32]
    loaded: tuple[Any, Document] = cached(key, lambda: _load_one(path, kind, name))
    _CONFIG_FILES.setdefault(path.name, {})[os.path.realpath(path)] = digests.digest(raw)
    _LOADED.setdefault(os.path.join(os.getcwd(), path))
    _SHOWN.setdefault(name, set()).add(os.path.realpath(path))
    return loaded


_SHOWN: dict[str, set[str]] = {}
"""The name each configuration file's findings are shown under, and the real paths of the files
loaded under it."""


def shown_as_config(name: str) -> set[str]:
    """The real paths of the configuration files whose findings are shown as `name` (a policy
    outside the folder checked is shown by its own name, which a file there may also have)."""
    return _SHOWN.get(name, set())


_LOADED: dict[str, None] = {}
"""Every file `load_one` loaded in this process, as it was named, made absolute."""


def config_files() -> list[str]:
    """The files `load_one` loaded in this process, in order, as they were named (made
    absolute, but `..` and links left as they were): the policy and what it names."""
    return list(_LOADED)


_CONFIG_FILES: dict[str, dict[str, bytes]] = {}
"""Files `load_one` validated in this process, by name, then real path: the digest of the
content it found there (one document of ours, of a configuration kind)."""


def loaded_config(path: Path) -> bytes | None:
    """The content of `path` when it is, byte for byte, a file this process loaded as
    configuration (a catalog, the policy, a pack, waivers), else None. The read phase then
    knows it holds no manifest without parsing it again (an imported catalog of a few
    megabytes costs more to parse than a thousand manifests), and does not judge it again by
    the limits set for manifests."""
    known = _CONFIG_FILES.get(path.name)
    if not known:
        return None
    digest = known.get(os.path.realpath(path))
    if digest is None:
        return None
    try:
        raw = path.read_bytes()
    except OSError:
        return None
    return raw if digests.digest(raw) == digest else None


def _load_one(path: Path, kind: str, name: str) -> tuple[Any, Document]:
    from procurelint.documents.yamlio import load_file  # parsing: not when the cache answers

    try:
        docs = load_file(str(path), name)
    except YamlError as exc:
        raise ConfigError(exc.message, exc.location) from None
    ours = [d for d in docs if is_ours(d.data)]
    if len(ours) != 1:
        raise ConfigError(
            f"expected one {kind} document, found {len(ours)}", Location(name, 1, 1)
        )
    doc = ours[0]
    model, problems = validate(doc, doc.data)
    if problems:
        first = problems[0]
        # Every problem at once: a user filling in a partial entry learns all the missing keys
        # from one run, not one per run.
        more = "".join(f"\n  {p.location}: {p.message}" for p in problems[1:])
        if more:
            more = f"\n  and {len(problems) - 1} more:{more}"
        raise ConfigError(first.message + more, first.location)
    if type(model).__name__ != kind:
        raise ConfigError(
            f"expected a {kind} document, found kind {doc.data.get('kind')!r}",
            doc.location(("kind",)),
        )
    # The records hold what is read from here on: the document keeps only its positions, for
    # messages (its value is most of an imported catalog's cache entry, read on every start).
    return from_model(model), Document(doc.file, None, doc.spots)
