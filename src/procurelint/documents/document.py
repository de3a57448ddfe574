"""A parsed YAML document: its value, where each node of it came from, the limits it was read
under, and reading a file's text.

Apart from `yamlio`, which parses (and imports PyYAML to do it), so that a run that takes
every document from the caches (`documents.cache`, `run.parse_cache`) never imports PyYAML:
its import costs a tenth of a one-manifest check.

The positions are most of what a parsed manifest holds, so they are kept small: one dict per
document, from path to a tuple of the node's line and column (and its key's, for a mapping's
value), where both the paths and the tuples are shared by every document parsed (a thousand
manifests of one shape hold each path once).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from itertools import chain
from typing import Any

from msgspec import Struct, field

from procurelint.errors import Location, YamlError

Path = tuple[str | int, ...]
Position = tuple[int, int]
Spot = tuple[int, ...]
"""Where a node starts, (line, column), and for a mapping's value where its key starts after
them, (line, column, key line, key column); 1-based."""



class _Shared:
    """The paths and spots of every document parsed, each held once: a trie of paths (each
    entry is (path, {key or index: entry of the child})) and a table of spots. Both start
    again when they grow past LIMIT entries (a hostile or huge file); documents parsed
    before keep theirs, as lookups compare paths by value."""

    LIMIT = 1 << 17

    def __init__(self) -> None:
        self.root: dict[str | int, tuple[Path, dict[Any, Any]]] = {}
        self.spots: dict[Spot, Spot] = {}
        self.size = 0

    def check(self) -> None:
        if self.size > self.LIMIT or len(self.spots) > self.LIMIT:
            self.__init__()  # type: ignore[misc]


SHARED = _Shared()
"""Shared by `yamlio`'s builder and `spots_of`."""


class Limits(Struct, frozen=True):
    """Bounds that keep a hostile file from exhausting time or memory."""

    max_file_bytes: int = 2 * 1024 * 1024
    max_depth: int = 64
    max_nodes: int = 200_000
    max_scalar_length: int = 64 * 1024
    max_list_length: int = 100_000
    """Generous for configuration (an imported catalog lists thousands of offers); manifests
    are read with the policy's limits.maxListLength (default 1000)."""


DEFAULT_LIMITS = Limits()


class Document(Struct):
    """One YAML document: its value and where each node of it came from."""

    file: str
    data: Any
    spots: Mapping[Path, Spot] = field(default_factory=dict)
    """Where the node at each path starts (see `Spot`)."""

    def location(self, path: Path, *, key: bool = False) -> Location:
        """The location of the node at `path` (with `key`, of its key where it has one), or
        of its nearest enclosing node."""
        spots = self.spots
        probe = tuple(path)
        while probe:
            spot = spots.get(probe)
            if spot is not None:
                if key and len(spot) == 4:
                    return Location(self.file, spot[2], spot[3])
                return Location(self.file, spot[0], spot[1])
            probe = probe[:-1]
        spot = spots.get((), (1, 1))
        return Location(self.file, spot[0], spot[1])

    def position(self, path: Path, *, key: bool = False) -> Position | None:
        """(line, column) of the node at `path` itself (with `key`, of its key), or None."""
        spot = self.spots.get(tuple(path))
        if spot is None or (key and len(spot) != 4):
            return None
        return (spot[2], spot[3]) if key else (spot[0], spot[1])



def flat_spots(spots: Mapping[Path, Spot]) -> list[int]:
    """A document's spots as one list of numbers, in the order `parse` found the nodes (each
    node before the nodes inside it): with the document's value, all that `spots_of` needs to
    give them back, so that the parse cache stores no paths."""
    return list(chain.from_iterable(spots.values()))


def spots_of(data: Any, flat: Sequence[int]) -> dict[Path, Spot]:
    """The spots `parse` gave the document whose value is `data`, from its `flat_spots`: the
    root and each item of a list hold (line, column), each value of a mapping (line, column,
    key line, key column), in the order `parse` builds them. ValueError when the numbers do
    not fit the value."""
    spots: dict[Path, Spot] = {}
    if not flat:
        if data is not None:
            raise ValueError("a document with a value has spots")
        return spots
    SHARED.check()
    numbers = iter(flat)
    take = numbers.__next__
    try:
        spot = (take(), take())
        spots[()] = SHARED.spots.setdefault(spot, spot)
        _place(data, (), SHARED.root, spots, take)
    except StopIteration:
        raise ValueError("fewer spots than nodes") from None
    if next(numbers, None) is not None:
        raise ValueError("more spots than nodes")
    return spots


