"""Names that read alike: the same but for case, Unicode's compatibility forms, dashes,
invisible characters, or characters that look the same (Cyrillic `с` for Latin `c`, `I` for
`l`).

A team's manifests count against a budget only under its exact name, so a manifest whose
team merely looks like a budgeted one would escape the ceiling unseen. Look-alike characters
are told by Unicode's confusables table (UTS #39) as the `confusable_homoglyphs` package ships
it, read only when a run has a team to compare.
"""

from __future__ import annotations

import importlib.util
import json
import os
import string
import unicodedata
from functools import lru_cache
from typing import Any

from procurelint.documents.cache import cached


def forms(name: str) -> frozenset[str]:
    """`name` reduced to what a reader sees, as UTS #39's skeleton reduces it and more: written
    as it is and in NFKC (which can undo a look-alike: the long s, which reads as f, becomes
    s), decomposed, with combining marks dropped (the dot of `i̇`, an accent) and the characters
    Unicode says display nothing (default-ignorable: zero-width spaces and joiners, direction
    marks, variation selectors, Hangul fillers), every dash a hyphen-minus, case folded, and
    each character taken as what it reads as (`_classes`: Cyrillic `с` as `c`, `ǁ` as `ll`,
    `rn` as `m`). Folding and look-alikes do not commute (`I` reads as `l` before folding, `L`
    only after), so each gives two."""
    seen = _reader()
    found = set()
    for written in {name, unicodedata.normalize("NFKC", name)}:
        text = plain(written)
        found.add(seen(plain(seen(text).casefold())))
        found.add(seen(plain(text.casefold())))
    return frozenset(found)


def plain(text: str) -> str:
    """`text` decomposed (NFD), without its combining marks and default-ignorable characters,
    every dash a hyphen-minus."""
    kept = []
    for char in _ignorable().sub("", unicodedata.normalize("NFD", text)):
        kind = unicodedata.category(char)
        if kind != "Mn":
            kept.append("-" if kind == "Pd" else char)
    return "".join(kept)


class Namesakes:
    """Names, by the forms they read as: each is reduced once, however many are compared."""

    def __init__(self, names: list[str]) -> None:
        self._by_form: dict[str, set[str]] = {}
        for name in names:
            for form in forms(name):
                self._by_form.setdefault(form, set()).add(name)

    def of(self, name: str) -> list[str]:
        """The names, other than `name` itself, that read as `name` does."""
        return sorted({other for form in forms(name) for other in self._by_form.get(form, ())
                       if other != name})


def alike(name: str, others: list[str]) -> list[str]:
    """The names among `others`, other than `name` itself, that read as `name` does."""
    return Namesakes(others).of(name)


@lru_cache(maxsize=1)
def _ignorable() -> Any:
    """The characters of Unicode's Default_Ignorable_Code_Point property (the `regex` module
    knows Unicode's properties; `re` and `unicodedata` do not)."""
    import regex

    return regex.compile(r"\p{Default_Ignorable_Code_Point}")


@lru_cache(maxsize=1)
def _reader() -> Any:
    """The function that reads a text as its look-alikes: each character as it reads
    (`_classes`), then each ASCII sequence that reads as one ASCII character (`rn` as `m`) as
    that character, until none is left. Every step yields characters that read as themselves,
    and a contraction shortens the text, so a text read twice reads the same."""
    import re

    table = _table()
    reads: dict[str, str] = table["characters"]
    contractions: dict[str, str] = table["contractions"]
    pattern = re.compile("|".join(map(re.escape, sorted(contractions, key=lambda s: (-len(s), s)))))
    one = contractions.__getitem__

    def read(text: str) -> str:
        text = "".join(reads.get(char, char) for char in text)
        while contractions:
            shorter = pattern.sub(lambda match: one(match.group(0)), text)
            if shorter == text:
                break
            text = shorter
        return text

    return read


