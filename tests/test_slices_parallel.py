"""The slices of a split run judge, and build the views of `cost` and `report`, at the same
time: only reading in parallel would leave most of a split run's work to one process at a time."""

from __future__ import annotations

import datetime as dt
import os
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from procurelint.audit.repository import manifests_of_slice, reported
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
PAUSE = 0.6


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("slices")
    generate(60, folder)
    return folder


def _intervals(log: Path) -> list[tuple[int, float, float]]:
    rows = [line.split() for line in log.read_text().splitlines()]
    return [(int(pid), float(start), float(end)) for pid, start, end in rows]


def _timed(monkeypatch: pytest.MonkeyPatch, log: Path, owner: Any, name: str) -> None:
    """Make `owner.name` take PAUSE seconds longer and log (pid, start, end) of each call.
    Forked slices inherit the patch."""
    original = getattr(owner, name)

    def slow(*args: Any, **kwargs: Any) -> Any:
        start = time.monotonic()
        time.sleep(PAUSE)
        value = original(*args, **kwargs)
        with open(log, "a") as out:
            out.write(f"{os.getpid()} {start} {time.monotonic()}\n")
        return value

    monkeypatch.setattr(owner, name, slow)


def _overlapping(intervals: list[tuple[int, float, float]]) -> bool:
    """Every slice started before the first one finished: they ran at the same time."""
    return max(start for _, start, _ in intervals) < min(end for _, _, end in intervals)


def test_slices_judge_at_the_same_time(corpus: Path, tmp_path: Path,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    log = tmp_path / "judge.log"
    _timed(monkeypatch, log, Evaluator, "judge_local")
    check(load_config(None, corpus), Options(today=DAY), processes=3)
    intervals = _intervals(log)
    assert len({pid for pid, _, _ in intervals}) == 3
    assert _overlapping(intervals), intervals


@pytest.mark.parametrize("view", [cost_view.rows_of_slice, manifests_of_slice])
def test_slices_build_their_views_at_the_same_time(corpus: Path, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch,
                                                   view: Any) -> None:
    log = tmp_path / "view.log"
    _timed(monkeypatch, log, processes.LocalSlice, "view")
    check(load_config(None, corpus), Options(today=DAY), processes=3, view=view,
          request=reported if view is manifests_of_slice else None)
    intervals = _intervals(log)
    assert len({pid for pid, _, _ in intervals}) == 3
    assert _overlapping(intervals), intervals


def test_an_answer_is_taken_off_the_pipe_while_this_process_judges(
        corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A forked slice's answer of many findings fills the pipe long before this process is
    done with its own slice: it is read meanwhile, so the child is not left waiting to send
    it, and this process does not read it only afterwards."""
    from msgspec.structs import replace

    parent = os.getpid()
    sent, judged = tmp_path / "sent.log", tmp_path / "judged.log"
    original_judge = processes.LocalSlice.judge
    original_send = forking.Channel.send

    def judge(self: Any, *args: Any) -> Any:
        loaded, findings = original_judge(self, *args)
        if os.getpid() == parent:
            time.sleep(2 * PAUSE)  # this process's own slice takes longer
            judged.write_text(str(time.monotonic()))
            return loaded, findings
        many = [replace(findings[0], message=f"{n} " + "x" * 1000) for n in range(4000)]
        return loaded, findings + many  # 4 MB: a pipe holds 64 KB

    def send(self: Any, obj: Any) -> None:
        original_send(self, obj)
        if os.getpid() != parent:
            with open(sent, "a") as out:
                out.write(f"{time.monotonic()}\n")

    monkeypatch.setattr(processes.LocalSlice, "judge", judge)
    monkeypatch.setattr(forking.Channel, "send", send)
    check(load_config(None, corpus), Options(today=DAY), processes=2)
    child_done = max(float(line) for line in sent.read_text().split())
    assert child_done < float(judged.read_text())


def test_every_slice_reads_with_the_collector_on_and_judges_with_it_off(
        corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The cycle collector runs while files are read (a hostile file can leave cyclic garbage)
    and is off while they are judged (it would only scan the check's live objects), in this
    process and in the forked slices; afterwards it is as it was, also when the check fails."""
    import gc

    from procurelint.errors import ConfigError

    log = tmp_path / "collector.log"

    def logged(phase: str, original: Any) -> Any:
        def call(*args: Any, **kwargs: Any) -> Any:
            with open(log, "a") as out:
                out.write(f"{os.getpid()} {phase} {gc.isenabled()}\n")
            return original(*args, **kwargs)
        return call

    monkeypatch.setattr(processes, "load_manifests", logged("read", processes.load_manifests))
    monkeypatch.setattr(Evaluator, "judge_local", logged("judge", Evaluator.judge_local))
    config = load_config(None, corpus)
    assert gc.isenabled()
    check(config, Options(today=DAY), processes=2)
    rows = [line.split() for line in log.read_text().splitlines()]
    assert len({pid for pid, _, _ in rows}) == 2
    assert {(phase, enabled) for _, phase, enabled in rows} == {
        ("read", "True"), ("judge", "False")}
    assert gc.isenabled()
    with pytest.raises(ConfigError):
        check(config, Options(today=DAY, select=["NOSUCH001"]))
    assert gc.isenabled()
    log.unlink()
    gc.disable()
    try:
        check(config, Options(today=DAY), processes=1)
        assert not gc.isenabled()  # a caller's choice is left alone
    finally:
        gc.enable()
    rows = [line.split() for line in log.read_text().splitlines()]
    assert {(phase, enabled) for _, phase, enabled in rows} == {
        ("read", "True"), ("judge", "False")}
