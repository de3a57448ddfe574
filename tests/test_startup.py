"""Start-up: a warm `check` of valid manifests never imports pydantic.

Importing pydantic and the document models costs more than checking a small repository, so
with the cache warm, configuration comes from the cache as records and manifests from the
fast path. A module-level import of pydantic (or of procurelint.documents.models) anywhere on that path
fails these tests.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES, TODAY, findings_at, write

# Runs the command line's `main`, as `python -m procurelint` does (before the exit that
# skips the interpreter's teardown, and so any code after it), then says what it imported.
PROBE = """\
import sys
from procurelint.cli import main
sys.argv = ["procurelint", *sys.argv[1:]]
try:
    main()
except SystemExit as exc:
    code = exc.code
loaded = sorted(m for m in sys.modules
                if m.split(".")[0] in ("pydantic", "pydantic_core", "typing_extensions", "yaml",
                                       "shutil", "logging", "hashlib", "_hashlib",
                                       "threading")
                or m.startswith("procurelint.documents.models"))
sys.stderr.write("LOADED " + " ".join(loaded) + "\\n")
commands = sorted(m for m in sys.modules if m.startswith("procurelint.commands."))
sys.stderr.write("COMMANDS " + " ".join(commands) + "\\n")
from procurelint import findings
from procurelint.documents import files
sys.stderr.write(f"COMPILED {findings._patterns.cache_info().currsize} "
                 f"{files._ours_text.cache_info().currsize}\\n")
