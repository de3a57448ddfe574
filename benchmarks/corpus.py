"""Deterministic corpora of realistic manifests for benchmarks, in two shapes.

    python benchmarks/corpus.py N DIR [--shape benchmark|slow] [--litellm FILE]

writes DIR/procurelint.yaml, an organisation catalog and N manifests spread over teams and
folders. The same N and shape always give the same files.

- `benchmark`: manifests of about 2.5 KB with 2-3 workflows of 2-3 steps, a mix of data
  classes (public, internal, pii, phi), models and endpoints, about 30% of the manifests
  holding a violation, and a one-endpoint organisation catalog.
- `slow`: manifests of about 2.6 KB with 1-6 workflows of 1-5 steps (about 10 steps per
  manifest), most steps holding sensitive classes (pii, phi, npi, cui, source code) under
  policy tiers with allow lists, volumes and `recordsPerYear` that differ from step to step,
  13% of steps with a fallback, some on an aggregator with pinned routing, and an
  organisation catalog of about 90 entries (26 models, 21 providers, 42 endpoints) with every
  fact filled in. Its compliance contexts rarely repeat, which is what makes a repository
  expensive to judge.

`--litellm FILE` (LiteLLM's `model_prices_and_context_window.json`) also imports that price
list with `procurelint catalog import` into DIR/litellm.yaml and lists it in `catalogs`, as an
organisation that imports a public price list would (about 2,900 more offers).
"""

from __future__ import annotations

import argparse
import random
import subprocess
import sys
from pathlib import Path

SHAPES = ("benchmark", "slow")

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


def generate(count: int, folder: Path, shape: str = "benchmark",
             litellm: Path | None = None) -> None:
    """Write the policy, the catalog and `count` manifests of `shape` into `folder`; with
    `litellm`, import that LiteLLM price file as a further catalog of the policy."""
    if shape == "slow":
        _generate_slow(count, folder)
    elif shape == "benchmark":
        _generate_benchmark(count, folder)
    else:
        raise ValueError(f"unknown corpus shape {shape!r}; one of {', '.join(SHAPES)}")
    if litellm is not None:
        _import_litellm(folder, litellm)


def _import_litellm(folder: Path, source: Path) -> None:
    """Import the LiteLLM price file into folder/litellm.yaml and list it in `catalogs`."""
    subprocess.run([sys.executable, "-m", "procurelint", "catalog", "import", "--from", "litellm",
                    "--output", str(folder / "litellm.yaml"), "--date", "2026-11-28",
                    "--config", str(folder / "procurelint.yaml"), str(source)],
                   check=True, stdout=subprocess.DEVNULL)
    policy = folder / "procurelint.yaml"
    text = policy.read_text()
    policy.write_text(text.replace("  catalogs: [catalog.yaml]", "  catalogs: [catalog.yaml, litellm.yaml]"))


def _generate_benchmark(count: int, folder: Path) -> None:
    rng = random.Random(20261128)
    folder.mkdir(parents=True, exist_ok=True)
    teams = "{" + ", ".join(f"{t}: {rng.choice([50000, 200000])}" for t in TEAMS) + "}"
    (folder / "procurelint.yaml").write_text(POLICY.format(teams=teams))
    (folder / "catalog.yaml").write_text(CATALOG)
    for i in range(count):
        sub = folder / f"svc-{i // 100:03d}"
        sub.mkdir(exist_ok=True)
        (sub / f"service-{i:05d}.yaml").write_text(_manifest(rng, i))


# -- the slow shape ---------------------------------------------------------------------------

SLOW_TEAMS = [f"team-{i:02d}" for i in range(60)]
_PLACES = ["US", "US", "US", "US", "GB", "DE", "FR", "IE", "CA", "JP", "SG", "IN", "CN", "CH",
           "US", "NL", "AU", "US", "SE", "KR", "US"]
_CAPABILITIES = ["frontier", "strong", "strong", "efficient", "efficient", "small"]
_CERTIFICATIONS = ["soc2-type2", "iso27001", "pci-dss", "iso42001", "hitrust"]
# (workflow data classes, whether a step may narrow them to its own), most of them sensitive.
_CLASS_SETS = [
    ["pii"], ["phi", "pii"], ["phi"], ["npi"], ["npi", "pii"], ["cui"], ["source-code"],
    ["pii", "source-code"], ["cardholder", "npi"], ["internal"], ["public"], ["phi", "npi"],
]

