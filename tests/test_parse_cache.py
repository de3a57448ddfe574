"""The parse cache gives back exactly what parsing gives, and never a verdict of its own: a
file read from it is judged as a file parsed afresh."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import struct
import subprocess
import sys
import threading
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from procurelint.documents import digests
from procurelint.documents import cache as cache_module
from procurelint.documents import document as document_module
from procurelint.documents import yamlio
from procurelint.documents.document import (DEFAULT_LIMITS, CachedSpots, Document, Limits,
                                            flat_spots, spots_of)
from procurelint.documents.yamlio import parse
from procurelint.output.results_json import render
from procurelint.policy.config import load_config
from procurelint.run import parse_cache
from procurelint.run.parse_cache import ParseCache
from procurelint.run.pipeline import Options, check
from procurelint.run.reading import parser_limits
from tests.conftest import EXAMPLES, REPO, TODAY
from tests.test_prmode import git

sys.path.insert(0, str(REPO / "benchmarks"))
from corpus import generate  # noqa: E402

DAY = dt.date.fromisoformat(TODAY)
FILES = 64
"""A repository of a few dozen files."""


@pytest.fixture
def cache_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("PROCURELINT_CACHE_DIR", str(folder))
    return folder


def typed(value: Any) -> Any:
    """A value with the type of every part spelled out: `==` holds 1, 1.0 and True equal."""
    if type(value) is dict:
        return ("dict", [(typed(k), typed(v)) for k, v in value.items()])
    if type(value) is list:
        return ("list", [typed(v) for v in value])
    if type(value) is float:
        return ("float", repr(value))
    return (type(value).__name__, value)


TEXTS = {
    "scalars": "a: 1\nb: 1.0\nc: true\nd: -0.0\ne: .inf\nf: -.inf\ng: .nan\nh: 1e300\n"
               "i: 0x1F\nj: 0o17\nk: 123456789012345678901234567890\nl: null\nm: ~\nn:\n"
               "o: '1'\np: \"true\"\nq: 2026-12-06\nr: +5\n",
    "text": "a: \"tab\\there\\nline \\u00e9 \\U0001F600 \\x85 \\u2028\"\n'key\\twith': |\n"
            "  block\n  text\nb: >\n  folded\n  text\n\"\\u0000\": nul key\n",
    "aliases": "base: &b {model: m, tiers: [a, b]}\none: *b\ntwo: {<<: *b}\nlist: [*b, *b]\n",
    "nesting": "a: [[1, [2, [3, []]]], {}, [], {b: {c: [{d: e}]}}]\n",
    "streams": "---\na: 1\n---\n---\n~\n---\n- 1\n- 2\n---\njust text\n...\n",
    "overflow": "a: 1e309\nb: 1E+400\nc: " + "9" * 320 + "\nd: -" + "9" * 310 + ".5\ne: .NaN\n"
                "f: -.INF\ng: 1e-400\n",
    "empty": "",
    "comments only": "# nothing\n",
    "flow and json": '{"apiVersion": "procurelint.dev/v1", "kind": "AgentManifest", "x": [1, 2.5]}\n',
    "crlf and bom": "\ufeffa: 1\r\nb:\r\n  - c\r\n",
}


def _stored(text: str) -> ParseCache:
    """The pack of a repository whose one file, `text`, was parsed and stored, opened again."""
    first = ParseCache.open(REPO, None, (0, 1), FILES, DEFAULT_LIMITS)
    assert first is not None
    first.parse(text, "f.yaml", DEFAULT_LIMITS)
    first.save()
    again = ParseCache.open(REPO, None, (0, 1), FILES, DEFAULT_LIMITS)
    assert again is not None
    return again


@pytest.mark.parametrize("name", sorted(TEXTS))
def test_a_cached_parse_gives_the_documents_parse_gives(name: str, cache_folder: Path) -> None:
    text = TEXTS[name]
    fresh = parse(text, "f.yaml")
    again = _stored(text)
    cached = again.parse(text, "g.yaml", DEFAULT_LIMITS)
    assert again.missed == 0  # it came from the pack
    assert [d.file for d in cached] == ["g.yaml"] * len(fresh)
    assert [typed(d.data) for d in cached] == [typed(d.data) for d in fresh]
    assert [list(d.spots.items()) for d in cached] == [list(d.spots.items()) for d in fresh]


def test_spots_that_do_not_fit_the_value_are_refused() -> None:
    doc = parse("a: [1, 2]\nb: {c: d}\n", "f.yaml")[0]
    flat = [n for spot in doc.spots.values() for n in spot]
    assert spots_of(doc.data, flat) == doc.spots
    for wrong in (flat[:-1], flat + [1], []):
        with pytest.raises(ValueError):
            spots_of(doc.data, wrong)


def _absent(path: tuple[Any, ...]) -> list[tuple[Any, ...]]:
    """Paths beside `path` that a document may not hold: a key or index past it, a sibling
    index out of range, a key where an index is, an index where a key is."""
    near = [path + ("absent",), path + (0,), path + (-1,)]
    if path:
        *head, last = path
        near += [(*head, "zz"), (*head, 10 ** 6), (*head, str(last)), (*head, True),
                 (*head, 1.0), (*head, 1 + 0j)]
    return near


def _documents_to_probe() -> list[Any]:
    texts = list(TEXTS.values())
    texts += [f.read_text() for f in sorted(EXAMPLES.rglob("*.yaml"))]
    return [doc for text in texts for doc in parse(text, "f.yaml")]


def test_cached_spots_answer_every_path_as_the_table_does() -> None:
    """A cached document's spots, found one by one (the first lookups) or from the table built
    afterwards, are those `parse` gave, for every path it holds and paths it does not."""
    checked = 0
    for doc in _documents_to_probe():
        table = doc.spots
        flat = flat_spots(table)
        paths = [p for path in table for p in (path, *_absent(path))]
        for path in paths:
            alone = CachedSpots(doc.data, flat)
            assert alone.get(path) == table.get(path), path  # found alone
            built = CachedSpots(doc.data, flat)
            for _ in range(CachedSpots.PROBES):
                built.get(())
            assert built.get(path) == table.get(path), path  # from the table
            assert Document(doc.file, None, CachedSpots(doc.data, flat)).location(path) == \
                doc.location(path)
            checked += 1
        assert list(CachedSpots(doc.data, flat).items()) == list(table.items())
    assert checked > 2000


def test_cached_spots_that_do_not_fit_give_the_file_s_own_or_none() -> None:
    """Numbers that do not fit the value (an edited entry) are found out when they run short,
    found alone or in the table, or when the table is built: the spots are then the
    fallback's (the file parsed again), or none, never an exception. The table is the
    fallback's whatever the first lookups answered."""
    doc = parse("a: [1, 2]\nb: {c: d}\ne: [[x, {f: g}]]\n", "f.yaml")[0]
    flat = flat_spots(doc.spots)
    paths = [*doc.spots, ("b", "zz"), ("a", 7)]
    short = [flat[:-1], flat[:3], flat[:2], []]
    wrong = [*short, flat + [1, 1], [1, 1, *flat], flat[:6] + [9, 9, 9, 9] + flat[6:],
             flat[:6] + flat[10:]]
    for numbers in wrong:
        for path in paths:
            found = CachedSpots(doc.data, numbers, lambda: doc.spots)
            answer = found.get(path)
            if numbers in short:  # they run short before or at the node: the file's own
                assert answer == doc.spots.get(path), (numbers, path)
            for _ in range(CachedSpots.PROBES):
                found.get(path)
            assert dict(found) == doc.spots, (numbers, path)
            lost = Document("f", None, CachedSpots(doc.data, numbers))
            for _ in range(CachedSpots.PROBES + 1):
                assert lost.location(path).file == "f"
            assert dict(CachedSpots(doc.data, numbers)) in ({}, doc.spots)
    assert spots_of(doc.data, flat) == doc.spots


