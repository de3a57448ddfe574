"""Where the built-in data (policies/) lives, and a cache of it in validated form.

Parsing and validating the built-in catalog and packs on every start would cost more than
checking a small repository, so their validated form is cached under the user's cache folder.
The cache is best-effort: when it cannot be read or written, the files are loaded as usual.

The cache must never run code nor change a verdict:

- An entry is plain JSON data: records, documents and the few structs of `_CLASSES` are
  written as tagged JSON objects and rebuilt here, from an explicit list of classes (and the
  documents' deep positions as JSON lines after it, `_entry`). Nothing is unpickled, so an
  entry cannot run code however it was edited.
- An entry is bound to a digest of its inputs (its name holds the content hash of the user file
  it was built from; the key adds the digest of the content of the built-in files and of the
  code) and to a digest of its own content, written at its head: an entry whose content does
  not match is rejected and rebuilt.

Whoever can write the cache folder can also write the installed package; docs/ci.md says how to
keep both out of a pull request's reach (or turn the cache off: `PROCURELINT_CACHE_DIR=`).

What is cached must be rebuilt without pydantic (records, documents, the manifest fast path's
plan): a warm run that imported pydantic to read its cache would lose what the cache saves.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import stat
import time
from collections.abc import Callable, Iterator, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

from msgspec import Struct

from procurelint import __version__
from procurelint.documents import digests

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
    """A digest of the built-in files and of the code that defines the cached objects, so that
    an edit or an upgrade invalidates the cache. Each file counts by its name, size and
    modification time, as Python's own bytecode cache does: reading every file on every start
    would cost more than the cache saves on a small repository."""
    digest = digests.new(__version__.encode())
    for folder, suffix in ((builtin_dir(), ".yaml"), (_PACKAGE, ".py")):
        for path, size, mtime in _files(folder, suffix):
            digest.update(f"{path}\0{size}\0{mtime}\0".encode())
    return digest.hexdigest()


def _files(folder: Path, suffix: str) -> list[tuple[str, int, int]]:
    """(path below `folder`, size, mtime in ns) of its files ending in `suffix`, sorted; for
    `.py`, in every subfolder but the bytecode caches."""
    found: list[tuple[str, int, int]] = []
    pending = [(str(folder), "")]
    while pending:
        top, prefix = pending.pop()
        with os.scandir(top) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    if suffix == ".py" and entry.name != "__pycache__":
                        pending.append((entry.path, f"{prefix}{entry.name}/"))
                elif entry.name.endswith(suffix):
                    info = entry.stat()
                    found.append((prefix + entry.name, info.st_size, info.st_mtime_ns))
    return sorted(found)


_memory: dict[str, Any] = {}


MAX_ENTRIES = 256
_MAGIC = b"procurelint-cache-2\n"
_TAG = "\u0000"


_REGISTERED: dict[str, type] = {}


def cacheable(cls: type[T]) -> type[T]:
    """Allow a struct of a higher layer (a loaded rule pack) in cache entries."""
    _REGISTERED[cls.__name__] = cls
    return cls


def _classes() -> dict[str, type]:
    """The classes an entry may hold, by name: nothing else is ever built from the cache."""
    from procurelint.documents.records import Record
    from procurelint.documents.document import Document
    from procurelint.errors import Location

    return {"Record": Record, "Document": Document, "Location": Location, **_REGISTERED}


def _encode(value: Any, texts: list[str]) -> Any:
    """Plain JSON for a cached value (see the module docstring). The deep positions of a
    document are not part of it: each is added to `texts`, and the JSON names its place there."""
    kind = type(value)
    if value is None or kind in (str, int, float, bool):
        return value
    if kind is Positions:
        text = value.text
        texts.append(text if type(text) is str else text.decode())
        return {_TAG: "positions", "h": [[list(k), list(v)] for k, v in value.shallow.items()],
                "t": len(texts) - 1}
    if kind is list:
        return [_encode(v, texts) for v in value]
    if kind is tuple:
        return {_TAG: "tuple", "v": [_encode(v, texts) for v in value]}
    if kind is dict:
        if all(type(k) is str for k in value) and _TAG not in value:
            return {k: _encode(v, texts) for k, v in value.items()}
        if all(type(k) is tuple and type(v) is tuple and _flat(k) and _flat(v)
               for k, v in value.items()):  # a document's positions: node path -> (line, column)
            return _encode(Positions.of(value), texts)
        return {_TAG: "dict", "v": [[_encode(k, texts), _encode(v, texts)] for k, v in value.items()]}
    if kind in (set, frozenset):
        return {_TAG: kind.__name__, "v": sorted((_encode(v, texts) for v in value), key=repr)}
    if kind is dt.date:
        return {_TAG: "date", "v": value.isoformat()}
    name = kind.__name__
    if name == "Record":
        from procurelint.documents.records import fields_of, kind_of

        return {_TAG: "Record", "k": kind_of(value), "v": _encode(fields_of(value), texts)}
    if _classes().get(name) is kind and isinstance(value, Struct):
        return {_TAG: name, "v": {f: _encode(getattr(value, f), texts)
                                  for f in value.__struct_fields__}}
    raise TypeError(f"cannot cache a {name}")


def _entry(value: Any) -> bytes:
    """An entry's body: the value's JSON on its first line, then the deep positions of each
    document in it, one JSON text a line (JSON text holds no line break). A start reads the
    first line only: the deep positions are most of a catalog's entry (more than half of an
    imported price list's), and they are decoded only when a finding points that deep."""
    texts: list[str] = []
    head = json.dumps(_encode(value, texts), separators=(",", ":"))
    return "\n".join([head, *texts]).encode()


