"""A deterministic corpus of realistic manifests for benchmarks.

`python benchmarks/corpus.py N DIR` writes DIR/procurelint.yaml and N manifests spread over
teams and folders: a mix of data classes, models and endpoints, with about 30% of the
manifests holding a violation. The same N always gives the same files.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

TEAMS = [f"team-{i:02d}" for i in range(40)]

# (data classes, records, [(model, endpoint), ...]) that comply under the corpus policy.
COMPLIANT = [
    (["public"], None, [("anthropic/claude-sonnet-4.6", "anthropic/api"),
                        ("deepseek/deepseek-v3.2", "deepinfra/api"),
                        ("minimax/minimax-m2.5", "minimax/api-intl"),
                        ("openai/gpt-5-mini", "openai/api")]),
    (["internal"], None, [("anthropic/claude-sonnet-4.6", "aws-bedrock/us-east-1"),
                          ("openai/gpt-5", "openai/api"),
                          ("deepseek/deepseek-v3.2", "aws-bedrock/us-east-1")]),
    (["pii"], 50000, [("anthropic/claude-haiku-4.5", "bench-bedrock/us-east-1"),
                      ("deepseek/deepseek-v3.2", "bench-bedrock/us-east-1")]),
    (["phi"], 5000, [("anthropic/claude-sonnet-4.6", "bench-bedrock/us-east-1"),
                     ("minimax/minimax-m2.5", "bench-bedrock/us-east-1")]),
]
VIOLATING = [
    (["phi", "pii"], 480000, [("deepseek/deepseek-v3.2", "deepseek/api")]),
    (["internal"], None, [("moonshotai/kimi-k2.5", "openrouter")]),
    (["pii"], None, [("z-ai/glm-5", "zai/api")]),
]

POLICY = """\
apiVersion: procurelint/v1
kind: Policy
metadata:
  name: benchmark
  version: "1"
spec:
  agreements:
    baa: [aws]
  budgets:
    orgMonthlyUsd: 5000000
    teams: {teams}
  catalogs: [catalog.yaml]
"""

CATALOG = """\
apiVersion: procurelint/v1
kind: Catalog
metadata:
  name: bench
  asOf: "2026-11-01"
spec:
  endpoints:
    - id: bench-bedrock/us-east-1
      provider: aws
      country: "US"
      hipaaBaa: true
      fedramp: moderate
      crossBorderRouting: false
      certifications: [pci-dss]
      usPersonsOnly: false
      dataPolicy: {trainsOnInputs: false, retentionDays: 0}
      offers:
        - {model: deepseek/deepseek-v3.2, pricePerMillion: {input: 0.62, output: 1.85}}
        - {model: minimax/minimax-m2.5, pricePerMillion: {input: 0.30, output: 1.20}}
        - {model: anthropic/claude-sonnet-4.6, pricePerMillion: {input: 3.00, output: 15.00, cachedInput: 0.30}}
        - {model: anthropic/claude-haiku-4.5, pricePerMillion: {input: 1.00, output: 5.00, cachedInput: 0.10}}
      sources: ["benchmark fixture"]
"""


def _manifest(rng: random.Random, index: int) -> str:
    team = TEAMS[index % len(TEAMS)]
    violating = rng.random() < 0.3
    lines = [
        "apiVersion: procurelint/v1",
        "kind: AgentManifest",
        "metadata:",
        f"  name: service-{index:05d}",
        f"  team: {team}",
        f"  owner: owner{index % 97}@example.com",
        f"  description: Agent workflows of service {index}, generated for benchmarks",
        "spec:",
        f"  environment: {rng.choice(['production', 'production', 'staging'])}",
        "  budget:",
        f"    monthlyUsd: {rng.choice([500, 2000, 10000, 50000])}",
        "  workflows:",
    ]
    for w in range(rng.randint(2, 3)):
        pool = VIOLATING if violating and w == 0 else COMPLIANT
        classes, records, offers = rng.choice(pool)
        lines += [
            f"    - name: workflow-{w}",
            f"      description: Workflow {w} handles {', '.join(classes)} data",
            f"      runsPerMonth: {rng.choice([100, 1000, 5000, 20000])}",
            f"      dataClasses: [{', '.join(classes)}]",
        ]
        if records is not None:
            lines.append(f"      recordsPerYear: {records}")
        lines.append("      steps:")
        for s in range(rng.randint(2, 3)):
            model, endpoint = rng.choice(offers)
            lines += [
                f"        - name: step-{s}",
                f"          description: Step {s} of workflow {w}",
                f"          model: {model}",
                f"          endpoint: {endpoint}",
                f"          callsPerRun: {rng.randint(1, 3)}",
                f"          tokensPerCall: {{input: {rng.randint(5, 80) * 100}, "
                f"output: {rng.randint(1, 15) * 100}, cachedInput: {rng.randint(0, 20) * 100}}}",
            ]
    return "\n".join(lines) + "\n"


def generate(count: int, folder: Path) -> None:
    """Write the policy, the catalog and `count` manifests into `folder`."""
    rng = random.Random(20261128)
    folder.mkdir(parents=True, exist_ok=True)
    teams = "{" + ", ".join(f"{t}: {rng.choice([50000, 200000])}" for t in TEAMS) + "}"
    (folder / "procurelint.yaml").write_text(POLICY.format(teams=teams))
    (folder / "catalog.yaml").write_text(CATALOG)
    for i in range(count):
        sub = folder / f"svc-{i // 100:03d}"
        sub.mkdir(exist_ok=True)
        (sub / f"service-{i:05d}.yaml").write_text(_manifest(rng, i))


if __name__ == "__main__":
    generate(int(sys.argv[1]), Path(sys.argv[2]))
