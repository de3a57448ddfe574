"""Evaluating the compiled rules over every unit, workflow, manifest, team and the org.

The evaluator offers the phases of a run (walk, contributions, settle, judge_local,
duplicates, judge_global); the pipeline calls them in order, in one process or in several.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from collections import defaultdict
from operator import is_, itemgetter
from typing import TYPE_CHECKING, Any

from msgspec import Struct

from procurelint.policy.config import Config
from procurelint.policy.core_rules import message
from procurelint.engine.alternatives import PROJECTED, AlternativeFinder
from procurelint.expressions import CelEvalError, ContextPool, Program, new_context
from procurelint.engine.context import UNIT_VARIABLES, ContextFactory
from procurelint.engine import judgement
from procurelint.engine.judgement import Judged
from procurelint.engine.projection import LISTS, Projector, item_fields
from procurelint.engine.messages import render
from procurelint.engine.totals import Contributions, Declared, ManifestRef, Spend
from procurelint.engine.units import ManifestInput, Unit, Walk, walk
from procurelint.errors import Location
from procurelint.findings import Finding
from procurelint.policy.packs import STEP_VARIABLES, CompiledRule

if TYPE_CHECKING:  # imported when a team is compared (`_teams`)
    from procurelint.engine.lookalike import Namesakes

_ABSENT = object()  # a variable the small context lacks: CEL reports it when the rule runs


class Evaluation(Struct):
    """What one slice of a run was judged on, for the commands that show more than findings
    (`cost`, `report`): its walk, the settled spend, its context factory and alternatives."""

    findings: list[Finding]
    walk: Walk
    spend: Spend
    factory: ContextFactory
    alternatives: AlternativeFinder
    refs: list[ManifestRef]
    judged_rules: list[CompiledRule] = []
    """The step rules whose `judged` values the check kept per unit, in their order; rules
    that read `alternative` are not among them."""
    judged: dict[int, Sequence[Judged]] = {}
    """id(unit) -> each of `judged_rules`' `judgement.judged` on that unit."""


def _reads_of(rule: CompiledRule, context: dict[str, Any], fresh: frozenset[str],
              projectors: dict[Any, Projector]) -> _Reads:
    """What a rule reads of a unit's context (see `_Reads`). `fresh` names the values that are
    new for each unit; the others live as long as the run (interned, or cached by the
    context factory), so their identity is their value. Rules that read the same fields of a
    variable share its projector from `projectors`, so that a unit's value of it is projected
    once for them all."""
    names = tuple(sorted(v for v in rule.variables if v in context))
    projector = Projector((rule.rule.when, rule.rule.violation or ""), names=PROJECTED, fresh=fresh)
    parts = []
    for name in names:
        fields = projector.fields.get(name, ())  # () for a variable passed whole
        items = item_fields((rule.rule.when, rule.rule.violation or ""), name) \
            if name in LISTS else None
        key = (name, None if fields is None else frozenset(fields), items)
        shared = projectors.get(key)
        if shared is None:
            shared = projectors[key] = Projector((rule.rule.when, rule.rule.violation or ""),
                                                 names=(name,) if name in PROJECTED else (),
                                                 fresh=fresh,
                                                 lists=(name,) if name in LISTS else ())
        parts.append((name, shared))
    whole = any(n in fresh and projector.fields.get(n) is None for n in names)
    kept = tuple(i for i, n in enumerate(names) if n not in PROJECTED and n not in fresh)
    return _Reads(tuple(parts), names, tuple(id(p) for _, p in parts), None if whole else {},
                  kept=kept)



class _Reads(Struct):
    """The variables of a unit's context a rule reads, each with a projector to the fields it
    reads of it, and the memo of its outcomes by the projected values (None where the rule
    reads the whole of a value new for each unit, which cannot be known again). Each memo
    entry holds its values, so that no other value can take on their identities."""

    parts: tuple[tuple[str, Projector], ...]
    names: tuple[str, ...]
    shape: tuple[int, ...]
    """The identities of the projectors: rules of one shape read the same values."""
    projected: dict[Any, tuple[tuple[Any, ...], Judged]] | None
    slots: tuple[int, ...] = ()
    """Where the projected values are in a unit's `_Rows.row`, in the order of `parts`."""
    key: Callable[[list[int]], Any] = lambda ids: ()  # noqa: E731 - a rule that reads nothing
    """The memo key from a row's identities: its slots' identities (one alone as itself)."""
    kept: tuple[int, ...] = ()
    """Where in `names` are the values passed whole that live as long as the run (the tiers, a
    tier): few, and costly to convert (the tiers hold every tier's jurisdictions), so each of
    their combinations keeps a context of its own rather than being converted again."""


