"""Splitting a large check across processes.

Each process parses, validates and judges a contiguous slice of the files. What crosses
manifests is exchanged once, in the middle: every worker sends its contributions to the totals
(spend by step, bulk records by provider) to the parent, which settles the totals from all of
them in file order and sends them back; every process then judges its own steps, workflows and
manifests against them. The parent then judges what needs every manifest (duplicate names,
teams, the organisation).
Parsed manifests never cross a process boundary: pickling them costs as much as parsing them.
"""

from __future__ import annotations

import datetime as dt
import gc
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from procurelint.config import Config
from procurelint.discovery import Candidate
from procurelint.engine.evaluate import Evaluator, ManifestRef, Spend
from procurelint.errors import ProcurelintError
from procurelint.findings import Finding
from procurelint.lint import Loaded, load_manifests
from procurelint.yamlio import Limits

if TYPE_CHECKING:
    from multiprocessing.connection import Connection

MIN_FILES_PER_PROCESS = 400
"""Below this, starting and feeding another process costs more than it saves."""


def usable_cores() -> int:
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def process_count(requested: int | None, files: int) -> int:
    """How many processes to split `files` across: `requested` (0 or None: the usable cores),
    fewer when there is too little work, and one where processes cannot be forked. (Cheap: a
    small check must not pay for importing multiprocessing.)"""
    if not hasattr(os, "fork") or files < 2 * MIN_FILES_PER_PROCESS:
        return 1
    wanted = requested or usable_cores()
    return max(1, min(wanted, files // MIN_FILES_PER_PROCESS))


@dataclass(slots=True)
class Outcome:
    """What the whole check found, before waivers, suppressions and filters."""

    loaded: Loaded
    refs: list[ManifestRef]
    findings: list[Finding]
    spend: Spend


def check_in_processes(config: Config, candidates: list[Candidate], limits: Limits,
                       today: dt.date, processes: int,
                       progress: Callable[[str, int, int], None] | None = None) -> Outcome:
    """Check `candidates` split across `processes` (this one included)."""
    import multiprocessing

    size = -(-len(candidates) // processes)
    slices = [candidates[i:i + size] for i in range(0, len(candidates), size)]
    context = multiprocessing.get_context("fork")
    for stream in (sys.stdout, sys.stderr):
        stream.flush()  # or a child would write out what this process had buffered
    gc.freeze()  # objects that exist now are never collected in a child, so stay shared
    children: list[tuple[Any, Connection]] = []
    finished = False
    try:
        for piece in slices[1:]:
            ours, theirs = context.Pipe()
            # A child is given this process's ends of every pipe so far, its own included, to
            # close: while it held them, no child would see the end of a pipe when this
            # process gives up, and every child would be waited for to the timeout.
            inherited = [conn for _, conn in children] + [ours]
            child = context.Process(target=_child, daemon=True,
                                    args=(theirs, inherited, config, piece, limits, today))
            child.start()
            theirs.close()
            children.append((child, ours))
        own_progress = None
        if progress is not None:
            scale = len(slices)
            own_progress = lambda label, done, total: progress(  # noqa: E731
                label, min(done * scale, len(candidates)), len(candidates))
        evaluator = Evaluator(config, today)
        loaded = load_manifests(config, slices[0], limits, progress=own_progress)
        walked, refs = evaluator.walk(loaded.manifests)
        parts = [evaluator.contributions(walked, refs)]
        parts.extend(_receive(conn) for _, conn in children)
        spend = evaluator.settle(parts)
        for _, conn in children:
            conn.send((spend, evaluator.factory.bulk))
        evaluator.judge_local(walked, loaded.manifests, spend)
        findings = loaded.findings
        suppressions = list(loaded.suppressions)
        files, ignored = loaded.files, loaded.ignored
        for _, conn in children:
            theirs_loaded, theirs_findings = _receive(conn)
            findings.extend(theirs_loaded.findings)
            suppressions.extend(theirs_loaded.suppressions)
            files += theirs_loaded.files
            ignored += theirs_loaded.ignored
            evaluator.findings.extend(theirs_findings)
        every = [ref for part in parts for ref in part.refs]
        evaluator.duplicates(every)
        evaluator.judge_global(every, spend)
        merged = Loaded([], findings, files, ignored, suppressions)
        finished = True
        return Outcome(merged, every, evaluator.findings, spend)
    finally:
        for _, conn in children:
            conn.close()  # a child still waiting to send or receive now ends
        for child, _ in children:
            # After a failure (or Ctrl-C) nothing a child could still send is of use.
            child.join(timeout=5 if finished else 0.2)
            if child.is_alive():
                child.terminate()
                child.join()
        gc.unfreeze()


def _child(conn: Connection, inherited: list[Connection], config: Config,
           candidates: list[Candidate], limits: Limits, today: dt.date) -> None:
    """One slice, in a forked process; every reply is ("ok", value) or ("error", details).
    Ctrl-C is the parent's to handle: it closes the pipes, and that ends this process."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for other in inherited:
        other.close()
    reply: tuple[str, Any]
    try:
        evaluator = Evaluator(config, today)
        loaded = load_manifests(config, candidates, limits)
        walked, refs = evaluator.walk(loaded.manifests)
        conn.send(("ok", evaluator.contributions(walked, refs)))
        spend, bulk = conn.recv()
        evaluator.factory.bulk.update(bulk)
        evaluator.judge_local(walked, loaded.manifests, spend)
        summary = Loaded([], loaded.findings, loaded.files, loaded.ignored, loaded.suppressions)
        reply = ("ok", (summary, evaluator.findings))
    except (EOFError, BrokenPipeError, ConnectionResetError, KeyboardInterrupt):
        reply = ("gone", None)  # the parent gave up or was interrupted: nobody to report to
    except ProcurelintError as exc:
        reply = ("error", (type(exc), exc.message, exc.location))
    except BaseException:  # noqa: BLE001 - reported by the parent as an internal error
        import traceback

        reply = ("error", (None, traceback.format_exc(), None))
    try:
        if reply[0] != "gone":
            conn.send(reply)
    except BaseException:  # noqa: BLE001 - the parent is gone: nobody to tell
        pass
    finally:
        conn.close()
    # Nothing is left to do: leave at once, rather than have the interpreter take apart a heap
    # of parsed manifests while the parent waits to reap this process.
    for stream in (sys.stdout, sys.stderr):
        stream.flush()
    os._exit(0)


def _receive(conn: Connection) -> Any:
    try:
        status, value = conn.recv()
    except EOFError:
        raise RuntimeError("a worker process of the check ended without a result") from None
    if status == "ok":
        return value
    kind, message, location = value
    if kind is not None:
        raise kind(message, location)
    raise RuntimeError(f"a worker process of the check failed:\n{message}")
