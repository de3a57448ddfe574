"""`procurelint init`: write a starter procurelint.yaml and an example manifest, or, with
`--from FILE`, draft manifests of the models a LiteLLM proxy config serves."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from procurelint.commands.common import EXIT_CLEAN
from procurelint.errors import ConfigError, Location

# The first line of each file points editors with the YAML language server (VS Code's YAML
# extension, and others) at the kind's published JSON Schema: keys complete and typos show as
# the file is written. The URL is the schema's `$id` (`procurelint schema KIND`).
SCHEMA_LINE = "# yaml-language-server: $schema={url}\n"

POLICY = """\
# The organisation's AI sourcing policy. procurelint finds this file from any folder below
# it; paths here are relative to this folder. `procurelint schema Policy` prints every key.
apiVersion: procurelint/v1
kind: Policy
metadata:
  name: {name}
  version: "1"
spec:
  # Every built-in pack applies unless listed otherwise here:
  # packs: [core, hipaa, banking, federal, jurisdiction, cost]
  failOn: error
  agreements:
    baa: []              # providers with which a BAA is SIGNED, e.g. [aws]
    vendors: []          # third-party risk records: {{provider, approved, assessedOn}}
  modelInventory: []     # validated models: {{model, validatedOn, uses}}
  transferMechanisms: [] # e.g. {{from: EU, to: US, mechanism: dpf}}
  budgets:
    warnAtPercent: 80
    # orgMonthlyUsd: 50000
    # teams: {{platform: 10000}}
  # catalogs: [catalog/ours.yaml]   # facts about your own accounts and endpoints
  # waivers: waivers.yaml           # approved, expiring exceptions
"""

MANIFEST = """\
# One team's agent workflows: what data each step sends, to which model, on which endpoint.
apiVersion: procurelint/v1
kind: AgentManifest
metadata:
  name: example-agent
  team: platform
  owner: you@example.com
  description: Summarises public release notes
spec:
  workflows:
    - name: release-notes
      runsPerMonth: 2000
      dataClasses: [public]
      steps:
        - name: summarise
          model: openai/gpt-5-mini
          endpoint: openai/api
          tokensPerCall: {input: 3000, output: 400}
"""


def register(commands: Any) -> None:
    parser = commands.add_parser("init", help="write a starter procurelint.yaml and an example manifest")
    parser.add_argument("folder", nargs="?", type=Path, default=Path("."), metavar="DIR")
    parser.add_argument("--name", default="our-ai-sourcing", help="the policy's name")
    parser.add_argument("--from", dest="from_file", type=Path, metavar="FILE",
                        help="start from a LiteLLM proxy config: draft manifests of its models "
                             "instead of the example manifest")
    parser.set_defaults(handler=run)


def _from_litellm(config: Path) -> dict[str, str]:
    """Draft manifests of the models a LiteLLM proxy config serves (one per config file)."""
    from procurelint.inventory.drafts import drafts
    from procurelint.inventory.scan import discover
    from procurelint.policy.aliases import alias_table
    from procurelint.policy.config import load_config

    if not config.is_file():
        raise ConfigError("no such file", Location(str(config)))
    catalog = load_config(None, config.parent, search=False).catalog
    inventory = discover(config.parent, [config], alias_table(), catalog.models, catalog.endpoints)
    uses = [u for u in inventory.uses if u.how.startswith("litellm-proxy")]
    if not uses:
        problem = inventory.skipped[0].reason if inventory.skipped else "no model_list entries"
        raise ConfigError(f"not a LiteLLM proxy config with models: {problem}",
                          Location(str(config), 1, 1))
    return drafts(uses, "procurelint init --from")


def schema_line(kind: str) -> str:
    from procurelint.documents.envelope import SCHEMA_BASE

    return SCHEMA_LINE.format(url=f"{SCHEMA_BASE}{kind}.schema.json")


def run(args: argparse.Namespace) -> int:
    folder: Path = args.folder
    files = {folder / "procurelint.yaml": schema_line("Policy") + POLICY.format(name=args.name)}
    if args.from_file is None:
        files[folder / "ai" / "example-agent.yaml"] = schema_line("AgentManifest") + MANIFEST
    else:
        files.update({folder / "ai" / name: schema_line("AgentManifest") + text
                      for name, text in _from_litellm(args.from_file).items()})
    for path in files:
        if path.exists():
            raise ConfigError("already exists; procurelint init never overwrites a file",
                              Location(str(path)))
    for path, text in files.items():
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise ConfigError(f"cannot write: {exc.strerror}", Location(str(path))) from None
        sys.stdout.write(f"wrote {path}\n")
    sys.stdout.write("next: procurelint check\n")
    return EXIT_CLEAN