def test_cached_spots_pickle_before_and_after_they_are_built(cache_folder: Path,
                                                           tmp_path: Path) -> None:
    """A document from the pack pickles with its spots whether or not they were built, and
    what it unpickles to answers as the table does."""
    import pickle

    text = "a: [1, 2]\nb: {c: d}\n"
    (tmp_path / "f.yaml").write_text(text)
    again = _stored(text)
    [doc] = again.parse(text, "f.yaml", DEFAULT_LIMITS, str(tmp_path / "f.yaml"))
    assert again.missed == 0 and isinstance(doc.spots, CachedSpots)
    fresh = parse(text, "f.yaml")[0].spots
    lazy = pickle.loads(pickle.dumps(doc.spots))
    assert dict(lazy) == fresh
    assert dict(doc.spots) == fresh  # built now
    assert dict(pickle.loads(pickle.dumps(doc.spots))) == fresh


def test_cached_spots_of_a_large_document_are_built_at_once() -> None:
    """A large document is given its table when it is read, and lets go of its value: kept
    for later, the value and its numbers would take several times the table's memory."""
    text = "".join(f"k{i}: [{i}, {{a: b}}]\n" for i in range(400))
    doc = parse(text, "f.yaml")[0]
    flat = flat_spots(doc.spots)
    assert len(flat) >= CachedSpots.LARGE
    large = CachedSpots(doc.data, flat)
    assert large._data is None and large._flat is None  # nothing kept but the table
    for path in (("k0",), ("k399", 1, "a"), ("k250", 0)):
        assert large.get(path) == doc.spots[path]
    small = CachedSpots(doc.data, flat[:CachedSpots.LARGE - 2])
    assert small._data is doc.data  # kept until asked
    assert list(CachedSpots(doc.data, flat).items()) == list(doc.spots.items())
    assert 5 not in CachedSpots(doc.data, flat)  # a key that is not a path is not one