SLOW_POLICY = """\
apiVersion: procurelint/v1
kind: Policy
metadata:
  name: slow-shape
  version: "1"
spec:
  tiers:
    - name: public
    - name: internal
      denyJurisdictions: [CN, HK, MO, RU, IR, KP, CU, VE]
    - name: confidential
      allowJurisdictions: [US, EU, GB, CA, CH, JP, AU]
      allowDeveloperJurisdictions: [US, EU, GB, CA, CH, JP, AU]
      requireNoTraining: true
      maxRetentionDays: 30
    - name: restricted
      allowJurisdictions: [US]
      allowDeveloperJurisdictions: [US, EU, GB, CA]
      requireNoTraining: true
      maxRetentionDays: 0
  dataClasses:
    source-code: {{tier: confidential}}
  agreements:
    baa: [{baa}]
    vendors:
{vendors}
  modelInventory:
{inventory}
  transferMechanisms:
    - {{from: EU, to: US, mechanism: dpf}}
    - {{from: EU, to: CA, mechanism: scc}}
  budgets:
    orgMonthlyUsd: 9000000
    warnAtPercent: 80
    teams: {teams}
    maxPricePerMillion:
      internal: {{output: 40}}
      restricted: {{output: 60}}
  catalogs: [catalog.yaml]
"""