def _flat(items: tuple[Any, ...]) -> bool:
    return all(type(item) is str or type(item) is int for item in items)


def _decoder(classes: dict[str, type], lines: _Lines) -> Callable[[dict[str, Any]], Any]:
    """The object hook that rebuilds tagged values as `json` reads an entry: it sees each JSON
    object once, after everything inside it, so plain lists and scalars cost nothing here.
    `lines`: the entry's lines after its first (`_entry`)."""

    def decode(value: dict[str, Any]) -> Any:
        tag = value.get(_TAG)
        if tag is None:
            return value
        if tag == "positions":
            return Positions({tuple(k): tuple(v) for k, v in value["h"]}, lines.take(value["t"]))
        inner = value["v"]
        if tag == "tuple":
            return tuple(inner)
        if tag == "dict":
            return {k: v for k, v in inner}
        if tag == "set":
            return set(inner)
        if tag == "frozenset":
            return frozenset(inner)
        if tag == "date":
            return dt.date.fromisoformat(inner)
        if tag == "Record":
            return classes["Record"](str(value["k"]), inner)
        cls = classes[tag]  # a KeyError: not a class an entry may hold, so the entry is rejected
        return cls(**inner)

    return decode


class Positions(Mapping[tuple[Any, ...], tuple[int, ...]]):
    """A cached document's positions (`Document.spots`): those of the nodes at most `SHALLOW`
    keys deep at once, the others kept as the JSON text they were written in until a finding
    first asks where such a node is. They are most of a catalog's entry, and a run that finds
    nothing deep in a catalog never decodes them."""

    __slots__ = ("shallow", "text", "_table")

    SHALLOW = 2

    def __init__(self, shallow: dict[tuple[Any, ...], tuple[int, ...]], text: str | bytes) -> None:
        self.shallow = shallow
        self.text = text
        self._table: dict[tuple[Any, ...], tuple[int, ...]] | None = None

    @classmethod
    def of(cls, table: dict[tuple[Any, ...], tuple[int, ...]]) -> Positions:
        shallow = {k: v for k, v in table.items() if len(k) <= cls.SHALLOW}
        deep = [[list(k), list(v)] for k, v in table.items() if len(k) > cls.SHALLOW]
        return cls(shallow, json.dumps(deep, separators=(",", ":")))

    def _load(self) -> dict[tuple[Any, ...], tuple[int, ...]]:
        if self._table is None:
            try:
                table = {tuple(k): tuple(v) for k, v in json.loads(self.text)}
            except Exception:  # noqa: BLE001 - only an entry edited with its digest: fewer positions
                table = {}
            table.update(self.shallow)  # what was answered before stays the answer
            self._table = table
        return self._table

    def get(self, key: Any, default: Any = None) -> Any:
        if self._table is None and len(key) <= self.SHALLOW:
            return self.shallow.get(key, default)
        return self._load().get(key, default)

    def __getitem__(self, key: tuple[Any, ...]) -> tuple[int, ...]:
        found = self.get(key, self)
        if found is self:
            raise KeyError(key)
        return found  # type: ignore[no-any-return]

    def __iter__(self) -> Iterator[tuple[Any, ...]]:
        return iter(self._load())

    def __len__(self) -> int:
        return len(self._load())


def _read(file: Path) -> Any:
    """An entry's value; ValueError when its content does not match its digest."""
    body = _checked(file.read_bytes(), _MAGIC)
    if body is None:
        raise ValueError("not a cache entry, or one edited")
    lines = _Lines(body)
    value = json.loads(lines.head, object_hook=_decoder(_classes(), lines))
    if not lines.done():
        raise ValueError("lines that no document names")
    return value