def test_a_check_of_few_rules_builds_the_spots_of_the_manifests_it_finds_in(
        tmp_path: Path, cache_folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Spots are rebuilt from the cache only for the manifests a finding is placed in: a
    `--select HIPAA` check builds few tables, a check of every rule one per manifest with a
    finding; each names the lines a cold check names."""
    root = _corpus(tmp_path / "repo", 2 * FILES, "benchmark")
    built: list[int] = []
    original = document_module.spots_of

    def counted(data: Any, flat: list[int]) -> Any:
        built.append(1)
        return original(data, flat)

    monkeypatch.setattr(document_module, "spots_of", counted)
    for select in (["HIPAA"], []):
        monkeypatch.setenv("PROCURELINT_CACHE_DIR", "")
        options = Options(today=DAY, select=select)
        cold = render(check(load_config(None, root), options).result)
        monkeypatch.setenv("PROCURELINT_CACHE_DIR", str(cache_folder))
        render(check(load_config(None, root), options).result)  # fills the pack
        built.clear()
        assert render(check(load_config(None, root), options).result) == cold
        placed = {f["file"] for f in json.loads(cold)["findings"]}
        assert len(built) == len(placed), select
        assert len(placed) < 2 * FILES * (0.5 if select else 1.1)


def _corpus(folder: Path, count: int, shape: str) -> Path:
    generate(count, folder, shape)
    return folder


def _result(root: Path, processes: int = 1) -> str:
    checked = check(load_config(None, root), Options(today=DAY), processes=processes)
    return render(checked.result)


def _counting(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The files parsed afresh in this process (the parse cache imports `parse` where it
    misses, so that a warm run never imports PyYAML)."""
    parsed: list[str] = []
    original = yamlio.parse

    def counted(text: str, file: str, limits: Limits = DEFAULT_LIMITS) -> Any:
        parsed.append(file)
        return original(text, file, limits)

    monkeypatch.setattr(yamlio, "parse", counted)
    return parsed


@pytest.mark.parametrize("shape", ["benchmark", "slow"])
def test_a_warm_check_says_what_a_cold_one_says(shape: str, tmp_path: Path, cache_folder: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    root = _corpus(tmp_path / "repo", 2 * FILES + 10, shape)
    (root / "broken.yaml").write_text("apiVersion: procurelint/v1\nkind: AgentManifest\nspec: [\n")
    monkeypatch.setenv("PROCURELINT_CACHE_DIR", "")
    uncached = _result(root)
    assert not cache_folder.exists()
    assert '"file": "broken.yaml"' in uncached
    monkeypatch.setenv("PROCURELINT_CACHE_DIR", str(cache_folder))
    parsed = _counting(monkeypatch)
    assert _result(root) == uncached
    assert len(parsed) > 2 * FILES
    assert len(list(cache_folder.glob("*.pack"))) == 1
    parsed.clear()
    assert _result(root) == uncached
    assert parsed == ["broken.yaml"]  # what does not parse is not stored; the rest is
    assert _result(root, processes=2) == uncached  # two slices, two packs of their own
    assert _result(root, processes=2) == uncached
    assert len(list(cache_folder.glob("*.pack"))) == 3


def _deep_manifest(depth: int) -> str:
    nested = "x"
    for _ in range(depth):
        nested = "{a: " + nested + "}"
    return ("apiVersion: procurelint/v1\nkind: AgentManifest\nmetadata: {name: deep, team: t}\n"
            f"spec:\n  extra: {nested}\n")


def test_a_file_parsed_under_looser_limits_is_judged_by_the_policy_s_limits(
        tmp_path: Path, cache_folder: Path) -> None:
    root = _corpus(tmp_path / "repo", FILES + 5, "benchmark")
    (root / "deep.yaml").write_text(_deep_manifest(20))
    first = json.loads(_result(root))
    deep = [f for f in first["findings"] if f["file"] == "deep.yaml"]
    assert not any("nested deeper" in f["message"] for f in deep)
    assert list(cache_folder.glob("*.pack"))
    policy = root / "procurelint.yaml"
    text = policy.read_text()
    assert "limits:" not in text
    policy.write_text(text.replace("spec:\n", "spec:\n  limits:\n    maxDepth: 10\n", 1))
    second = json.loads(_result(root))
    deep = [f for f in second["findings"] if f["file"] == "deep.yaml"]
    assert [f["rule"] for f in deep if "nested deeper" in f["message"]] == ["MAN001"]


def _pack(cache_folder: Path) -> Path:
    packs = list(cache_folder.glob("*.pack"))
    assert len(packs) == 1
    return packs[0]


def test_an_edited_or_damaged_pack_is_parsed_afresh(tmp_path: Path, cache_folder: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    root = _corpus(tmp_path / "repo", FILES + 5, "benchmark")
    expected = _result(root)
    pack = _pack(cache_folder)
    head, digest, body = pack.read_bytes().split(b"\n", 2)
    lines = body.split(b"\n")
    parsed = _counting(monkeypatch)

    # An edit that leaves the digest as it was: the whole pack is refused.
    pack.write_bytes(head + b"\n" + digest + b"\n" + body.replace(b"pii", b"xyz"))
    assert _result(root) == expected
    assert len(parsed) > FILES

    # Entries that are not a list of [value, list of numbers], under a digest made to match
    # (whoever can write the cache can): each such file is parsed afresh, the others are not.
    broken = [b"not json", b"{}", b"[[{\"a\": 1}, 7]]", b"[[[], [1, 1], 3]]", b"[7]",
              b"[[null, \"1,1\"]]", b"[[NaN, [1, 1.5]]]", b"[[NaN, 7]]", b"{\"a\": NaN}",
              b"[[1, [9223372036854775808]]]"]
    for number, entry in enumerate(broken):
        key = lines[number].partition(b"\t")[0]
        lines[number] = key + b"\t" + entry
    _rewrite(pack, head, lines)
    parsed.clear()
    assert _result(root) == expected
    assert len(parsed) == len(broken)


def _rewrite(pack: Path, head: bytes, lines: list[bytes]) -> None:
    """The pack with these lines, under a digest that matches them."""
    body = b"\n".join(lines)
    pack.write_bytes(head + b"\n" + digests.hexdigest(body).encode()
                     + b"\n" + body)


@pytest.mark.parametrize("numbers", [[1, 1], [], [1, 1, 2, 2.5], [1, "x"], [1, 10 ** 30],
                                     [1, None]])
def test_positions_that_do_not_fit_are_parsed_afresh(
        numbers: list[Any], tmp_path: Path, cache_folder: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """An entry whose numbers do not fit its value (only an edit with the digest made to match
    makes one) is a miss: the file is parsed, and its findings are where they were."""
    root = _corpus(tmp_path / "repo", FILES + 5, "benchmark")
    expected = _result(root)
    file = Counter(f["file"] for f in json.loads(expected)["findings"]
                   if f["line"] > 1).most_common(1)[0][0]
    text = (root / file).read_text()
    pack = _pack(cache_folder)
    head, _, body = pack.read_bytes().split(b"\n", 2)
    lines = body.split(b"\n")
    cache = ParseCache.open(root, None, (0, 1), FILES, parser_limits(load_config(None, root)))
    assert cache is not None
    key = digests.hexdigest(cache.prefix + text.encode()).encode()
    [found] = [n for n, line in enumerate(lines) if line.startswith(key + b"\t")]
    value = json.loads(lines[found].partition(b"\t")[2])
    value[0][1] = numbers
    lines[found] = key + b"\t" + json.dumps(value).encode()
    _rewrite(pack, head, lines)
    parsed = _counting(monkeypatch)
    assert _result(root) == expected
    assert parsed == [file]


def test_small_runs_use_a_pack_and_a_cache_turned_off_writes_none(
        tmp_path: Path, cache_folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A repository of two manifests (a pre-commit hook's) takes them from its pack when
    warm, and so parses nothing (and never imports PyYAML)."""
    small = _corpus(tmp_path / "small", 2, "benchmark")
    expected = _result(small)
    assert len(list(cache_folder.glob("*.pack"))) == 1
    parsed = _counting(monkeypatch)
    assert _result(small) == expected
    assert parsed == []
    assert ParseCache.open(small, None, (0, 1), 0, DEFAULT_LIMITS) is None  # nothing to read
    monkeypatch.setenv("PROCURELINT_CACHE_DIR", "")
    assert ParseCache.open(small, None, (0, 1), 10 * FILES, DEFAULT_LIMITS) is None


def test_a_pack_keeps_what_the_run_used(tmp_path: Path, cache_folder: Path) -> None:
    root = _corpus(tmp_path / "repo", 2 * FILES, "benchmark")
    _result(root)
    before = _pack(cache_folder).read_bytes().count(b"\n")
    manifests = sorted(root.glob("**/*.yaml"))
    manifests = [m for m in manifests if b"AgentManifest" in m.read_bytes()]

    # One file changed (a work tree and its base revision): both versions are kept.
    changed = manifests[0]
    changed.write_text(changed.read_text() + "# changed\n")
    _result(root)
    assert _pack(cache_folder).read_bytes().count(b"\n") == before + 1

    # Half the files gone: their entries go too.
    for gone in manifests[: len(manifests) // 2]:
        gone.unlink()
    _result(root)
    kept = _pack(cache_folder).read_bytes().count(b"\n")
    assert kept <= before - len(manifests) // 2 + 1


def _deeper(levels: int, call: Any) -> Any:
    return call() if levels == 0 else _deeper(levels - 1, call)


def test_whether_a_deep_document_parses_does_not_depend_on_the_caller_s_stack() -> None:
    """The parse cache calls `parse` from one frame deeper than a run without it: a document
    near the depth a policy allows must parse alike from anywhere."""
    limits = Limits(max_depth=900)
    text = "x: " + "[" * 480 + "]" * 480 + "\n"
    shallow = parse(text, "f.yaml", limits)
    deep = _deeper(400, lambda: parse(text, "f.yaml", limits))
    assert list(deep[0].spots.items()) == list(shallow[0].spots.items())
    assert len(shallow[0].spots) == 481  # the root, the list of `x`, the 479 lists inside it
    assert sys.getrecursionlimit() == 1000  # given back


def test_a_small_file_that_expands_to_a_large_value_is_not_stored(cache_folder: Path) -> None:
    text = "a: &a [x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a]\n" \
           "c: &c [*b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c]\n"
    cache = ParseCache.open(REPO, None, (0, 1), FILES, DEFAULT_LIMITS)
    assert cache is not None
    cache.parse(text, "bomb.yaml", DEFAULT_LIMITS)
    cache.parse("a: 1\n", "small.yaml", DEFAULT_LIMITS)
    assert cache.missed == 1  # the small one only


def test_a_pack_that_is_not_a_regular_file_or_holds_odd_keys_is_passed_over(
        cache_folder: Path) -> None:
    cache_folder.mkdir()
    name = "parse-test"
    fifo = cache_folder / f"{name}.pack"
    os.mkfifo(fifo)
    found: list[Any] = []
    reader = threading.Thread(target=lambda: found.append(cache_module.read_pack(name)),
                              daemon=True)
    reader.start()
    reader.join(10)
    assert found == [{}]  # not waiting for a writer that never comes
    fifo.unlink()

    body = "\n".join(["ab12\tone", "\xff\xfe\tnull", "a b\ttwo", "cd34\tthree"]).encode("latin-1")
    fifo.write_bytes(b"procurelint-pack-2\n" + digests.hexdigest(body).encode()
                     + b"\n" + body)
    entries = cache_module.read_pack(name)
    assert entries == {"ab12": b"one", "cd34": b"three"}
    cache_module.write_pack(name, {**entries, "\xff": b"x"})
    assert cache_module.read_pack(name) == entries


def test_a_pack_that_cannot_be_written_leaves_no_temporary_file(cache_folder: Path) -> None:
    (cache_folder / "parse-test.pack").mkdir(parents=True)
    cache_module.write_pack("parse-test", {"ab": b"1"})
    assert sorted(p.name for p in cache_folder.iterdir()) == ["parse-test.pack"]


def test_a_work_tree_and_its_base_revision_share_their_pack(tmp_path: Path,
                                                            cache_folder: Path) -> None:
    root = _corpus(tmp_path / "repo", FILES + 5, "benchmark")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "base")
    changed = next(p for p in sorted(root.glob("**/*.yaml")) if b"AgentManifest" in p.read_bytes())
    changed.write_text(changed.read_text() + "# changed\n")
    options = Options(today=DAY, diff="main", scratch=tmp_path / "scratch")
    check(load_config(None, root), options)
    assert len(list(cache_folder.glob("*.pack"))) == 1
    lines = _pack(cache_folder).read_bytes().count(b"\n")
    check(load_config(None, root), Options(today=DAY, diff="main", scratch=tmp_path / "again"))
    assert _pack(cache_folder).read_bytes().count(b"\n") == lines  # both versions kept


def test_the_key_follows_the_installed_parser(cache_folder: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """What a parse gives depends on PyYAML and on the libyaml it parses with; the key counts
    PyYAML's files (name, size, time) without importing it, and a change to them is a new
    key. Files that cannot be listed turn the cache off."""
    import yaml

    from procurelint.documents import yaml_build

    key = yaml_build.parser_key()
    assert key is not None
    files, parser = key
    names = {os.path.basename(name) for name, _, _ in files}
    assert "__init__.py" in names
    assert any(name.startswith("_yaml.") for name in names) == yaml.__with_libyaml__
    before = ParseCache.open(REPO, None, (0, 1), FILES, DEFAULT_LIMITS)
    upgraded = ((*files[:-1], (files[-1][0], files[-1][1] + 1, files[-1][2])), parser)
    monkeypatch.setattr(parse_cache, "parser_key", lambda: upgraded)
    after = ParseCache.open(REPO, None, (0, 1), FILES, DEFAULT_LIMITS)
    assert before is not None and after is not None and before.prefix != after.prefix
    monkeypatch.setattr(parse_cache, "parser_key", lambda: None)
    assert ParseCache.open(REPO, None, (0, 1), FILES, DEFAULT_LIMITS) is None


@pytest.fixture
def fresh_key() -> Any:
    from procurelint.documents import yaml_build

    yaml_build.parser_key.cache_clear()
    yield yaml_build
    yaml_build.parser_key.cache_clear()


@pytest.mark.skipif(not yamlio.yaml.__with_libyaml__, reason="PyYAML without its C parser")
def test_a_libyaml_of_its_own_is_in_the_key_by_its_version(
        fresh_key: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """Where PyYAML's extension links libyaml as a library of its own (Debian's, conda's),
    no file of PyYAML's tells which libyaml parses (libyaml 0.2.2 refuses `%YAML 1.2`, which
    0.2.5 reads): the key holds the version this process loads. Where the extension holds
    libyaml (PyPI's wheels), its file tells it, and PyYAML is not imported to ask. An
    extension that links a libyaml and does not load is an error, whether or not anything is
    parsed: the cache must not answer for it."""
    import yaml._yaml

    from procurelint.errors import SetupError

    monkeypatch.setattr(fresh_key, "_needed", lambda path: [b"libc.so.6"])
    assert fresh_key.parser_key()[1] == "inside"
    fresh_key.parser_key.cache_clear()
    monkeypatch.setattr(fresh_key, "_needed", lambda path: [b"libyaml-0.so.2", b"libc.so.6"])
    assert fresh_key.parser_key()[1] == yaml._yaml.get_version_string()
    fresh_key.parser_key.cache_clear()
    monkeypatch.setattr(fresh_key, "_needed", lambda path: None)  # not ELF: asked as well
    assert fresh_key.parser_key()[1] == yaml._yaml.get_version_string()
    fresh_key.parser_key.cache_clear()
    monkeypatch.setitem(sys.modules, "yaml._yaml", None)
    with pytest.raises(SetupError, match="C parser is installed but does not load"):
        fresh_key.parser_key()


def _elf(wide: bool, little: bool, needed: list[bytes]) -> bytes:
    """A shared object's headers as `_needed` reads them: a string table and a dynamic
    section naming `needed`, after the header, then the section headers."""
    order = "<" if little else ">"
    strings = b"\0" + b"".join(name + b"\0" for name in needed)
    offsets = [1 + sum(len(n) + 1 for n in needed[:i]) for i in range(len(needed))]
    entry = order + ("qQ" if wide else "iI")
    dynamic = b"".join(struct.pack(entry, 1, at) for at in offsets) + struct.pack(entry, 0, 0)
    head_size = 64 if wide else 52
    strings_at, dynamic_at = head_size, head_size + len(strings)
    shoff = dynamic_at + len(dynamic)
    section = order + ("IIQQQQIIQQ" if wide else "IIIIIIIIII")
    shentsize = struct.calcsize(section)
    sections = (struct.pack(section, *[0] * 10)
                + struct.pack(section, 0, 3, 0, 0, strings_at, len(strings), 0, 0, 1, 0)
                + struct.pack(section, 0, 6, 0, 0, dynamic_at, len(dynamic), 1, 0, 8, 0))
    ident = b"\x7fELF" + bytes([2 if wide else 1, 1 if little else 2, 1]) + bytes(9)
    if wide:
        head = ident + struct.pack(order + "HHIQQQIHHHHHH", 3, 62, 1, 0, 0, shoff, 0,
                                   head_size, 0, 0, shentsize, 3, 0)
    else:
        head = ident + struct.pack(order + "HHIIIIIHHHHHH", 3, 3, 1, 0, 0, shoff, 0,
                                   head_size, 0, 0, shentsize, 3, 0)
    assert len(head) == head_size
    return head + strings + dynamic + sections


@pytest.mark.parametrize(("wide", "little"), [(True, True), (False, True), (True, False),
                                              (False, False)])
def test_the_libraries_an_extension_links_are_read_from_its_headers(
        wide: bool, little: bool, tmp_path: Path) -> None:
    from procurelint.documents.yaml_build import _needed

    linked = tmp_path / "linked.so"
    linked.write_bytes(_elf(wide, little, [b"libyaml-0.so.2", b"libc.so.6"]))
    assert _needed(str(linked)) == [b"libyaml-0.so.2", b"libc.so.6"]
    alone = tmp_path / "alone.so"
    alone.write_bytes(_elf(wide, little, [b"libc.so.6"]))
    assert _needed(str(alone)) == [b"libc.so.6"]
    other = tmp_path / "other.so"
    other.write_bytes(b"\xcf\xfa\xed\xfe" + bytes(60))  # Mach-O: not read here
    assert _needed(str(other)) is None
    cut = tmp_path / "cut.so"
    cut.write_bytes(_elf(wide, little, [b"libyaml-0.so.2"])[:70])
    assert _needed(str(cut)) is None


def test_pyyaml_imported_from_a_zip_turns_the_cache_off(
        tmp_path: Path, fresh_key: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """PyYAML's package can lie in a zip (its folder is then not a folder): its files cannot
    be listed, so the cache is not used, and the run goes on without it."""
    import importlib.machinery
    import importlib.util

    archive = tmp_path / "yaml.zip"
    archive.write_bytes(b"PK")
    spec = importlib.machinery.ModuleSpec("yaml", None, is_package=True)
    spec.submodule_search_locations = [str(archive / "yaml")]
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: spec)
    assert fresh_key.parser_key() is None


def test_a_c_parser_that_does_not_load_is_an_error_not_another_parser(tmp_path: Path) -> None:
    """PyYAML falls back to its pure-Python parser when its C extension is there but does not
    load (a shared libyaml gone missing), and the two read some files differently, while the
    parse cache tells PyYAML's builds apart by their files only: such a run must not parse,
    nor write what it parsed. A warm run there parses nothing, and says what a sound one says."""
    repo = tmp_path / "repo"
    shutil.copytree(EXAMPLES / "clean", repo)
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "sitecustomize.py").write_text("import sys\nsys.modules['yaml._yaml'] = None\n")
    env = {k: v for k, v in os.environ.items() if k not in ("GITHUB_ACTIONS", "PYTHONPATH")}
    env["PROCURELINT_CACHE_DIR"] = str(tmp_path / "cache")
    without = dict(env, PYTHONPATH=str(broken))

    def run(environment: dict[str, str]) -> tuple[int, str, str]:
        proc = subprocess.run([sys.executable, "-m", "procurelint", "check", "--date", TODAY],
                              cwd=repo, env=environment, capture_output=True, text=True,
                              timeout=120)
        return proc.returncode, proc.stdout, proc.stderr

    code, out, err = run(without)
    assert code == 2 and out == "", err
    # not the policy's fault, so not placed in it (its built-in packs are parsed first)
    assert err.startswith("procurelint: error: PyYAML's C parser is installed but does not load")
    assert not list((tmp_path / "cache").glob("*.pack"))
    sound = run(env)
    assert sound[0] == 0, sound
    assert run(without)[:2] == sound[:2]
    for pattern in ("pack-*", "doc-RulePack-*"):  # the built-in rule packs, parsed again
        for entry in (tmp_path / "cache").glob(pattern):
            entry.unlink()
    code, out, err = run(without)
    assert code == 2 and out == "", err
    assert err.startswith("procurelint: error: PyYAML's C parser is installed but does not load")
