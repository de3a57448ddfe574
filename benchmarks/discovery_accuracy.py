"""Recall and precision of `procurelint discover` on the labelled corpus.

    python benchmarks/discovery_accuracy.py [CORPUS] [--min-recall R] [--min-precision P]

CORPUS (default tests/discovery_corpus) holds one folder per repository, each with a
`labels.yaml` written by reading its files:

    uses:
      - {file: app/llm.py, line: 12, provider: anthropic, model: anthropic/claude-sonnet-4.5}

`model` is the catalog id, or the model as written where the catalog has none, or null where
the code gives no model at all. A discovered use matches a label with the same file and line
whose model is the use's catalog model or its literal; each label matches one use. Recall is
matched labels over labels, precision matched uses over uses (mentions in tests, docs and
comments are not uses). Each repository is scanned alone, as its own root. Exits 1 when a
figure is below its minimum.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from procurelint.documents.yamlio import load_file  # noqa: E402
from procurelint.inventory.scan import discover  # noqa: E402
from procurelint.policy.aliases import alias_table  # noqa: E402
from procurelint.policy.config import load_config  # noqa: E402


def measure(corpus: Path) -> tuple[int, int, int, int, list[str]]:
    """(labels, matched labels, uses, matched uses, notes on each miss and false positive)."""
    config = load_config(None, corpus, search=False)
    models, endpoints = config.catalog.models, config.catalog.endpoints
    labels_total = labels_hit = uses_total = uses_hit = 0
    notes: list[str] = []
    for repo in sorted(p for p in corpus.iterdir() if p.is_dir()):
        docs = load_file(str(repo / "labels.yaml"), f"{repo.name}/labels.yaml")
        labels = list((docs[0].data or {}).get("uses") or []) if docs else []
        inventory = discover(repo, [], alias_table(), models, endpoints)
        remaining = list(inventory.uses)
        for label in labels:
            hit = next((u for u in remaining if u.file == label["file"] and u.line == label["line"]
                        and label.get("model") in (u.model, u.literal)), None)
            if hit is None:
                notes.append(f"missed    {repo.name}/{label['file']}:{label['line']} {label.get('model')}")
            else:
                remaining.remove(hit)
                labels_hit += 1
        labels_total += len(labels)
        uses_total += len(inventory.uses)
        uses_hit += len(inventory.uses) - len(remaining)
        notes += [f"not a use {repo.name}/{u.file}:{u.line} {u.literal} ({u.how})" for u in remaining]
    return labels_total, labels_hit, uses_total, uses_hit, notes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="recall and precision of discover")
    parser.add_argument("corpus", nargs="?", type=Path, default=ROOT / "tests" / "discovery_corpus")
    parser.add_argument("--min-recall", type=float, default=0.0)
    parser.add_argument("--min-precision", type=float, default=0.0)
    args = parser.parse_args(argv)
    labels, labels_hit, uses, uses_hit, notes = measure(args.corpus)
    recall = labels_hit / labels if labels else 1.0
    precision = uses_hit / uses if uses else 1.0
    repos = sum(1 for p in args.corpus.iterdir() if p.is_dir())
    for note in notes:
        print(note)
    print(f"{repos} repositories, {labels} labelled uses, {uses} discovered: "
          f"recall {recall:.1%} ({labels_hit}/{labels}), precision {precision:.1%} ({uses_hit}/{uses})")
    return 0 if recall >= args.min_recall and precision >= args.min_precision else 1


if __name__ == "__main__":
    raise SystemExit(main())