sys.exit(code)
"""


def _check(cwd: Path, cache: Path, *args: str) -> tuple[int, str, list[str]]:
    env = {k: v for k, v in os.environ.items() if k != "GITHUB_ACTIONS"}
    env["PROCURELINT_CACHE_DIR"] = str(cache)
    proc = subprocess.run([sys.executable, "-c", PROBE, "check", "--date", TODAY, *args],
                          cwd=cwd, env=env, capture_output=True, text=True, timeout=120)
    lines = proc.stderr.splitlines()
    loaded = [line for line in lines if line.startswith("LOADED")]
    assert loaded, proc.stderr
    return proc.returncode, proc.stdout, loaded[-1].split()[1:]


@pytest.mark.parametrize("example", ["clean", "custom-rules", "."])
def test_a_warm_check_imports_no_pydantic(example: str, tmp_path: Path) -> None:
    """Policy, catalogs, rule packs and waivers (the examples use them all) from the cache,
    and the manifests from the parse cache: PyYAML is not imported either (nor `shutil`,
    which argparse would import to learn the terminal's width, nor `logging`, which the CEL
    extension imports when it loads, nor `hashlib`, which loads OpenSSL: the cache's digests
    are BLAKE2b's, and only a report works out the SHA-256 of the files it records; nor
    `threading`, which only a split run's reader of a worker's answer needs)."""
    repo = tmp_path / "repo"
    shutil.copytree(EXAMPLES / example, repo)
    cache = tmp_path / "cache"
    cold_code, cold_out, cold_loaded = _check(repo, cache)
    assert "pydantic" in cold_loaded  # the first run validates the configuration
    assert "yaml" in cold_loaded  # and parses every file
    code, out, loaded = _check(repo, cache)
    parsed = [m for m in loaded if m.split(".")[0] == "yaml"]
    # The whole examples folder holds a team name that is not budgeted: it is compared with
    # the budgeted ones for look-alike characters, with `regex`, which imports threading.
    allowed = parsed + (["threading"] if example == "." else [])
    assert [m for m in loaded if m not in allowed] == [], f"a warm check imported {loaded}"
    # A file that does not parse is not stored, and is parsed again (its error found again):
    # of these, only the whole examples folder holds one.
    assert bool(parsed) == (example == "."), f"a warm check imported {loaded}"
    assert (code, out) == (cold_code, cold_out)


def test_patterns_few_runs_use_are_compiled_when_used(tmp_path: Path) -> None:
    """Those that normalise messages (fingerprints, baselines, `--diff`) and that tell a file
    our reader refused is ours take about a millisecond each to compile: a text check of valid
    manifests compiles neither, a SARIF check of a folder with a broken file both."""
    env = {k: v for k, v in os.environ.items() if k != "GITHUB_ACTIONS"}
    env["PROCURELINT_CACHE_DIR"] = str(tmp_path / "cache")
    compiled = {}
    for example, output in (("clean", "text"), (".", "sarif")):
        repo = tmp_path / output
        shutil.copytree(EXAMPLES / example, repo)
        proc = subprocess.run([sys.executable, "-c", PROBE, "check", "--date", TODAY,
                               "--format", output], cwd=repo, env=env, capture_output=True,
                              text=True, timeout=120)
        [line] = [line for line in proc.stderr.splitlines() if line.startswith("COMPILED")]
        compiled[output] = line.split()[1:]
    assert compiled == {"text": ["0", "0"], "sarif": ["1", "1"]}


def _printed(code: str) -> str:
    """What a fresh interpreter running `code` prints."""
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True, timeout=60).stdout


def test_the_command_line_imports_msgspec_without_typing_extensions() -> None:
    """msgspec would import typing_extensions (and inspect), which procurelint never needs of
    it; the entry that keeps it out is gone afterwards, so later imports of it (pydantic's, on
    the cold path) work as usual. A program that imports procurelint's other modules imports
    msgspec as it always does."""
    probe = ("import sys\n"
             "import procurelint.cli\n"
             "print('typing_extensions' in sys.modules, 'msgspec' in sys.modules)\n"
             "import typing_extensions, pydantic\n"
             "print(typing_extensions.__name__, pydantic.BaseModel.__name__)\n")
    shown = _printed(probe).split()
    assert shown == ["False", "True", "typing_extensions", "BaseModel"]
    library = ("import sys\n"
               "import procurelint.engine.evaluate\n"
               "print('typing_extensions' in sys.modules)\n")
    shown = _printed(library).split()
    assert shown == ["True"]


def test_what_the_cel_extension_logs_still_reaches_logging() -> None:
    """The extension is loaded with a stand-in for `logging`, which it only keeps; when it
    logs (here, a variable resolver that raises), the record reaches the real `logging`."""
    probe = ("import sys\n"
             "from procurelint.expressions import _extension\n"
             "ext = _extension()\n"
             "print('logging' in sys.modules)\n"
             "import logging\n"
             "seen = []\n"
             "class Keep(logging.Handler):\n"
             "    def emit(self, record): seen.append(record.getMessage())\n"
             "logging.getLogger().addHandler(Keep())\n"
             "context = ext.Context({})\n"
             "def resolve(name): raise RuntimeError('no ' + name)\n"
             "context.set_variable_resolver(resolve)\n"
             "try:\n"
             "    ext.compile('x + 1').execute(context)\n"
             "except RuntimeError:\n"
             "    pass\n"
             "print(type(sys.modules['logging']).__name__, seen)\n")
    shown = _printed(probe).splitlines()
    assert shown[0] == "False"
    assert shown[1].startswith("module [") and "RuntimeError: no x" in shown[1], shown


def test_the_cel_extension_imports_logging_when_another_thread_runs() -> None:
    """A thread that imported `logging` while the stand-in was in place would keep it: with
    another thread running, the extension loads with the real module."""
    probe = ("import sys, threading\n"
             "done = threading.Event()\n"
             "worker = threading.Thread(target=done.wait)\n"
             "worker.start()\n"
             "from procurelint.expressions import _extension\n"
             "_extension()\n"
             "done.set()\n"
             "worker.join()\n"
             "print(type(sys.modules.get('logging')).__name__)\n")
    shown = _printed(probe).split()
    assert shown == ["module"]


def test_one_manifest_repository(tmp_path: Path) -> None:
    write(tmp_path, "app.yaml", """\
apiVersion: procurelint/v1
kind: AgentManifest
metadata: {name: app, team: t, owner: o@example.com}
spec:
  workflows:
    - name: flow
      runsPerMonth: 1000
      dataClasses: [public]
      steps:
        - {name: step, model: deepseek/deepseek-v3.2, endpoint: deepseek/api,
           tokensPerCall: {input: 1000, output: 100}}
""")
    cache = tmp_path / "cache"
    _check(tmp_path, cache)
    code, out, loaded = _check(tmp_path, cache)
    assert loaded == [] and code == 0, out


def test_an_invalid_manifest_still_gets_pydantic_errors(tmp_path: Path) -> None:
    """The fast path defers; pydantic words the problem exactly as before."""
    write(tmp_path, "app.yaml", """\