class CachedSpots(Mapping[Path, Spot]):
    """The spots of a document taken from the parse cache, rebuilt from its value and its
    `flat_spots` only when asked for: a check that judges few rules (`--select HIPAA`) asks
    where a node is in few of its manifests, and rebuilding every table cost a sixth of such
    a check. The first `PROBES` lookups (each manifest's name and team, which every check
    asks of every manifest) find their node alone, skipping the numbers of the nodes before
    it; the next builds the table.

    Numbers that do not fit the value are found out when they run short, or when the table is
    built: the spots are then those `fallback()` gives (the file parsed again), or none. Only
    an edited entry has such numbers, and the cache is as trusted as the installed package
    (docs/ci.md): the numbers are counted against the value only when they are used, which a
    count of every document would cost a quarter of what rebuilding them costs."""

    __slots__ = ("_data", "_flat", "_fallback", "_table", "_probes")

    PROBES = 2

    LARGE = 2048
    """A document of at least this many numbers is given its table at once: kept for later,
    its value and numbers take several times the table's memory (each line past 256 is an
    object of its own), and such documents are few."""

    def __init__(self, data: Any, flat: list[int],
                 fallback: Callable[[], Mapping[Path, Spot]] | None = None) -> None:
        self._data = data
        self._flat: list[int] | None = flat
        self._fallback = fallback
        self._table: Mapping[Path, Spot] | None = None
        self._probes = 0
        if len(flat) >= self.LARGE:
            self._built()

    def _built(self) -> Mapping[Path, Spot]:
        table = self._table
        if table is None:
            flat, self._flat = self._flat, None
            try:
                table = spots_of(self._data, flat or [])
            except (ValueError, RecursionError):
                table = self._fallback() if self._fallback is not None else {}
            self._table = table
            self._data = self._fallback = None  # the table holds all that is asked from now on
        return table

    def get(self, key: Any, default: Any = None) -> Any:
        if self._table is None and self._probes < self.PROBES and key.__class__ is tuple:
            self._probes += 1
            try:
                spot = _find(self._data, self._flat or [], key)
            except (IndexError, TypeError, RecursionError):
                # Numbers that do not fit, or an index only the table reads (`1+0j`).
                spot = self._built().get(key)
            return default if spot is None else spot
        return self._built().get(key, default)

    def __getitem__(self, key: Path) -> Spot:
        found = self.get(key, self)
        if found is self:
            raise KeyError(key)
        return found  # type: ignore[no-any-return]

    def __iter__(self) -> Iterator[Path]:
        return iter(self._built())

    def __len__(self) -> int:
        return len(self._built())


def _find(data: Any, flat: Sequence[int], path: Path) -> Spot | None:
    """The spot `spots_of(data, flat)` gives the node at `path` (None: no such node), found
    by counting the numbers of the nodes before it. IndexError when the numbers run out."""
    if not path:
        return (flat[0], flat[1])
    at = 2  # past the root's
    value = data
    last = len(path) - 1
    for depth, key in enumerate(path):
        if value.__class__ is dict:
            size = 4
            for name, item in value.items():
                if name == key:
                    break
                at += 4 + _numbers(item)
            else:
                return None
        elif value.__class__ is list:
            if key not in range(len(value)):  # True and 1.0 are 1 too, as in a table
                return None
            size = 2
            index = int(key)
            for item in value[:index]:
                at += 2 + _numbers(item)
            item = value[index]
        else:
            return None
        if depth == last:
            spot = tuple(flat[at:at + size])
            if len(spot) != size:
                raise IndexError("fewer spots than nodes")
            return spot
        at += size
        value = item
    return None  # not reached: the loop returns at the last key


def _numbers(value: Any) -> int:
    """How many numbers `flat_spots` holds for the nodes inside `value`: four for each value of
    a mapping, two for each item of a list, and those of the nodes inside them."""
    items: Any
    if value.__class__ is dict:
        count, items = 4 * len(value), value.values()
    elif value.__class__ is list:
        count, items = 2 * len(value), value
    else:
        return 0
    for item in items:
        if item.__class__ is dict or item.__class__ is list:
            count += _numbers(item)
    return count


def _place(value: Any, path: Path, kids: dict[Any, Any], spots: dict[Path, Spot],
           take: Any) -> None:
    """The spots of the nodes inside `value`, as `_Builder.sequence` and `.mapping` record them:
    a mapping's values with their keys' positions (four numbers), a list's items with two."""
    if value.__class__ is dict:
        items: Any = value.items()
        keyed = True
    elif value.__class__ is list:
        items, keyed = enumerate(value), False
    else:
        return
    shared = SHARED.spots
    for key, item in items:
        entry = kids.get(key)
        if entry is None:
            entry = kids[key] = (path + (key,), {})
            SHARED.size += 1
        spot: Spot = (take(), take(), take(), take()) if keyed else (take(), take())
        spots[entry[0]] = shared.setdefault(spot, spot)
        if item.__class__ is dict or item.__class__ is list:
            _place(item, entry[0], entry[1], spots, take)


def _decode(raw: bytes, file: str) -> str:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        column = exc.start - (before.rfind(b"\n") + 1) + 1
        raise YamlError(
            f"file is not valid UTF-8 (byte 0x{raw[exc.start]:02x}); save it as UTF-8",
            Location(file, line, column),
        ) from None
    if text.startswith("\ufeff"):
        text = text[1:]
    return text


def read_text(path: str, display: str, limits: Limits = DEFAULT_LIMITS) -> str:
    """Read a file as UTF-8 text within the size limit."""
    try:
        size = os.path.getsize(path)
        if size > limits.max_file_bytes:
            raise YamlError(
                f"file is {size} bytes, more than the limit of {limits.max_file_bytes} "
                "(limit max_file_bytes)",
                Location(display, 1, 1),
            )
        with open(path, "rb") as handle:
            raw = handle.read(limits.max_file_bytes + 1)
    except OSError as exc:
        raise YamlError(f"cannot read file: {exc.strerror}", Location(display)) from None
    return _decode(raw, display)
