"""Worker processes made by `os.fork`, each talking over two pipes in length-prefixed pickles.

The standard library's `multiprocessing` does this, but importing it (with socket, tempfile,
shutil and subprocess) took 8–15 ms in the serial part of every split run: about a twentieth
of a selective check of 1,000 manifests. A split run needs only the part written here: a fork,
a duplex channel of pickled messages, and waiting for a child or ending it.
"""

from __future__ import annotations

import os
import pickle
import signal
import struct
import sys
import time
from collections.abc import Callable
from typing import Any

_HEADER = struct.Struct("!Q")
"""A message's length, ahead of its bytes."""


class Channel:
    """One end of a duplex channel: it reads one pipe and writes the other. A closed far end
    reads as EOFError, and writing to it raises BrokenPipeError (Python ignores SIGPIPE)."""

    def __init__(self, reading: int, writing: int) -> None:
        self._reading = reading
        self._writing = writing

    def send(self, value: Any) -> None:
        data = pickle.dumps(value, pickle.HIGHEST_PROTOCOL)
        self._write(_HEADER.pack(len(data)))
        self._write(data)

    def recv(self) -> Any:
        return pickle.loads(self.recv_bytes())

    def recv_bytes(self) -> bytearray:
        """The next message's bytes (waiting for the pipe outside the interpreter lock)."""
        (size,) = _HEADER.unpack(self._read(_HEADER.size))
        return self._read(size)

    def close(self) -> None:
        fds = (self._reading, self._writing)
        self._reading = self._writing = -1  # first: a reader thread then sees no stale number
        for fd in fds:
            if fd >= 0:
                try:
                    os.close(fd)
                except OSError:
                    pass

    __del__ = close  # an end dropped unclosed (an interrupted start) lets its child read EOF

    def _write(self, data: bytes) -> None:
        view = memoryview(data)
        while view:
            view = view[os.write(self._writing, view):]

    def _read(self, size: int) -> bytearray:
        buffer = bytearray(size)
        view = memoryview(buffer)
        got = 0
        while got < size:
            count = os.readv(self._reading, [view[got:]])
            if count == 0:
                raise EOFError("the other end of the channel closed")
            got += count
        return buffer


def channel() -> tuple[Channel, Channel]:
    """The two ends of a new channel: one for this process, one for a child it forks. The
    child's answers (up to a few hundred thousand findings) come through a pipe widened to
    `ANSWER_PIPE` bytes where the system allows it, as wide as the socket buffer that
    `multiprocessing` used: each piece the reader takes off a pipe waits for the interpreter
    lock while this process judges its own slice."""
    down_read, down_write = os.pipe()
    up_read, up_write = os.pipe()
    try:
        import fcntl

        fcntl.fcntl(up_write, fcntl.F_SETPIPE_SZ, ANSWER_PIPE)
    except (ImportError, AttributeError, OSError):  # not Linux, or a lower limit: as it is
        pass
    return Channel(up_read, down_write), Channel(down_read, up_write)


ANSWER_PIPE = 1 << 18
"""256 KB. Linux counts the pages of a user's pipes against a limit of 64 MB by default
(/proc/sys/fs/pipe-user-pages-soft), past which every new pipe of that user, of any program,
gets one page: 256 children at once would reach it, not a few."""


class Child:
    """`target(*args)` in a forked process, which then flushes its open streams and leaves by
    `os._exit` (0 when the target returned, 1 when it raised, after printing the traceback to
    standard error, if open): at once, rather than have the interpreter take apart a heap of
    parsed manifests while the parent waits to reap it. The caller flushes its streams before
    `start`, or the child writes out what they buffered. A child not started is not alive, and
    ending it does nothing."""

    def __init__(self, target: Callable[..., Any], args: tuple[Any, ...]) -> None:
        self._target = target
        self._args = args
        self.pid = 0
        self._status: int | None = None

    def start(self) -> None:
        pid = os.fork()
        if pid == 0:  # the child: never returns into the caller's code
            code = 1
            try:
                self._target(*self._args)
                code = 0
            except BaseException:  # noqa: BLE001 - reported, then the process leaves
                if sys.stderr is not None:  # closed (`2>&-`): not onto standard output
                    import traceback

                    traceback.print_exc(file=sys.stderr)
            finally:
                for stream in (sys.stdout, sys.stderr):
                    try:
                        if stream is not None:
                            stream.flush()
                    except (OSError, ValueError):
                        pass
                os._exit(code)
        self.pid = pid
        _started[pid] = self

    def is_alive(self) -> bool:
        return not self._reaped(block=False)

    def join(self, timeout: float | None = None) -> None:
        """Wait for the child to end, at most `timeout` seconds."""
        if timeout is None:
            self._reaped(block=True)
            return
        deadline = time.monotonic() + timeout
        pause = 0.0005
        while not self._reaped(block=False) and time.monotonic() < deadline:
            time.sleep(pause)
            pause = min(2 * pause, 0.05)

    def terminate(self) -> None:
        if self.pid and not self._reaped(block=False):  # never `kill(0)`: the process group
            try:
                os.kill(self.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass

    def _reaped(self, block: bool) -> bool:
        """Whether the child ended (or never started), waiting for it with `block`."""
        if not self.pid or self._status is not None:
            return True
        try:
            pid, status = os.waitpid(self.pid, 0 if block else os.WNOHANG)
        except ChildProcessError:  # reaped already, by another waiter
            pid, status = self.pid, 0
        if pid == 0:
            return False
        self._status = status
        _started.pop(self.pid, None)
        return True


_started: dict[int, Child] = {}
"""The children started and not yet seen to end, by process id."""


def children() -> list[Child]:
    """The children of this process that are still running."""
    return [child for child in list(_started.values()) if child.is_alive()]