apiVersion: procurelint/v1
kind: AgentManifest
metadata: {name: app, team: t, owner: o@example.com}
spec:
  workflows:
    - name: flow
      runsPerMonth: "many"
      dataClasses: [public]
      steps: [{name: step, model: deepseek/deepseek-v3.2, endpoint: deepseek/api}]
""")
    cache = tmp_path / "cache"
    _check(tmp_path, cache)
    code, out, loaded = _check(tmp_path, cache)
    assert code == 1 and "pydantic" in loaded
    assert ("MAN002 [error] spec.workflows[0].runsPerMonth: Input should be a valid integer "
            "(got 'many')") in findings_at(out, "app.yaml", 7, 21), out


def test_the_cache_holds_no_pydantic_objects(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(EXAMPLES, repo)
    cache = tmp_path / "cache"
    _check(repo, cache)
    entries = sorted(cache.glob("*.json"))
    assert len(entries) >= 5
    script = ("import sys\n"
              "import procurelint.policy.config  # registers the classes entries may hold\n"
              "from procurelint.documents.cache import _read\n"
              "from pathlib import Path\n"
              "for name in sys.argv[1:]:\n"
              "    _read(Path(name))\n"
              "print(sorted(m for m in sys.modules if m.startswith(('pydantic', 'procurelint.documents.models'))))\n")
    proc = subprocess.run([sys.executable, "-c", script, *map(str, entries)],
                          capture_output=True, text=True, timeout=60, check=True)
    assert proc.stdout.strip() == "[]"


def test_a_check_imports_no_other_command(tmp_path: Path) -> None:
    """The parser describes only the command being run: importing the others (report,
    catalog, discover) and building their options is start-up a check does not need."""
    repo = tmp_path / "repo"
    shutil.copytree(EXAMPLES / "clean", repo)
    env = {k: v for k, v in os.environ.items() if k != "GITHUB_ACTIONS"}
    env["PROCURELINT_CACHE_DIR"] = str(tmp_path / "cache")
    proc = subprocess.run([sys.executable, "-c", PROBE, "check", "--date", TODAY], cwd=repo,
                          env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    line = next(x for x in proc.stderr.splitlines() if x.startswith("COMMANDS"))
    assert line.split()[1:] == ["procurelint.commands.check", "procurelint.commands.common"]


def test_the_cache_key_changes_with_any_built_in_file_or_module(tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """The cache is keyed by the name, size and modification time of every built-in data file
    and module (not their content, which would cost a read of each on every start): an edit or
    an upgrade of any of them, nested modules included, gives a new key."""
    from procurelint.documents import cache

    package, data = tmp_path / "package", tmp_path / "policies"
    (package / "engine" / "__pycache__").mkdir(parents=True)
    data.mkdir()
    write(package, "__init__.py", "")
    write(package, "engine/rules.py", "A = 1\n")
    write(data, "catalog.yaml", "x: 1\n")
    monkeypatch.setattr(cache, "_PACKAGE", package)
    monkeypatch.setattr(cache, "builtin_dir", lambda: data)

    def key() -> str:
        cache.builtin_digest.cache_clear()
        return cache.builtin_digest()

    first = key()
    assert key() == first
    write(package, "engine/__pycache__/rules.cpython-311.pyc", "bytecode")  # not an input
    assert key() == first
    for edit in (lambda: write(package, "engine/rules.py", "A = 22\n"),        # size
                 lambda: os.utime(package / "engine" / "rules.py", ns=(1, 1)),  # time only
                 lambda: write(data, "catalog.yaml", "x: 22\n"),
                 lambda: write(package, "engine/new.py", "")):
        before = key()
        edit()
        assert key() != before
    cache.builtin_digest.cache_clear()


def test_a_cached_document_keeps_every_position(tmp_path: Path, monkeypatch) -> None:
    """A configuration document from the cache answers every position as the parsed one does,
    deep ones decoded only when asked."""
    from procurelint.documents import cache
    from procurelint.documents.cache import Positions
    from procurelint.documents.loading import load_one

    monkeypatch.setenv("PROCURELINT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(cache, "_memory", {})
    path = EXAMPLES / "catalog" / "acme.yaml"
    parsed = load_one(path, "Catalog", "x.yaml")[1]  # built and written to the cache
    monkeypatch.setattr(cache, "_memory", {})
    again = load_one(path, "Catalog", "x.yaml")[1]   # read from the cache
    # The records hold the values: neither document keeps the parsed value (most of an
    # imported catalog's entry, which every start reads), only the positions.
    assert parsed.data is None and again.data is None
    assert isinstance(again.spots, Positions) and not isinstance(parsed.spots, Positions)
    deep = [p for p in parsed.spots if len(p) > Positions.SHALLOW]
    assert deep and again.spots._table is None
    assert again.location(("metadata", "name")) == parsed.location(("metadata", "name"))
    assert again.spots._table is None  # a shallow position decodes nothing
    for p in parsed.spots:
        assert again.location(p) == parsed.location(p) and \
            again.location(p, key=True) == parsed.location(p, key=True), p
    assert dict(again.spots) == dict(parsed.spots)
    assert again.location(("spec", "no", "such", 9)) == parsed.location(("spec", "no", "such", 9))


def test_a_cached_documents_deep_positions_lie_outside_the_json_a_start_reads(
        tmp_path: Path, monkeypatch) -> None:
    """A catalog entry's first line is all a start decodes; the deep positions follow it, one
    JSON line per document. An entry whose first line names a line it lacks, or that holds a
    line no document names, is rebuilt."""
    import json

    from procurelint.documents import digests
    from procurelint.documents import cache
    from procurelint.documents.cache import Positions
    from procurelint.documents.loading import load_one

    monkeypatch.setenv("PROCURELINT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(cache, "_memory", {})
    path = EXAMPLES / "catalog" / "acme.yaml"
    parsed = load_one(path, "Catalog", "x.yaml")[1]
    [entry] = (tmp_path / "cache").glob("doc-Catalog-*.json")
    magic, digest, body = entry.read_bytes().split(b"\n", 2)
    head, *texts = body.split(b"\n")
    deep = {p: v for p, v in parsed.spots.items() if len(p) > Positions.SHALLOW}
    assert len(texts) == 1 and json.loads(texts[0]) == [[list(p), list(v)] for p, v in deep.items()]
    first_deep = json.dumps([list(next(iter(deep))), list(next(iter(deep.values())))])
    assert first_deep.replace(" ", "").encode() in texts[0] and b'"t":0' in head
    assert first_deep.replace(" ", "").encode() not in head

    for edited in (head.replace(b'"t":0', b'"t":1'), head.replace(b'"t":0', b'"t":"0"'),
                   head,  # its line of deep positions dropped
                   body + b"\nab", body + b"\n"):  # a line that no document names
        monkeypatch.setattr(cache, "_memory", {})
        entry.write_bytes(magic + b"\n" + digests.hexdigest(edited).encode() + b"\n"
                          + edited)
        again = load_one(path, "Catalog", "x.yaml")[1]  # rebuilt: the same positions
        assert dict(again.spots) == dict(parsed.spots)
        assert entry.read_bytes().split(b"\n", 2)[2] == body


def test_an_entry_of_several_documents_takes_each_ones_deep_positions(tmp_path: Path,
                                                                       monkeypatch) -> None:
    """Documents anywhere in a cached value (a list, a mapping, a tuple) each get their own
    line of deep positions back, in the order the entry was written, without a rebuild."""
    from procurelint.documents import cache
    from procurelint.documents.document import Document

    def doc(name: str, line: int) -> Document:
        return Document(name, None, {(): (1, 1), ("a",): (line, 1), ("a", "b"): (line + 1, 3),
                                     ("a", "b", 0): (line + 2, 5), ("a", "b", 0, "c"): (line + 3, 7)})

    value = [doc("one.yaml", 1), {"z": doc("two.yaml", 10), "y": (doc("three.yaml", 20),)}]
    monkeypatch.setenv("PROCURELINT_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(cache, "_memory", {})
    built = []
    assert cache.cached("several", lambda: built.append(1) or value) is value
    monkeypatch.setattr(cache, "_memory", {})
    again = cache.cached("several", lambda: built.append(2) or value)
    assert built == [1]  # read from the entry, not built again
    pairs = [(value[0], again[0]), (value[1]["z"], again[1]["z"]), (value[1]["y"][0], again[1]["y"][0])]
    for before, after in pairs:
        assert after.file == before.file and dict(after.spots) == dict(before.spots)


def test_a_warm_check_writes_nothing_to_the_cache(tmp_path: Path) -> None:
    """Every entry a check needs is written by the first run: an entry that cannot be written
    would be built again, and tried again, on every later start."""
    repo = tmp_path / "repo"
    shutil.copytree(EXAMPLES, repo)
    cache = tmp_path / "cache"
    _check(repo, cache)
    written = {p.name: p.stat().st_mtime_ns for p in cache.glob("*.json")}
    assert any(name.startswith("catalog-") for name in written), sorted(written)
    _check(repo, cache)
    assert {p.name: p.stat().st_mtime_ns for p in cache.glob("*.json")} == written


@pytest.mark.parametrize("text", ["[" * 100_000 + "]" * 100_000, "not json", "[[1]]",
                                  '[[["a","b","c"],[4,5]], [["a"],[9,9]]]'])
def test_deep_positions_edited_with_their_digest_never_crash(text: str) -> None:
    """Deep positions are decoded when first asked for, after the entry's digest was checked:
    an entry edited with a new digest may lose them, never crash a run or move a shallow one."""
    from procurelint.documents.cache import Positions
    from procurelint.documents.document import Document

    doc = Document("f.yaml", None, Positions({("a",): (2, 1), ("a", "b"): (3, 3, 3, 1)}, text))
    where = doc.location(("a", "b", "c"))
    assert (where.line, where.column) in ((3, 3), (4, 5))
    assert (doc.location(("a", "b")).line, doc.location(("a",)).line) == (3, 2)
    assert doc.location(("a", "b"), key=True).column == 1


@pytest.mark.parametrize("columns", [None, "50", "132", "0", "-3", "wide"])
def test_help_is_as_wide_as_argparse_makes_it(columns: str | None,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """The command line's help formatter learns the terminal's width without `shutil`, and
    must learn what argparse's own would (it asks `shutil.get_terminal_size`)."""
    import argparse

    from procurelint.cli import _Formatter

    if columns is None:
        monkeypatch.delenv("COLUMNS", raising=False)
    else:
        monkeypatch.setenv("COLUMNS", columns)
    ours, theirs = _Formatter("procurelint"), argparse.HelpFormatter("procurelint")
    assert ours._width == theirs._width  # noqa: SLF001 - the width both formatters chose