def _table() -> dict[str, dict[str, str]]:
    """`_classes` of the confusables table, built once per version of it (about 0.1 s), then
    read from the cache."""
    spec = importlib.util.find_spec("confusable_homoglyphs")
    if spec is None or not spec.submodule_search_locations:
        raise ImportError("the 'confusable-homoglyphs' package is not installed")
    table = os.path.join(next(iter(spec.submodule_search_locations)), "confusables.json")
    stat = os.stat(table)  # (`importlib.resources` would import `tempfile` and `shutil`)

    def build() -> dict[str, dict[str, str]]:
        with open(table, encoding="utf-8") as handle:
            return _classes(handle.read())

    return cached(f"lookalike-{stat.st_size}.{stat.st_mtime_ns}", build)


_BIDI_MARKS = str.maketrans("", "", "\u200e\u200f")
"""The table wraps each right-to-left character in left-to-right marks, to print it."""


def _classes(text: str) -> dict[str, dict[str, str]]:
    """The table read as names are read (`plain`). `characters`: each character with what it
    reads as, the first (smallest) of its class, the characters confusable with each other, one
    through another (`I`, `l`, `1`, `|`); or, for a class with no ASCII character that reads as
    a sequence of ASCII ones, that sequence (`ǁ` as `11`, the `ll` it looks like; `ӕ` as `ae`).
    `contractions`: each ASCII sequence that reads as one ASCII character (`rn` as `m`)."""
    parent: dict[str, str] = {}
    pairs: list[tuple[str, str]] = []

    def root(char: str) -> str:
        while parent.get(char, char) != char:
            char = parent[char]
        return char

    for key, homoglyphs in json.loads(text).items():
        char = plain(key.translate(_BIDI_MARKS))  # as names are read (`plain`)
        if len(char) != 1:
            continue
        for homoglyph in homoglyphs:
            other = plain(homoglyph["c"].translate(_BIDI_MARKS))
            if len(other) == 1:
                first, second = sorted((root(char), root(other)))
                if first != second:
                    parent[second] = first
            elif other:
                pairs.append((char, other))
    # An ASCII capital reads as its small letter: what reads as `B` (Greek `Β`) then reads as
    # `b`, and `I`, which reads as `l`, as `i` too. A name of capitals and look-alikes
    # (`ΒILLING`, `MI-Ops`) reads as the small letters of the budgeted name, character by
    # character, whatever case each is written in. (Only ASCII's cases: through the cases of
    # other scripts, classes would join letters that look nothing alike.)
    for char in string.ascii_uppercase:
        first, second = sorted((root(char), root(char.lower())))
        if first != second:
            parent[second] = first
    expansions: dict[str, str] = {}
    contractions: dict[str, str] = {}
    for char, sequence in pairs:
        first, spelt = root(char), "".join(root(c) for c in sequence)
        if not spelt.isascii() or len(spelt) < 2:
            continue  # a sequence of other scripts (Canadian syllabics with dots): not kept
        if first.isascii():  # the first of a class is ASCII when the class holds one
            contractions[spelt] = min(contractions.get(spelt, first), first)
        else:
            expansions[first] = min(expansions.get(first, spelt), spelt)
    reads = {char: expansions.get(root(char), root(char)) for char in parent}
    reads.update(expansions)
    # A class of no ASCII letter where a member's other case reads as one reads as that letter,
    # all of it (`Ƭ`, whose small letter reads as `t`): each letter of a name then reads the
    # same in either reading of `forms`, so two look-alikes caught by different readings are
    # caught together, and the members of a class still read alike.
    letters = {c for c in parent} | {root(c) for c in parent} | {c for pair in pairs for c in pair[0]}
    letters |= {v for c in letters for v in (c.lower(), c.upper()) if len(v) == 1}
    members: dict[str, list[str]] = {}
    for char in letters:
        members.setdefault(root(char), []).append(char)
    for first, chars in members.items():
        if first.isascii():
            continue
        cased = sorted(root(other) for char in chars
                       for other in (char.casefold(), char.lower(), char.upper())
                       if len(other) == 1 and root(other).isascii())
        if cased:
            for char in chars:
                reads[char] = cased[0]
    return {"characters": reads, "contractions": contractions}
