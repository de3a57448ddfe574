"""Benchmarks of procurelint as users run it: whole processes, wall time, median of runs.

    python benchmarks/run.py            # both corpus shapes, 5 runs each (3 of 10,000)
    python benchmarks/run.py --quick    # fewer runs
    python benchmarks/run.py --shape slow --litellm model_prices_and_context_window.json

For each corpus shape (benchmarks/corpus.py: `benchmark`, and `slow`, whose compliance
contexts rarely repeat) it prints, as median and min-max, each against its budget: start-up
to verdict for a one-manifest repository, `check` over 1,000 and 10,000 manifests, with the
parse cache cold (no packs: a first run, or CI without a cache) and warm, the peak memory of
the whole process tree (in a run of its own), `-j 1` against the default at 10,000, `--select
HIPAA` against the full run, `report` over 1,000, what the cheapest-alternative search
(COST006) adds, and then one 1,000-manifest check timed by phase in a single process. With
`--litellm FILE` (LiteLLM's price list), it also times the 1,000-manifest check with that list
imported into the policy's catalogs against the same check without it.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from corpus import SHAPES, generate  # noqa: E402

# As users run it: Python may cache bytecode (some sandboxes set PYTHONDONTWRITEBYTECODE,
# which would make every run compile procurelint from source).
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
DAY = "2026-11-28"

# Budgets of the performance issues (and of the core, CI and report issues where they set one).
ONE_MANIFEST = 0.100
CHECK_1K = 3.0
CHECK_10K = {"benchmark": 6.0, "slow": 15.0}
MEMORY_10K_MB = 1024
RATIO = 10.0
REPORT_1K = 5.0
COST006_SHARE = 0.30
SELECT_SHARE = 0.5
SPLIT_GAIN = 1.7
LITELLM_SHARE = 1.3


class TreeMemory:
    """Peak resident memory of a process and its descendants, summed, sampled every 20 ms.
    Pages the processes share after a fork are counted once per process: an upper bound."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.peak_kb = 0
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def stop(self) -> float:
        self._done.set()
        self._thread.join()
        return self.peak_kb / 1024

    def _sample(self) -> None:
        while not self._done.wait(0.02):
            self.peak_kb = max(self.peak_kb, sum(_rss_kb(p) for p in _tree(self.pid)))


def _tree(pid: int) -> list[int]:
    out, todo = [], [pid]
    while todo:
        current = todo.pop()
        out.append(current)
        try:
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as handle:
                    todo.extend(int(c) for c in handle.read().split())
        except OSError:
            pass
    return out


def _rss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as handle:
            for line in handle:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _time(cmd: list[str], cwd: Path, runs: int, cold: bool = False) -> list[float]:
    """Wall times of `runs` runs; `cold`: each without the parse cache's packs (as a first run,
    or CI without a cache). Memory is not watched here (`_peak_memory`)."""
    times: list[float] = []
    for _ in range(runs):
        if cold:
            for pack in Path(ENV["PROCURELINT_CACHE_DIR"]).glob("*.pack"):
                pack.unlink()
        start = time.perf_counter()
        _run(cmd, cwd)
        times.append(time.perf_counter() - start)
    return times


def _peak_memory(cmd: list[str], cwd: Path) -> float | None:
    """The peak memory of the process tree of one run (MB), in a run of its own, not timed:
    sampling /proc every 20 ms takes CPU from the processes it watches (0.19 s during a 9.8 s
    `-j 2` check of 10,000 slow-shape manifests on 2 cores, which both cores were busy with:
    it lowered the split's measured gain, and not the `-j 1` time it is set against)."""
    if not Path("/proc/self/status").exists():
        return None
    return _run(cmd, cwd, watch=True)


def _run(cmd: list[str], cwd: Path, watch: bool = False) -> float:
    """One run of `cmd`, stopping the benchmark if it failed; with `watch`, the peak memory of
    its process tree (MB)."""
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            env=ENV)
    memory = TreeMemory(proc.pid) if watch else None
    _, stderr = proc.communicate()
    peak = memory.stop() if memory is not None else 0.0
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}): {stderr.decode()[-500:]}")
    return peak


def _show(label: str, times: list[float], budget: float | None = None) -> float:
    median = statistics.median(times)
    verdict = ""
    if budget is not None:
        verdict = f"  budget {budget:.3f} s: {'ok' if median <= budget else 'OVER'}"
    print(f"{label:<46} median {median:7.3f} s  (min {min(times):.3f}, max {max(times):.3f}, "
          f"n={len(times)}){verdict}", flush=True)
    return median


