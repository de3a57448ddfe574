"""Progress on long runs: on a terminal only, after a second, never in CI logs or output files."""

from __future__ import annotations

import os
import sys
import time
from typing import TextIO


class Progress:
    """Writes `label: done/total` over itself on stderr when a person is watching."""

    def __init__(self, stream: TextIO | None = None, delay: float = 1.0) -> None:
        self.stream = stream or sys.stderr
        self.enabled = (
            hasattr(self.stream, "isatty") and self.stream.isatty()
            and not os.environ.get("CI") and os.environ.get("TERM") != "dumb"
        )
        self.start = time.monotonic()
        self.delay = delay
        self.shown = False
        self._last = 0.0

    def __call__(self, label: str, done: int, total: int) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if now - self.start < self.delay or (now - self._last < 0.1 and done < total):
            return
        self._last = now
        self.stream.write(f"\r{label}: {done:,}/{total:,}\x1b[K")
        self.stream.flush()
        self.shown = True

    def close(self) -> None:
        if self.shown:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
