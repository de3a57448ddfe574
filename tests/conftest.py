"""Shared fixtures: the repository layout and a runner for the real command line."""

from __future__ import annotations

import os
import site
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

# The discovery corpus holds other projects' test modules as data to scan, not tests to run.
collect_ignore = ["discovery_corpus"]

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "tests" / "data"  # third-party schemas and data excerpts: see SOURCES.md there
EXAMPLES = REPO / "examples"
TODAY = "2026-11-28"


# -- the tests read nothing beside the repository --------------------------------------------
# A user's clone has nothing next to it, so a test that opens a file in a sibling folder of the
# repository (as a shared data folder laid beside it would be) passes here and fails there. An
# audit hook on `open` refuses such a read in this process and records it; the autouse fixture
# below fails the test that made it, even when the code under test caught the error. Test
# sources are scanned for such paths too (tests/test_hermetic.py), which covers what a test
# hands to a subprocess.

class ReadOutsideRepository(PermissionError):
    pass


OUTSIDE_READS: list[str] = []
_BESIDE = str(REPO.parent).rstrip(os.sep) + os.sep  # the guard itself
_INSIDE = str(REPO) + os.sep


def _allowed() -> tuple[str, ...]:
    """Where reads beside the repository are fine: the interpreter and its packages, and
    temporary files. When the clone itself sits in the temporary folder, only what tests and
    tools create there is (pytest's and tempfile's folders), not every sibling of the clone."""
    places = [sys.prefix, sys.base_prefix, sys.exec_prefix, *site.getsitepackages(),
              site.getusersitepackages()]
    temp = os.path.abspath(tempfile.gettempdir())
    if (str(REPO) + os.sep).startswith(temp.rstrip(os.sep) + os.sep):
        places += [os.path.join(temp, name) for name in ("pytest-of-", "tmp", "procurelint-")]
        return tuple(sorted({str(Path(p)) for p in places if p}))
    places.append(temp)
    return tuple(sorted({str(Path(p)).rstrip(os.sep) + os.sep for p in places if p}))


_ALLOWED = _allowed()


def _outside(path: object) -> str | None:
    if isinstance(path, bytes):
        path = os.fsdecode(path)
    if not isinstance(path, str):
        return None  # a file descriptor
    full = os.path.abspath(path)
    if not full.startswith(_BESIDE) or (full + os.sep).startswith(_INSIDE):
        return None
    if full.startswith(_ALLOWED):
        return None
    return full


def _audit(event: str, args: tuple[Any, ...]) -> None:
    if event != "open":
        return
    full = _outside(args[0])
    if full is not None:
        OUTSIDE_READS.append(full)
        raise ReadOutsideRepository(
            f"tests must not read outside the repository: {full} (ship a fixture under tests/data)")


# A clone at the root has no siblings but system folders.
if REPO.parent != Path(REPO.anchor):  # the guard itself
    sys.addaudithook(_audit)


@pytest.fixture(autouse=True)
def _reads_nothing_outside_the_repository():
    before = len(OUTSIDE_READS)
    yield
    made = OUTSIDE_READS[before:]
    assert not made, f"the test read outside the repository: {made}"


@dataclass
class Run:
    code: int
    stdout: str
    stderr: str


def run_cli(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None) -> Run:
    """Run `python -m procurelint` as a user would, in a separate process."""
    full_env = {k: v for k, v in os.environ.items() if k != "GITHUB_ACTIONS"}
    full_env.update(env or {})
    proc = subprocess.run(
        [sys.executable, "-m", "procurelint", *args], cwd=cwd or REPO, env=full_env,
        capture_output=True, text=True, timeout=120,
    )
    return Run(proc.returncode, proc.stdout, proc.stderr)


@pytest.fixture
def cli():
    return run_cli


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def node_paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """The path of every node of a parsed document, the root (()) first."""
    out = [prefix]
    if isinstance(node, dict):
        for key, value in node.items():
            out += node_paths(value, prefix + (key,))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            out += node_paths(value, prefix + (i,))
    return out


def node_at(node: Any, path: tuple[Any, ...]) -> Any:
    for part in path:
        node = node[part]
    return node


# -- the text output of `check` -----------------------------------------------------------------
# Findings are grouped by location: a head line `file:line:col: PATH: RULE1, RULE2`, then one
# line per finding, indented by four spaces: `RULE [severity] message`.

def text_groups(out: str) -> list[tuple[str, list[str]]]:
    """The findings of `check --format text` as (head line, [finding lines, unindented]), in
    the order printed. Lines with nothing indented below them (the summary) are left out."""
    groups: list[tuple[str, list[str]]] = []
    for line in out.splitlines():
        if line.startswith("    ") and groups:
            groups[-1][1].append(line[4:])
        else:
            groups.append((line, []))
    return [(head, lines) for head, lines in groups if lines]


def findings_at(out: str, file: str, line: int = 0, column: int = 0) -> list[str]:
    """The finding lines (`RULE [severity] message`) of every group at `file:line` (and
    `:column` when given; with no line, of the groups of the file that have no line)."""
    where = f"{file}:{line}:{f'{column}: ' if column else ''}" if line else f"{file}: "
    return [entry for head, lines in text_groups(out) if head.startswith(where) for entry in lines]