def _verdict(label: str, value: float, budget: float, unit: str) -> None:
    print(f"{label:<46} {value:7.2f} {unit:<4} budget {budget:g} {unit}: "
          f"{'ok' if value <= budget else 'OVER'}", flush=True)


def _pairs(first: tuple[list[str], Path], second: tuple[list[str], Path],
           pairs: int) -> tuple[list[float], list[float]]:
    """Runs of two commands alternating, so drift in the machine's speed falls on both alike."""
    a: list[float] = []
    b: list[float] = []
    for _ in range(pairs):
        a += _time(first[0], first[1], 1)
        b += _time(second[0], second[1], 1)
    return a, b


def _phases(folder: Path) -> None:
    """One in-process, single-process run over a corpus, timed by phase."""
    import datetime as dt

    from procurelint.policy.config import load_config
    from procurelint.documents.files import discover
    from procurelint.documents.kinds import is_ours, validate_manifest
    from procurelint.engine.evaluate import Evaluator
    from procurelint.engine.units import ManifestInput
    from procurelint.run.pipeline import Options, check
    from procurelint.run.parse_cache import ParseCache
    from procurelint.run.reading import load_manifests, parser_limits
    from procurelint.output import renderer
    from procurelint.documents.document import read_text
    from procurelint.documents.yamlio import parse

    os.environ["PROCURELINT_CACHE_DIR"] = ENV["PROCURELINT_CACHE_DIR"]
    day = dt.date.fromisoformat(DAY)
    marks = [("start", time.perf_counter())]
    config = load_config(None, folder)
    marks.append(("load policy, catalogs, packs", time.perf_counter()))
    candidates = discover(config.root, [], config.policy.spec.include, config.policy.spec.exclude)
    marks.append(("discover files", time.perf_counter()))
    limits = parser_limits(config)
    docs = [doc for c in candidates for doc in parse(read_text(str(c.path), c.display, limits),
                                                      c.display, limits)]
    marks.append(("parse YAML (positions, limits)", time.perf_counter()))
    manifests = []
    for doc in docs:
        if is_ours(doc.data) and doc.data.get("kind") in (None, "AgentManifest"):
            model, _ = validate_manifest(doc)
            if model is not None:
                manifests.append(ManifestInput(doc, model, ()))
    marks.append(("validate documents", time.perf_counter()))
    evaluator = Evaluator(config, day)
    walked, refs = evaluator.walk(manifests)
    spend = evaluator.settle([evaluator.contributions(walked, refs)])
    marks.append(("walk steps, units and totals", time.perf_counter()))
    factory = evaluator.factory
    for unit in walked.units:
        info = unit.info
        name = info.source.manifest.metadata.name
        factory.unit(info, unit, spend.workflows[(name, info.workflow.name)], spend.manifests[name])
    marks.append(("build contexts (a pass of their own)", time.perf_counter()))
    evaluator.judge_local(walked, manifests, spend)
    evaluator.duplicates(refs)
    evaluator.judge_global(refs, spend)
    marks.append(("evaluate rules (contexts from caches)", time.perf_counter()))
    loaded = load_manifests(config, candidates, limits)  # for the reference run below
    del loaded
    marks.append(("(parse and validate again, as check does)", time.perf_counter()))
    cache = ParseCache.open(config.root, config.policy_file, (0, 1), len(candidates), limits)
    if cache is not None:
        load_manifests(config, candidates, limits, cache=cache)
        cache.save()
        marks.append(("(the same, filling the parse cache)", time.perf_counter()))
        cache = ParseCache.open(config.root, config.policy_file, (0, 1), len(candidates), limits)
        load_manifests(config, candidates, limits, cache=cache)
        marks.append(("(the same, from the parse cache)", time.perf_counter()))
    result = check(config, Options(today=day)).result
    marks.append(("(a whole check in one process)", time.perf_counter()))
    renderer("text")(result)
    marks.append(("render text", time.perf_counter()))
    renderer("json")(result)
    marks.append(("render json", time.perf_counter()))
    renderer("sarif")(result)
    marks.append(("render sarif", time.perf_counter()))
    print(f"phases over {len(manifests)} manifests ({len(result.findings)} findings), "
          "in one process:")
    for (_, before), (label, after) in zip(marks, marks[1:]):
        print(f"  {label:<44} {after - before:7.3f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="3 runs each, 2 of 10,000 manifests")
    parser.add_argument("--runs", type=int, default=None)
    parser.add_argument("--shape", choices=(*SHAPES, "both"), default="both",
                        help="the corpus shape to measure (default: both)")
    parser.add_argument("--litellm", type=Path, default=None, metavar="FILE",
                        help="LiteLLM's model_prices_and_context_window.json: also time a "
                             "check with it imported into the policy's catalogs")
    parser.add_argument("--no-10k", action="store_true",
                        help="leave out the 10,000-manifest figures")
    args = parser.parse_args()
    runs = args.runs or (3 if args.quick else 5)
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores, {runs} runs each", flush=True)
    for shape in SHAPES if args.shape == "both" else (args.shape,):
        print(f"\n== corpus shape: {shape}", flush=True)
        _shape(shape, args, runs)


def _shape(shape: str, args: argparse.Namespace, runs: int) -> None:
    big_runs = 2 if args.quick else 3
    pairs = 5 if args.quick else 9
    exe = [sys.executable, "-m", "procurelint", "check", "--date", DAY]
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        ENV["PROCURELINT_CACHE_DIR"] = str(root / "cache")  # its own, warmed by the first run
        one = root / "one"
        generate(1, one, shape)
        _time(exe, one, 1)  # fills the cache of built-in data, as any earlier run would have
        times = _time(exe, one, max(runs, 7))
        _show("one manifest, all packs, start-up included", times, ONE_MANIFEST)

        small, big = root / "n1000", root / "n10000"
        generate(1_000, small, shape)
        times = _time(exe, small, runs, cold=True)
        _show("check over 1,000 manifests, parse cache cold", times, CHECK_1K)
        times = _time(exe, small, runs)
        median_1k = _show("check over 1,000 manifests", times, CHECK_1K)
        if not args.no_10k:
            generate(10_000, big, shape)
            times = _time(exe, big, big_runs, cold=True)
            _show("check over 10,000 manifests, parse cache cold", times, CHECK_10K[shape])
            times = _time(exe, big, big_runs)
            median_10k = _show("check over 10,000 manifests, all packs", times, CHECK_10K[shape])
            memory = _peak_memory(exe, big)
            if memory is not None:
                _verdict("peak memory of such a run (all processes)", memory, MEMORY_10K_MB, "MB")
            _verdict("10,000 / 1,000", median_10k / median_1k, RATIO, "x")
            _time(exe + ["-j", "1"], big, 1)  # the packs of one process, as the default's are
            one_core, two = _pairs((exe + ["-j", "1"], big), (exe, big), max(2, big_runs - 1))
            _show("check over 10,000, -j 1", one_core)
            _show("check over 10,000, default (all cores)", two)
            gain = statistics.median(one_core) / statistics.median(two)
            print(f"{'gain of the split at 10,000':<46} {gain:7.2f} x    at least {SPLIT_GAIN} x "
                  f"on 2 cores: {'ok' if gain >= SPLIT_GAIN else 'UNDER'}", flush=True)

        full, hipaa = _pairs((exe, small), (exe + ["--select", "HIPAA"], small), pairs)
        _show("check over 1,000, all rules", full)
        _show("check over 1,000, --select HIPAA", hipaa)
        share = statistics.median(hipaa) / statistics.median(full)
        _verdict("--select HIPAA / all rules", share, SELECT_SHARE, "x")

        report = [sys.executable, "-m", "procurelint", "report", "--date", DAY, "-o",
                  str(root / "report.html")]
        times = _time(report, small, runs)
        _show("report (html) over 1,000 manifests", times, REPORT_1K)

        policy = (small / "procurelint.yaml").read_text()
        (small / "without-cost006.yaml").write_text(policy + "  disable: [COST006]\n")
        with_, without = _pairs((exe, small), (exe + ["--config", "without-cost006.yaml"], small),
                                pairs)
        _show("check over 1,000 manifests, COST006 on", with_)
        median_without = _show("check over 1,000 manifests, COST006 off", without)
        _verdict("what COST006 adds", 100 * (statistics.median(with_) / median_without - 1),
                 100 * COST006_SHARE, "%")

        if args.litellm is not None:
            imported = root / "n1000-litellm"
            generate(1_000, imported, shape, litellm=args.litellm)
            plain, priced = _pairs((exe, small), (exe, imported), pairs)
            _show("check over 1,000, without the LiteLLM import", plain)
            _show("check over 1,000, with the LiteLLM import", priced)
            _verdict("with the LiteLLM import / without", statistics.median(priced)
                     / statistics.median(plain), LITELLM_SHARE, "x")
        _phases(small)


if __name__ == "__main__":
    main()
