"""Compare every output of this checkout with the outputs of another git revision.

A change that must not change behaviour (a redesign, a speed-up) is held to this:

    python benchmarks/same_outputs.py --against REV [--manifests 1000] [--shape slow]

It extracts REV's `src/` and `policies/` (with `--same-data`, only `src/`: both versions of
the code then read this checkout's `policies/`) into a temporary folder, generates the benchmark
corpus once (benchmarks/corpus.py, of the shape `--shape` names), and runs the same commands
with both versions of the code on the same files: `check` in every format (with one process
and with two, and with `--select` and `--ignore` on the corpus), `cost` in every format and
`report -f json`, over `examples/`, each example repository with a policy of its own, and the
corpus. It prints each command whose output or exit code differs, with the first
lines that differ, and exits 1 if any does.
"""

from __future__ import annotations

import argparse
import difflib
import os
import subprocess
import sys
import shutil
import tarfile
import tempfile
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from corpus import SHAPES, generate  # noqa: E402

DATE = "2026-12-01"
CHECK_FORMATS = ("text", "json", "sarif", "junit", "github", "gitlab", "md")


def commands(corpus: Path) -> list[tuple[str, list[str], Path]]:
    """(label, arguments, working folder) of every command compared."""
    runs: list[tuple[str, list[str], Path]] = []
    targets = [("examples", ROOT, ["examples/"])]
    for policy in sorted((ROOT / "examples").glob("*/procurelint.yaml")):
        targets.append((f"examples-{policy.parent.name}", policy.parent, []))
    targets.append(("corpus", corpus, []))
    for label, cwd, paths in targets:
        for fmt in CHECK_FORMATS:
            runs.append((f"{label} check -f {fmt}", ["check", *paths, "-f", fmt, "-j", "1"], cwd))
        if label == "corpus":
            for fmt in ("json", "sarif"):
                runs.append((f"{label} check -f {fmt} -j 2",
                             ["check", *paths, "-f", fmt, "-j", "2"], cwd))
            for option, rules in (("--select", "HIPAA"), ("--ignore", "COST006"),
                                  ("--select", "SUP,COST006")):
                runs.append((f"{label} check -f json {option} {rules}",
                             ["check", *paths, "-f", "json", option, rules], cwd))
        for fmt in ("text", "json", "md"):
            runs.append((f"{label} cost -f {fmt}", ["cost", *paths, "-f", fmt], cwd))
        for fmt in ("json", "md", "html") if label != "corpus" else ("json",):
            runs.append((f"{label} report -f {fmt}", ["report", *paths, "-f", fmt], cwd))
    return runs


def run(source: Path, args: list[str], cwd: Path, cache: Path) -> tuple[int, bytes]:
    env = dict(os.environ, PYTHONPATH=str(source / "src"), PROCURELINT_CACHE_DIR=str(cache),
               PYTHONHASHSEED="0")
    env.pop("GITHUB_ACTIONS", None)
    done = subprocess.run([sys.executable, "-m", "procurelint", *args, "--date", DATE],
                          cwd=cwd, env=env, capture_output=True, check=False)
    return done.returncode, done.stdout + b"\n--- stderr ---\n" + done.stderr


def extract(revision: str, into: Path, same_data: bool) -> None:
    parts = ["src"] if same_data else ["src", "policies"]
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", "--format=tar", revision,
                              *parts], capture_output=True, check=True).stdout
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")
    if same_data:
        shutil.copytree(ROOT / "policies", into / "policies")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--against", default="HEAD", help="the git revision to compare with")
    parser.add_argument("--same-data", action="store_true",
                        help="run REV's code on this checkout's policies/ (compare code only)")
    parser.add_argument("--manifests", type=int, default=1000, help="corpus size (default 1000)")
    parser.add_argument("--shape", choices=SHAPES, default="benchmark",
                        help="the corpus shape (benchmarks/corpus.py; default benchmark)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="same-outputs-") as scratch:
        tmp = Path(scratch)
        extract(args.against, tmp / "base", args.same_data)
        generate(args.manifests, tmp / "corpus", args.shape)
        differing = 0
        runs = commands(tmp / "corpus")
        for label, argv, cwd in runs:
            base = run(tmp / "base", argv, cwd, tmp / "cache-base")
            here = run(ROOT, argv, cwd, tmp / "cache-here")
            if base == here:
                continue
            differing += 1
            print(f"DIFFERS: {label} (exit {base[0]} -> {here[0]})")
            lines = difflib.unified_diff(base[1].decode(errors="replace").splitlines(),
                                         here[1].decode(errors="replace").splitlines(),
                                         args.against, "this checkout", lineterm="", n=1)
            for line in list(lines)[:20]:
                print("    " + line)
        print(f"{len(runs) - differing} of {len(runs)} outputs identical to {args.against}")
        return 1 if differing else 0


if __name__ == "__main__":
    sys.exit(main())
