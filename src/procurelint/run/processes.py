"""How the evaluate phase runs: one slice of the files in this process, the others in forked
processes, each answering the pipeline's calls in the same order.

The pipeline (`run.pipeline`) owns the phases and calls every slice alike: `contributions()`
(read, validate, walk: what the slice adds to the totals), `judge(spend, bulk, selection)`
(its steps, workflows and manifests against the settled totals, judging only the rules the
selection needs) and, for `cost` and `report`, `view(request)` (what those commands show of
the slice). `judge` and `view` go through `answers`, which asks every forked slice before this
process works on its own, so that the slices work at the same time. A forked slice runs the
same `LocalSlice` in its own process and sends back only those small answers: parsed manifests
never cross a process boundary, since pickling them costs as much as parsing them.
"""

from __future__ import annotations

import datetime as dt
import gc
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from operator import attrgetter
from pathlib import Path
from typing import TYPE_CHECKING, Any, Union

from procurelint.documents.files import Candidate
from procurelint.documents.document import Limits
from procurelint.engine.evaluate import Evaluation, Evaluator
from procurelint.engine.totals import Contributions, Spend
from procurelint.engine.units import Walk
from procurelint.errors import ProcurelintError
from procurelint.findings import Finding
from procurelint.policy.config import Config
from procurelint.run.parse_cache import ParseCache
from procurelint.run.reading import Loaded, Progress, load_manifests
from procurelint.run.selection import Selection

if TYPE_CHECKING:
    from procurelint.run.forking import Channel, Child

MIN_FILES_PER_PROCESS = 400
"""Below this, starting and feeding another process costs more than it saves."""

Work = list[tuple[Candidate, bool]]
"""Files of a slice, each with whether it was selected (False: read only for the totals)."""

SliceView = Callable[[Evaluation, Any], Any]
"""view(evaluation of a slice, request) -> what a command shows of that slice (picklable)."""


