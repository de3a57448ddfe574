"""The only module that parses YAML (and imports PyYAML: `documents.document` holds what a parsed
document is, for the modules that only read documents).

Documents are composed with libyaml (PyYAML's C parser) into nodes that carry their line and
column, then built into plain Python values by this module, so that:

- scalars mean what YAML 1.2 says (``NO`` and ``on`` stay strings, ``1.10`` stays a float
  only where a float was written, dates stay strings);
- a duplicate key is an error at the second occurrence;
- aliases are expanded under a node budget (a billion-laughs document stops early), and
  depth, scalar length and file size are bounded;
- every node's position is kept in a side table keyed by its path, for findings
  (`document.SHARED` holds each path and position once for every document parsed).
"""

from __future__ import annotations

import math
import re
import sys
from collections.abc import Iterator
from typing import Any

# PyYAML's pure-Python reader compiles, at import, a character class of the printable Unicode
# characters. Building that class costs a tenth of a one-manifest check, and the C parser
# used here never runs it. The same class, written as its complement (which compiles
# quickly), is put in the regular-expression cache under the reader's pattern, so the import
# finds it compiled. Where Python keeps its cache otherwise, or PyYAML writes another
# pattern, nothing is found there and the import compiles as before. Both patterns match the
# same characters (tests/test_yamlio.py tries every code point), so whatever else in this
# process compiles the reader's pattern (ruamel.yaml's reader does) matches as before; only
# the compiled object's `pattern` shows the quick form.
READER_PATTERN = "[^\x09\x0A\x0D\x20-\x7E\x85\xA0-\uD7FF\uE000-\uFFFD\U00010000-\U0010ffff]"
READER_PATTERN_QUICK = "[\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x84\x86-\x9F\uD800-\uDFFF\uFFFE\uFFFF]"
_REGEX_CACHE = getattr(re, "_cache", None)
if "yaml" not in sys.modules and isinstance(_REGEX_CACHE, dict):
    _REGEX_CACHE.setdefault((str, READER_PATTERN, 0), re.compile(READER_PATTERN_QUICK))

import yaml  # noqa: E402 - after the cache is given the reader's pattern

from procurelint.documents.document import (  # noqa: E402
    DEFAULT_LIMITS, SHARED, Document, Limits, Path, Spot, read_text)
from procurelint.documents.yaml_build import C_PARSER_BROKEN, c_parser_installed  # noqa: E402
from procurelint.errors import Location, SetupError, YamlError  # noqa: E402

try:  # libyaml is part of every PyYAML wheel; the pure loader is a slow fallback.
    from yaml import CSafeLoader as _BaseLoader
except ImportError:
    # PyYAML falls back to its pure-Python parser when its C extension does not load; the two
    # read some files differently, and the parse cache holds what the C parser read.
    if c_parser_installed():
        raise SetupError(C_PARSER_BROKEN) from None
    from yaml import SafeLoader as _BaseLoader  # type: ignore[assignment]


class _Loader(_BaseLoader):
    """A composer that skips YAML 1.1 tag resolution: this module resolves plain scalars itself.

    The resolver runs only for nodes without an explicit tag, so explicit tags still arrive
    as written and are refused below.
    """

    def resolve(self, kind: type, value: Any, implicit: Any) -> str:
        if kind is yaml.ScalarNode:
            return _STR
        return _SEQ if kind is yaml.SequenceNode else _MAP

_ScalarNode, _SequenceNode, _MappingNode = yaml.ScalarNode, yaml.SequenceNode, yaml.MappingNode
_STR = "tag:yaml.org,2002:str"
_SEQ = "tag:yaml.org,2002:seq"
_MAP = "tag:yaml.org,2002:map"


# Tags the 1.1 resolver gives plain scalars implicitly; such a scalar is re-resolved by 1.2.
_IMPLICIT = {
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:timestamp",
    "tag:yaml.org,2002:merge",
    "tag:yaml.org,2002:value",
    _STR,
}
_NULL = {"", "~", "null", "Null", "NULL"}
_TRUE = {"true", "True", "TRUE"}
_FALSE = {"false", "False", "FALSE"}
_INT = re.compile(r"[-+]?[0-9]+\Z")
_OCT = re.compile(r"0o[0-7]+\Z")
_HEX = re.compile(r"0x[0-9a-fA-F]+\Z")
_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?\Z")
_INF = re.compile(r"[-+]?\.(inf|Inf|INF)\Z")
_NAN = re.compile(r"\.(nan|NaN|NAN)\Z")