class _Rows:
    """A unit's values of what the plain step rules read, projected by each projector that
    they use, in one row; each rule then picks its memo key out of the row's identities (in C,
    by an `itemgetter`), rather than gathering its values rule by rule, as most units are
    judged by memos alone. A variable's projections are computed once per value (one that is
    new for each unit, once per unit)."""

    def __init__(self, pairs: list[tuple[CompiledRule, _Reads]], fresh: frozenset[str]) -> None:
        groups: dict[str, dict[int, Projector]] = {}
        for _, reads in pairs:
            if reads.projected is not None:
                for name, projector in reads.parts:
                    groups.setdefault(name, {})[id(projector)] = projector
        slot: dict[int, int] = {}
        for projectors in groups.values():
            for number in projectors:
                slot[number] = len(slot)
        self._groups = [(name, tuple(projectors.values()), name in fresh)
                        for name, projectors in groups.items()]
        for _, reads in pairs:
            if reads.projected is not None:
                reads.slots = tuple(slot[number] for number in reads.shape)
                if reads.slots:
                    reads.key = itemgetter(*reads.slots)
        self._known: dict[tuple[str, int], tuple[Any, tuple[Any, ...], tuple[int, ...]]] = {}
        """(variable, id(value)) -> the value (holding its identity), its projections and
        their identities."""

    def row(self, seen: dict[str, Any]) -> tuple[list[Any], list[int]]:
        """The projected values of a unit, and their identities."""
        values: list[Any] = []
        ids: list[int] = []
        known = self._known
        for name, projectors, fresh in self._groups:
            value = seen[name]
            entry = None if fresh else known.get((name, id(value)))
            if entry is None or entry[0] is not value:
                projected = tuple([p.project(name, value) for p in projectors])
                entry = (value, projected, tuple(map(id, projected)))
                if not fresh:
                    known[(name, id(value))] = entry
            values.extend(entry[1])
            ids.extend(entry[2])
        return values, ids


class _Failed:
    """An evaluation error as a memo keeps it: what it said, raised anew each time. (The error
    itself would keep the frames it was raised through, and gather more on each raise.)"""

    __slots__ = ("args",)

    def __init__(self, args: tuple[Any, ...]) -> None:
        self.args = args


