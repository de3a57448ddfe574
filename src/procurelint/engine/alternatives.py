"""The cheapest compliant alternative for a step (COST006 and `procurelint cost`).

A candidate is any catalog offer of equal or higher capability than the step's model. It is
compliant when no error-severity step rule fires for the step's data on it.

Compliance is worked out by facts, not by step and offer. Steps whose facts the compliance
rules read are equal (their classes, regimes, tiers, route; yearly records only as far as
they put a provider over a bulk threshold) form one group, and each group is judged once
against every offer, as a set of offers (a bit mask). Each rule is judged once per distinct
pair of the facts it reads itself: the step's side (say the step's regimes) and the offer's
(say the endpoint's BAA), so that a rule that reads only the endpoint is run once per endpoint
that differs in what it reads, not once per offer or per step; the offers a rule fails on
are kept per set of what it reads of the step's side, which groups that differ only in what
other rules read share. The compliant offers a group finds are pruned to those no other
compliant offer beats on every price (groups with the same compliant offers share that
list), and each step then prices only that short list for its own token mix. A small run
(FEW_STEPS) tries offers cheapest first instead, judging first the rules that read nothing
of an offer's endpoint: most offers fail on their model or provider.

Where a compliance rule reads what a step costs (`step.monthlyUsd`), or the whole step, its
verdict depends on each offer's price for each step: such a policy is judged per step and
offer, cheapest offer first. Even then each pair is judged rule by rule: the rules that read
the cost (or the whole step) on the step as it would cost at that offer, every other rule by
the facts it reads, as above (with the LiteLLM price list imported, a one-process check of
150 manifests with one such rule went from 189 s to 27 s).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterator, Sequence
from typing import Any

from procurelint import facts as catalog_facts
from procurelint.policy.config import Config
from procurelint.expressions import CelEvalError, ContextPool
from procurelint.engine.context import ContextFactory
from procurelint.engine.costs import monthly_cost
from procurelint.engine import judgement
from procurelint.engine.projection import LISTS, Projector, freeze
from procurelint.engine.units import StepInfo, Unit
from procurelint.facts import CAPABILITY_RANK
from procurelint.policy.packs import CompiledRule

# Without judging by facts: after this many searches for one set of facts, finding every
# compliant offer once (and pruning it to the price front) is cheaper than trying offers
# cheapest first each time.
FRONT_AFTER = 3

# A group's mask judges every offer at once, which pays when many steps share it. A run that
# searches for fewer steps than this (a small repository, a pre-commit run) tries offers
# cheapest first instead, as without judging by facts; both name the same alternative.
FEW_STEPS = 64

# The variables of a unit's context: the step's side, and the offer's (with the bulk and
# transfer values, which depend on both and are worked out per group of steps).
STEP_SIDE = ("step", "workflow", "manifest", "route", "tier", "tiers", "policy", "today",
             "alternative")
OFFER_SIDE = ("model", "endpoint", "provider", "bulk", "transfer")
_OFFER_VARIABLES = frozenset(OFFER_SIDE)
_ENTRY_SIDE = frozenset({"endpoint", "transfer"})
_CATALOG_SIDE = ("model", "endpoint", "provider", "route", "transfer")
PROJECTED = ("step", "workflow", "manifest", "route", "model", "endpoint", "provider", "bulk",
             "transfer")
"""The variables of a unit whose fields a rule's projection keeps (others are passed whole);
the evaluator's step rules project the same ones."""
_BULK_RECORDS = re.compile(r"\bbulk\s*\.\s*records\b(?!\s*[!=]=\s*null\b)")
_NULL_BULK_RECORDS = re.compile(r"\bnull\s*[!=]=\s*bulk\s*\.\s*records\b")