def test_the_collector_is_set_before_the_command_line_imports_its_modules() -> None:
    """Importing is a third of a one-manifest check, and allocates thousands of objects the
    collector would scan again and again at its default thresholds."""
    probe = ("import gc, sys\n"
             "seen = []\n"
             "class Watch:\n"
             "    def find_spec(self, name, path=None, target=None):\n"
             "        if name == 'msgspec' and not seen:\n"
             "            seen.append(gc.get_threshold())\n"
             "sys.meta_path.insert(0, Watch())\n"
             "import procurelint.cli\n"
             "print(list(seen[0]), list(procurelint.cli.GC_THRESHOLDS))\n")
    shown = _printed(probe)
    at_msgspec, wanted = json.loads(f"[{shown.replace('] [', '], [')}]")
    assert at_msgspec == wanted
    assert wanted[0] > 700  # above the default


def test_help_is_as_wide_as_the_terminal_as_argparse_tells_it() -> None:
    """On a terminal (a pseudo-terminal of 37 columns here), with no $COLUMNS: the width comes
    from standard output's terminal, as argparse's own formatter reads it."""
    import fcntl
    import pty
    import struct
    import termios

    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 37, 0, 0))
    probe = ("import argparse\n"
             "from procurelint.cli import _Formatter\n"
             "print(_Formatter('p')._width, argparse.HelpFormatter('p')._width)\n")
    env = {k: v for k, v in os.environ.items() if k != "COLUMNS"}
    try:
        subprocess.run([sys.executable, "-c", probe], stdout=follower, env=env, check=True,
                       timeout=60)
        shown = os.read(leader, 1024).decode().split()
    finally:
        os.close(leader)
        os.close(follower)
    assert shown == ["35", "35"]
