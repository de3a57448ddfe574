"""YAML parsers against procurelint's own, over the same manifests already in memory.

    python benchmarks/parsers.py [N]     # N manifests of the benchmark corpus (default 1,000)

procurelint needs line and column for every node, YAML 1.2 scalars, an error on a duplicate
key and limits on aliases, depth and size; the others are measured for speed alone. A parser
that is not installed is listed as such (`pip install yaml-rs ryaml rapidyaml` to add them;
none is a dependency of procurelint).
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from corpus import generate  # noqa: E402


def _candidates() -> list[tuple[str, Callable[[str], Any] | None]]:
    import yaml

    from procurelint.documents.document import Limits
    from procurelint.documents.yamlio import parse

    limits = Limits()
    found: list[tuple[str, Callable[[str], Any] | None]] = [
        ("procurelint yamlio.parse (positions, 1.2, duplicate keys, limits)",
         lambda text: parse(text, "file.yaml", limits)),
        ("PyYAML C loader, compose only (nodes with positions)",
         lambda text: yaml.compose(text, Loader=yaml.CSafeLoader)),
        ("PyYAML C loader, full load (YAML 1.1, no positions)",
         lambda text: yaml.load(text, Loader=yaml.CSafeLoader)),
    ]
    try:
        import yaml_rs

        policy = yaml_rs.DuplicateKeyPolicy.Error
        found.append(("yaml-rs (Rust; 1.2, duplicate-key error, no positions)",
                      lambda text: yaml_rs.loads(text, duplicate_key_policy=policy)))
    except ImportError:
        found.append(("yaml-rs", None))
    try:
        import ryaml

        found.append(("ryaml (Rust serde_yaml; no positions)", ryaml.loads))
    except ImportError:
        found.append(("ryaml", None))
    try:
        import ryml

        found.append(("rapidyaml (tree only; no positions in Python)",
                      lambda text: ryml.parse_in_arena(text.encode())))
    except ImportError:
        found.append(("rapidyaml", None))
    return found


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000
    with tempfile.TemporaryDirectory() as tmp:
        generate(count, Path(tmp))
        texts = [p.read_text() for p in sorted(Path(tmp).rglob("*.yaml"))]
    print(f"{len(texts)} files, median of 5 passes each")
    for label, load in _candidates():
        if load is None:
            print(f"  {label:<66} not installed")
            continue
        times = []
        for _ in range(5):
            start = time.perf_counter()
            for text in texts:
                load(text)
            times.append(time.perf_counter() - start)
        print(f"  {label:<66} {statistics.median(times):6.3f} s")


if __name__ == "__main__":
    main()
