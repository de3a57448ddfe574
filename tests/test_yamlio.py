"""The YAML layer: 1.2 scalar meaning, positions, duplicate keys and limits."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from procurelint.errors import YamlError
from procurelint.documents.document import Limits
from procurelint.documents.yamlio import load_file, parse, resolve_plain


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("NO", "NO"), ("no", "no"), ("on", "on"), ("yes", "yes"), ("Off", "Off"),
        ("true", True), ("False", False), ("~", None), ("null", None), ("", None),
        ("12", 12), ("-3", -3), ("0o17", 15), ("0x1F", 31), ("1.5", 1.5), ("1e3", 1000.0),
        ("1.10", 1.1), ("1.2.3", "1.2.3"), ("2026-01-01", "2026-01-01"), ("12:30", "12:30"),
        ("010", 10), ("+1", 1), (".5", 0.5),
    ],
)
def test_plain_scalars_follow_yaml_1_2(text: str, value: object) -> None:
    assert resolve_plain(text) == value
    assert type(resolve_plain(text)) is type(value)


def test_special_floats() -> None:
    assert resolve_plain(".inf") == math.inf
    assert resolve_plain("-.Inf") == -math.inf
    assert math.isnan(resolve_plain(".nan"))


def test_country_code_no_stays_a_string_in_a_document() -> None:
    doc = parse("dataSubjects: [NO, SE]\nversion: 2026.11\nq: 'NO'\n", "f.yaml")[0]
    assert doc.data == {"dataSubjects": ["NO", "SE"], "version": 2026.11, "q": "NO"}


def test_positions_are_one_based_for_keys_and_values() -> None:
    doc = parse("a:\n  b: [x, y]\n", "f.yaml")[0]
    assert doc.position(("a", "b", 1)) == (2, 10)
    assert doc.position(("a", "b"), key=True) == (2, 3)
    loc = doc.location(("a", "missing", 3))
    assert (loc.line, loc.column) == (2, 3)


def test_duplicate_key_is_refused_at_the_second_key() -> None:
    with pytest.raises(YamlError) as err:
        parse("a: 1\nb:\n  c: 1\n  c: 2\n", "f.yaml")
    assert "duplicate key 'c'" in err.value.message
    assert (err.value.location.line, err.value.location.column) == (4, 3)


def test_syntax_error_has_a_position() -> None:
    with pytest.raises(YamlError) as err:
        parse("a: [1, 2\nb: 3\n", "f.yaml")
    assert err.value.location.line >= 1 and err.value.location.file == "f.yaml"


def _bomb(levels: int = 9) -> str:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, levels):
        prev, cur = chr(96 + i), chr(97 + i)
        lines.append(f"{cur}: &{cur} [" + ",".join([f"*{prev}"] * 9) + "]")
    return "\n".join(lines) + "\n"


def test_alias_bomb_stops_at_the_node_budget() -> None:
    with pytest.raises(YamlError) as err:
        parse(_bomb(), "bomb.yaml", Limits(max_nodes=10_000))
    assert "max_nodes" in err.value.message


def test_small_aliases_expand() -> None:
    doc = parse("base: &b {x: 1}\nother: *b\n", "f.yaml")[0]
    assert doc.data["other"] == {"x": 1}


def test_depth_limit() -> None:
    text = "a: " + "[" * 80 + "]" * 80 + "\n"
    with pytest.raises(YamlError) as err:
        parse(text, "deep.yaml")
    assert "max_depth" in err.value.message


def test_very_deep_document_is_refused_by_the_parser_without_crashing() -> None:
    with pytest.raises(YamlError):
        parse("[" * 20_000 + "]" * 20_000, "deeper.yaml")


def test_scalar_length_limit() -> None:
    with pytest.raises(YamlError) as err:
        parse("a: " + "x" * 100 + "\n", "f.yaml", Limits(max_scalar_length=50))
    assert "max_scalar_length" in err.value.message


def test_python_tags_are_refused() -> None:
    with pytest.raises(YamlError) as err:
        parse("a: !!python/object:os.system echo\n", "f.yaml")
    assert "unsupported tag" in err.value.message


def test_file_size_limit(tmp_path) -> None:
    path = tmp_path / "big.yaml"
    path.write_text("a: " + "x" * 2000 + "\n")
    with pytest.raises(YamlError) as err:
        load_file(str(path), "big.yaml", Limits(max_file_bytes=1000))
    assert "max_file_bytes" in err.value.message


def test_non_utf8_bytes_have_a_position(tmp_path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes(b"a: 1\nb: caf\xe9\n")
    with pytest.raises(YamlError) as err:
        load_file(str(path), "latin1.yaml")
    assert "UTF-8" in err.value.message
    assert (err.value.location.line, err.value.location.column) == (2, 7)


def test_empty_stream_has_no_documents() -> None:
    assert parse("", "empty.yaml") == []
    assert parse("# only a comment\n", "c.yaml") == []


def test_multiple_documents() -> None:
    docs = parse("a: 1\n---\nb: 2\n", "f.yaml")
    assert [d.data for d in docs] == [{"a": 1}, {"b": 2}]
    assert docs[1].position(("b",)) == (3, 4)


def test_positions_of_keys_values_and_list_items_deep_in_documents_of_one_shape() -> None:
    # Documents of one shape share their paths: each must still keep its own positions.
    first, second = (parse(text, f"{n}.yaml")[0] for n, text in enumerate((
        "spec:\n  workflows:\n    - name: a\n      steps:\n        - {name: s, model: m}\n",
        "spec:\n  workflows:\n\n    - name: a\n      steps:\n        - name: s\n          model:   m\n",
    )))
    path = ("spec", "workflows", 0, "steps", 0, "model")
    assert first.position(path) == (5, 28)
    assert first.position(path, key=True) == (5, 21)
    assert second.position(path) == (7, 20)
    assert second.position(path, key=True) == (7, 11)
    assert second.position(("spec", "workflows", 0)) == (4, 7)  # a list item has no key
    assert second.position(("spec", "workflows", 0), key=True) is None
    loc = second.location(("spec", "workflows", 0), key=True)
    assert (loc.file, loc.line, loc.column) == ("1.yaml", 4, 7)
    loc = first.location((*path[:-1], "endpoint"), key=True)  # missing: the enclosing step
    assert (loc.line, loc.column) == (5, 11)
    assert first.location(()).line == 1 and first.position(("spec",), key=True) == (1, 1)


def test_the_quick_reader_pattern_matches_what_pyyaml_writes() -> None:
    """The complement put in the regular-expression cache for PyYAML's reader matches exactly
    the characters its own pattern matches: every code point, surrogates included."""
    import re

    from procurelint.documents.yamlio import READER_PATTERN, READER_PATTERN_QUICK

    every = "".join(map(chr, range(0x110000)))
    re.purge()  # so that PyYAML's pattern is compiled afresh, not taken from the cache
    written = [m.start() for m in re.compile(READER_PATTERN).finditer(every)]
    quick = [m.start() for m in re.compile(READER_PATTERN_QUICK).finditer(every)]
    assert written == quick
    assert 0 in written and 0x7F in written and 0xD800 in written and 0xFFFF in written
    assert ord("a") not in written and 0x10FFFF not in written and 0x85 not in written


def test_pyyaml_is_imported_with_the_quick_reader_pattern() -> None:
    """Checked in a new process, where procurelint imports PyYAML first; skipped if the
    installed PyYAML writes its reader's pattern otherwise (the import then compiles it)."""
    import ast
    import subprocess
    import sys
    from importlib.util import find_spec

    from procurelint.documents.yamlio import READER_PATTERN, READER_PATTERN_QUICK

    spec = find_spec("yaml.reader")
    assert spec is not None and spec.origin is not None
    source = open(spec.origin, encoding="utf-8").read()
    start = source.index("NON_PRINTABLE = re.compile(") + len("NON_PRINTABLE = re.compile(")
    literal = source[start:source.index(")", start)]
    if ast.literal_eval(literal) != READER_PATTERN:
        pytest.skip("the installed PyYAML's reader writes another pattern")
    if not isinstance(getattr(__import__("re"), "_cache", None), dict):
        pytest.skip("this Python keeps its regular-expression cache otherwise")
    probe = ("import procurelint.documents.yamlio, yaml.reader\n"
             "print(ascii(yaml.reader.Reader.NON_PRINTABLE.pattern))\n")
    shown = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                           check=True, timeout=60).stdout.strip()
    assert ast.literal_eval(shown) == READER_PATTERN_QUICK


