"""The worker processes of a split run: forked children and their channels."""

from __future__ import annotations

import datetime as dt
import os
import signal
import sys
from pathlib import Path

import pytest

from procurelint.run import forking
from tests.conftest import REPO, TODAY

DAY = dt.date.fromisoformat(TODAY)


BIG = ["x" * 1000 for _ in range(10_000)]  # 10 MB, far more than a pipe holds


def _answer(conn: forking.Channel, parents: forking.Channel) -> None:
    """Each message it reads, answered with itself and BIG (as a slice answers a call). It
    closes the parent's end first, as a slice does: holding it, it would never read the end."""
    parents.close()
    while True:
        try:
            conn.send((conn.recv(), BIG))
        except EOFError:
            return


def test_a_channel_carries_messages_larger_than_a_pipe_both_ways() -> None:
    ours, theirs = forking.channel()
    child = forking.Child(_answer, (theirs, ours))
    child.start()
    theirs.close()
    try:
        for message in (BIG, ("judge", 1, None), {"k": [1.5, -0.0]}):
            ours.send(message)
            assert ours.recv() == (message, BIG)
        ours.close()  # the child reads the end of its pipe, and returns
        child.join(timeout=10)
        assert not child.is_alive() and child not in forking.children()
    finally:
        child.terminate()
        child.join()


def test_the_end_of_a_channel_reads_as_eof_and_writing_to_it_fails() -> None:
    ours, theirs = forking.channel()
    theirs.close()
    with pytest.raises(EOFError):
        ours.recv()
    with pytest.raises(BrokenPipeError):
        ours.send("x" * 100_000)
    ours.close()
    ours.close()  # closing again does nothing


def _fail() -> None:
    raise ValueError("in the child")


def _wait() -> None:
    signal.pause()


def test_a_child_that_raises_leaves_with_code_1_and_one_that_hangs_can_be_ended(
        capfd: pytest.CaptureFixture[str]) -> None:
    failing = forking.Child(_fail, ())
    failing.start()
    failing.join(timeout=10)
    assert not failing.is_alive()
    assert os.WIFEXITED(failing._status or 0) and os.WEXITSTATUS(failing._status or 0) == 1
    assert "ValueError: in the child" in capfd.readouterr().err
    hanging = forking.Child(_wait, ())
    hanging.start()
    try:
        assert hanging in forking.children()
        hanging.join(timeout=0.05)
        assert hanging.is_alive()
    finally:
        hanging.terminate()
        hanging.join()
    assert forking.children() == []


def test_a_child_never_started_is_not_alive_and_ending_it_does_nothing() -> None:
    """`kill(0, ...)` would end this whole process group."""
    child = forking.Child(_wait, ())
    assert not child.is_alive()
    child.terminate()
    child.join()
    child.join(timeout=0.01)
    assert child not in forking.children()


def _fail_without_stderr() -> None:
    sys.stderr = None  # type: ignore[assignment]  # as under `2>&-`
    raise ValueError("in the child")


def test_a_child_without_standard_error_writes_nothing_to_standard_output(
        capfd: pytest.CaptureFixture[str]) -> None:
    child = forking.Child(_fail_without_stderr, ())
    child.start()
    child.join(timeout=10)
    assert not child.is_alive()
    assert capfd.readouterr().out == ""


def test_a_split_run_with_standard_error_closed_writes_only_its_result(
        tmp_path: Path, capfd: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """Under `2>&-` each slice leaves as usual, and standard output holds the result alone."""
    from procurelint.output.results_json import render
    from procurelint.policy.config import load_config
    from procurelint.run.pipeline import Options, check

    sys.path.insert(0, str(REPO / "benchmarks"))
    from corpus import generate

    generate(30, tmp_path)
    config = load_config(None, tmp_path)
    serial = render(check(config, Options(today=DAY), processes=1).result)
    monkeypatch.setattr(sys, "stderr", None)
    split = render(check(config, Options(today=DAY), processes=3).result)
    monkeypatch.undo()
    assert split == serial
    assert forking.children() == []
    assert capfd.readouterr().out == ""