def _slow_catalog(rng: random.Random) -> tuple[str, list[str], dict[str, list[str]], list[str]]:
    """The organisation catalog; also the provider ids, each endpoint's models, and the
    aggregator's endpoint ids."""
    models = []
    lines = ["apiVersion: procurelint/v1", "kind: Catalog", "metadata:", "  name: org",
             '  asOf: "2026-11-01"', "spec:", "  models:"]
    for i in range(26):
        model = f"lab{i % 9:02d}/model-{i:02d}"
        models.append(model)
        lines += [
            f"    - id: {model}",
            f"      name: Model {i}",
            f"      developer: Lab {i % 9}",
            f'      developerJurisdiction: "{_PLACES[(i * 5) % len(_PLACES)]}"',
            f"      openWeights: {'true' if i % 3 == 0 else 'false'}",
            f"      capability: {_CAPABILITIES[i % len(_CAPABILITIES)]}",
            "      restrictions: []",
            '      sources: ["benchmark fixture"]',
        ]
    providers = [f"vendor{i:02d}" for i in range(21)]
    lines.append("  providers:")
    for i, provider in enumerate(providers):
        kind = "aggregator" if i == 20 else ("first-party", "cloud", "cloud", "self-hosted")[i % 4]
        place = _PLACES[i]
        lines += [
            f"    - id: {provider}",
            f"      name: Vendor {i} Inc.",
            f'      jurisdiction: "{place}"',
            f'      parentJurisdiction: "{"US" if i % 5 == 0 else place}"',
            f"      kind: {kind}",
            '      sources: ["benchmark fixture"]',
        ]
    offers: dict[str, list[str]] = {}
    aggregator: list[str] = []
    lines.append("  endpoints:")
    for i in range(42):
        provider = providers[i // 2]
        region = ("us-east", "eu-west")[i % 2] if i // 2 != 20 else ("api", "zdr")[i % 2]
        endpoint = f"{provider}/{region}"
        country = "US" if region == "us-east" else _PLACES[(i // 2) % len(_PLACES)]
        if i // 2 == 20:
            aggregator.append(endpoint)
            served = list(models)
        else:
            served = sorted(rng.sample(models, rng.randint(6, 12)))
        offers[endpoint] = served
        lines += [
            f"    - id: {endpoint}",
            f"      provider: {provider}",
            f'      country: "{country}"',
            f"      region: {region}-{i}",
            f"      hipaaBaa: {'true' if rng.random() < 0.6 else 'false'}",
            f"      fedramp: {rng.choice(['none', 'low', 'moderate', 'high'])}",
            f"      dodImpactLevel: {rng.choice([2, 4, 5, 6])}",
            f"      crossBorderRouting: {'true' if rng.random() < 0.2 else 'false'}",
            f"      certifications: [{', '.join(sorted(rng.sample(_CERTIFICATIONS, rng.randint(1, 4))))}]",
            f"      usPersonsOnly: {'true' if rng.random() < 0.15 else 'false'}",
            f"      dataPolicy: {{trainsOnInputs: {'true' if rng.random() < 0.15 else 'false'}, "
            f"retentionDays: {rng.choice([0, 0, 0, 7, 30, 90])}}}",
            "      offers:",
        ]
        for model in served:
            base = 0.05 + (models.index(model) % 7) * 0.9 + rng.randint(0, 40) / 20
            lines.append(
                f"        - {{model: {model}, pricePerMillion: {{input: {base:.2f}, "
                f"output: {base * rng.choice([3, 4, 5]):.2f}, cachedInput: {base / 10:.3f}}}}}")
        lines.append('      sources: ["benchmark fixture"]')
    return "\n".join(lines) + "\n", providers, offers, aggregator


def _slow_manifest(rng: random.Random, index: int, offers: dict[str, list[str]],
                   aggregator: list[str]) -> str:
    direct = [e for e in offers if e not in aggregator]
    lines = [
        "apiVersion: procurelint/v1",
        "kind: AgentManifest",
        "metadata:",
        f"  name: svc-{index:05d}",
        f"  team: {SLOW_TEAMS[index % len(SLOW_TEAMS)]}",
        f"  owner: owner{index % 211}@example.com",
        "spec:",
        f"  environment: {rng.choice(['production', 'production', 'staging', 'development'])}",
        f"  budget: {{monthlyUsd: {rng.choice([300, 1500, 8000, 40000])}}}",
        "  workflows:",
    ]
    for w in range(rng.choice([1, 2, 3, 3, 4, 4, 5, 6])):
        classes = rng.choice(_CLASS_SETS)
        lines += [
            f"    - name: wf-{w}",
            f"      runsPerMonth: {rng.randint(1, 400) * 50}",
            f"      dataClasses: [{', '.join(classes)}]",
        ]
        if rng.random() < 0.85:
            lines.append(f"      recordsPerYear: {rng.randint(1, 3000) * 250}")
        if rng.random() < 0.2:
            lines.append(f"      dataSubjects: [{rng.choice(['EU', 'US, EU', 'DE'])}]")
        lines.append("      steps:")
        for s in range(rng.choice([1, 2, 2, 3, 3, 4, 5])):
            routed = rng.random() < 0.08
            endpoint = rng.choice(aggregator) if routed else rng.choice(direct)
            model = rng.choice(offers[endpoint])
            lines += [
                f"        - name: s{s}",
                f"          model: {model}",
                f"          endpoint: {endpoint}",
                f"          callsPerRun: {rng.randint(1, 4)}",
                f"          tokensPerCall: {{input: {rng.randint(2, 120) * 100}, "
                f"output: {rng.randint(1, 30) * 50}, cachedInput: {rng.randint(0, 40) * 100}}}",
            ]
            if len(classes) > 1 and rng.random() < 0.15:
                lines.append(f"          dataClasses: [{classes[0]}]")
            if routed:
                pins = [e for e in direct if model in offers[e]]
                if pins:
                    chosen = sorted(rng.sample(pins, min(len(pins), rng.randint(1, 2))))
                    lines.append(f"          routing: {{providers: [{', '.join(chosen)}], "
                                 "allowFallbacks: false}")
            elif rng.random() < 0.13:
                other = rng.choice(direct)
                lines += ["          fallbacks:",
                          f"            - {{model: {rng.choice(offers[other])}, endpoint: {other}}}"]
    return "\n".join(lines) + "\n"


def _generate_slow(count: int, folder: Path) -> None:
    rng = random.Random(20261204)
    folder.mkdir(parents=True, exist_ok=True)
    catalog, providers, offers, aggregator = _slow_catalog(rng)
    models = sorted({m for served in offers.values() for m in served})
    vendors = "\n".join(
        f"      - {{provider: {p}, approved: {'true' if i % 4 else 'false'}, "
        f'assessedOn: "2026-0{1 + i % 9}-15"}}' for i, p in enumerate(providers))
    inventory = "\n".join(
        f'    - {{model: {m}, validatedOn: "2026-0{1 + i % 9}-10", uses: [extraction]}}'
        for i, m in enumerate(models) if i % 2 == 0)
    teams = "{" + ", ".join(f"{t}: {rng.choice([20000, 80000, 300000])}" for t in SLOW_TEAMS) + "}"
    baa = ", ".join(p for i, p in enumerate(providers) if i % 3 != 2)
    (folder / "procurelint.yaml").write_text(SLOW_POLICY.format(
        baa=baa, vendors=vendors, inventory=inventory, teams=teams))
    (folder / "catalog.yaml").write_text(catalog)
    for i in range(count):
        sub = folder / f"svc-{i // 100:03d}"
        sub.mkdir(exist_ok=True)
        (sub / f"svc-{i:05d}.yaml").write_text(_slow_manifest(rng, i, offers, aggregator))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", type=int, help="how many manifests")
    parser.add_argument("folder", type=Path, help="where to write them (created)")
    parser.add_argument("--shape", choices=SHAPES, default="benchmark")
    parser.add_argument("--litellm", type=Path, default=None, metavar="FILE",
                        help="LiteLLM's model_prices_and_context_window.json, imported as a "
                             "further catalog of the policy")
    args = parser.parse_args()
    generate(args.count, args.folder, args.shape, args.litellm)


if __name__ == "__main__":
    main()