class _Lines:
    """An entry's body as `_entry` writes it: its first line, then the lines of deep positions,
    taken one after the other as `json` meets the documents that name them, in the order they
    were written. Lines are copied only when taken; an entry with a line no document names,
    or named out of turn, is refused (a hand-made entry of many short lines would otherwise
    cost many times its size)."""

    __slots__ = ("body", "head", "at", "taken")

    def __init__(self, body: bytes) -> None:
        end = body.find(b"\n")
        end = len(body) if end < 0 else end
        self.body = body
        self.head = body[:end]
        self.at = end + 1
        """Where the next line starts (past the end once every line is taken)."""
        self.taken = 0

    def take(self, place: Any) -> bytes:
        if type(place) is not int or place != self.taken or self.at > len(self.body):
            raise ValueError("positions that the entry does not hold in that place")
        end = self.body.find(b"\n", self.at)
        end = len(self.body) if end < 0 else end
        line = self.body[self.at:end]
        self.at, self.taken = end + 1, self.taken + 1
        return line

    def done(self) -> bool:
        return self.at > len(self.body)


def _checked(raw: bytes, magic: bytes) -> bytes | None:
    """The body of a cache file written by `_store` with `magic`, or None when it is not one
    or its content does not match its digest."""
    if not raw.startswith(magic):
        return None
    end = raw.find(b"\n", len(magic))  # not a slice then a partition: two copies of the body
    if end < 0:
        return None
    body = raw[end + 1:]
    return body if digests.hexdigest(body).encode() == raw[len(magic):end] else None


def _store(file: Path, magic: bytes, body: bytes) -> bool:
    """Write `body` to `file` under `magic` and its digest, whole or not at all: into a name
    of this process's own, created anew, then moved into place (not `tempfile`, whose import
    costs more than writing a small entry). False when it could not be written."""
    temp = file.with_name(f".{file.name}.{os.getpid()}.{time.monotonic_ns()}.tmp")
    try:
        file.parent.mkdir(parents=True, exist_ok=True)
        handle = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except OSError:
        return False
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(magic + digests.hexdigest(body).encode() + b"\n" + body)
        os.replace(temp, file)
        return True
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        return False


def _keep_newest(folder: Path, pattern: str, count: int) -> None:
    """Drop the least recently written files matching `pattern` beyond the `count` newest."""
    files = sorted(folder.glob(pattern), key=lambda p: p.stat().st_mtime_ns)
    for old in files[:-count]:
        old.unlink(missing_ok=True)


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
    file = folder / f"{key}.json" if folder is not None else None
    if file is not None and file.is_file():
        try:
            value = _read(file)
            _memory[key] = value
            return value  # type: ignore[no-any-return]
        except Exception:  # noqa: BLE001 - a damaged or edited entry is rebuilt, never fatal
            pass
    value = build()
    _memory[key] = value
    if file is not None:
        try:
            if _store(file, _MAGIC, _entry(value)):
                _prune(file.parent)
        except (OSError, TypeError, ValueError):
            pass
    return value


_PACK_MAGIC = b"procurelint-pack-2\n"
MAX_PACKS = 16
"""Packs kept in the cache folder: a repository splits its files across up to as many packs
as it has processes, and a machine may check several repositories."""


def read_pack(name: str) -> dict[str, bytes]:
    """The entries of the pack `name`, each key with its text; none when caching is off or
    the pack is missing, damaged or edited (its content does not match its digest)."""
    folder = cache_dir()
    if folder is None:
        return {}
    try:
        # Not blocking on a FIFO put in its place, and reading only a regular file.
        handle = os.open(folder / f"{name}.pack", os.O_RDONLY | os.O_NONBLOCK)
    except OSError:
        return {}
    try:
        if not stat.S_ISREG(os.fstat(handle).st_mode):
            return {}
        with os.fdopen(handle, "rb", closefd=False) as stream:
            raw = stream.read()
    except OSError:
        return {}
    finally:
        os.close(handle)
    body = _checked(raw, _PACK_MAGIC)
    if body is None:
        return {}
    entries: dict[str, bytes] = {}
    for line in body.split(b"\n"):
        key, tab, value = line.partition(b"\t")
        if tab and key.isascii() and key.isalnum():
            entries[key.decode()] = value
    return entries


def write_pack(name: str, entries: Mapping[str, bytes]) -> None:
    """Store a pack: many small entries in one file, each key (ASCII) and its text on one line
    (neither holds a tab or a newline). Best-effort, as every cache write."""
    folder = cache_dir()
    if folder is None:
        return
    body = b"\n".join(key.encode() + b"\t" + value for key, value in entries.items()
                      if key.isascii() and key.isalnum())
    if _store(folder / f"{name}.pack", _PACK_MAGIC, body):
        with contextlib.suppress(OSError):
            _keep_newest(folder, "*.pack", MAX_PACKS)


def _prune(folder: Path) -> None:
    """Keep the cache small: drop the least recently written entries beyond MAX_ENTRIES."""
    _keep_newest(folder, "*.json", MAX_ENTRIES)
    for stale in folder.glob("*.pickle"):  # entries of earlier versions: never read again
        stale.unlink(missing_ok=True)
