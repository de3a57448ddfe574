"""The envelope every procurelint document shares: the apiVersion this version reads and the
names of the document kinds. A leaf: the warm path reads it without importing the models."""

from __future__ import annotations

API_VERSION = "procurelint/v1"
KIND_NAMES = frozenset({"AgentManifest", "Catalog", "Policy", "Waivers", "RulePack"})
"""The document kinds (the keys of procurelint.documents.models.KINDS)."""
SCHEMA_BASE = "https://procurelint.dev/schemas/"
"""Where the JSON Schemas of the kinds are published: `{SCHEMA_BASE}{kind}.schema.json` is each
one's `$id`, and the `yaml-language-server` line `procurelint init` writes."""
