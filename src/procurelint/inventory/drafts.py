"""Draft AgentManifests from discovered uses: one manifest per file that uses a model, one
step per use (`discover --emit`, `init --from`).

A draft states only what discovery knows. What a person must decide is left so that `check`
fails until they do: every workflow sends the data class `unclassified`, which no policy
defines (MAN006); a model or endpoint discovery could not resolve is written as found, or as
`unresolved` (MAN003, MAN004). Runs per month are 0 and tokens per call are not stated.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Sequence

from procurelint.inventory.uses import Use

PLACEHOLDER_CLASS = "unclassified"
UNRESOLVED = "unresolved"
_NOT_NAME = re.compile(r"[^a-z0-9]+")


def slug(text: str, fallback: str = "discovered") -> str:
    """Lowercase kebab-case within 60 characters, as manifest and step names must be."""
    value = _NOT_NAME.sub("-", text.lower()).strip("-")[:60].strip("-")
    return value or fallback


def _text(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a YAML double-quoted scalar


def _identifier(value: str | None) -> str:
    return value if value and not any(c.isspace() for c in value) else UNRESOLVED


def manifest(name: str, source: str, uses: Sequence[Use], tool: str) -> str:
    """The text of one draft AgentManifest for the uses of one source file."""
    lines = [
        f"# Draft written by `{tool}` from {source}. A person must fill in what discovery",
        "# cannot know: the data classes each workflow sends (replace `unclassified`), runs per",
        "# month and tokens per call; and check every model and endpoint. Until then",
        "# `procurelint check` fails on this file.",
        "apiVersion: procurelint/v1",
        "kind: AgentManifest",
        "metadata:",
        f"  name: {name}",
        "  team: unassigned",
        "  owner: unassigned",
        f"  description: {_text(f'Model uses discovered in {source}')}",
        "spec:",
        "  workflows:",
        "    - name: discovered",
        "      runsPerMonth: 0",
        f"      dataClasses: [{PLACEHOLDER_CLASS}]   # what data do these calls send?",
        "      steps:",
    ]
    seen: dict[str, int] = defaultdict(int)
    for use in uses:
        base = slug(use.name or f"line-{use.line}", "step")
        seen[base] += 1
        step = base if seen[base] == 1 else f"{base}-{seen[base]}"
        model = use.model or _identifier(use.literal)
        endpoint = use.endpoint or UNRESOLVED
        lines += [
            f"        - name: {step}",
            f"          description: {_text(f'{use.file}:{use.line}:{use.column} {use.how}')}",
            f"          model: {_text(model)}"
            + ("" if use.model else f"   # unresolved: {use.note}"),
            f"          endpoint: {_text(endpoint)}"
            + ("" if use.endpoint else f"   # unresolved (provider {use.provider or 'not known'})"),
        ]
        routing = _routing(dict(use.routing))
        if routing:
            lines.append("          routing:")
            lines += [f"            {key}: {value}" for key, value in routing]
    return "\n".join(lines) + "\n"


def _routing(raw: dict[str, object]) -> list[tuple[str, str]]:
    """Gateway settings the manifest's `routing` states as they are (OpenRouter's provider
    preferences); pinned providers are left out: the manifest pins endpoints, not names."""
    out = []
    if isinstance(raw.get("allow_fallbacks"), bool):
        out.append(("allowFallbacks", "true" if raw["allow_fallbacks"] else "false"))
    if raw.get("data_collection") in ("allow", "deny"):
        out.append(("dataCollection", str(raw["data_collection"])))
    if isinstance(raw.get("zdr"), bool):
        out.append(("zeroDataRetention", "true" if raw["zdr"] else "false"))
    return out


def drafts(uses: Sequence[Use], tool: str) -> dict[str, str]:
    """File name -> draft manifest text, one per source file with uses; names are unique."""
    by_file: dict[str, list[Use]] = defaultdict(list)
    for use in uses:
        by_file[use.file].append(use)
    result: dict[str, str] = {}
    for source in sorted(by_file):
        name = slug(source)
        candidate, n = name, 1
        while f"{candidate}.yaml" in result:
            n += 1
            candidate = f"{name}-{n}"
        result[f"{candidate}.yaml"] = manifest(candidate, source, by_file[source], tool)
    return result
