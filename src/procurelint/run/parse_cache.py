"""A cache of parsed files, so that a repository's unchanged files are not parsed again.

Parsing is most of reading a large repository (PyYAML's composer and our building of values
and positions), and a pre-commit hook reads every file of the repository, not only the
changed ones, for the totals. What parsing a file gave depends on nothing but its text, the
limits it was parsed under, the code and the parser (PyYAML and the libyaml it parses with,
`documents.yaml_build`), so it is stored under a digest of the four:

- an entry holds each document's value as JSON and its spots as one list of numbers
  (`document.flat_spots`); reading it back gives the documents `parse` gives, value for value
  and type for type (JSON keeps 1, 1.0, True, -0.0 and the non-finite numbers apart);
- everything after parsing (which documents are ours, limits of the policy, validation) runs
  on the documents as it does on a fresh parse, so no verdict depends on the cache;
- a file that does not parse is not stored: it is parsed again, and its error found again;
- an entry that cannot be read back as documents is a miss, and the file is parsed;
- the spots are rebuilt only for the documents asked where a node is (`CachedSpots`): should
  the entry's numbers then turn out not to fit its value, the file is parsed again for them
  (an entry's value and its count of numbers are checked against each other only then: the
  digest of the pack finds a damaged entry, and whoever can write an entry that passes it
  can write any value, docs/ci.md).

Entries live in one pack per slice of the repository (`documents.cache.read_pack`), named by
the repository's folder (a copy of it, `--staged` or the base revision of `--diff`, is named
by the repository's), its policy file, the limits and the slice, so that a run reads one
file, not one per manifest. A pack keeps the entries the run used (and a few more, so that a
work tree and its base revision share it), and is written again only when it changed. Small
runs use a pack too: a run that takes every file from its pack never imports PyYAML, whose
import alone costs more than reading a small pack (the pre-commit hook of a small repository).
What does not belong is left out: a file whose value is far larger than its text (aliases),
a key that is not a digest.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Mapping
from functools import lru_cache, partial
from pathlib import Path
from typing import Annotated, Any

import msgspec

from procurelint.documents import digests
from procurelint.documents.cache import builtin_digest, cache_dir, read_pack, write_pack
from procurelint.documents.document import (DEFAULT_LIMITS, CachedSpots, Document, Limits,
                                            Path as NodePath, Spot, flat_spots, read_text)
from procurelint.documents.yaml_build import parser_key

GROWTH = 4
"""An entry is stored only while it is at most this many times its text (and 4 KB): aliases
can make a small file's value thousands of times its size, and parsing such a file again
costs less than holding and storing what it expands to."""

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
        """The cache of slice `part` (index, count) of the repository at `place` (for a copy
        of a repository, the repository's own folder), or None when caching is off or the
        slice has no files, or the parser cannot be told (`yaml_build.parser_key`)."""
        parser = parser_key() if files and cache_dir() is not None else None
        if parser is None:
            return None
        code = (builtin_digest(), parser, sys.version, repr(limits))
        prefix = digests.digest(repr(code).encode())
        where = f"{os.path.realpath(place)}\0{policy_file}\0{part[0]}/{part[1]}\0{repr(limits)}"
        name = "parse-" + digests.hexdigest(where.encode("utf-8", "surrogatepass"))[:32]
        return cls(name, prefix, read_pack(name))

    def parse(self, text: str, file: str, limits: Limits, path: str | None = None) -> list[Document]:
        """`yamlio.parse(text, file, limits)`, from the pack when the text was parsed before
        (`path`, where the text was read, is parsed again should the entry's positions turn
        out not to fit its value)."""
        key = digests.hexdigest(self.prefix + text.encode("utf-8", "surrogatepass"))
        entry = self.stored.get(key)
        if entry is not None:
            documents = _documents(entry, file, path, limits)
            if documents is not None:
                self.used[key] = entry
                return documents
        from procurelint.documents.yamlio import parse  # only for what the pack lacks

        documents = parse(text, file, limits)  # a YamlError leaves nothing stored
        encoded = _entry(documents)
        if encoded is not None and len(encoded) <= GROWTH * len(text) + 4096:
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


_quick = msgspec.json.Encoder().encode


def _entry(documents: list[Document]) -> bytes | None:
    """The documents as an entry's text (None if one held a value JSON cannot write). `parse`
    builds values of JSON's own kinds only: dicts with text keys, lists, text, int, float,
    bool and None, which JSON gives back as they were. msgspec writes them four times as fast
    as `json`, but writes NaN and the infinities as null: `json` writes what msgspec wrote
    with a null in it (and what msgspec refuses, text that is not valid UTF-8)."""
    value = [[d.data, flat_spots(d.spots)] for d in documents]
    try:
        quick = _quick(value)
        if b"null" not in quick:
            return quick
    except (TypeError, ValueError, RecursionError):
        pass
    try:
        return json.dumps(value, separators=(",", ":")).encode()
    except (TypeError, ValueError, RecursionError):
        return None


def _documents(entry: bytes, file: str, path: str | None = None,
               limits: Limits | None = None) -> list[Document] | None:
    """The documents an entry holds, or None when it does not read back as documents. Their
    spots are rebuilt when first asked for (`CachedSpots`); should the numbers not fit the
    value then, the file at `path` is parsed again for them."""
    try:
        stored: list[tuple[Any, list[int]]] | None
        try:
            stored = _entry_decoder().decode(entry)
        except msgspec.ValidationError:  # JSON, but not a list of [value, list of whole numbers]
            return None
        except msgspec.DecodeError:  # NaN and the infinities, as `json` writes them, and only reads them
            stored = _shaped(json.loads(entry))
        if stored is None:
            return None
        return [Document(file, data, CachedSpots(data, flat, _parsed_again(path, file, limits, index)))
                for index, (data, flat) in enumerate(stored)]
    except (ValueError, TypeError, OverflowError, RecursionError):
        return None


def _parsed_again(path: str | None, file: str, limits: Limits | None,
                  index: int) -> Callable[[], Mapping[NodePath, Spot]] | None:
    """What gives the spots of the `index`th document of the file at `path` parsed afresh,
    for an entry whose numbers do not fit its value: a `partial`, so that a document's spots
    pickle whether or not they were built."""
    if path is None:
        return None
    return partial(_spots_parsed_again, path, file, limits or DEFAULT_LIMITS, index)


def _spots_parsed_again(path: str, file: str, limits: Limits, index: int) -> Mapping[NodePath, Spot]:
    """The spots of the `index`th document of the file at `path` parsed afresh (none when it no
    longer reads or parses as it did)."""
    from procurelint.documents.yamlio import parse
    from procurelint.errors import YamlError

    try:
        documents = parse(read_text(path, file, limits), file, limits)
    except YamlError:
        return {}
    return documents[index].spots if index < len(documents) else {}


@lru_cache(maxsize=1)
def _entry_decoder() -> msgspec.json.Decoder[list[tuple[Any, list[int]]]]:
    """msgspec's reader of entries: it checks their shape as it reads them, in a third of the
    time `json` takes to read them alone. Made at first use: a run that finds no pack reads
    no entry."""
    number = Annotated[int, msgspec.Meta(ge=-2**63, le=2**63 - 1)]
    return msgspec.json.Decoder(list[tuple[Any, list[number]]])


def _shaped(stored: Any) -> list[tuple[Any, list[int]]] | None:
    """An entry read by `json`, if it is a list of [value, list of whole numbers]."""
    from array import array

    if stored.__class__ is not list:
        return None
    for item in stored:
        if item.__class__ is not list or len(item) != 2 or item[1].__class__ is not list:
            return None
        array("q", item[1])  # a TypeError unless every one is a whole number
    return stored
