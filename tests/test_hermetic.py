"""The tests read nothing outside the repository: a fresh clone passes with nothing beside it.

Two guards: test sources name no path beside the repository (this scan), and an audit hook on
`open` (tests/conftest.py) refuses, during every test, a read in a folder beside the
repository and fails the test that tried it.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import OUTSIDE_READS, REPO, ReadOutsideRepository

TESTS = REPO / "tests"
# Ways a test reaches beside the repository: a path up from the tests, a data folder laid
# next to the clone, an absolute path of a developer's machine.
OUTSIDE = re.compile(
    r"parents\[\s*[2-9]\s*\]"                # Path(__file__).parents[2] and above
    r"|\.parent\s*\.\s*parent\s*\.\s*parent"  # the same, spelt out
    r"|\bREPO\s*\.\s*parent\b"
    r"|[\"']\.\./"                            # "../elsewhere/..."
    r"|[\"']/(?:home|root|Users)/")


def offending_lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines()
            if OUTSIDE.search(line) and not line.endswith("# the guard itself")]


def test_no_test_source_names_a_path_outside_the_repository() -> None:
    found = []
    for path in sorted(TESTS.rglob("*.py")):
        if path.name == Path(__file__).name or "__pycache__" in path.parts:
            continue
        found += [f"{path.relative_to(REPO)}: {line}" for line in offending_lines(path.read_text(encoding="utf-8"))]
    assert found == []


@pytest.mark.parametrize("line", [
    'DATA = Path(__file__).resolve().parents[2] / "prices" / "data"',
    'BESIDE = REPO.parent / "data"',
    'schema = open("../data/schemas/JUnit.xsd")',
    'source = "/home/someone/prices/model_prices_and_context_window.json"',
])
def test_the_scan_finds_the_ways_tests_used_to_reach_outside(line: str) -> None:
    assert offending_lines(line) == [line]


def test_a_read_beside_the_repository_is_refused_and_recorded() -> None:
    beside = REPO.parent / "data" / "schemas" / "JUnit.xsd"
    before = len(OUTSIDE_READS)
    with pytest.raises(ReadOutsideRepository, match="tests must not read outside the repository"):
        beside.read_bytes()
    assert OUTSIDE_READS[before:] == [str(beside)]
    del OUTSIDE_READS[before:]  # made on purpose: not a failure of this test


def test_reads_inside_the_repository_and_temporary_files_are_allowed(tmp_path: Path) -> None:
    before = len(OUTSIDE_READS)
    assert (TESTS / "data" / "SOURCES.md").read_text(encoding="utf-8")
    (tmp_path / "x").write_text("x", encoding="utf-8")
    assert OUTSIDE_READS[before:] == []