def resolve_plain(text: str) -> Any:
    """Give a plain (unquoted) scalar its YAML 1.2 core-schema value."""
    if text in _NULL:
        return None
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    first = text[0]
    if first.isdigit() or first in "+-.":
        if _INT.match(text):
            return int(text)
        if _OCT.match(text):
            return _shown(int(text[2:], 8))
        if _HEX.match(text):
            return _shown(int(text[2:], 16))
        if _FLOAT.match(text):
            return float(text)
        if _INF.match(text):
            return -math.inf if text[0] == "-" else math.inf
        if _NAN.match(text):
            return math.nan
    return text


def _shown(number: int) -> int:
    """`number`, or ValueError when Python could not write it in decimal (more digits than
    `sys.get_int_max_str_digits`), as it could not read it: every message that shows it
    would fail."""
    str(number)
    return number


class _Builder:
    """Turns a composed node graph into Python values, positions and limit checks."""

    def __init__(self, file: str, limits: Limits, used: int = 0) -> None:
        self.file = file
        self.limits = limits
        self.nodes = 0
        self.used = used  # nodes of the stream's earlier documents, which count towards the limit
        self.max_nodes = limits.max_nodes - used
        self.max_depth = limits.max_depth
        self.max_scalar = limits.max_scalar_length
        self.spots: dict[Path, Spot] = {}
        SHARED.check()
        self.shared_spots = SHARED.spots

    def fail(self, message: str, node: yaml.Node) -> YamlError:
        mark = node.start_mark
        return YamlError(message, Location(self.file, mark.line + 1, mark.column + 1))

    def root(self, node: yaml.Node) -> Any:
        mark = node.start_mark
        spot = (mark.line + 1, mark.column + 1)
        self.spots[()] = self.shared_spots.setdefault(spot, spot)
        return self.build(node, (), SHARED.root)

    def build(self, node: yaml.Node, path: Path, kids: dict[Any, Any]) -> Any:
        """The value of `node`, whose own spot the caller records; `kids` is the trie of
        shared paths below `path`."""
        self.nodes += 1
        if self.nodes > self.max_nodes:
            raise self.fail(
                f"file has more than {self.limits.max_nodes} nodes after alias expansion "
                "(limit max_nodes, counted over all its documents); split it or remove aliases",
                node,
            )
        kind = node.__class__
        if kind is _ScalarNode:
            return self.scalar(node)  # type: ignore[arg-type]
        if len(path) >= self.max_depth:
            raise self.fail(
                f"document is nested deeper than {self.limits.max_depth} levels (limit max_depth)",
                node,
            )
        if kind is _SequenceNode:
            if node.tag != _SEQ:
                raise self.fail(f"unsupported tag {node.tag!r}", node)
            if len(node.value) > self.limits.max_list_length:
                raise self.fail(
                    f"list has {len(node.value)} items, more than {self.limits.max_list_length} "
                    "(limit max_list_length); split the document", node)
            return self.sequence(node, path, kids)  # type: ignore[arg-type]
        if kind is _MappingNode:
            if node.tag != _MAP:
                raise self.fail(f"unsupported tag {node.tag!r}", node)
            return self.mapping(node, path, kids)  # type: ignore[arg-type]
        raise self.fail("unsupported YAML node", node)  # pragma: no cover - no other node kinds

    def scalar(self, node: yaml.ScalarNode) -> Any:
        value: str = node.value
        if len(value) > self.max_scalar:
            raise self.fail(
                f"scalar is longer than {self.limits.max_scalar_length} characters "
                "(limit max_scalar_length)",
                node,
            )
        tag = node.tag
        if not node.style and tag in _IMPLICIT:  # plain: None (Python) or '' (libyaml)
            try:
                return resolve_plain(value) if value else None
            except ValueError:  # more digits than Python turns into an int
                raise self.fail(f"number has more than {sys.get_int_max_str_digits()} digits",
                                node) from None
        if tag == _STR or tag in _IMPLICIT:
            return value
        raise self.fail(f"unsupported tag {tag!r}; only plain YAML values are allowed", node)

    def sequence(self, node: yaml.SequenceNode, path: Path, kids: dict[Any, Any]) -> list[Any]:
        result: list[Any] = []
        spots, shared_spots = self.spots, self.shared_spots
        build = self.build
        for i, item in enumerate(node.value):
            entry = kids.get(i)
            if entry is None:
                entry = kids[i] = (path + (i,), {})
                SHARED.size += 1
            child = entry[0]
            mark = item.start_mark
            spot = (mark.line + 1, mark.column + 1)
            spots[child] = shared_spots.setdefault(spot, spot)
            result.append(build(item, child, entry[1]))
        return result

    def mapping(self, node: yaml.MappingNode, path: Path, kids: dict[Any, Any]) -> dict[str, Any]:
        result: dict[str, Any] = {}
        spots, shared_spots = self.spots, self.shared_spots
        build = self.build
        for key_node, value_node in node.value:
            if key_node.__class__ is not _ScalarNode:
                raise self.fail("mapping keys must be plain strings", key_node)
            # Keys stay as written: YAML 1.2 would not turn `on:` into a bool, and no key of
            # ours is a number.
            key: str = key_node.value
            if key in result:
                raise self.fail(f"duplicate key {key!r}", key_node)
            entry = kids.get(key)
            if entry is None:
                entry = kids[key] = (path + (key,), {})
                SHARED.size += 1
            child = entry[0]
            mark, key_mark = value_node.start_mark, key_node.start_mark
            spot = (mark.line + 1, mark.column + 1, key_mark.line + 1, key_mark.column + 1)
            spots[child] = shared_spots.setdefault(spot, spot)
            result[key] = build(value_node, child, entry[1])
        return result



