"""The cheapest compliant alternative for a step (COST006 and `procurelint cost`).

A candidate is any catalog offer of equal or higher capability than the step's model. It is
compliant when no error-severity step rule fires for the step's data on it. Steps that hold the
same data under the same regimes share one search: once a set of compliance-relevant facts
recurs, its compliant offers are found once, pruned to those that no other compliant offer
beats on every price, and each step then only prices that short list for its own token mix.
A set of facts seen only a few times (a small repository) tries offers cheapest first.
"""

from __future__ import annotations

from typing import Any

from procurelint.policy.config import Config
from procurelint.expressions import ContextPool
from procurelint.engine.context import ContextFactory
from procurelint.engine.costs import monthly_cost
from procurelint.engine import judgement
from procurelint.engine.projection import Projector, freeze
from procurelint.engine.units import StepInfo, Unit
from procurelint.facts import CAPABILITY_RANK
from procurelint.policy.packs import CompiledRule

# After this many searches for one set of facts, finding every compliant offer once (and
# pruning it to the price front) is cheaper than trying offers cheapest first each time.
FRONT_AFTER = 3


class AlternativeFinder:
    """Finds, per step, the cheapest offer that passes every error-severity step rule."""

    def __init__(self, config: Config, factory: ContextFactory, rules: list[CompiledRule],
                 pool: ContextPool | None = None, projector: Projector | None = None) -> None:
        self.config = config
        self.factory = factory
        self.pool = pool or ContextPool()
        self.projector = projector
        self._bulks: dict[tuple[int | None, int | None], dict[str, Any]] = {}
        self.rules = [
            r for r in rules if r.severity == "error" and r.pack != "cost" and r.violation is not None
        ]
        self._facts = Projector(
            (source for r in self.rules for source in (r.rule.when, r.rule.violation or "")),
            names=("step", "workflow", "manifest", "route"),
        )
        step_fields = self._facts.fields["step"]
        self._reads_cost = step_fields is None or "monthlyUsd" in step_fields
        self._verdicts: dict[tuple[Any, ...], bool] = {}
        self._fronts: dict[tuple[Any, ...], list[tuple[float, float, float, str, str]]] = {}
        self._searches: dict[tuple[Any, ...], int] = {}
        self._keys: dict[int, tuple[StepInfo, tuple[Any, ...]]] = {}
        catalog = config.catalog
        # Per capability rank, the offers of that rank or above, as plain price tuples.
        offers = [
            (price.input, price.cached_input if price.cached_input is not None else price.input,
             price.output, endpoint_id, model_id,
             CAPABILITY_RANK[catalog.models[model_id].capability])
            for endpoint_id, model_id, price in catalog.offers()
        ]
        self._ranks = {model_id: CAPABILITY_RANK[model.capability]
                       for model_id, model in catalog.models.items()}
        self._by_rank = {
            rank: [o[:5] for o in offers if o[5] >= rank] for rank in set(CAPABILITY_RANK.values())
        }
        self._by_sum = {
            rank: sorted(listed, key=lambda o: (o[0] + o[1] + o[2], o[3], o[4]))
            for rank, listed in self._by_rank.items()
        }

    def _key(self, info: StepInfo, data: dict[str, Any] | None = None,
             seen: dict[str, Any] | None = None) -> tuple[Any, ...]:
        key = self._keys.get(id(info))
        if key is None or key[0] is not info:
            key = self._keys[id(info)] = (info, self._make_key(info, data, seen))
        return key[1]

    def _make_key(self, info: StepInfo, data: dict[str, Any] | None,
                  seen: dict[str, Any] | None) -> tuple[Any, ...]:
        """Everything about the step that can change a compliance verdict: the fields the
        compliance rules read of the step, workflow, manifest and route, and the facts the
        candidate's tier, bulk and transfer values are built from. Steps with equal keys get
        the same verdict on every offer, so they share one search.

        `data` is the context of the step's primary unit when the caller has built it, and
        `seen` its values as the evaluator projected and interned them (a superset of the
        fields read here): projecting those again is cheap, as each is projected once."""
        if data is None:
            unit = Unit(info, info.step.model, info.step.endpoint, "primary", None, (), ())
            data = {"step": self.factory.step(info, unit),
                    "workflow": self.factory.workflow(info, 0.0),
                    "manifest": self.factory.manifest(info.source.manifest, 0.0),
                    "route": self.factory.route(info, unit)}
        facts = []
        for name in ("step", "workflow", "manifest", "route"):
            value, stable = data[name], name != "step"  # workflow, manifest, route: cached
            if (seen is not None and self.projector is not None
                    and self.projector.fields.get(name) is not None):
                value, stable = seen[name], True  # interned
            facts.append(self._fact(name, value, stable))
        key: tuple[Any, ...] = (
            *facts, info.tier, tuple(info.tiers), tuple(info.bulk_categories),
            info.workflow.records_per_year,
            bool(data["workflow"]["euSubjects"] and data["step"]["personal"]),
        )
        if self._reads_cost:
            tokens = info.tokens  # with the offer's prices, they make the step's cost there
            key += (tokens.input, tokens.cached_input, tokens.output)
        return key

    def _fact(self, name: str, value: dict[str, Any], stable: bool) -> Any:
        """The fields the compliance rules read of a value: the interned projection, which
        lives as long as this finder (so its id is its identity), or the whole value frozen."""
        if self._facts.fields[name] is None:
            return freeze(value)
        return id(self._facts.project(name, value, stable))

    def compliant(self, info: StepInfo, endpoint_id: str, model_id: str) -> bool:
        """Whether the step's data could go to this offer without an error finding."""
        key = self._key(info) + (endpoint_id, model_id)
        verdict = self._verdicts.get(key)
        if verdict is None:
            verdict = self._evaluate(info, endpoint_id, model_id)
            self._verdicts[key] = verdict
        return verdict

    def _evaluate(self, info: StepInfo, endpoint_id: str, model_id: str) -> bool:
        catalog = self.config.catalog
        provider = catalog.endpoints[endpoint_id].provider
        if catalog.providers[provider].kind == "aggregator":
            return False  # its upstream is chosen at request time: never a firm alternative
        unit = Unit(info, model_id, endpoint_id, "primary", None, info.node + ("endpoint",),
                    info.node + ("model",))
        unit.monthly_usd = monthly_cost(info.tokens, catalog.offer(endpoint_id, model_id))
        data = self.factory.unit(info, unit, 0.0, 0.0)
        data["alternative"] = None
        if info.bulk_categories:
            # The step's own volume now reaches this provider as well.
            existing, _ = self.factory.bulk.get(provider, (0, False))
            own = info.workflow.records_per_year
            records = None if existing is None or own is None else existing + own
            threshold = data["bulk"]["threshold"]
            bulk = self._bulks.get((records, threshold))
            if bulk is None:
                bulk = self._bulks[(records, threshold)] = _bulk(records, threshold)
            data["bulk"] = bulk
        if self.projector is not None:
            # Only the fields rules read, interned: converting whole values is most of the cost.
            for var in ("step", "workflow", "manifest"):
                data[var] = self.projector.project(var, data[var])
        # One context per tier: between candidates only the catalog entries change, and
        # updating those is cheaper than converting a whole new context.
        context = self.pool.context(("alternative", info.tier), data)
        for rule in self.rules:
            if "alternative" in rule.when.variables:
                continue
            if judgement.outcome(rule, lambda program: program.run(context)) is not False:
                return False  # violated, or not evaluable, which is reported as a violation
        return True

    def rank(self, model_id: str) -> int:
        """The capability rank of a model: alternatives are of this rank or above."""
        return self._ranks[model_id]

    def front(self, info: StepInfo, rank: int) -> list[tuple[float, float, float, str, str]]:
        """The compliant offers of this rank or above that no other compliant offer beats on
        every price: the cheapest compliant offer for any token mix is one of them.

        Offers are taken in order of their summed prices, so an offer that beats another on
        every price comes first; an offer already beaten by a compliant one is skipped without
        judging its compliance at all.
        """
        key = (self._key(info), rank)
        front = self._fronts.get(key)
        if front is None:
            front = []
            for offer in self._by_sum[rank]:
                # Skip only offers a compliant one beats on every price, or matches exactly
                # (coming first by name): then the named alternative is the same, cost and
                # name, whichever way a step's search ran.
                if any((p[0] < offer[0] and p[1] < offer[1] and p[2] < offer[2])
                       or p[:3] == offer[:3] for p in front):
                    continue
                if self.compliant(info, offer[3], offer[4]):
                    front.append(offer)
            self._fronts[key] = front
        return front

    def _cheapest_first(self, info: StepInfo, unit: Unit, rank: int,
                        current: float) -> dict[str, Any] | None:
        """Try offers cheapest first: few compliance checks for a set of facts seen rarely."""
        tokens = info.tokens
        ti, tc, to = tokens.input, tokens.cached_input, tokens.output
        priced = sorted(
            ((ti * pi + tc * pc + to * po) / 1_000_000, endpoint_id, model_id)
            for pi, pc, po, endpoint_id, model_id in self._by_rank[rank]
        )
        for cost, endpoint_id, model_id in priced:
            if cost >= current:
                return None
            if (endpoint_id, model_id) == (unit.endpoint_id, unit.model_id):
                continue
            if self.compliant(info, endpoint_id, model_id):
                return _alternative(model_id, endpoint_id, cost, current)
        return None

    def find(self, info: StepInfo, unit: Unit, data: dict[str, Any],
             seen: dict[str, Any] | None = None) -> dict[str, Any] | None:
        """The cheapest compliant offer cheaper than the unit's own cost, or None; `seen` as
        for `_make_key`."""
        current = unit.monthly_usd
        if current <= 0 or not info.step.tokens_per_call:
            return None
        rank = self._ranks[unit.model_id]
        key = (self._key(info, data, seen), rank)
        front = self._fronts.get(key)
        if front is None:
            searched = self._searches.get(key, 0)
            self._searches[key] = searched + 1
            if searched < FRONT_AFTER:
                return self._cheapest_first(info, unit, rank, current)
            front = self.front(info, rank)
        tokens = info.tokens
        ti, tc, to = tokens.input, tokens.cached_input, tokens.output
        own_endpoint, own_model = unit.endpoint_id, unit.model_id
        best: tuple[float, str, str] | None = None
        for pi, pc, po, endpoint_id, model_id in front:  # a few offers: a plain loop is fastest
            if endpoint_id == own_endpoint and model_id == own_model:
                continue
            candidate = ((ti * pi + tc * pc + to * po) / 1_000_000, endpoint_id, model_id)
            if best is None or candidate < best:
                best = candidate
        if best is None or best[0] >= current:
            return None
        cost, endpoint_id, model_id = best
        return _alternative(model_id, endpoint_id, cost, current)


