"""Pydantic models of the five document kinds; unknown keys are errors everywhere."""

from __future__ import annotations

from procurelint.documents.models.catalog_model import Catalog
from procurelint.documents.models.manifest_model import AgentManifest
from procurelint.documents.models.policy_model import Policy
from procurelint.documents.models.rulepack_model import RulePack
from procurelint.documents.models.waivers_model import Waivers

from procurelint.documents.envelope import API_VERSION

KINDS: dict[str, type] = {
    "AgentManifest": AgentManifest,
    "Catalog": Catalog,
    "Policy": Policy,
    "Waivers": Waivers,
    "RulePack": RulePack,
}



__all__ = ["API_VERSION", "KINDS", "AgentManifest", "Catalog", "Policy", "RulePack", "Waivers"]
