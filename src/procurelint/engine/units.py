"""Walking manifests into steps and evaluation units, with the structural checks of `core`.

A unit is one step with one endpoint it can reach: the primary endpoint, each fallback, and
each provider pinned behind an aggregator. Every unit is judged as if it were the primary.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from msgspec import Struct, field

from procurelint.policy.config import Config
from procurelint.policy.core_rules import message
from procurelint.engine.costs import MonthlyTokens, monthly_cost, monthly_tokens
from procurelint.errors import Location
from procurelint.documents.document import Document, Path
from procurelint.wording import did_you_mean, suggestion

if TYPE_CHECKING:  # at run time these are records (procurelint.documents.records) that read alike
    from procurelint.documents.models.manifest_model import AgentManifest, Step, Workflow

Report = Callable[[str, str, Location, str], None]
"""report(rule_id, path, location, message): records a structural finding."""


class ManifestInput(Struct):
    """A validated manifest and the YAML document it came from."""

    doc: Document
    manifest: AgentManifest
    base: Path
    selected: bool = True

    def location(self, *path: str | int, key: bool = False) -> Location:
        return self.doc.location(self.base + tuple(path), key=key)


class StepInfo(Struct):
    """A step with its data resolved: classes, tiers, regimes, tokens."""

    source: ManifestInput
    workflow: Workflow
    step: Step
    wi: int
    si: int
    path: str
    classes: list[str]
    tier: str
    tiers: list[str]
    regimes: list[str]
    data_regimes: list[str]
    categories: list[str]
    bulk_categories: list[str]
    """The workflow's categories with the step's: de-identified, anonymised or pseudonymised
    data still counts towards the DOJ bulk thresholds (28 CFR 202.206)."""
    dropped: list[str]
    dropped_regimes: list[str]
    tokens: MonthlyTokens
    node: Path
    monthly_usd: float = 0.0

    def location(self, *path: str | int, key: bool = False) -> Location:
        return self.source.location(*self.node, *path, key=key)


class Unit(Struct):
    """One (step, reachable endpoint) pair."""

    info: StepInfo
    model_id: str
    endpoint_id: str
    via: str  # primary | fallback | routing
    aggregator_id: str | None
    """The step's aggregator (its primary endpoint) when the unit is reached through it, with
    the step's routing: the primary, a fallback on the same aggregator, a pinned provider."""
    endpoint_node: Path
    model_node: Path
    monthly_usd: float = 0.0


class Walk(Struct):
    steps: list[StepInfo] = field(default_factory=list)
    units: list[Unit] = field(default_factory=list)
    workflows: list[tuple[ManifestInput, Workflow, int]] = field(default_factory=list)


def _step_node(wi: int, si: int) -> Path:
    return ("spec", "workflows", wi, "steps", si)


def walk(config: Config, manifests: list[ManifestInput], report: Report) -> Walk:
    """Resolve every step and its units; report MAN002-MAN009 found within one manifest (a
    manifest name used twice is the evaluator's to find, as it may span worker processes)."""
    out = Walk()
    classes = config.data_classes
    least = config.tiers[0].name
    by_classes: dict[Any, _Classes] = {}
    for source in manifests:
        manifest = source.manifest
        name = manifest.metadata.name
        for ri, regime in enumerate(manifest.spec.regimes):
            if regime not in config.regimes:
                report("MAN002", name, source.location("spec", "regimes", ri),
                       message("MAN002.regime", regime=regime, known=", ".join(sorted(config.regimes))))
        seen_workflows: set[str] = set()
        for wi, workflow in enumerate(manifest.spec.workflows):
            wpath = f"{name}/{workflow.name}"
            if workflow.name in seen_workflows:
                report("MAN007", wpath, source.location("spec", "workflows", wi, "name"),
                       message("MAN007.workflow", name=workflow.name, manifest=name))
            seen_workflows.add(workflow.name)
            out.workflows.append((source, workflow, wi))
            for ci, cls in enumerate(workflow.data_classes):
                if cls not in classes:
                    report("MAN006", wpath, source.location("spec", "workflows", wi, "dataClasses", ci),
                           _unknown_class(cls, classes, [tier.name for tier in config.tiers]))
            seen_steps: set[str] = set()
            for si, step in enumerate(workflow.steps):
                spath = f"{wpath}/{step.name}"
                node = _step_node(wi, si)
                if step.name in seen_steps:
                    report("MAN007", spath, source.location(*node, "name"),
                           message("MAN007.step", name=step.name, workflow=wpath))
                seen_steps.add(step.name)
                info = _resolve_step(config, source, workflow, step, wi, si, spath, least, report,
                                     by_classes)
                out.steps.append(info)
                _units(config, info, report, out.units)
    return out


