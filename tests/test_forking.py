"""The worker processes of a split run: forked children and their channels."""

from __future__ import annotations

import os
import signal

import pytest

from procurelint.run import forking


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
