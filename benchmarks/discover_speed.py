"""How long discovery takes: `discover` over a generated 10,000-file repository, and what
`discovery.enabled` adds to a `check` of the benchmark corpus.

    python benchmarks/discover_speed.py [--files N] [--runs R]

The repository is deterministic: 45% Python (a third of it calling an SDK: OpenAI, Anthropic,
Bedrock, LiteLLM, LangChain), 25% TypeScript (a third calling the OpenAI SDK or the Vercel AI
SDK), 15% Markdown, 10% YAML (a few LiteLLM proxy configs), 5% JSON, plus `.env.example`.
Whole processes are timed (`python -m procurelint ...`), as a user or CI runs them; the
figure is the median of R runs. Budgets: discover over 10,000 files at most 5 s; check with
discovery at most 1.5 times check without, on benchmarks/corpus.py's 1,000 manifests.
"""

from __future__ import annotations

import argparse
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent

PY_CALLS = [
    "from openai import OpenAI\nclient = OpenAI()\n\ndef run(m):\n"
    "    return client.chat.completions.create(model='gpt-5-mini', messages=m)\n",
    "import anthropic\nclaude = anthropic.Anthropic()\n\ndef run(m):\n"
    "    return claude.messages.create(model='claude-sonnet-4-6', max_tokens=9, messages=m)\n",
    "import boto3\nbr = boto3.client('bedrock-runtime', region_name='us-east-1')\n\ndef run(m):\n"
    "    return br.converse(modelId='us.anthropic.claude-sonnet-4-5-20250929-v1:0', messages=m)\n",
    "import litellm\n\ndef run(m):\n    return litellm.completion(model='groq/llama-3.3-70b-versatile', messages=m)\n",
    "from langchain_openai import ChatOpenAI\nllm = ChatOpenAI(model='gpt-5.4')\n",
]
PY_PLAIN = ("import json\nfrom dataclasses import dataclass\n\n\n@dataclass\nclass Item{n}:\n"
            "    name: str\n    size: int = {n}\n\n    def dump(self) -> str:\n"
            "        return json.dumps({{'name': self.name, 'size': self.size}})\n") * 6
TS_CALLS = [
    "import OpenAI from 'openai';\nconst c = new OpenAI();\n"
    "export const run = (m: any) => c.chat.completions.create({ model: 'gpt-5-mini', messages: m });\n",
    "import { openai } from '@ai-sdk/openai';\nimport { generateText } from 'ai';\n"
    "export const run = () => generateText({ model: openai('gpt-5'), prompt: 'x' });\n",
]
TS_PLAIN = ("export interface Row{n} {{ id: number; label: string }}\n"
            "export function total{n}(rows: Row{n}[]): number {{\n"
            "  return rows.reduce((sum, row) => sum + row.id, 0);\n}}\n") * 8
LITELLM = ("model_list:\n  - model_name: fast\n    litellm_params:\n      model: groq/llama-3.3-70b-versatile\n"
           "  - model_name: smart\n    litellm_params:\n      model: anthropic/claude-sonnet-4-6\n")


def generate(files: int, root: Path) -> None:
    """A deterministic repository of `files` files."""
    rng = random.Random(17)
    (root / ".env.example").write_text("OPENAI_MODEL=gpt-5-mini\n")
    for i in range(files - 1):
        folder = root / f"pkg{i % 50:02d}" / f"mod{i % 7}"
        folder.mkdir(parents=True, exist_ok=True)
        kind = rng.random()
        if kind < 0.45:
            text = PY_CALLS[i % len(PY_CALLS)] if i % 3 == 0 else PY_PLAIN.format(n=i)
            (folder / f"f{i}.py").write_text(text)
        elif kind < 0.70:
            text = TS_CALLS[i % len(TS_CALLS)] if i % 3 == 0 else TS_PLAIN.format(n=i)
            (folder / f"f{i}.ts").write_text(text)
        elif kind < 0.85:
            (folder / f"f{i}.md").write_text(f"# Module {i}\n\nUses gpt-5-mini for summaries.\n" * 5)
        elif kind < 0.95:
            text = LITELLM if i % 40 == 0 else f"name: item-{i}\nsize: {i}\ntags: [a, b, c]\n"
            (folder / f"f{i}.yaml").write_text(text)
        else:
            (folder / f"f{i}.json").write_text('{"name": "item-%d", "values": [1, 2, 3]}\n' % i)


def timed(args: list[str], cwd: Path) -> float:
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "procurelint", *args], cwd=cwd,
                            capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if result.returncode not in (0, 1):
        raise SystemExit(f"procurelint {' '.join(args)} failed: {result.stderr}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--manifests", type=int, default=1_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        repo = Path(scratch) / "repo"
        repo.mkdir()
        generate(args.files, repo)
        timed(["discover", str(repo), "-f", "json", "-o", str(Path(scratch) / "warm.json")], repo)
        runs = [timed(["discover", str(repo), "-f", "json", "-o", str(Path(scratch) / "out.json")], repo)
                for _ in range(args.runs)]
        print(f"discover over {args.files} files: median {statistics.median(runs):.2f} s "
              f"({min(runs):.2f}-{max(runs):.2f}); budget 5 s")

        corpus = Path(scratch) / "corpus"
        subprocess.run([sys.executable, str(HERE / "corpus.py"), str(args.manifests), str(corpus)],
                       check=True)
        policy = corpus / "procurelint.yaml"
        plain = policy.read_text()
        with_discovery = plain.replace("\nspec:\n", "\nspec:\n  discovery: {enabled: true}\n", 1)
        assert with_discovery != plain, "corpus policy has no spec: section"
        pairs = []
        for _ in range(args.runs):
            policy.write_text(plain)
            off = timed(["check", "--format", "json"], corpus)
            policy.write_text(with_discovery)
            on = timed(["check", "--format", "json"], corpus)
            pairs.append((on, off))
        ratio = statistics.median(on / off for on, off in pairs)
        print(f"check of {args.manifests} manifests: without discovery median "
              f"{statistics.median(p[1] for p in pairs):.2f} s, with "
              f"{statistics.median(p[0] for p in pairs):.2f} s, ratio {ratio:.2f}; budget 1.5")


if __name__ == "__main__":
    main()
