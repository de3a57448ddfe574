"""Count the instructions a check runs, for this checkout and another git revision.

A machine whose speed moves from run to run (a shared CI runner, a virtual machine with noisy
neighbours) cannot time a change of a few percent. The number of instructions a process
executes barely moves: the same inputs give the same count to within about 0.1%. This counts
them with valgrind's cachegrind, without its cache simulation:

    python benchmarks/instructions.py [--against REV] [--manifests 200] [--litellm FILE]

For each build it runs `check -j 1` once to fill its own cache folder and its bytecode (as
any earlier run would have), then once under valgrind, on: one manifest of each corpus shape, `--manifests`
manifests of each shape, and with `--litellm` three slow-shape manifests with LiteLLM's price
list imported; then the larger corpora again with the parse cache's packs removed before the
counted run (cold). Needs `valgrind` on PATH (Debian: `apt-get install valgrind`); each counted run
is about 50 times slower than the run itself. Instructions are not seconds: a change that
trades instructions for memory traffic can still be slower, so confirm a large change with
`run.py` on a quiet machine.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from corpus import generate  # noqa: E402
from same_outputs import extract  # noqa: E402

DAY = "2026-11-28"
_REFS = re.compile(rb"I\s+refs:\s+([\d,]+)")


def instructions(source: Path, corpus: Path, cache: Path, cold: bool = False) -> int:
    """Instructions of one warm `check -j 1` of `corpus` with the code of `source`; `cold`:
    with the parse cache's packs removed first (as a first run, or CI without a cache)."""
    env = dict(os.environ, PYTHONPATH=str(source / "src"), PROCURELINT_CACHE_DIR=str(cache),
               PYTHONHASHSEED="0")
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # bytecode is cached, as on a user's machine
    check = [sys.executable, "-m", "procurelint", "check", "--date", DAY, "-j", "1", "."]
    subprocess.run(check, cwd=corpus, env=env, capture_output=True, check=False)
    for pack in cache.glob("*.pack") if cold else ():
        pack.unlink()
    counted = subprocess.run(
        ["valgrind", "--tool=cachegrind", "--cache-sim=no", "--cachegrind-out-file=/dev/null",
         *check], cwd=corpus, env=env, capture_output=True, check=False)
    found = _REFS.search(counted.stderr)
    if found is None:
        raise SystemExit(f"valgrind gave no count for {corpus.name}:\n"
                         + counted.stderr.decode(errors="replace")[-2000:])
    return int(found.group(1).replace(b",", b""))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--against", default=None, metavar="REV",
                        help="a git revision to count as well (default: this checkout only)")
    parser.add_argument("--manifests", type=int, default=200,
                        help="size of the larger corpora (default 200)")
    parser.add_argument("--litellm", type=Path, default=None, metavar="FILE",
                        help="LiteLLM's model_prices_and_context_window.json, to count a run "
                             "with it imported")
    args = parser.parse_args()
    if shutil.which("valgrind") is None:
        print("instructions.py needs valgrind on PATH (Debian: apt-get install valgrind)",
              file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="instructions-") as scratch:
        tmp = Path(scratch)
        builds = [("this checkout", ROOT)]
        if args.against:
            extract(args.against, tmp / "base", same_data=False)
            builds.insert(0, (args.against, tmp / "base"))
        corpora: list[tuple[str, Path]] = []
        for shape in ("benchmark", "slow"):
            corpora.append((f"one manifest, {shape} shape", tmp / f"one-{shape}"))
            generate(1, corpora[-1][1], shape)
        cold: list[tuple[str, Path]] = []
        for shape in ("benchmark", "slow"):
            corpora.append((f"{args.manifests} manifests, {shape} shape",
                            tmp / f"many-{shape}"))
            generate(args.manifests, corpora[-1][1], shape)
            cold.append((f"{args.manifests} {shape}, parse cache cold", corpora[-1][1]))
        if args.litellm is not None:
            corpora.append(("3 slow manifests, LiteLLM imported", tmp / "litellm"))
            generate(3, corpora[-1][1], "slow", litellm=args.litellm)
        names = [name for name, _ in builds]
        print(f"{'check -j 1 over':<40}" + "".join(f"{n[:16]:>18}" for n in names)
              + ("    change" if len(builds) == 2 else ""), flush=True)
        for label, corpus in corpora + cold:
            counts = [instructions(source, corpus, tmp / f"cache-{i}", (label, corpus) in cold)
                      for i, (_, source) in enumerate(builds)]
            row = f"{label:<40}" + "".join(f"{c:>18,}" for c in counts)
            if len(counts) == 2:
                row += f"  {100 * (counts[1] / counts[0] - 1):+7.1f}%"
            print(row, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
