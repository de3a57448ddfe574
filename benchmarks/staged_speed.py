"""What the pre-commit hook costs in a repository that holds far more than manifests: `check
--staged` over a git repository of F tracked source files (discover_speed.py's generator) and
M manifests (corpus.py), judged in place (the work tree holds the index's files, as under
pre-commit) and on a copy of the index (`PROCURELINT_STAGED_COPY=1`), against a plain check.

    python benchmarks/staged_speed.py [--files F] [--manifests M] [--shape benchmark|slow] [--runs R]

Whole processes are timed, in turns (plain, in place, copy), with the parse cache warm; the
figures are medians of R runs, with the range. The three must report the same findings: the
script stops if their JSON differs.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from discover_speed import generate  # noqa: E402 - beside this script


def _git(repo: Path, *args: str) -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": "b", "GIT_AUTHOR_EMAIL": "b@example.com",
           "GIT_COMMITTER_NAME": "b", "GIT_COMMITTER_EMAIL": "b@example.com"}
    subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True)


def _timed(args: list[str], cwd: Path, env: dict[str, str]) -> tuple[float, str]:
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "procurelint", *args], cwd=cwd,
                            capture_output=True, text=True, env={**os.environ, **env})
    elapsed = time.perf_counter() - started
    if result.returncode not in (0, 1):
        raise SystemExit(f"procurelint {' '.join(args)} failed: {result.stderr}")
    return elapsed, result.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=20_000)
    parser.add_argument("--manifests", type=int, default=20)
    parser.add_argument("--shape", choices=("benchmark", "slow"), default="benchmark")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        repo = Path(scratch) / "repo"
        subprocess.run([sys.executable, str(HERE / "corpus.py"), str(args.manifests), str(repo),
                        "--shape", args.shape], check=True)
        (repo / "src").mkdir()
        generate(args.files, repo / "src")
        _git(repo, "init", "-q")
        _git(repo, "add", "-A")
        _git(repo, "commit", "-q", "-m", "corpus")
        cache = {"PROCURELINT_CACHE_DIR": str(Path(scratch) / "cache")}
        runs = {
            "check": (["check", "-f", "json", "--date", "2026-11-28"], cache),
            "check --staged, in place": (["check", "--staged", "-f", "json", "--date", "2026-11-28"],
                                         cache),
            "check --staged, copy of the index": (
                ["check", "--staged", "-f", "json", "--date", "2026-11-28"],
                {**cache, "PROCURELINT_STAGED_COPY": "1"}),
        }
        for command, env in runs.values():
            _timed(command, repo, env)  # the parse cache filled, and Python's bytecode
        times: dict[str, list[float]] = {name: [] for name in runs}
        outputs: set[str] = set()
        for _ in range(args.runs):
            for name, (command, env) in runs.items():
                elapsed, output = _timed(command, repo, env)
                times[name].append(elapsed)
                outputs.add(output)
        if len(outputs) != 1:
            raise SystemExit("the three runs reported different findings")
        print(f"{args.manifests} manifests ({args.shape} shape) and {args.files} other tracked "
              f"files, {args.runs} runs each:")
        for name, values in times.items():
            print(f"  {name}: median {statistics.median(values):.2f} s "
                  f"({min(values):.2f}-{max(values):.2f})")


if __name__ == "__main__":
    main()
