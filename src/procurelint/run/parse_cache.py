"""A cache of parsed files, so that a repository's unchanged files are not parsed again.

Parsing is most of reading a large repository (PyYAML's composer and our building of values
and positions), and a pre-commit hook reads every file of the repository, not only the
changed ones, for the totals. What parsing a file gave depends on nothing but its text, the
limits it was parsed under and the code, so it is stored under a digest of the three:

- an entry holds each document's value as JSON and its spots as one list of numbers
  (`yamlio.flat_spots`); reading it back gives the documents `parse` gives, value for value
  and type for type (JSON keeps 1, 1.0, True, -0.0 and the non-finite numbers apart);
- everything after parsing (which documents are ours, limits of the policy, validation) runs
  on the documents as it does on a fresh parse, so no verdict depends on the cache;
- a file that does not parse is not stored: it is parsed again, and its error found again;
- an entry that cannot be read back as documents is a miss, and the file is parsed;
- spots are rebuilt only when a location is first asked (`CachedSpots`).

Entries live in one pack per slice of the repository (`documents.cache.read_pack`), named by
the repository's place, its policy file and the slice, so that a run reads one file, not one
per manifest. A pack keeps the entries the run used (and a few more, so that a work tree and
its base revision can share it), and is written again only when it changed. A run of fewer
than `MIN_FILES` files parses them: reading a pack would cost more than it saves.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sys
from array import array
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import msgspec

from procurelint.documents.cache import builtin_digest, cache_dir, read_pack, write_pack
from procurelint.documents.yamlio import (Document, Limits, Path as NodePath, Spot, flat_spots,
                                          parse, spots_of)

MIN_FILES = 64
"""Below this many files in a slice, parsing them costs less than reading and writing a pack."""

SLACK = 4
"""A pack keeps unused entries too while they number at most a `SLACK`th of the used ones:
a work tree and its base revision (`--diff`) then share one pack without evicting each
other's changed files."""


class ParseCache:
    """The pack of one slice of a repository's files: `parse` from it, `save` what changed."""

    def __init__(self, name: str, prefix: bytes, stored: dict[str, bytes]) -> None:
        self.name = name
        self.prefix = prefix
        self.stored = stored
        self.used: dict[str, bytes] = {}
        self.missed = 0

    @classmethod
    def open(cls, place: Path, policy_file: str | None, part: tuple[int, int], files: int,
             limits: Limits) -> ParseCache | None:
        """The cache of slice `part` (index, count) of the repository at `place`, or None
        when caching is off or the slice has too few files."""
        if files < MIN_FILES or cache_dir() is None:
            return None
        where = f"{os.path.realpath(place)}\0{policy_file}\0{part[0]}/{part[1]}"
        name = "parse-" + hashlib.sha256(where.encode("utf-8", "surrogatepass")).hexdigest()[:32]
        import yaml

        code = (builtin_digest(), yaml.__version__, getattr(yaml, "__with_libyaml__", False),
                sys.version, repr(limits))
        prefix = hashlib.sha256(repr(code).encode()).digest()
        return cls(name, prefix, read_pack(name))

    def parse(self, text: str, file: str, limits: Limits) -> list[Document]:
        """`yamlio.parse(text, file, limits)`, from the pack when the text was parsed before."""
        key = hashlib.sha256(self.prefix + text.encode("utf-8", "surrogatepass")).hexdigest()
        entry = self.stored.get(key)
        if entry is not None:
            documents = _documents(entry, file)
            if documents is not None:
                self.used[key] = entry
                return documents
        documents = parse(text, file, limits)  # a YamlError leaves nothing stored
        encoded = _entry(documents, text)
        if encoded is not None:
            self.used[key] = encoded
            self.missed += 1
        return documents

    def save(self) -> None:
        """Write the pack again when the run parsed a file anew or left many entries unused."""
        unused = len(self.stored.keys() - self.used.keys())
        if not self.missed and unused <= len(self.used) // SLACK:
            return
        kept = dict(self.used)
        if unused <= len(self.used) // SLACK:
            for key, entry in self.stored.items():
                kept.setdefault(key, entry)
        write_pack(self.name, kept)


_NON_FINITE = re.compile(r"\.(?:inf|nan)|e[-+]?[0-9]{3}|[0-9]{300}", re.IGNORECASE)
"""What a text must hold to give a float that is not finite: `.inf` or `.nan`, or a number
too large for a double (an exponent of three digits, or 300 digits in a row)."""

_quick = msgspec.json.Encoder().encode


def _entry(documents: list[Document], text: str) -> bytes | None:
    """The documents as an entry's text (None if one held a value JSON cannot write). `parse`
    builds values of JSON's own kinds only: dicts with text keys, lists, text, int, float,
    bool and None, which JSON gives back as they were. msgspec writes them four times as fast
    as `json`, but writes NaN and the infinities as null, so `json` writes the texts that can
    hold them (and text that is not valid UTF-8, which msgspec refuses)."""
    value = [[d.data, flat_spots(d.spots)] for d in documents]
    if _NON_FINITE.search(text) is None:
        try:
            return _quick(value)
        except (TypeError, ValueError):
            pass
    try:
        return json.dumps(value, separators=(",", ":")).encode()
    except (TypeError, ValueError):
        return None


def _documents(entry: bytes, file: str) -> list[Document] | None:
    """The documents an entry holds, or None when it does not read back as documents."""
    try:
        stored = json.loads(entry)
    except (ValueError, RecursionError):
        return None
    if stored.__class__ is not list:
        return None
    documents = []
    for index, item in enumerate(stored):
        if item.__class__ is not list or len(item) != 2 or item[1].__class__ is not list:
            return None
        documents.append(Document(file, item[0], CachedSpots(entry, index)))
    return documents


class CachedSpots(Mapping[NodePath, Spot]):
    """A cached document's spots, rebuilt from its entry when a location is first asked:
    most documents of a repository are never asked where a node is (they hold no finding),
    and an entry's text takes less memory than the table it gives."""

    __slots__ = ("_entry", "_index", "_table")

    def __init__(self, entry: bytes, index: int) -> None:
        self._entry = entry
        self._index = index
        self._table: dict[NodePath, Spot] | None = None

    def _load(self) -> dict[NodePath, Spot]:
        if self._table is None:
            try:
                data, flat = json.loads(self._entry)[self._index]
                array("q", flat)  # a TypeError unless every one is a whole number
                self._table = spots_of(data, flat)
            except (ValueError, TypeError, OverflowError, RecursionError):
                # Only an entry edited with its pack's digest made to match: no positions,
                # so a finding is placed at the top of its file, never lost.
                self._table = {}
            self._entry = b""
        return self._table

    def get(self, key: Any, default: Any = None) -> Any:
        return self._load().get(key, default)

    def __getitem__(self, key: NodePath) -> Spot:
        return self._load()[key]

    def __iter__(self) -> Iterator[NodePath]:
        return iter(self._load())

    def __len__(self) -> int:
        return len(self._load())