def _alternative(model_id: str, endpoint_id: str, cost: float, current: float) -> dict[str, Any]:
    saving = current - cost
    return {
        "model": model_id, "endpoint": endpoint_id, "monthlyUsd": cost,
        "savingUsd": saving, "savingPercent": saving * 100.0 / current,
    }


def _bulk(records: int | None, threshold: int | None, personal: bool = True) -> dict[str, Any]:
    """`bulk` as `ContextFactory.bulk_for` builds it; `personal`: the step's workflow holds
    personal data of a bulk category (whatever the step narrows to)."""
    exceeded = threshold is not None and (records is None or records > threshold)
    return {"records": records, "threshold": threshold, "exceeded": exceeded,
            "undeclared": records is None, "personal": personal}


def cheapest_compliant(finder: AlternativeFinder, info: StepInfo, unit: Unit) -> dict[str, Any]:
    """The cheapest compliant offer of equal or higher capability for a step, whatever it costs
    (the audit report shows it for a step with findings; COST006 only looks for cheaper ones):
    {found: true, current, model, endpoint, monthlyUsd, currentUsd, deltaUsd}, or
    {found: false, reason: no-tokens | none-compliant}."""
    front = finder.front(info, finder.rank(unit.model_id))
    t = info.tokens
    if t.total == 0:  # every offer would cost nothing: "cheapest" means nothing
        return {"found": False, "reason": "no-tokens"}
    if not front:
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
