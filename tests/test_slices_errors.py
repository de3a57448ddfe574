"""A failure in a forked slice of a split run surfaces as it would in a single process."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from procurelint.engine.evaluate import Evaluator
from procurelint.output import cost_view
from procurelint.policy.config import load_config
from procurelint.run import processes
from procurelint.run.pipeline import Options, check
from procurelint.run import forking
from tests.conftest import REPO, TODAY

sys.path.insert(0, str(REPO / "benchmarks"))
from corpus import generate  # noqa: E402

DAY = dt.date.fromisoformat(TODAY)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("slices")
    generate(60, folder)
    return folder


class Unexpected(Exception):
    pass


def _fail_in_the_last_slice(monkeypatch: pytest.MonkeyPatch, owner: Any, name: str,
                            error: Exception) -> None:
    """`owner.name` raises `error` for the slice that holds the last manifest of the corpus."""
    original = getattr(owner, name)

    def failing(self: Any, *args: Any) -> Any:
        names = {m.manifest.metadata.name for m in getattr(self, "manifests", [])} | {
            m.manifest.metadata.name for m in (args[1] if name == "judge_local" else [])}
        if "service-00059" in names:
            raise error
        return original(self, *args)

    monkeypatch.setattr(owner, name, failing)


@pytest.mark.parametrize("phase", ["judge", "view"])
def test_an_unexpected_error_in_a_slice_is_the_error_of_one_process(
        corpus: Path, monkeypatch: pytest.MonkeyPatch, phase: str) -> None:
    """A bug that raises in a forked slice surfaces as the same exception as in one process
    (the command line then prints `internal error: Unexpected: ...`, not the worker's
    traceback under another name)."""
    if phase == "judge":
        _fail_in_the_last_slice(monkeypatch, Evaluator, "judge_local", Unexpected("boom"))
    else:
        _fail_in_the_last_slice(monkeypatch, processes.LocalSlice, "view", Unexpected("boom"))
    config = load_config(None, corpus)
    for count in (1, 3):
        with pytest.raises(Unexpected, match="^boom$"):
            check(config, Options(today=DAY), processes=count, view=cost_view.rows_of_slice)
    assert forking.children() == []


def test_an_unexpected_error_in_a_slice_reads_the_same_on_the_command_line(
        corpus: Path, tmp_path: Path) -> None:
    """The whole command line, with the failure injected into every process alike."""
    script = tmp_path / "run.py"
    script.write_text(
        "import sys\n"
        "from procurelint.engine import evaluate\n"
        "original = evaluate.Evaluator.judge_local\n"
        "def judge_local(self, walked, manifests, spend):\n"
        "    if any(m.manifest.metadata.name == 'service-00059' for m in manifests):\n"
        "        raise LookupError('no such thing')\n"
        "    return original(self, walked, manifests, spend)\n"
        "evaluate.Evaluator.judge_local = judge_local\n"
        "from procurelint.run import pipeline, processes\n"
        "pipeline.process_count = lambda jobs, files: jobs\n"
        "from procurelint.cli import main\n"
        "sys.argv = ['procurelint', *sys.argv[1:]]\n"
        "main()\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k not in ("GITHUB_ACTIONS", "PROCURELINT_DEBUG")}
    runs = [subprocess.run([sys.executable, str(script), "cost", "--date", TODAY, "-j", jobs],
                           cwd=corpus, env=env, capture_output=True, text=True, timeout=120)
            for jobs in ("1", "3")]
    assert runs[0].returncode == runs[1].returncode == 2
    assert runs[0].stderr.startswith("procurelint: internal error: LookupError: no such thing\n")
    assert runs[1].stderr == runs[0].stderr
