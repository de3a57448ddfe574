"""The envelope every procurelint document shares: the apiVersion this version reads and the
names of the document kinds. A leaf: the warm path reads it without importing the models."""

from __future__ import annotations

API_VERSION = "procurelint/v1"
KIND_NAMES = frozenset({"AgentManifest", "Catalog", "Policy", "Waivers", "RulePack"})
"""The document kinds (the keys of procurelint.documents.models.KINDS)."""
