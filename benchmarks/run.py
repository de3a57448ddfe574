"""Benchmarks of procurelint as users run it: whole processes, wall time, median of runs.

    python benchmarks/run.py            # every figure
    python benchmarks/run.py --quick    # fewer runs and no 10,000-manifest corpus

It prints, as median and min-max: start-up to verdict for a one-manifest repository, and
`check` over corpora of 1,000 (and 10,000) manifests, then a breakdown of one 1,000-manifest
run by phase, measured in-process.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from corpus import generate  # noqa: E402


# As users run it: Python may cache bytecode (some sandboxes set PYTHONDONTWRITEBYTECODE,
# which would make every run compile procurelint from source).
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def _time(cmd: list[str], cwd: Path, runs: int) -> tuple[list[float], int]:
    times = []
    code = -1
    for _ in range(runs):
        start = time.perf_counter()
        proc = subprocess.run(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                              env=ENV)
        times.append(time.perf_counter() - start)
        code = proc.returncode
        if code not in (0, 1):
            raise SystemExit(f"{' '.join(cmd)} failed ({code}): {proc.stderr.decode()[-500:]}")
    return times, code


def _show(label: str, times: list[float], budget: float | None = None) -> None:
    median = statistics.median(times)
    verdict = ""
    if budget is not None:
        verdict = f"  budget {budget:.3f} s: {'ok' if median <= budget else 'OVER'}"
    print(f"{label:<44} median {median:7.3f} s  (min {min(times):.3f}, max {max(times):.3f}, "
          f"n={len(times)}){verdict}")


def _phases(folder: Path) -> None:
    """One in-process run over a corpus, timed by phase."""
    import datetime as dt

    from procurelint.config import load_config
    from procurelint.discovery import discover
    from procurelint.engine.evaluate import evaluate
    from procurelint.lint import load_manifests, parser_limits
    from procurelint.report import renderer

    marks = [("start", time.perf_counter())]
    config = load_config(None, folder)
    marks.append(("load policy, catalogs, packs", time.perf_counter()))
    candidates = discover(config.root, [], config.policy.spec.include, config.policy.spec.exclude)
    marks.append(("discover files", time.perf_counter()))
    loaded = load_manifests(config, candidates, parser_limits(config))
    marks.append(("parse and validate", time.perf_counter()))
    evaluation = evaluate(config, loaded.manifests, dt.date(2026, 11, 28))
    marks.append(("build contexts and evaluate", time.perf_counter()))
    from procurelint.lint import Options, run_check

    result, _ = run_check(config, Options(today=dt.date(2026, 11, 28)))
    marks.append(("(a whole check, for reference)", time.perf_counter()))
    renderer("json")(result)
    marks.append(("render json", time.perf_counter()))
    print(f"phases over {len(loaded.manifests)} manifests "
          f"({len(evaluation.findings)} findings), in-process:")
    for (_, before), (label, after) in zip(marks, marks[1:]):
        print(f"  {label:<40} {after - before:7.3f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="3 runs, no 10,000 corpus")
    parser.add_argument("--runs", type=int, default=None)
    args = parser.parse_args()
    runs = args.runs or (3 if args.quick else 5)
    exe = [sys.executable, "-m", "procurelint", "check", "--date", "2026-11-28"]
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores, {runs} runs each")
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        one = root / "one"
        generate(1, one)
        _time(exe, one, 1)  # fills the cache of built-in data, as any earlier run would have
        times, _ = _time(exe, one, max(runs, 5))
        _show("one manifest, all packs, start-up included", times, 0.25)
        sizes = [1_000] if args.quick else [1_000, 10_000]
        results = {}
        for size in sizes:
            folder = root / f"n{size}"
            generate(size, folder)
            times, _ = _time(exe, folder, runs if size <= 1_000 else max(1, runs - 2))
            results[size] = statistics.median(times)
            _show(f"check over {size:,} manifests", times, 3.0 if size == 1_000 else None)
        # What the cheapest-compliant-alternative search (COST006) adds to a check.
        folder = root / "n1000"
        policy = (folder / "procurelint.yaml").read_text()
        (folder / "without-cost006.yaml").write_text(policy + "  disable: [COST006]\n")
        without, _ = _time(exe + ["--config", "without-cost006.yaml"], folder, runs)
        _show("check over 1,000 manifests without COST006", without)
        added = results[1_000] / statistics.median(without) - 1
        print(f"COST006 adds {added * 100:.0f}% to check over 1,000 manifests (budget 30%)")
        if 10_000 in results:
            print(f"10,000 / 1,000 ratio: {results[10_000] / results[1_000]:.1f}")
        _phases(root / "n1000")
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"peak memory of a child process: {peak:.0f} MB")


if __name__ == "__main__":
    main()
