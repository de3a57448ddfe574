"""The cheapest compliant alternative for a step that has findings.

`AlternativeFinder.find` (COST006) only looks for offers cheaper than the step's own. A
reviewer of a non-compliant step needs the cheapest offer that *is* compliant, even when it
costs more. The engine's finder judges each offer of equal or higher capability once per data
profile (its verdicts are cached by the step's compliance-relevant facts); each step then takes
the cheapest of the compliant offers at its own token volumes.
"""

from __future__ import annotations

from typing import Any

from procurelint.config import Config
from procurelint.engine.alternatives import AlternativeFinder
from procurelint.engine.units import StepInfo, Unit
from procurelint.facts import CAPABILITY_RANK


Offer = tuple[float, float, float, str, str]
"""(input, cached input, output) USD per million tokens, endpoint, model."""


def _front(offers: list[Offer]) -> list[Offer]:
    """Offers not beaten on every price by another: only these can be cheapest for real tokens."""
    return [o for o in offers
            if not any(p[0] < o[0] and p[1] < o[1] and p[2] < o[2] for p in offers)]


class Alternatives:
    """Cheapest compliant offers; compliance is judged once per data profile and capability."""

    def __init__(self, config: Config, finder: AlternativeFinder) -> None:
        self.config = config
        self.finder = finder
        catalog = config.catalog
        self._offers = [
            (price.input, price.cached_input if price.cached_input is not None else price.input,
             price.output, endpoint_id, model_id,
             CAPABILITY_RANK[catalog.models[model_id].capability])
            for endpoint_id, model_id, price in catalog.offers()
        ]
        self._compliant: dict[tuple[Any, ...], tuple[list[Offer], list[Offer]]] = {}

    def for_step(self, info: StepInfo, unit: Unit) -> dict[str, Any]:
        """{found: true, current, model, endpoint, monthlyUsd, currentUsd, deltaUsd}, or
        {found: false, reason: no-tokens | none-compliant}."""
        rank = CAPABILITY_RANK[self.config.catalog.models[unit.model_id].capability]
        workflow = info.workflow
        subjects = workflow.data_subjects or info.source.manifest.spec.data_subjects
        # The same facts as the engine's finder keys its verdicts by, plus the capability.
        profile = (tuple(info.classes), tuple(info.regimes), info.source.manifest.spec.environment,
                   workflow.records_per_year, tuple(subjects), rank)
        found = self._compliant.get(profile)
        if found is None:
            offers = [o[:5] for o in self._offers
                      if o[5] >= rank and self.finder.compliant(info, o[3], o[4])]
            found = self._compliant[profile] = (offers, _front(offers))
        offers, front = found
        t = info.tokens
        if t.total == 0:  # every offer would cost nothing: "cheapest" means nothing
            return {"found": False, "reason": "no-tokens"}
        if not offers:
            return {"found": False, "reason": "none-compliant"}
        cost, endpoint_id, model_id = min(
            ((t.input * pi + t.cached_input * pc + t.output * po) / 1_000_000, e, m)
            for pi, pc, po, e, m in front
        )
        return {
            "found": True, "current": (endpoint_id, model_id) == (unit.endpoint_id, unit.model_id),
            "model": model_id, "endpoint": endpoint_id, "monthlyUsd": cost,
            "currentUsd": unit.monthly_usd, "deltaUsd": cost - unit.monthly_usd,
        }