# Words people use for a data class that is named otherwise (besides the regimes and
# categories of the classes themselves: `itar` finds export-controlled by its regime).
CLASS_SYNONYMS: dict[str, tuple[str, ...]] = {
    "ear": ("export-controlled",), "export": ("export-controlled",),
    "health": ("phi",), "medical": ("phi",), "ephi": ("phi",),
    "personal": ("pii",), "personal-data": ("pii",), "gdpr": ("pii",), "ssn": ("pii",),
    "pan": ("cardholder",), "card": ("cardholder",), "credit-card": ("cardholder",),
    "payment-card": ("cardholder",), "chd": ("cardholder",),
    "banking": ("npi",), "financial": ("npi", "cardholder"),
    "secrets": ("credentials",), "passwords": ("credentials",), "api-keys": ("credentials",),
    "code": ("source-code",), "location": ("precise-geolocation",), "gps": ("precise-geolocation",),
    "dna": ("genomic",), "genetic": ("genomic",),
}


def class_hints(cls: str, classes: Mapping[str, Any], tiers: list[str] | None = None) -> list[str]:
    """Known classes an unknown name probably means: by spelling, by a synonym, by a regime or
    category of a class (`itar` -> export-controlled, `hipaa` -> phi), or, for a tier's name,
    the classes of that tier."""
    word = cls.lower().replace("_", "-")
    by_spelling = did_you_mean(cls, list(classes))
    if by_spelling:
        return by_spelling
    found = [c for c in CLASS_SYNONYMS.get(word, ()) if c in classes]
    found += [name for name, spec in classes.items()
              if word in getattr(spec, "regimes", ()) or word in getattr(spec, "categories", ())]
    if not found and tiers and word in tiers:
        found = [name for name, spec in classes.items() if getattr(spec, "tier", None) == word]
    return list(dict.fromkeys(found))[:4]


def _unknown_class(cls: str, classes: Mapping[str, Any], tiers: list[str] | None = None) -> str:
    hints = class_hints(cls, classes, tiers)
    tip = suggestion(hints)
    if tiers and cls in tiers:
        tip = f" ({cls!r} is a tier, not a data class){tip}"
    tip += " (`procurelint classes` lists them)"
    return message("MAN006", data_class=cls, tip=tip)


def _resolve_step(config: Config, source: ManifestInput, workflow: Workflow, step: Step,
                  wi: int, si: int, spath: str, least: str, report: Report,
                  by_classes: dict[Any, _Classes]) -> StepInfo:
    classes = config.data_classes
    node = _step_node(wi, si)
    own = step.data_classes
    if own is not None:
        for ci, cls in enumerate(own):
            if cls not in classes:
                report("MAN006", spath, source.location(*node, "dataClasses", ci),
                       _unknown_class(cls, classes, [tier.name for tier in config.tiers]))
    method = step.deidentification.method if step.deidentification is not None else None
    key = (None if own is None else tuple(own), tuple(workflow.data_classes),
           tuple(source.manifest.spec.regimes), method)
    found = by_classes.get(key)
    if found is None:
        found = by_classes[key] = _classes_of(config, own, workflow.data_classes,
                                            source.manifest.spec.regimes, method, least)
    tokens = monthly_tokens(workflow.runs_per_month, step.calls_per_run, step.tokens_per_call)
    return StepInfo(
        source=source, workflow=workflow, step=step, wi=wi, si=si, path=spath,
        classes=found.classes, tier=found.tiers[-1], tiers=found.tiers, regimes=found.regimes,
        data_regimes=found.data_regimes, categories=found.categories,
        bulk_categories=found.bulk_categories, dropped=found.dropped,
        dropped_regimes=found.dropped_regimes, tokens=tokens, node=node,
    )


class _Classes(Struct, frozen=True):
    """What a step's data classes make of it, with its workflow's and its manifest's regimes.
    Steps alike in these share one (lists that nothing changes): most steps of a repository
    declare one of a few combinations."""

    classes: list[str]
    tiers: list[str]
    regimes: list[str]
    data_regimes: list[str]
    categories: list[str]
    bulk_categories: list[str]
    dropped: list[str]
    dropped_regimes: list[str]