def test_the_pure_python_loader_refuses_a_character_as_a_yaml_error(tmp_path: Path) -> None:
    """Where PyYAML has no libyaml, its loader refuses a character (a C1 control) as it
    starts: that is a YAML error of the file, not a crash, and a file that does not parse
    says nothing of whose it is. (A PyYAML without its C extension, copied here; one whose
    extension is there but does not load is a configuration error, tests/test_parse_cache.py.)"""
    import shutil
    import subprocess
    import sys

    import yaml

    shutil.copytree(Path(yaml.__file__).parent, tmp_path / "yaml",
                    ignore=shutil.ignore_patterns("_yaml*", "__pycache__"))
    probe = ("import sys\n"
             f"sys.path.insert(0, {str(tmp_path)!r})  # a PyYAML without libyaml\n"
             "from procurelint.documents.yamlio import YamlError, parse, top_level_scalars\n"
             "import yaml\n"
             f"assert not yaml.__with_libyaml__ and yaml.__file__.startswith({str(tmp_path)!r})\n"
             "text = 'kind: AgentManifest\\nname: a\\x80b\\n'\n"
             "print(list(top_level_scalars(text, frozenset({'kind'}))))\n"
             "try:\n"
             "    parse(text, 'f.yaml')\n"
             "except YamlError as exc:\n"
             "    print(exc.location.line, exc.location.column, 'x0080' in str(exc))\n")
    shown = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                           timeout=60)
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.split("\n")[:2] == ["[]", "1 1 True"]
