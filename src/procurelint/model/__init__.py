"""Pydantic models of the five document kinds; unknown keys are errors everywhere."""

from __future__ import annotations

from procurelint.model.catalog import Catalog
from procurelint.model.manifest import AgentManifest
from procurelint.model.policy import Policy
from procurelint.model.rulepack import RulePack
from procurelint.model.waivers import Waivers

API_VERSION = "procurelint/v1"

KINDS: dict[str, type] = {
    "AgentManifest": AgentManifest,
    "Catalog": Catalog,
    "Policy": Policy,
    "Waivers": Waivers,
    "RulePack": RulePack,
}

__all__ = ["API_VERSION", "KINDS", "AgentManifest", "Catalog", "Policy", "RulePack", "Waivers"]