def usable_cores() -> int:
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def process_count(requested: int | None, files: int) -> int:
    """How many processes to split `files` across: `requested` (0 or None: the usable cores),
    fewer when there is too little work, and one where processes cannot be forked. (Cheap: a
    small check must not pay for anything a split needs.)"""
    if not hasattr(os, "fork") or files < 2 * MIN_FILES_PER_PROCESS:
        return 1
    wanted = requested or usable_cores()
    return max(1, min(wanted, files // MIN_FILES_PER_PROCESS))


Answer = Callable[[], Any]
"""The answer to a call made with `ask`: calling it waits for the value (or raises)."""


def answers(parts: list[Slice], name: str, *args: Any) -> list[Any]:
    """`name(*args)` of every slice, in order, with the slices working at the same time: each
    forked slice is asked first, and this process's own slice then works while they do."""
    pending = [part.ask(name, *args) for part in parts]
    return [answer() for answer in pending]


@contextmanager
def collector(running: bool) -> Iterator[None]:
    """The cycle collector on (`running`) or off for a phase, and as it was after.

    Files are read with it on: a hostile file can leave cyclic garbage (an anchor that
    refers to itself is refused as too deep, and its YAML nodes form a cycle). Judging runs
    with it off: it makes next to no cyclic garbage (none over 10,000 generated manifests,
    nor with a rule failing on every step), but millions of objects that live to the end,
    which the collector would only scan again and again (one scan of the young objects of
    10,000 manifests took a second). What was made while it was off then joins the oldest
    generation unscanned: left young, the next collection would scan all of it at once."""
    was = gc.isenabled()
    if running:
        gc.enable()
    else:
        gc.disable()
    try:
        yield
    finally:
        if not running:
            gc.freeze()
            gc.unfreeze()
        if was:
            gc.enable()
        else:
            gc.disable()


class LocalSlice:
    """A slice of the files, read and judged in this process."""

    def __init__(self, config: Config, work: Work, limits: Limits, today: dt.date,
                 view: SliceView | None = None, progress: Progress | None = None,
                 part: tuple[int, int] = (0, 1), place: Path | None = None) -> None:
        self.config = config
        self.work = work
        self.part = part
        """Which slice this is, (index, count): with `place`, it names the slice's parse cache."""
        self.place = place or config.root
        """The repository's folder (a copy's is that of the repository it stands for)."""
        self.limits = limits
        self.progress = progress
        self.evaluator = Evaluator(config, today)
        self._view = view
        self._evaluation: Evaluation | None = None

    def contributions(self) -> Contributions:
        with collector(running=True):
            return self._contributions()

    def _contributions(self) -> Contributions:
        chosen = [c for c, selected in self.work if selected]
        others = [c for c, selected in self.work if not selected]
        config = self.config
        cache = ParseCache.open(self.place, config.policy_file, self.part, len(self.work),
                                self.limits)
        self.loaded = load_manifests(config, chosen, self.limits, progress=self.progress,
                                     cache=cache)
        self.manifests = list(self.loaded.manifests)
        if others:
            rest = load_manifests(config, others, self.limits, selected=False,
                                  progress=self.progress, cache=cache)
            self.manifests.extend(rest.manifests)
        if cache is not None:
            cache.save()
        self.walked, self.refs = self.evaluator.walk(self.manifests)
        return self.evaluator.contributions(self.walked, self.refs)

    def judge(self, spend: Spend, bulk: dict[str, Any],
              selection: Selection) -> tuple[Loaded, list[Finding]]:
        evaluator = self.evaluator
        evaluator.factory.bulk.update(bulk)
        evaluator.only(selection.judged(self.loaded.suppressions))
        evaluator.judged = {} if self._view is not None else None  # what a view reads
        alternatives = evaluator.judge_local(self.walked, self.manifests, spend)
        loaded = self.loaded
        if self._view is None:
            # Nothing more is asked of this slice's manifests: let them and what judging them
            # remembered go before the findings are gathered and sent.
            self.manifests, self.walked = [], Walk()
            self.loaded = Loaded([], loaded.findings, loaded.files, loaded.ignored,
                                 loaded.suppressions, loaded.not_read)
            evaluator.forget()
        else:
            self._evaluation = Evaluation(list(evaluator.findings), self.walked, spend,
                                          evaluator.factory, alternatives, self.refs,
                                          evaluator.plain_rules, evaluator.judged or {})
        return (Loaded([], loaded.findings, loaded.files, loaded.ignored, loaded.suppressions,
                       loaded.not_read),
                list(evaluator.findings))

    @property
    def has_view(self) -> bool:
        return self._view is not None

    def view(self, request: Any) -> Any:
        assert self._view is not None and self._evaluation is not None
        return self._view(self._evaluation, request)

    def ask(self, name: str, *args: Any) -> Answer:
        """`name(*args)`, run when its answer is taken (this process does one thing at a time)."""
        calls: dict[str, Callable[..., Any]] = {"judge": self.judge, "view": self.view}
        call = calls[name]
        return lambda: call(*args)


class ForkedSlice:
    """A slice judged by a forked process, which runs a `LocalSlice` and answers each call."""

    def __init__(self, process: Child, conn: Channel) -> None:
        self.process = process
        self.conn = conn

    def _call(self, *message: Any) -> Any:
        self._send(message)
        return _receive(self.conn)

    def _send(self, message: tuple[Any, ...]) -> None:
        try:
            self.conn.send(message)
        except (BrokenPipeError, ConnectionResetError):
            # The worker died (killed, out of memory): as when its answer never comes.
            raise RuntimeError("a worker process of the check ended without a result") from None

    def contributions(self) -> Contributions:
        # The child starts on its own, without being asked.
        contributions: Contributions = _receive(self.conn)
        return contributions

    def judge(self, spend: Spend, bulk: dict[str, Any],
              selection: Selection) -> tuple[Loaded, list[Finding]]:
        return _from_columns(self._call("judge", spend, bulk, selection))

    def view(self, request: Any) -> Any:
        return self._call("view", request)

    def ask(self, name: str, *args: Any) -> Answer:
        """Send the call at once; the child works on it until its answer is taken. Meanwhile a
        thread takes the answer's bytes off the pipe as the child writes them: an answer of
        many findings fills the pipe long before this process is done with its own slice, and
        reading it only then would hold up everything after (the thread waits for the pipe
        outside the GIL; only the unpickling is left for when the answer is taken)."""
        import threading  # here: a run of one process (a pre-commit run) has no thread

        self._send((name, *args))
        box: list[Any] = []
        reader = threading.Thread(target=_read_into, args=(self.conn, box), daemon=True)
        reader.start()

        def answer() -> Any:
            reader.join()
            value = _receive(self.conn, box)
            return _from_columns(value) if name == "judge" else value

        return answer


Slice = Union[LocalSlice, ForkedSlice]
"""A slice as the pipeline calls it: contributions(), judge(spend, bulk), view(request)."""


@contextmanager
def slices(config: Config, work: Work, limits: Limits, today: dt.date, processes: int,
           view: SliceView | None = None, progress: Progress | None = None,
           place: Path | None = None) -> Iterator[list[Slice]]:
    """`work` in `processes` contiguous slices (in order); the first is always a `LocalSlice`
    in this process, whose evaluator also judges what needs every manifest."""
    size = max(1, -(-len(work) // processes))  # no work (a base revision without files): one empty slice
    pieces = [work[i:i + size] for i in range(0, len(work), size)] or [[]]
    count = len(pieces)
    if count == 1:
        yield [LocalSlice(config, pieces[0], limits, today, view, progress, place=place)]
        return
    from procurelint.run.forking import Child, channel

    for stream in (sys.stdout, sys.stderr):
        if stream is not None:  # closed when the shell ran the command with `>&-`
            stream.flush()  # or a child would write out what this process had buffered
    gc.freeze()  # objects that exist now are never collected in a child, so stay shared
    children: list[ForkedSlice] = []
    finished = False
    try:
        for index, piece in enumerate(pieces[1:], start=1):
            ours, theirs = channel()
            # A child is given this process's ends of every pipe so far, its own included, to
            # close: while it held them, no child would see the end of a pipe when this
            # process gives up, and every child would be waited for to the timeout.
            inherited = [child.conn for child in children] + [ours]
            process = Child(_child, (theirs, inherited, LocalSlice(
                config, piece, limits, today, view, part=(index, count), place=place)))
            # Known before it starts: an interruption from here on still closes its pipe,
            # which ends it, and waits for it.
            children.append(ForkedSlice(process, ours))
            process.start()
            theirs.close()
        own_progress = None
        if progress is not None:
            scale, total = len(pieces), len(work)
            own_progress = lambda label, done, _: progress(  # noqa: E731
                label, min(done * scale, total), total)
        yield [LocalSlice(config, pieces[0], limits, today, view, own_progress, (0, count),
                          place), *children]
        finished = True
    finally:
        for child in children:
            child.conn.close()  # a child still waiting to send or receive now ends
        for child in children:
            # After a failure (or Ctrl-C) nothing a child could still send is of use.
            child.process.join(timeout=5 if finished else 0.2)
            if child.process.is_alive():
                child.process.terminate()
                child.process.join()
        gc.unfreeze()


def _child(conn: Channel, inherited: list[Channel], local: LocalSlice) -> None:
    """One slice, in a forked process: it sends its contributions, then answers `judge` and
    `view` until the parent closes the pipe. Every reply is ("ok", value) or ("error", details).
    Ctrl-C is the parent's to handle: it closes the pipes, and that ends this process."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for other in inherited:
        other.close()
    calls: dict[str, Callable[..., Any]] = {
        "judge": lambda *args: _as_columns(local.judge(*args)), "view": local.view}
    try:
        conn.send(_answer(local.contributions))
        gc.disable()  # judging from here to the end, when this process leaves (see `collector`)
        while True:
            name, *args = conn.recv()
            conn.send(_answer(calls[name], *args))
            if name == "judge" and local.has_view is False:
                break  # no view will be asked for: leave at once
    except (EOFError, BrokenPipeError, ConnectionResetError, KeyboardInterrupt):
        pass  # the parent is done, gave up or was interrupted: nobody to report to
    finally:
        conn.close()
    # Nothing is left to do: `forking.Child` flushes the streams and leaves at once.


FIELDS = Finding.__struct_fields__


def _as_columns(judged: tuple[Loaded, list[Finding]]) -> tuple[Loaded, tuple[list[Any], ...]]:
    """A forked slice's judgement with its findings as one list per field, as the slice sends
    it: pickling a few lists of plain values takes about half the time of pickling the
    findings one by one, and it is the last thing the parent waits for."""
    loaded, findings = judged
    return loaded, tuple(list(map(attrgetter(name), findings)) for name in FIELDS)


def _from_columns(sent: tuple[Loaded, tuple[list[Any], ...]]) -> tuple[Loaded, list[Finding]]:
    loaded, columns = sent
    return loaded, list(map(Finding, *columns))


def _answer(call: Callable[..., Any], *args: Any) -> tuple[str, Any]:
    try:
        return ("ok", call(*args))
    except (EOFError, BrokenPipeError, ConnectionResetError, KeyboardInterrupt):
        raise
    except ProcurelintError as exc:
        return ("error", (type(exc), exc.message, exc.location))
    except BaseException as exc:  # noqa: BLE001 - raised again by the parent
        import pickle
        import traceback

        # The exception itself, so that the parent raises what one process would have (and
        # the command line reports it alike); its traceback here for PROCURELINT_DEBUG.
        raised: bytes | None
        try:
            raised = pickle.dumps(exc)
            pickle.loads(raised)
        except Exception:  # noqa: BLE001 - not every exception survives pickling
            raised = None
        return ("error", (None, (raised, f"{type(exc).__name__}: {exc}",
                                 traceback.format_exc()), None))


class WorkerTraceback(Exception):
    """Where an exception raised in a worker process came from: its traceback there."""


def _read_into(conn: Channel, box: list[Any]) -> None:
    """The bytes of the next answer on `conn` (or what stopped their reading) into `box`."""
    try:
        box.append(conn.recv_bytes())
    except BaseException as exc:  # noqa: BLE001 - raised where the answer is taken
        box.append(exc)


def _receive(conn: Channel, box: list[Any] | None = None) -> Any:
    """The next answer on `conn`, or the one `_read_into` put in `box`. (An answer to `judge`
    can hold a few hundred thousand findings: it is taken while judging, with the cycle
    collector off, which would otherwise walk the heap again and again as they are built.)"""
    try:
        if box is None:
            status, value = conn.recv()
        else:
            import pickle  # as the channel reads an answer: imported with it already

            if isinstance(box[0], BaseException):
                raise box[0]
            status, value = pickle.loads(box[0])
    except EOFError:
        raise RuntimeError("a worker process of the check ended without a result") from None
    if status == "ok":
        return value
    kind, message, location = value
    if kind is not None:
        raise kind(message, location)
    raised, summary, trace = message
    cause = WorkerTraceback(trace)
    if raised is not None:
        import pickle

        raise pickle.loads(raised) from cause
    raise RuntimeError(f"a worker process of the check failed with {summary}") from cause
