"""Which step rules applied to each evaluation unit, and whether each passed or fired.

The engine reports only violations; reviewers also need to see what was checked and passed.
The check keeps what each step rule gave on each unit (`Evaluation.judged`), so a verdict here
is the verdict the check reached, not a second judgement. Rules the check did not keep (those
that read `alternative`, which the report judges as the check's findings say) run here over
the evaluator's own contexts (same factory, same projection).
"""

from __future__ import annotations

from typing import Any

from procurelint.policy.config import Config
from procurelint.expressions import ContextPool
from procurelint.engine.evaluate import Evaluation
from procurelint.engine.judgement import FIRED, PASSED, verdict, verdict_of
from procurelint.engine.projection import Projector
from procurelint.engine.units import Unit
from procurelint.policy.packs import STEP_VARIABLES, CompiledRule



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
        self.kept = evaluation.judged
        kept_at = {id(r): i for i, r in enumerate(evaluation.judged_rules)}
        self._kept_at = [kept_at.get(id(r)) for r in self.rules]
        """Where each rule's verdict is in a unit's kept values (None: judged here)."""
        self._to_judge = [r for r, at in zip(self.rules, self._kept_at) if at is None]
        # Those run on a context of only the variables they read, each projected to the fields
        # they read of it, as the evaluator runs them: a whole context per unit costs more.
        self._small = Projector(
            source for r in self._to_judge for source in (r.rule.when, r.rule.violation or ""))
        self._small_variables = sorted(
            {v for r in self._to_judge for v in r.variables} & STEP_VARIABLES)

    def unit(self, unit: Unit) -> dict[str, str]:
        """{rule: outcome} for every step rule whose `when` held for this unit."""
        kept = self.kept.get(id(unit))
        if kept is None:
            return self._judged(unit)
        judged = self._judged_small(unit) if self._to_judge else {}
        out = {}
        for rule, at in zip(self.rules, self._kept_at):
            outcome = judged.get(rule.id) if at is None else verdict_of(kept[at])
            if outcome is not None:
                out[rule.id] = outcome
        return out

    def _judged_small(self, unit: Unit) -> dict[str, str]:
        """{rule: outcome} of the rules the check did not keep, for those whose `when` held."""
        data = self._data(unit)
        fields = self._small.fields
        small = {v: self._small.project(v, data[v]) if v in fields else data[v]
                 for v in self._small_variables}
        context = self.pool.context("small", small)
        out = {}
        for rule in self._to_judge:
            outcome = verdict(rule, lambda program: program.run(context))
            if outcome is not None:
                out[rule.id] = self._as_reported(rule.id, outcome, unit)
        return out

    def _data(self, unit: Unit) -> dict[str, Any]:
        """The unit's context, as the evaluator builds it, with no alternative."""
        info = unit.info
        name = info.source.manifest.metadata.name
        data = self.factory.unit(info, unit, self.spend.workflows.get((name, info.workflow.name), 0.0),
                                 self.spend.manifests.get(name, 0.0))
        data["alternative"] = None
        return data

    def _as_reported(self, rule_id: str, outcome: str, unit: Unit) -> str:
        """A rule that reads `alternative` is judged against the cheapest alternative, which
        only the evaluator computed: it fired where the check reported it."""
        if rule_id in self._alternative:
            return FIRED if (rule_id, unit.info.path) in self.reported else PASSED
        return outcome

    def _judged(self, unit: Unit) -> dict[str, str]:
        """{rule: outcome} of every step rule on a unit's context, for those whose `when`
        held: for a unit of which the check kept nothing."""
        info = unit.info
        data = self._data(unit)
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
        return {rule_id: self._as_reported(rule_id, outcome, unit) for rule_id, outcome in raw}
