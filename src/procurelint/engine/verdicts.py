"""Which step rules applied to each evaluation unit, and whether each passed or fired.

The engine reports only violations; reviewers also need to see what was checked and passed.
The audit report asks this module, which runs the step rules over the evaluator's own contexts
(same factory, same projection and caching), so a verdict here is the verdict the check
reached.
"""

from __future__ import annotations

from typing import Any

from procurelint.policy.config import Config
from procurelint.expressions import ContextPool
from procurelint.engine.evaluate import Evaluation
from procurelint.engine.judgement import FIRED, PASSED, verdict
from procurelint.engine.projection import Projector
from procurelint.engine.units import Unit
from procurelint.policy.packs import CompiledRule



class RuleVerdicts:
    """Verdicts of the step rules per unit; equal compliance contexts are judged once."""

    def __init__(self, config: Config, evaluation: Evaluation,
                 reported: set[tuple[str, str]]) -> None:
        self.factory = evaluation.factory
        self.spend = evaluation.spend
        self.reported = reported
        """(rule, path) of every finding: how rules that read `alternative` are judged."""
        self.rules: list[CompiledRule] = [
            r for r in config.rules if "step" in r.scopes and r.violation is not None
        ]
        self.projector = Projector(
            source for r in self.rules for source in (r.rule.when, r.rule.violation or "")
        )
        self._alternative = {r.id for r in self.rules if r.uses_alternative}
        self.pool = ContextPool()
        self._cache: dict[tuple[int, ...], tuple[tuple[Any, ...], list[tuple[str, str]]]] = {}

    def unit(self, unit: Unit) -> dict[str, str]:
        """{rule: outcome} for every step rule whose `when` held for this unit."""
        info = unit.info
        name = info.source.manifest.metadata.name
        data = self.factory.unit(info, unit, self.spend.workflows.get((name, info.workflow.name), 0.0),
                                 self.spend.manifests.get(name, 0.0))
        data["alternative"] = None
        seen = dict(data)
        for var in ("step", "workflow", "manifest"):
            seen[var] = self.projector.project(var, data[var])
        raw: list[tuple[str, str]] | None = None
        identity = tuple(id(v) for v in seen.values())
        if self.projector.exact:
            cached = self._cache.get(identity)
            if cached is not None and all(a is b for a, b in zip(cached[0], seen.values())):
                raw = cached[1]
        if raw is None:
            key = (unit.endpoint_id, unit.model_id, info.tier, len(info.tiers))
            context = self.pool.context(key, seen)
            raw = [(r.id, outcome) for r in self.rules
                   if (outcome := verdict(r, lambda program: program.run(context))) is not None]
            if self.projector.exact:
                self._cache[identity] = (tuple(seen.values()), raw)
        out = {}
        for rule_id, outcome in raw:
            if rule_id in self._alternative:
                # Judged against the cheapest alternative, which only the evaluator computed.
                outcome = FIRED if (rule_id, info.path) in self.reported else PASSED
            out[rule_id] = outcome
        return out
