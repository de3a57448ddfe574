"""Progress is drawn only for a person at a terminal, never into logs or machine output."""

from __future__ import annotations

import io

from procurelint.progress import Progress


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_on_a_terminal_after_the_delay(monkeypatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    stream = Terminal()
    progress = Progress(stream, delay=0.0)
    progress("reading manifests", 64, 1000)
    progress.close()
    assert "reading manifests: 64/1,000" in stream.getvalue()


def test_no_progress_in_ci_or_pipes(monkeypatch) -> None:
    monkeypatch.setenv("CI", "true")
    stream = Terminal()
    Progress(stream, delay=0.0)("reading manifests", 64, 1000)
    assert stream.getvalue() == ""
    monkeypatch.delenv("CI")
    pipe = io.StringIO()
    Progress(pipe, delay=0.0)("reading manifests", 64, 1000)
    assert pipe.getvalue() == ""


def test_no_progress_before_a_second(monkeypatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    stream = Terminal()
    Progress(stream, delay=60.0)("reading manifests", 64, 1000)
    assert stream.getvalue() == ""