class Evaluator:
    """One run of the rules over a set of manifests."""

    def __init__(self, config: Config, today: dt.date) -> None:
        self.config = config
        self.today = today
        self.findings: list[Finding] = []
        self.factory = ContextFactory(config, today)
        self.pool = ContextPool()
        self._verdicts: dict[int, tuple[tuple[Any, ...], tuple[Judged, ...]]] = {}
        self._outcome_sets: dict[tuple[Judged, ...], tuple[Judged, ...]] = {}
        self.judged: dict[int, Sequence[Judged]] | None = None
        """id(unit) -> `judgement.judged` of each of `plain_rules` on that unit, kept for the
        audit report where a run sets it to a dict (None: nothing is kept)."""
        self._rule_facts: dict[str, tuple[str, tuple[str, ...], str]] = {}
        self._program_results: dict[tuple[int, ...], tuple[tuple[Any, ...], Any]] = {}
        self._program_names: dict[int, tuple[str, ...]] = {}
        self._plain_reads: tuple[list[tuple[CompiledRule, _Reads]], _Rows] | None = None
        self._projectors: dict[Any, Projector] = {}
        self._every_scope: dict[str, list[CompiledRule]] = defaultdict(list)
        for rule in config.rules:
            if rule.violation is None:
                continue  # detected by the engine itself (core structural rules)
            for scope in rule.scopes:
                self._every_scope[scope].append(rule)
        self.by_scope: dict[str, list[CompiledRule]] = defaultdict(list)
        self.only(None)

    def only(self, judged: Callable[[str], bool] | None) -> None:
        """Judge only the rules for which `judged(rule id)` is true (None: every rule). An
        alternative must still pass every error rule, whichever rules are judged."""
        self.by_scope = defaultdict(list, {
            scope: [r for r in rules if judged is None or judged(r.id)]
            for scope, rules in self._every_scope.items()})
        self._verdicts.clear()  # verdicts are listed rule by rule, for the rules judged
        self._alternative_rules = [r for r in self.by_scope["step"] if r.uses_alternative]
        self.plain_rules = [r for r in self.by_scope["step"] if not r.uses_alternative]
        # A unit's step, workflow and manifest are projected to the fields that the rules
        # judged read, and that every step rule reads when an alternative is searched (it
        # must pass them all): rules left out cost no field.
        reading = {r.id for r in (self._every_scope["step"] if self._alternative_rules
                                  else self.by_scope["step"])}
        self.projector = Projector(
            source for r in self.config.rules if "step" in r.scopes
            and (r.violation is None or r.id in reading)
            for source in (r.rule.when, r.rule.violation or "")
        )
        # What a unit's `seen` holds new for each unit: the step unless interned, the alternative.
        self._fresh = frozenset({"alternative"} | ({"step"} if self.projector.fields["step"] is None
                                                   else set()))
        self._plain_reads = None  # what each rule reads, and its projectors, depend on `_fresh`
        self._projectors.clear()
        # What rules judged read of a unit's context, when none searches an alternative
        # (the search judges every step rule): a unit builds no other variable. Its message is
        # rendered from the whole context, built for a unit only when a rule fires on it.
        read = {v for r in self.by_scope["step"] for v in r.variables}
        self._unit_names: tuple[str, ...] | None = None if self._alternative_rules else tuple(
            name for name in UNIT_VARIABLES if name in read)
        fields = self.projector.fields.get("step")
        self._step_fields = None if fields is None else frozenset(fields)
        self._alternative_vars = sorted(
            {v for r in self._alternative_rules for v in r.variables} & STEP_VARIABLES)
        self._alternative_projector = Projector(
            (source for r in self._alternative_rules for source in (r.rule.when, r.rule.violation or "")),
            names=("step", "workflow", "manifest", "alternative"),
            # Its inputs are the values interned above, or new objects every time: the
            # alternative, and any variable a step rule reads whole (so it is not interned).
            fresh=frozenset({"alternative"}
                            | {n for n, f in self.projector.fields.items() if f is None}),
        )

    def forget(self) -> None:
        """Let go of what judging steps, workflows and manifests remembered, once they are
        judged: memos of outcomes and projections, and the factory's contexts of workflows,
        manifests and routes (keyed by the identity of values that are let go too)."""
        self._verdicts.clear()
        self._outcome_sets.clear()
        self._program_results.clear()
        self.judged = None
        self._plain_reads = None
        self._projectors.clear()
        self.pool = ContextPool()
        for projector in (self.projector, self._alternative_projector):
            projector.forget()
        self.factory.forget()

    # -- findings -----------------------------------------------------------------------
    def add(self, rule_id: str, path: str, location: Location, message: str,
            severity: str | None = None) -> None:
        facts = self._rule_facts.get(rule_id)
        if facts is None:
            rule = self.config.rule_index.get(rule_id)
            if rule is None:
                return  # disabled by the policy
            facts = self._rule_facts[rule_id] = (
                rule.severity, tuple(rule.rule.citations), rule.rule.remediation)
        self.findings.append(Finding(
            rule_id, severity or facts[0], message, location.file, location.line,
            location.column, path, facts[1], facts[2],
        ))

    def _judge(self, rule: CompiledRule, context: Any, data: dict[str, Any], path: str,
               location: Location) -> None:
        self._report(rule, self._outcome(rule, context), data, path, lambda: location)

    def _judge_remembered(self, rule: CompiledRule, small: dict[str, Any], pool: str,
                          data: dict[str, Any], path: str, location: Location) -> None:
        """`_judge` by `_remembered_outcome` on `small`; the message from the whole `data`."""
        self._report(rule, self._remembered_outcome(rule, small, pool), data, path,
                     lambda: location)

    # -- the phases, in the order the pipeline (procurelint.run.pipeline) calls them -------
    def walk(self, manifests: list[ManifestInput]) -> tuple[Walk, list[ManifestRef]]:
        """Steps and units of these manifests, with the structural findings within each."""
        return walk(self.config, manifests, self.add), [ManifestRef.of(m) for m in manifests]

    def contributions(self, walked: Walk, refs: list[ManifestRef]) -> Contributions:
        """What these manifests add to the totals every step is judged against."""
        steps = [(info.source.manifest.metadata.name, info.workflow.name, info.monthly_usd)
                 for info in walked.steps]
        endpoints = self.config.catalog.endpoints
        reached: dict[str, dict[tuple[int, int], int | None]] = defaultdict(dict)
        for unit in walked.units:
            info = unit.info
            if info.bulk_categories:
                provider = endpoints[unit.endpoint_id].provider
                reached[provider][(id(info.source), info.wi)] = info.workflow.records_per_year
        declared = [Declared(unit.info.source.manifest.metadata.name, unit.info.source.doc.file,
                             unit.info.path, unit.model_id, unit.endpoint_id,
                             tuple(unit.info.regimes), unit.info.source.selected,
                             unit.info.source.location(*unit.model_node))
                    for unit in walked.units] if self._judges_drift() else []
        return Contributions(refs, steps, {p: list(r.values()) for p, r in reached.items()},
                             declared)

    def _judges_drift(self) -> bool:
        """Whether the drift rules will judge the declared steps: only when the policy asks
        for the repository's model uses to be found (otherwise they are many objects for
        nothing, each sent from a worker process to the parent)."""
        return bool(self.by_scope["use"] or self.by_scope["declaration"]) and \
            self.config.policy.spec.discovery.enabled

    def settle(self, parts: list[Contributions]) -> Spend:
        """Spend and bulk-data totals over every part, in order (so sums are the same however
        the manifests were split); steps are then judged against them."""
        spend = Spend()
        for part in parts:
            for name, workflow, monthly in part.steps:
                spend.manifests[name] = spend.manifests.get(name, 0.0) + monthly
                key = (name, workflow)
                spend.workflows[key] = spend.workflows.get(key, 0.0) + monthly
        refs = [ref for part in parts for ref in part.refs]
        for ref in refs:
            spend.manifests.setdefault(ref.name, 0.0)
        for ref in refs:
            spend.teams[ref.team] = spend.teams.get(ref.team, 0.0) + spend.manifests[ref.name]
        spend.org = sum(spend.teams.values())
        records: dict[str, list[int | None]] = defaultdict(list)
        for part in parts:
            for provider, values in part.bulk.items():
                records[provider].extend(values)
        for provider, values in records.items():
            total = None if any(v is None for v in values) else sum(v for v in values if v is not None)
            self.factory.bulk[provider] = (total, total is None)
        return spend

    def duplicates(self, refs: list[ManifestRef]) -> None:
        """MAN007 for a manifest name used again, wherever its first use is: every manifest
        under the root counts, in file order, and the finding is reported on a named file."""
        first: dict[str, ManifestRef] = {}
        for ref in sorted(refs, key=lambda r: (r.file, r.name_at.line, r.name_at.column)):
            if ref.name not in first:
                first[ref.name] = ref
            elif ref.selected:
                self.add("MAN007", ref.name, ref.name_at,
                         message("MAN007", name=ref.name, first=first[ref.name].name_at))

    def judge_local(self, walked: Walk, manifests: list[ManifestInput], spend: Spend) -> AlternativeFinder:
        """Step, workflow and manifest rules: each needs only its manifest and the totals."""
        units = [unit for unit in walked.units if unit.info.source.selected]
        alternatives = AlternativeFinder(self.config, self.factory, self._every_scope["step"],
                                         self.pool, self.projector, steps=len(units))
        for unit in units:
            self._step_unit(unit, spend, alternatives)
        for source, workflow, wi in walked.workflows:
            if source.selected and self.by_scope["workflow"]:
                self._workflow(source, workflow, wi, spend, walked)
        for source in manifests:
            if source.selected:
                self._manifest(source, spend)
        return alternatives

    def judge_global(self, refs: list[ManifestRef], spend: Spend) -> None:
        """Team, organisation and catalog rules: each needs every manifest."""
        self._teams(refs, spend)
        self._org(refs, spend)
        self._catalog_age()

    def judge_drift(self, uses: list[dict[str, Any]], declared: list[Declared]) -> None:
        """The drift rules: each discovered use against the declarations, each declaration
        against the uses (procurelint.engine.drift builds both contexts)."""
        from procurelint.engine import drift

        common = {"policy": self.factory.policy(), "today": self.factory.today_text}
        retirement = self.config.catalog.retirement
        for scope, contexts in (("use", drift.use_contexts(uses, declared, retirement)),
                                ("declaration", drift.declaration_contexts(declared, uses))):
            rules = self.by_scope[scope]
            for data, location, path in contexts if rules else []:
                data.update(common)
                context = new_context(data)
                for rule in rules:
                    self._judge(rule, context, data, path, location)

    def _location(self, rule: CompiledRule, unit: Unit) -> Location:
        info = unit.info
        at = rule.at
        if at == "endpoint":
            return info.source.location(*unit.endpoint_node)
        if at == "model":
            return info.source.location(*unit.model_node)
        if at == "dataClasses" and info.step.data_classes is None:
            return info.source.location("spec", "workflows", info.wi, "dataClasses")
        if at in ("workflow", "recordsPerYear", "runsPerMonth"):
            node = ("spec", "workflows", info.wi)
            return info.source.location(*node, at if at != "workflow" else "name")
        if at == "step":
            return info.location("name")
        if at in ("manifest",):
            return info.source.location("metadata", "name")
        return info.location(at)

    def _outcome(self, rule: CompiledRule, context: Any) -> bool | str:
        """True (violated), False, or the text of an evaluation error."""
        return judgement.outcome(rule, lambda program: program.run(context))

    def _judged(self, rule: CompiledRule, context: Any) -> Judged:
        """`_outcome`, with None where the rule does not apply (`judgement.judged`)."""
        return judgement.judged(rule, lambda program: program.run(context))

    def _remembered_outcome(self, rule: CompiledRule, small: dict[str, Any],
                            pool: str = "alternative-rules") -> bool | str:
        """`_outcome` on the small context, each expression run once per set of the values it
        reads: `when` usually reads only the interned step, `violation` the new alternative.
        The context is taken from the `pool` key, and only when an expression must run."""
        context: Any = None

        def run(program: Program) -> Any:
            nonlocal context
            values = tuple([small.get(name, _ABSENT) for name in self._reads(program)])
            key = (id(program), *map(id, values))
            known = self._program_results.get(key)
            if known is None or not all(map(is_, known[0], values)):
                if context is None:
                    context = self.pool.context(pool, small)
                try:
                    known = (values, program.run(context))
                except CelEvalError as exc:
                    known = (values, _Failed(exc.args))
                self._program_results[key] = known
            if known[1].__class__ is _Failed:
                raise CelEvalError(*known[1].args)
            return known[1]

        return judgement.outcome(rule, run)

    def _reads(self, program: Any) -> tuple[str, ...]:
        names = self._program_names.get(id(program))
        if names is None:
            names = self._program_names[id(program)] = tuple(sorted(program.variables))
        return names

    def _report(self, rule: CompiledRule, outcome: bool | str, data: dict[str, Any], path: str,
                location: Callable[[], Location]) -> None:
        if outcome is True:
            self.add(rule.id, path, location(), render(rule.rule.message, data))
        elif outcome is not False:
            self.add(rule.id, path, location(),
                     f"rule {rule.id} could not be evaluated for {path or 'this run'}: {outcome}; "
                     "it is reported as a violation until the rule is fixed", severity="error")

    def _step_unit(self, unit: Unit, spend: Spend, alternatives: AlternativeFinder) -> None:
        rules = self.by_scope["step"]
        if not rules:
            return
        info = unit.info
        name = info.source.manifest.metadata.name
        workflow_usd, manifest_usd = spend.workflows[(name, info.workflow.name)], spend.manifests[name]
        data = self.factory.unit(info, unit, workflow_usd, manifest_usd, self._unit_names,
                                 self._step_fields)
        data["alternative"] = None
        seen = dict(data)
        for var in ("step", "workflow", "manifest"):
            if var in data:
                seen[var] = self.projector.project(var, data[var])
        key = (unit.endpoint_id, unit.model_id, info.tier, len(info.tiers))
        plain = self.plain_rules
        outcomes: Sequence[Judged] | None = None
        identity = 0
        if self.projector.exact:
            # Keyed by the hash of the values' identities (a collision is only a miss: the
            # entry holds its values, which must be these very objects).
            identity = hash(tuple(map(id, seen.values())))
            cached = self._verdicts.get(identity)
            if cached is not None and all(map(is_, cached[0], seen.values())):
                outcomes = cached[1]
        if outcomes is None:
            judged = tuple(self._step_outcomes(seen, key))
            outcomes = self._outcome_sets.setdefault(judged, judged)  # few differ: held once
            if self.projector.exact:
                self._verdicts[identity] = (tuple(seen.values()), outcomes)
        if self.judged is not None:
            self.judged[id(unit)] = outcomes
        whole = data if self._unit_names is None else None
        for rule, outcome in zip(plain, outcomes):
            if outcome is None or outcome is False:
                continue  # did not apply, or passed
            if whole is None:  # a message may name any variable: it is given them all
                whole = self.factory.unit(info, unit, workflow_usd, manifest_usd)
                whole["alternative"] = None
            self._report(rule, outcome, whole, info.path,
                         lambda rule=rule: self._location(rule, unit))  # type: ignore[misc]
        if not self._alternative_rules:
            return
        if unit.via == "primary":
            found = alternatives.find(info, unit, data, seen)
            if found is not None:
                data["alternative"] = seen["alternative"] = found
        # These rules run on a context of only the variables they read: executing against the
        # full context costs more than the rules themselves, and `alternative` is new each time.
        small = {name: self._alternative_projector.project(name, seen[name])
                 if name in self._alternative_projector.fields else seen[name]
                 for name in self._alternative_vars}
        if self._alternative_projector.exact:
            found_outcomes = [self._remembered_outcome(rule, small)
                              for rule in self._alternative_rules]
        else:
            context = self.pool.context("alternative-rules", small)
            found_outcomes = [self._outcome(rule, context) for rule in self._alternative_rules]
        for rule, outcome in zip(self._alternative_rules, found_outcomes):
            if outcome is not False:
                self._report(rule, outcome, data, info.path,
                             lambda rule=rule: self._location(rule, unit))  # type: ignore[misc]

    def _step_outcomes(self, seen: dict[str, Any], key: Any) -> list[Judged]:
        """Each rule's outcome on a unit (`judgement.judged`). A rule runs once per set of the
        values it reads, each projected to the fields it reads of them (so a rule that reads the
        step's regimes and the endpoint's BAA runs once per pair of those, not once per unit),
        on a context of only those values; a rule that reads the whole step runs on the unit's
        full context."""
        outcomes: list[Judged] = []
        context: Any = None
        if self._plain_reads is None:  # every unit's context holds the same variables: read once
            # Rules that read the same fields of a variable share its projector: each value of
            # it is projected once for all of them.
            pairs = [(rule, _reads_of(rule, seen, self._fresh, self._projectors))
                     for rule in self.plain_rules]
            self._plain_reads = (pairs, _Rows(pairs, self._fresh))
        pairs, rows = self._plain_reads
        row, ids = rows.row(seen)
        for rule, reads in pairs:
            memo = reads.projected
            if memo is None:
                if context is None:
                    context = self.pool.context(key, seen)
                outcomes.append(self._judged(rule, context))
                continue
            memo_key = reads.key(ids)
            known = memo.get(memo_key)
            if known is None:
                values = tuple([row[i] for i in reads.slots])
                # Rules of one shape read the same values of every unit: they share a context
                # for each combination of the few values they read whole (`_Reads.kept`), and
                # only the values that changed since its last use are converted again.
                small = self.pool.context(
                    ("projected", reads.names, reads.shape, *[id(values[i]) for i in reads.kept]),
                    dict(zip(reads.names, values)))
                known = memo[memo_key] = (values, self._judged(rule, small))
            outcomes.append(known[1])
        return outcomes

    def _workflow(self, source: ManifestInput, workflow: Any, wi: int, spend: Spend,
                  walked: Walk) -> None:
        info = next(s for s in walked.steps if s.source is source and s.wi == wi)
        name = source.manifest.metadata.name
        data = {
            "workflow": self.factory.workflow(info, spend.workflows.get((name, workflow.name), 0.0)),
            "manifest": self.factory.manifest(source.manifest, spend.manifests[name]),
            "policy": self.factory.policy(), "today": self.factory.today_text,
        }
        context = self.pool.context("workflow", data)
        for rule in self.by_scope["workflow"]:
            at = rule.at if rule.at != "workflow" else "name"
            location = source.location("spec", "workflows", wi, at)
            self._judge(rule, context, data, f"{name}/{workflow.name}", location)

    def _manifest(self, source: ManifestInput, spend: Spend) -> None:
        rules = self.by_scope["manifest"]
        if not rules:
            return
        manifest = source.manifest
        name = manifest.metadata.name
        ctx = self.factory.manifest(manifest, spend.manifests.get(name, 0.0))
        data = {
            "manifest": ctx, "policy": self.factory.policy(), "today": self.factory.today_text,
            "spend": self.factory.spend(f"manifest {name}", ctx["monthlyUsd"], ctx["budgetUsd"]),
        }
        context = self.pool.context("manifest", data)
        for rule in rules:
            if rule.at == "budget" and manifest.spec.budget is not None:
                location = source.location("spec", "budget", "monthlyUsd")
            else:
                location = source.location("metadata", "name")
            self._judge(rule, context, data, name, location)

    def _teams(self, refs: list[ManifestRef], spend: Spend) -> None:
        rules = self.by_scope["team"]
        if not rules:
            return
        budgets = self.config.policy.spec.budgets
        first: dict[str, ManifestRef] = {}
        members: dict[str, list[str]] = defaultdict(list)
        for ref in sorted(refs, key=lambda r: (r.file, r.base)):
            first.setdefault(ref.team, ref)
            members[ref.team].append(ref.name)
        # Teams with manifests, and teams the policy budgets for (COST008 judges those with none).
        # The rules see the fields they read of `team` and `spend`, interned, and each
        # expression runs once per set of values it reads: the many budgeted teams without
        # a manifest share a few.
        projector = Projector((source for rule in rules
                               for source in (rule.rule.when, rule.rule.violation or "")),
                              names=("team", "spend"), fresh=frozenset({"team", "spend"}))
        namesakes: Namesakes | None = None
        for team in sorted(set(members) | set(budgets.teams)):
            budget = budgets.teams.get(team)
            monthly = spend.teams.get(team, 0.0)
            like: list[str] = []
            if budget is None and budgets.teams:  # a name that only looks budgeted (COST009)
                if namesakes is None:
                    from procurelint.engine.lookalike import Namesakes

                    namesakes = Namesakes(list(budgets.teams))
                like = namesakes.of(team)
            data = self.factory.team(team, monthly, budget, members[team], like)
            if budget is not None and self.config.policy_doc is not None:
                location = self.config.policy_doc.location(("spec", "budgets", "teams", team))
            else:
                location = first[team].team_at
            small = {**data, "team": projector.project("team", data["team"]),
                     "spend": projector.project("spend", data["spend"])}
            for rule in rules:
                self._judge_remembered(rule, small, "team", data, f"team:{team}", location)

    def _org(self, refs: list[ManifestRef], spend: Spend) -> None:
        rules = self.by_scope["org"]
        if not rules or not refs:
            return
        budget = self.config.policy.spec.budgets.org_monthly_usd
        names = sorted(r.name for r in refs)
        data = self.factory.org(spend.org, budget, names)
        if budget is not None and self.config.policy_doc is not None:
            location = self.config.policy_doc.location(("spec", "budgets", "orgMonthlyUsd"))
        else:
            location = min(refs, key=lambda r: (r.file, r.base)).name_at
        context = new_context(data)
        for rule in rules:
            self._judge(rule, context, data, "org", location)

    def _catalog_age(self) -> None:
        limit = self.config.policy.spec.max_catalog_age_days
        for source in self.config.catalog.sources:
            age = (self.today - source.as_of).days
            if age > limit:
                self.add("CAT001", "", Location(source.file, source.as_of_line, 1),
                         message("CAT001", name=source.name, age=age, as_of=source.as_of.isoformat(),
                                 limit=limit))

