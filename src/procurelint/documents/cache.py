"""Where the built-in data (policies/) lives, and a cache of it in validated form.

Parsing and validating the built-in catalog and packs on every start would cost more than
checking a small repository, so their validated form is cached under the user's cache folder,
keyed by the tool's version and the size and modification time of the files and code. The cache is best-effort: when it
cannot be read or written, the files are loaded as usual.

What is cached must unpickle without pydantic (records, documents, the manifest fast path's
plan): a warm run that imported pydantic to read its cache would lose what the cache saves.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

from procurelint import __version__

T = TypeVar("T")

_PACKAGE = Path(__file__).resolve().parents[1]
_PACKAGED = _PACKAGE / "policies"
_CHECKOUT = _PACKAGE.parents[1] / "policies"


def builtin_dir() -> Path:
    """The folder of built-in rule packs, catalog and defaults."""
    return _PACKAGED if _PACKAGED.is_dir() else _CHECKOUT


def cache_dir() -> Path | None:
    """PROCURELINT_CACHE_DIR, else $XDG_CACHE_HOME/procurelint, else ~/.cache/procurelint."""
    explicit = os.environ.get("PROCURELINT_CACHE_DIR")
    if explicit is not None:
        return Path(explicit) if explicit else None  # empty: caching off
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "procurelint"


@lru_cache(maxsize=1)
def builtin_digest() -> str:
    """A key over the built-in files and the code that defines the cached objects (name, size
    and modification time of each), so that an edit or an upgrade invalidates the cache."""
    digest = hashlib.sha256(__version__.encode())
    for path in [*sorted(builtin_dir().glob("*.yaml")), *sorted(_PACKAGE.rglob("*.py"))]:
        stat = path.stat()
        digest.update(f"{path.name}:{path.parent.name}:{stat.st_size}:{stat.st_mtime_ns}\0".encode())
    return digest.hexdigest()


_memory: dict[str, Any] = {}


MAX_ENTRIES = 256


def cached(name: str, build: Callable[[], T]) -> T:
    """`build()`'s value, from memory, the disk cache, or built anew.

    `name` identifies what is built (a file's content hash, for user files); the key adds the
    digest of the built-in files and the code, whose classes the cached objects are. Errors
    raised by `build()` are not cached.
    """
    key = f"{name}-{builtin_digest()[:24]}"
    if key in _memory:
        return _memory[key]  # type: ignore[no-any-return]
    folder = cache_dir()
    file = folder / f"{key}.pickle" if folder is not None else None
    if file is not None and file.is_file():
        try:
            with open(file, "rb") as handle:
                value = pickle.load(handle)
            _memory[key] = value
            return value  # type: ignore[no-any-return]
        except Exception:  # noqa: BLE001 - a damaged cache entry is rebuilt, never fatal
            pass
    value = build()
    _memory[key] = value
    if file is not None:
        import tempfile  # only when writing: a warm run never does

        try:
            file.parent.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile("wb", dir=file.parent, delete=False) as temp:
                pickle.dump(value, temp, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temp.name, file)
            _prune(file.parent)
        except OSError:
            pass
    return value


def _prune(folder: Path) -> None:
    """Keep the cache small: drop the least recently written entries beyond MAX_ENTRIES."""
    entries = sorted(folder.glob("*.pickle"), key=lambda p: p.stat().st_mtime_ns)
    for old in entries[:-MAX_ENTRIES]:
        old.unlink(missing_ok=True)