def parse(text: str, file: str, limits: Limits = DEFAULT_LIMITS) -> list[Document]:
    """Parse every document of a YAML stream, or raise YamlError at the problem's position."""
    documents: list[Document] = []
    total = 0
    loader = None
    # Building takes two calls per level of nesting. Room for the deepest document the limits
    # allow, above what the caller's stack holds: whether a document parses must not depend on
    # where `parse` was called from (the parse cache calls it from one frame deeper).
    recursion = sys.getrecursionlimit()
    sys.setrecursionlimit(recursion + 2 * limits.max_depth + 50)
    try:
        loader = _Loader(text)  # PyYAML's pure-Python loader refuses characters here already
        while loader.check_node():
            node = loader.get_node()
            builder = _Builder(file, limits, total)
            data = builder.root(node) if node is not None else None
            total += builder.nodes
            documents.append(Document(file, data, builder.spots))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or "invalid YAML"
        if exc.context:
            problem = f"{problem} ({exc.context})"
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        raise YamlError(problem, Location(file, line, column)) from None
    except yaml.YAMLError as exc:
        raise YamlError(f"invalid YAML: {exc}", Location(file, 1, 1)) from None
    except RecursionError:
        raise YamlError("document is nested too deeply", Location(file, 1, 1)) from None
    finally:
        sys.setrecursionlimit(recursion)
        if loader is not None:
            loader.dispose()
    return documents


def top_level_scalars(text: str, keys: frozenset[str]) -> Iterator[dict[str, str]]:
    """For each document, `{key: value}` of the keys among `keys` that hold a scalar at its
    top, as a standard YAML loader reads them (tags, anchors, escapes, flow and JSON style), for every
    document that composes before the first error.

    For telling whose a file is that `parse` refused: a duplicate key or a tag refused here is
    still read by other tools, so its `apiVersion` and `kind` still say what it is. Nothing is
    built and no alias is expanded, so a hostile file costs one pass of libyaml (which bounds
    nesting itself)."""
    try:
        loader = _BaseLoader(text)  # the pure-Python loader refuses characters here already
    except yaml.YAMLError:
        return
    try:
        while loader.check_node():
            node = loader.get_node()
            if node.__class__ is not _MappingNode:
                continue
            yield {key_node.value: value_node.value for key_node, value_node in node.value
                   if key_node.__class__ is _ScalarNode and key_node.value in keys
                   and value_node.__class__ is _ScalarNode}
    except (yaml.YAMLError, RecursionError):
        return
    finally:
        loader.dispose()


def load_file(path: str, display: str | None = None, limits: Limits = DEFAULT_LIMITS) -> list[Document]:
    """Read and parse a YAML file; `display` is the name used in messages."""
    name = display or path
    return parse(read_text(path, name, limits), name, limits)