class AlternativeFinder:
    """Finds, per step, the cheapest offer that passes every error-severity step rule."""

    def __init__(self, config: Config, factory: ContextFactory, rules: list[CompiledRule],
                 pool: ContextPool | None = None, projector: Projector | None = None,
                 steps: int | None = None) -> None:
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
            names=PROJECTED,
        )
        # And of the offers: offers whose entries agree on every field the rules read share
        # one group (an imported price list lists many models whose read facts are alike).
        self._offer_facts = Projector(
            (source for r in self.rules for source in (r.rule.when, r.rule.violation or "")),
            names=("model", "endpoint", "provider", "transfer"), fresh=frozenset(), nested=True)
        step_fields = self._facts.fields["step"]
        self._reads_cost = step_fields is None or "monthlyUsd" in step_fields
        # Judging by facts (the module's docstring) needs a step whose compliance does not
        # depend on the offer's price for it.
        self.by_facts = not self._reads_cost
        # Otherwise each (step, offer) is judged rule by rule: the rules that read the step's
        # cost (or the whole step) on the step as that offer would cost it, the others by the
        # facts they read, as when judging by facts. False: on the whole context (`_evaluate`).
        self.by_rule = self._reads_cost
        # `steps`: how many steps the run searches for, when known (see FEW_STEPS).
        self.few_steps = steps is not None and steps < FEW_STEPS
        self._verdicts: dict[tuple[Any, ...], bool] = {}
        self._fronts: dict[tuple[Any, ...], list[tuple[float, float, float, str, str]]] = {}
        self._mask_fronts: dict[tuple[int, int], list[tuple[float, float, float, str, str]]] = {}
        """Judging by facts: the front per mask of compliant offers and rank."""
        self._searches: dict[tuple[Any, ...], int] = {}
        self._keys: dict[int, tuple[StepInfo, tuple[Any, ...]]] = {}
        catalog = config.catalog
        self._offers = catalog.offers()
        # Per capability rank, the offers of that rank or above, as plain price tuples (with
        # their place in `_offers` last, for the masks of compliant offers).
        offers = [
            (price.input, price.cached_input if price.cached_input is not None else price.input,
             price.output, endpoint_id, model_id,
             CAPABILITY_RANK[catalog.models[model_id].capability], index)
            for index, (endpoint_id, model_id, price) in enumerate(self._offers)
        ]
        self._ranks = {model_id: CAPABILITY_RANK[model.capability]
                       for model_id, model in catalog.models.items()}
        self._by_rank = {
            rank: [o[:5] for o in offers if o[5] >= rank] for rank in set(CAPABILITY_RANK.values())
        }
        self._priced = offers
        self._sums: dict[int, list[tuple[float, float, float, str, str, int]]] = {}
        """Per rank, `_by_sum` (filled on first use: a search of a few steps, cheapest first,
        never needs them)."""
        # Per rank, each offer's place in `_by_sum(rank)` by its place in `_offers` (filled on
        # first use): a mask's compliant offers are put in that order without a pass over all.
        self._places: dict[int, dict[int, int]] = {}
        # Judging by facts: filled on first use (a run without COST006, `cost` or `report`
        # never builds them).
        sources = [(r.rule.when, r.rule.violation or "") for r in self.rules]
        bulk_fields = Projector((s for pair in sources for s in pair), names=("bulk",)).fields["bulk"]
        # Yearly records matter only against the bulk thresholds when the rules read nothing
        # of them but whether they are known.
        self._records_by_threshold = bulk_fields is not None and not any(
            _BULK_RECORDS.search(_NULL_BULK_RECORDS.sub("null", source))
            for pair in sources for source in pair)
        self._judged = [r for r in self.rules if "alternative" not in r.when.variables]
        self._rule_facts = [
            Projector((r.rule.when, r.rule.violation or ""), names=PROJECTED,
                      fresh=frozenset({"step"}), lists=LISTS)
            for r in self._judged
        ]
        self._reads = [
            (tuple(v for v in STEP_SIDE if v in r.variables),
             tuple(v for v in OFFER_SIDE if v in r.variables))
            for r in self._judged
        ]
        numbers = range(len(self._judged))
        self._by_entry = tuple(n for n in numbers if not _ENTRY_SIDE & set(self._reads[n][1]))
        """The rules (by number in `_judged`) that read nothing of the offer's endpoint (nor
        its transfer), in order: judged first, on values cheap to build (`_offer_head`)."""
        self._by_endpoint = tuple(n for n in numbers if n not in self._by_entry)
        self._heads: dict[int, dict[str, Any] | None] = {}
        self._groups: list[tuple[int, dict[str, Any], int]] | None = None
        self._every = 0
        """The mask of every offer in `_groups`."""
        self._index: dict[tuple[str, str], int] | None = None
        self._group_verdicts: dict[tuple[Any, ...], bool] = {}
        self._masks: dict[tuple[Any, ...], int] = {}
        self._violations: dict[tuple[Any, ...], int] = {}
        """Per rule (its variant, as `_partition` takes it) and its values of the step's side,
        the mask of the offers it fails on."""
        self._by_inputs: dict[tuple[int, bool], list[tuple[dict[str, Any], int]]] = {}
        self._side_steps: dict[tuple[Any, ...], dict[str, Any]] = {}
        """A group of steps' `step` value as `_step_side` gave it to the rules."""
        self._costly = frozenset(
            number for number, projector in enumerate(self._rule_facts)
            if projector.fields["step"] is None or "monthlyUsd" in projector.fields["step"])
        """The rules (by number in `_judged`) that read the step's cost, or the whole step."""
        self._partitions: dict[tuple[Any, ...], list[tuple[tuple[int, ...], dict[str, Any], int]]] = {}
        self._outcomes: dict[tuple[Any, ...], bool] = {}
        self._when: dict[tuple[Any, ...], bool] = {}
        self._sides: dict[tuple[Any, ...], tuple[bool, list[tuple[dict[str, Any], tuple[int, ...]]]]] = {}
        self._values: dict[int, dict[str, Any] | None] = {}
        self._breakpoints: dict[int, list[int]] = {}
        self._coarse: dict[tuple[Any, ...], dict[str, Any]] = {}

    def _by_sum(self, rank: int) -> list[tuple[float, float, float, str, str, int]]:
        """The offers of this rank or above in order of their summed prices, each with its place
        in `_offers` last."""
        found = self._sums.get(rank)
        if found is None:
            found = self._sums[rank] = sorted(
                ((*o[:5], o[6]) for o in self._priced if o[5] >= rank),
                key=lambda o: (o[0] + o[1] + o[2], o[3], o[4]))
        return found

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
            self._records(info) if self.by_facts else info.workflow.records_per_year,
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

    def _records(self, info: StepInfo) -> Any:
        """What a step's yearly records can change of a verdict: nothing without a bulk-data
        category; else whether they are declared and, when the rules read no more of them,
        which providers they put over the bulk threshold (the records the other workflows
        send each provider are settled before any step is judged)."""
        if not info.bulk_categories:
            return None
        own = info.workflow.records_per_year
        if own is None:
            return "undeclared"
        if not self._records_by_threshold:
            return own
        threshold = _threshold(info.bulk_categories)
        if threshold is None:
            return "declared"
        points = self._breakpoints.get(threshold)
        if points is None:
            # Records reach a provider's threshold once they exceed `threshold - existing`.
            providers = {self.config.catalog.endpoints[e].provider for e, _, _ in self._offers}
            points = self._breakpoints[threshold] = sorted(
                threshold - existing for existing in
                (self.factory.bulk.get(p, (0, False))[0] for p in providers)
                if existing is not None)
        return bisect_left(points, own)

    # -- judging by facts --------------------------------------------------------------------
    def _offer_groups(self) -> list[tuple[int, dict[str, Any], int]]:
        """Offers (aggregators left out: never a firm alternative) grouped by what the
        compliance rules read of their model, endpoint, provider and transfer values, and by
        what the provider already receives in bulk: (an offer of the group, its values, the
        mask of the group's offers)."""
        if self._groups is None:
            groups: dict[tuple[Any, ...], list[Any]] = {}
            for index in range(len(self._offers)):
                values = self._offer_values(index)
                if values is None:
                    continue
                signature = self._signature(values)
                group = groups.get(signature)
                if group is None:
                    groups[signature] = [index, values, 1 << index]
                else:
                    group[2] |= 1 << index
            self._groups = [(g[0], g[1], g[2]) for g in groups.values()]
            self._every = 0
            for _, _, offers in self._groups:
                self._every |= offers
        return self._groups

    def _bulk_value(self, info: StepInfo, provider_id: str) -> dict[str, Any]:
        """`bulk` as the step's data would make it at this provider (as `_evaluate` does)."""
        if not info.bulk_categories:
            value = self.factory.bulk_for(info, provider_id)
            records, threshold = value["records"], value["threshold"]
        else:
            existing, _ = self.factory.bulk.get(provider_id, (0, False))
            own = info.workflow.records_per_year
            records = None if existing is None or own is None else existing + own
            threshold = _threshold(info.bulk_categories)
        value = _bulk(records, threshold, bool(info.bulk_categories))
        if self._records_by_threshold and records is not None:
            value["records"] = 0  # only `records == null` is read: which number is not
        key = tuple(value.values())
        found = self._coarse.get(key)
        if found is None:
            found = self._coarse[key] = value
        return found

    def _mask(self, key: tuple[Any, ...], info: StepInfo) -> int:
        """The offers compliant for a group of steps (`key`), as a bit mask over `_offers`."""
        mask = self._masks.get(key)
        if mask is not None:
            return mask
        eu_personal, sides = self._step_side(key, info)
        groups = self._offer_groups()
        every = self._every
        violated = 0
        for number, rule in enumerate(self._judged):
            if violated == every:
                break
            offer_reads = self._reads[number][1]
            mine, side = sides[number]
            variant = (number, eu_personal if "transfer" in offer_reads else None,
                       self._records(info) if "bulk" in offer_reads else None,
                       tuple(info.bulk_categories) if "bulk" in offer_reads else None)
            # Groups of steps differ in a few of the facts each rule reads: each rule's verdicts
            # are worked out once per set of what it reads of the step's side.
            violations = self._violations.get((variant, side))
            if violations is None:
                violations = self._violations[(variant, side)] = self._rule_violations(
                    variant, rule, mine, side, info, eu_personal, groups)
            violated |= violations
        mask = self._masks[key] = every & ~violated
        return mask

    def _rule_violations(self, variant: tuple[Any, ...], rule: CompiledRule,
                         mine: dict[str, Any], side: tuple[int, ...], info: StepInfo,
                         eu_personal: bool, groups: list[tuple[int, dict[str, Any], int]]) -> int:
        """The mask of the offers one rule fails on for these values of the step's side."""
        number = variant[0]
        if not self._applies(number, rule, side, mine):
            return 0  # its `when` reads only the step's side, and is false: it passes
        violated = 0
        for _, theirs, offers in self._partition(variant, info, eu_personal, groups):
            if not self._passes(number, rule, mine, side, theirs):
                violated |= offers
        return violated

    def _step_side(self, key: tuple[Any, ...], info: StepInfo
                   ) -> tuple[bool, list[tuple[dict[str, Any], tuple[int, ...]]]]:
        """For a group of steps: whether it sends personal data of EU subjects, and per rule,
        the values it reads of the step's side (projected) and their identity."""
        found = self._sides.get(key)
        if found is None:
            factory = self.factory
            unit = Unit(info, info.step.model, info.step.endpoint, "primary", None, (), ())
            values: dict[str, Any] = {
                "step": factory.step(info, unit), "workflow": factory.workflow(info, 0.0),
                "manifest": factory.manifest(info.source.manifest, 0.0),
                "route": factory.route(info, unit), "tier": factory.tier(info.tier),
                "tiers": factory.tier_list(info.tiers), "policy": factory.policy(),
                "today": factory.today_text, "alternative": None,
            }
            eu_personal = bool(values["workflow"]["euSubjects"] and values["step"]["personal"])
            step_stable = False
            if self._facts.fields["step"] is not None:
                # What each rule reads of the step is part of what they all read: each rule
                # projects that, interned (so once per value), not the whole step again.
                values["step"] = self._facts.project("step", values["step"], False)
                step_stable = True
            sides = []
            for number, projector in enumerate(self._rule_facts):
                mine = {v: projector.project(v, values[v], v != "step" or step_stable)
                        for v in self._reads[number][0]}
                sides.append((mine, tuple(id(value) for value in mine.values())))
            found = self._sides[key] = (eu_personal, sides)
            self._side_steps[key] = values["step"]
        return found

    def _offer_head(self, index: int) -> dict[str, Any] | None:
        """An offer's model and provider values as the compliance rules read them, which its
        model and provider share with other offers (None for an aggregator's)."""
        if index not in self._heads:
            catalog, factory, facts = self.config.catalog, self.factory, self._offer_facts
            endpoint_id, model_id, _ = self._offers[index]
            provider = catalog.providers[catalog.endpoints[endpoint_id].provider]
            if provider.kind == "aggregator":
                self._heads[index] = None  # its upstream is chosen at request time
            else:
                # What any compliance rule reads of them: each rule's own projections of these
                # are then shared by every offer that agrees on it.
                self._heads[index] = {
                    "model": facts.project("model", factory.model(catalog.models[model_id]), True),
                    "provider": facts.project("provider", factory.provider(provider), True),
                    "provider_id": provider.id,
                }
        return self._heads[index]

    def _offer_values(self, index: int) -> dict[str, Any] | None:
        """An offer's values as the compliance rules read them (None for an aggregator's)."""
        if index not in self._values:
            head = self._offer_head(index)
            if head is None:
                self._values[index] = None
            else:
                catalog, factory, facts = self.config.catalog, self.factory, self._offer_facts
                endpoint_id, model_id, _ = self._offers[index]
                endpoint = catalog.endpoints[endpoint_id]
                endpoint_ctx = factory.endpoint(endpoint, model_id)
                provider_ctx = factory.provider(catalog.providers[endpoint.provider])
                self._values[index] = {
                    **head,
                    "endpoint": facts.project("endpoint", endpoint_ctx, True),
                    "transfer": tuple(
                        facts.project("transfer", factory.transfer_for(eu, endpoint_ctx, provider_ctx), True)
                        for eu in (False, True)),
                }
        return self._values[index]

    def _offer_side(self, number: int, values: dict[str, Any], info: StepInfo,
                    eu_personal: bool) -> dict[str, Any]:
        """The values one rule reads of an offer's side, projected to what it reads."""
        projector = self._rule_facts[number]
        theirs = {}
        for name in self._reads[number][1]:
            if name == "transfer":
                value = values["transfer"][eu_personal]
            elif name == "bulk":
                value = self._bulk_value(info, values["provider_id"])
            else:
                value = values[name]
            theirs[name] = projector.project(name, value, True)
        return theirs

    def _passes(self, number: int, rule: CompiledRule, mine: dict[str, Any], side: tuple[int, ...],
                theirs: dict[str, Any]) -> bool:
        """Whether a rule passes on these values, judged once per set of them."""
        known = (number, side, tuple(id(value) for value in theirs.values()))
        passes = self._outcomes.get(known)
        if passes is None:
            # One context per rule, its variables converted again only where they changed: the
            # step's side stays while offers are tried, and converting is most of a run's cost.
            context = self.pool.context(("rule facts", number), {**mine, **theirs})
            passes = self._outcomes[known] = judgement.outcome(rule, context_runner(context)) is False
        return passes

    def _applies(self, number: int, rule: CompiledRule, side: tuple[int, ...],
                 mine: dict[str, Any]) -> bool:
        """False when the rule's `when` reads nothing of the offer and is false for these
        values of the step's side (so the rule passes on every offer); True otherwise."""
        if rule.when.variables & _OFFER_VARIABLES:
            return True
        known = self._when.get((number, side))
        if known is None:
            try:
                known = rule.when.run(self.pool.context(("rule when", number), mine)) is not False
            except CelEvalError:
                known = True  # judged, and reported as a violation, offer by offer
            self._when[(number, side)] = known
        return known

    def _partition(self, variant: tuple[Any, ...], info: StepInfo, eu_personal: bool,
                   groups: list[tuple[int, dict[str, Any], int]]
                   ) -> list[tuple[tuple[int, ...], dict[str, Any], int]]:
        """The offer groups merged by what one rule reads of them: (the identity of those
        values, the values, the mask of their offers)."""
        found = self._partitions.get(variant)
        if found is None:
            number = variant[0]
            reads = self._reads[number][1]
            merged: dict[tuple[int, ...], list[Any]] = {}
            for values, offers in self._inputs(number, eu_personal, groups):
                theirs = self._offer_side(number, values, info, eu_personal)
                signature = tuple(id(theirs[name]) for name in reads)
                entry = merged.get(signature)
                if entry is None:
                    entry = merged[signature] = [signature, theirs, 0]
                entry[2] |= offers
            found = self._partitions[variant] = [(e[0], e[1], e[2]) for e in merged.values()]
        return found

    def _inputs(self, number: int, eu_personal: bool, groups: list[tuple[int, dict[str, Any], int]]
                ) -> list[tuple[dict[str, Any], int]]:
        """The offer groups merged by the catalog values one rule reads of them, whatever the
        step: (the values of the first, the mask of all their offers). Groups that agree on
        them share the rule's projection of them, projected once per such set and variant (an
        imported price list has thousands of groups, and most rules read only a few dozen
        distinct endpoints or providers of them)."""
        found = self._by_inputs.get((number, eu_personal))
        if found is None:
            reads = self._reads[number][1]
            merged: dict[tuple[Any, ...], list[Any]] = {}
            for _, values, offers in groups:
                inputs = tuple([values["provider_id"] if name == "bulk"
                                else id(values["transfer"][eu_personal]) if name == "transfer"
                                else id(values[name]) for name in reads])
                entry = merged.get(inputs)
                if entry is None:
                    merged[inputs] = [values, offers]
                else:
                    entry[1] |= offers
            found = self._by_inputs[(number, eu_personal)] = [(e[0], e[1]) for e in merged.values()]
        return found

    def compliant(self, info: StepInfo, endpoint_id: str, model_id: str) -> bool:
        """Whether the step's data could go to this offer without an error finding."""
        key = self._key(info)
        remembered = key + (endpoint_id, model_id)
        verdict = self._verdicts.get(remembered)
        if verdict is None:
            index = self._offer_index().get((endpoint_id, model_id)) \
                if self.by_facts or self.by_rule else None
            if index is None:
                verdict = self._evaluate(info, endpoint_id, model_id)
            elif self.by_facts:
                verdict = self._compliant_by_facts(key, info, index)
            else:  # some rule reads the step's cost: judged at this offer's
                values = self._offer_values(index)  # None: an aggregator's
                cost = monthly_cost(info.tokens, self.config.catalog.offer(endpoint_id, model_id))
                verdict = values is not None and self._judged_by_facts(key, info, values, cost)
            self._verdicts[remembered] = verdict
        return verdict

    def _offer_index(self) -> dict[tuple[str, str], int]:
        if self._index is None:
            self._index = {(endpoint_id, model_id): index
                           for index, (endpoint_id, model_id, _) in enumerate(self._offers)}
        return self._index

    def _compliant_by_facts(self, key: tuple[Any, ...], info: StepInfo, index: int) -> bool:
        """One offer judged as `_mask` judges a group of them: each rule once per distinct
        pair of what it reads of the step's side and of the offer's, on a context of only
        those values (a rule that reads only the endpoint runs once per endpoint that differs
        in what it reads, whichever step is searched)."""
        head = self._offer_head(index)
        if head is None:
            return False  # an aggregator's
        # Most offers a search tries fail on their model or provider alone: those rules are
        # judged first, before the offer's endpoint values are built.
        if not self._judged_by_facts(key, info, head, numbers=self._by_entry):
            return False
        values = self._offer_values(index)
        assert values is not None
        # Offers that agree on what the rules read of them (an imported price list holds
        # many) share the verdict, as they share a group of the masks. (They agree on the
        # rules judged above as well: only offers that passed those ask.)
        group = (key, self._signature(values))
        verdict = self._group_verdicts.get(group)
        if verdict is None:
            verdict = self._group_verdicts[group] = self._judged_by_facts(
                key, info, values, numbers=self._by_endpoint)
        return verdict

    def _judged_by_facts(self, key: tuple[Any, ...], info: StepInfo, values: dict[str, Any],
                         cost: float | None = None, numbers: Sequence[int] | None = None) -> bool:
        """Whether an offer (its `values`) passes every compliance rule for a group of steps,
        each rule judged by the facts it reads of both, remembered. With `cost` (what the step
        would cost a month at this offer), the rules that read the cost or the whole step are
        judged on the step as it would cost there, with nothing remembered (the cost is new
        for nearly every pair). `numbers`: only these rules (by number in `_judged`)."""
        eu_personal, sides = self._step_side(key, info)
        step: dict[str, Any] | None = None
        judged = self._judged
        for number in range(len(judged)) if numbers is None else numbers:
            rule = judged[number]
            mine, side = sides[number]
            if cost is not None and number in self._costly:
                if step is None:
                    step = {**self._side_steps[key], "monthlyUsd": cost}
                theirs = self._offer_side(number, values, info, eu_personal)
                context = self.pool.context(("rule facts", number), {**mine, "step": step, **theirs})
                if judgement.outcome(rule, context_runner(context)) is not False:
                    return False  # violated, or not evaluable, which is reported as a violation
                continue
            if not self._applies(number, rule, side, mine):
                continue
            theirs = self._offer_side(number, values, info, eu_personal)
            if not self._passes(number, rule, mine, side, theirs):
                return False
        return True

    def _signature(self, values: dict[str, Any]) -> tuple[Any, ...]:
        """What sets an offer's group apart (see `_offer_groups`)."""
        return (*(id(values[v]) for v in ("model", "endpoint", "provider")),
                *(id(t) for t in values["transfer"]),
                self.factory.bulk.get(values["provider_id"]))

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
        # And of the catalog's entries, which change from one candidate to the next: only the
        # fields the compliance rules read (each entry is projected once, as it is shared).
        for var in _CATALOG_SIDE:
            data[var] = self._facts.project(var, data[var])
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

    def front(self, info: StepInfo, rank: int,
              key: tuple[Any, ...] | None = None) -> list[tuple[float, float, float, str, str]]:
        """The compliant offers of this rank or above that no other compliant offer beats on
        every price: the cheapest compliant offer for any token mix is one of them.

        Offers are taken in order of their summed prices, so an offer that beats another on
        every price comes first; an offer already beaten by a compliant one is skipped (without
        judging its compliance at all, when not judging by facts).
        """
        if key is None:
            key = self._key(info)
        front = self._fronts.get((key, rank))
        if front is None:
            mask = self._mask(key, info) if self.by_facts else None
            if mask is not None:
                # Groups of steps with the same compliant offers share their front.
                front = self._mask_fronts.get((mask, rank))
                if front is not None:
                    self._fronts[(key, rank)] = front
                    return front
            front = []
            by_sum = self._by_sum(rank)
            if mask is not None:  # the compliant offers only, in the order of their summed prices
                places = self._places.get(rank)
                if places is None:
                    places = self._places[rank] = {o[5]: p for p, o in enumerate(by_sum)}
                candidates = [by_sum[p] for p in sorted(
                    places[i] for i in _set_bits(mask) if i in places)]
            else:
                candidates = by_sum
            lowest = (float("inf"),) * 3
            for offer in candidates:
                # Skip only offers a compliant one beats on every price, or matches exactly
                # (coming first by name): then the named alternative is the same, cost and
                # name, whichever way a step's search ran. An offer below the front's lowest
                # price of some kind is neither.
                if not (offer[0] < lowest[0] or offer[1] < lowest[1] or offer[2] < lowest[2]) \
                        and any((p[0] < offer[0] and p[1] < offer[1] and p[2] < offer[2])
                                or p[:3] == offer[:3] for p in front):
                    continue
                if self.by_facts or self.compliant(info, offer[3], offer[4]):
                    front.append(offer[:5])
                    lowest = (min(lowest[0], offer[0]), min(lowest[1], offer[1]),
                              min(lowest[2], offer[2]))
            self._fronts[(key, rank)] = front
            if mask is not None:
                self._mask_fronts[(mask, rank)] = front
        return front

    def _cheapest_first(self, info: StepInfo, unit: Unit, rank: int,
                        current: float) -> dict[str, Any] | None:
        """Try offers cheapest first: few compliance checks for a set of facts seen rarely."""
        tokens = info.tokens
        ti, tc, to = tokens.input, tokens.cached_input, tokens.output
        # Only offers cheaper than the step's own are candidates; the others are left out before
        # sorting (an imported price list holds thousands of offers, most of them no cheaper).
        priced = []
        for pi, pc, po, endpoint_id, model_id in self._by_rank[rank]:
            cost = (ti * pi + tc * pc + to * po) / 1_000_000
            if cost < current:
                priced.append((cost, endpoint_id, model_id))
        priced.sort()
        for cost, endpoint_id, model_id in priced:
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
        key = self._key(info, data, seen)
        front = self._fronts.get((key, rank))
        if front is None:
            if not self.by_facts or self.few_steps:
                searched = self._searches.get((key, rank), 0)
                self._searches[(key, rank)] = searched + 1
                if searched < FRONT_AFTER:
                    return self._cheapest_first(info, unit, rank, current)
            front = self.front(info, rank, key)
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


def _set_bits(mask: int) -> Iterator[int]:
    """The places of the bits `mask` sets, lowest first."""
    bits = bin(mask)[:1:-1]  # bit i as character i
    place = bits.find("1")
    while place >= 0:
        yield place
        place = bits.find("1", place + 1)


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


def context_runner(context: Any) -> judgement.Run:
    """Runs a rule's expressions on one CEL context."""
    return lambda program: program.run(context)


def _threshold(categories: list[str]) -> int | None:
    """The lowest bulk threshold of these categories (as `ContextFactory.bulk_for` finds it)."""
    thresholds = [catalog_facts.BULK_THRESHOLDS[c] for c in categories
                  if c in catalog_facts.BULK_THRESHOLDS]
    return min(thresholds) if thresholds else None


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