def _classes_of(config: Config, own: list[str] | None, inherited: list[str],
                manifest_regimes: list[str], method: str | None, least: str) -> _Classes:
    classes = config.data_classes
    resolved = list(own) if own is not None else list(inherited)
    if own is not None:
        resolved += [c for c in inherited
                     if c in classes and c not in resolved and _stays(config, c, method)]
    known = [c for c in resolved if c in classes]
    rank = config.tier_rank
    tier_names = sorted({classes[c].tier for c in known}, key=rank.__getitem__)
    if not tier_names or len(known) < len(resolved):
        # An unknown class is already an error; judge the step as the most sensitive tier.
        tier_names = sorted(set(tier_names) | {config.tiers[-1].name}, key=rank.__getitem__)
    data_regimes = sorted({r for c in known for r in classes[c].regimes})
    regimes = sorted(set(data_regimes) | set(manifest_regimes))
    categories: list[str] = sorted({cat for c in known for cat in classes[c].categories})
    bulk_categories = sorted(set(categories) | {cat for c in inherited if c in classes
                                                for cat in classes[c].categories})
    dropped: list[str] = []
    if own is not None:
        for cls in inherited:
            if cls in classes and cls not in own and _sensitive(config, cls, least):
                dropped.append(cls)
    dropped_regimes = sorted({r for c in dropped for r in classes[c].regimes})
    return _Classes(resolved, tier_names, regimes, data_regimes, categories, bulk_categories,
                    dropped, dropped_regimes)


STICKY_REGIMES = frozenset({"federal", "federal-cui", "itar"})
"""Regimes whose data no de-identification removes: CUI, export-controlled technical data and
government-related data stay what they are whatever a step declares."""
LIFTING_METHODS = frozenset({"safe-harbor", "expert-determination"})
"""The only methods that make PHI stop being PHI (45 CFR 164.514(b))."""


def _stays(config: Config, cls: str, method: str | None) -> bool:
    """Whether a class of the workflow stays on a step that declares classes without it, and
    whose de-identification (if any) used `method`."""
    regimes = set(config.data_classes[cls].regimes)
    if regimes & STICKY_REGIMES:
        return True
    return "hipaa" in regimes and method not in LIFTING_METHODS


def _sensitive(config: Config, cls: str, least: str) -> bool:
    data_class = config.data_classes[cls]
    return data_class.tier != least or bool(data_class.regimes) or bool(data_class.categories)


def _units(config: Config, info: StepInfo, report: Report, out: list[Unit]) -> None:
    catalog = config.catalog
    step = info.step
    primary_endpoint = catalog.endpoints.get(step.endpoint)
    aggregator = None
    if primary_endpoint is not None:
        provider = catalog.providers.get(primary_endpoint.provider)
        if provider is not None and provider.kind == "aggregator":
            aggregator = primary_endpoint.id
    if step.routing is not None and primary_endpoint is not None and aggregator is None:
        report("MAN009", info.path, info.location("routing", key=True),
               message("MAN009", path=info.path, endpoint=step.endpoint))
    # (model, endpoint, via, the step's aggregator where the unit goes through it, nodes)
    candidates: list[tuple[str, str, str, str | None, Path, Path]] = [
        (step.model, step.endpoint, "primary", aggregator, ("endpoint",), ("model",))
    ]
    for fi, fallback in enumerate(step.fallbacks):
        candidates.append((fallback.model, fallback.endpoint, "fallback",
                           aggregator if fallback.endpoint == aggregator else None,
                           ("fallbacks", fi, "endpoint"), ("fallbacks", fi, "model")))
    if step.routing is not None and aggregator is not None:
        # The step's routing goes with every request to its aggregator: a fallback sent
        # through it reaches the pinned providers too, and is judged on each.
        routed: dict[str, Path] = {}  # each model sent through it, where first written
        for model_id, _, _, agg, _, model_node in candidates:
            if agg is not None:
                routed.setdefault(model_id, model_node)
        for model_id, model_node in routed.items():
            for pi, pin in enumerate(step.routing.providers):
                candidates.append((model_id, pin, "routing", aggregator,
                                   ("routing", "providers", pi), model_node))
    for model_id, endpoint_id, via, agg, endpoint_node, model_node in candidates:
        model_ok = model_id in catalog.models
        endpoint_ok = endpoint_id in catalog.endpoints
        if not model_ok and (via != "routing"):
            report("MAN003", info.path, info.location(*model_node),
                   message("MAN003", path=info.path, model=model_id,
                           tip=suggestion(did_you_mean(model_id, list(catalog.models)))))
        if not endpoint_ok:
            report("MAN004", info.path, info.location(*endpoint_node),
                   message("MAN004", path=info.path, endpoint=endpoint_id,
                           tip=suggestion(did_you_mean(endpoint_id, list(catalog.endpoints)))))
        if not (model_ok and endpoint_ok):
            continue
        price = catalog.offer(endpoint_id, model_id)
        if price is None:
            report("MAN005", info.path, info.location(*endpoint_node),
                   message("MAN005", endpoint=endpoint_id, model=model_id, path=info.path))
        unit = Unit(info, model_id, endpoint_id, via, agg, info.node + endpoint_node,
                    info.node + model_node)
        unit.monthly_usd = monthly_cost(info.tokens, price)
        if via == "primary":
            info.monthly_usd = unit.monthly_usd
        out.append(unit)
