"""Finding and resolving the policy: defaults, tiers, data classes, catalogs, packs, waivers."""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from msgspec import Struct, field

from procurelint import facts
from procurelint.policy.merged_catalog import CatalogIndex, builtin_catalog_path, load_catalog, load_catalog_file
from procurelint.errors import ConfigError, Location
from procurelint.documents.loading import load_one
from procurelint.policy.packs import (
    BUILTIN_PACKS,
    CompiledRule,
    LoadedPack,
    available_builtin_packs,
    builtin_pack,
    compile_rule,
    load_pack,
)
from procurelint.documents.records import Record
from procurelint.documents.cache import builtin_dir, cached
from procurelint.documents.document import Document
from procurelint.documents.envelope import API_VERSION

if TYPE_CHECKING:  # at run time these are records (procurelint.documents.records) that read alike
    from procurelint.documents.models.policy_model import DataClass, Policy, Tier
    from procurelint.documents.models.rulepack_model import RulePack
    from procurelint.documents.models.waivers_model import Waivers

CONFIG_NAME = "procurelint.yaml"


class Config(Struct):
    """Everything a run needs besides the manifests, resolved and cross-checked."""

    policy: Policy
    policy_file: str | None
    root: Path
    tiers: list[Tier]
    tier_rank: dict[str, int]
    data_classes: dict[str, DataClass]
    regimes: frozenset[str]
    adequate: frozenset[str]
    catalog: CatalogIndex
    packs: list[LoadedPack]
    rules: list[CompiledRule]
    disabled_packs: list[str]
    waivers: Waivers | None = None
    waivers_file: str | None = None
    waivers_doc: Document | None = None
    rule_index: dict[str, CompiledRule] = field(default_factory=dict)
    policy_doc: Document | None = None
    policy_changes: list[str] = field(default_factory=list)
    replaced_policy: str | None = None
    from_base: bool = False
    """With --policy-from: the policy is the base revision's, and the files the work tree's own
    policy loaded are none of its files."""
    replaced_files: dict[str, str] = field(default_factory=dict)
    """With --policy-from: the real path of each file of the work tree that a policy file of
    the base revision stands in for (the policy, its catalogs, packs and waivers), with that
    file's text at the base revision ('' where it has none). Inline suppressions in such a
    file are read from the base revision's text: a pull request cannot write its own."""
    """With --policy-from: the work tree's own policy file (relative to `root`), which the base
    revision's policy judges in its place: not a policy the run failed to use (POL001)."""
    copy: Copy | None = None

    def place(self, name: str) -> Path:
        """The file a policy names (catalogs, rule packs, waivers), relative to `root`."""
        return placed(self.copy, self.root, name)


class Copy(Struct, frozen=True):
    """A copy of a git repository's files at `at` (the index for --staged, a base revision for
    --diff and --policy-from), standing in the place of the repository whose top is `of`.
    What lies inside the repository is read from the copy; what lies outside it is read from
    where it is beside the repository, never beside the copy (a temporary folder, which anyone
    may write to on a shared machine): no commit changes it. Both paths are resolved."""

    at: Path
    of: Path

    def holds(self, path: Path) -> bool:
        return path == self.at or self.at in path.parents

    def place(self, folder: Path, name: str) -> Path:
        """Where `name` (relative to `folder`, or absolute) leads: a place inside the
        repository is the same place in the copy, a place outside it is the same place as from
        the repository (`folder` itself when `folder` is not in the copy). A path that leaves
        the repository and comes back into it, by `..` or through a link, is the copy's."""
        joined = folder / name
        if not self.holds(folder):
            return joined
        if not os.path.isabs(name) and self.holds(Path(os.path.normpath(joined))):
            return joined
        real = self.of / folder.relative_to(self.at)
        for there in (os.path.normpath(real / name), os.path.realpath(real / name)):
            try:  # back inside the repository, by `..` or through a link: the copy's file
                return self.at / Path(there).relative_to(self.of)
            except ValueError:
                continue
        return real / name

    def folders(self, start: Path) -> list[Path]:
        """`start` and the folders above it, as a policy search from the same place in the
        repository sees them: the copy's up to its top, then those above the repository."""
        here = start.resolve()
        if not self.holds(here):
            return [here, *here.parents]
        return [f for f in (here, *here.parents) if self.holds(f)] + list(self.of.parents)


def placed(copy: Copy | None, root: Path, name: str) -> Path:
    """`name` as a policy at `root` names it: in a `copy`, as `Copy.place` maps it."""
    return copy.place(root, name) if copy else root / name


def policy_root(path: Path) -> Path:
    """The folder a policy file judges, and resolves its catalogs, packs and waivers from: the
    folder the file is named in. When `procurelint.yaml` is a symbolic link, that is the link's
    folder, not its target's (a policy shared from elsewhere judges the repository it is linked
    into)."""
    return Path(os.path.abspath(path)).parent.resolve()


def find_config(start: Path, copy: Copy | None = None) -> Path | None:
    """The nearest `procurelint.yaml` in `start` or its parents; in a `copy` of a repository,
    in the copy up to its top and then above the repository (never above the copy)."""
    here = start.resolve()
    for folder in copy.folders(here) if copy else (here, *here.parents):
        candidate = folder / CONFIG_NAME
        if candidate.is_file():
            return candidate
    return None


def _defaults() -> Policy:
    def build() -> Policy:
        policy: Policy = load_one(builtin_dir() / "defaults.yaml", "Policy", "<builtin>/defaults.yaml")[0]
        return policy

    return cached("defaults", build)


def _display(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)


def load_config(config_file: Path | None, cwd: Path, *, search: bool = True,
                copy: Copy | None = None) -> Config:
    """Load the policy at `config_file`, or the nearest one, or the built-in defaults.

    With `search` off, only `cwd/procurelint.yaml` is considered (test cases are self-contained).
    In a `copy` of a repository, the search and the files the policy names see, outside the
    repository, what lies beside the repository itself (`Copy`).
    """
    if config_file is not None:
        path: Path | None = config_file
    elif search:
        path = find_config(cwd, copy)
    else:
        path = cwd / CONFIG_NAME if (cwd / CONFIG_NAME).is_file() else None
    if config_file is not None and not config_file.is_file():
        raise ConfigError("config file not found", Location(str(config_file)))
    defaults = _defaults()
    if path is None:
        policy, doc, root, shown = defaults, None, cwd.resolve(), None
    else:
        root = policy_root(path)
        shown = path.name
        policy, doc = load_one(path, "Policy", shown)
    return resolve(policy, doc, shown, root, defaults, copy)


def resolve(policy: Policy, doc: Document | None, shown: str | None, root: Path,
            defaults: Policy | None = None, copy: Copy | None = None) -> Config:
    """Apply the override semantics (docs/catalog.md: later entries replace earlier ones by id) and cross-check references."""
    defaults = defaults or _defaults()
    spec = policy.spec

    def where(*path: str | int) -> Location | None:
        return doc.location(path) if doc is not None else None

    tiers = list(spec.tiers if spec.tiers is not None else (defaults.spec.tiers or []))
    tier_rank: dict[str, int] = {}
    for i, tier in enumerate(tiers):
        if tier.name in tier_rank:
            raise ConfigError(f"tier {tier.name!r} is defined twice", where("spec", "tiers", i))
        tier_rank[tier.name] = i

    classes = dict(defaults.spec.data_classes)
    classes.update(spec.data_classes)
    for name, data_class in classes.items():
        if data_class.tier not in tier_rank:
            raise ConfigError(
                f"data class {name!r} uses tier {data_class.tier!r}, which is not defined; "
                f"tiers: {', '.join(tier_rank)}",
                where("spec", "dataClasses", name, "tier") or where("spec", "tiers"),
            )
    for tier_name in spec.budgets.max_price_per_million:
        if tier_name not in tier_rank:
            raise ConfigError(
                f"budgets.maxPricePerMillion names unknown tier {tier_name!r}; "
                f"tiers: {', '.join(tier_rank)}",
                where("spec", "budgets", "maxPricePerMillion", tier_name),
            )
    regimes = frozenset(r for c in classes.values() for r in c.regimes)

    catalog = CatalogIndex()
    builtin, source = cached(
        "catalog", lambda: load_catalog_file(builtin_catalog_path(), "<builtin>/catalog.yaml")
    )
    catalog.add(builtin, source, builtin=True)
    for i, rel in enumerate(spec.catalogs):
        file = placed(copy, root, rel)
        if not file.is_file():
            raise ConfigError(f"catalog file {rel!r} not found", where("spec", "catalogs", i))
        extra, extra_source, extra_doc = load_catalog(file, _display(file, root))
        catalog.add(extra, extra_source, extra_doc)
    catalog.finish()

    pack_names = list(spec.packs) if spec.packs is not None else available_builtin_packs()
    if "core" not in pack_names:
        pack_names.insert(0, "core")  # the documents themselves are always checked
    packs: list[LoadedPack] = []
    for i, name in enumerate(pack_names):
        try:
            packs.append(builtin_pack(name))
        except ConfigError as exc:
            raise ConfigError(exc.message, where("spec", "packs", i)) from None
    for i, rel in enumerate(spec.rule_packs):
        file = placed(copy, root, rel)
        if not file.is_file():
            raise ConfigError(f"rule pack file {rel!r} not found", where("spec", "rulePacks", i))
        packs.append(load_pack(file, _display(file, root)))
    disabled = [n for n in BUILTIN_PACKS if n not in pack_names]

    rules = _compile(policy, packs, doc, shown)
    # A regime no class implies may still be declared where an enabled rule tests for it by
    # name (FED006: `'dod' in manifest.regimes`).
    named = " ".join(r.rule.when + " " + (r.rule.violation or "") for r in rules)
    regimes |= frozenset(re.findall(r"'([a-z][a-z0-9-]*)' in (?:manifest|workflow|step)\.regimes", named))

    waivers = waivers_doc = None
    waivers_file = None
    if spec.waivers is not None:
        file = placed(copy, root, spec.waivers)
        if not file.is_file():
            raise ConfigError(f"waivers file {spec.waivers!r} not found", where("spec", "waivers"))
        waivers_file = _display(file, root)
        waivers, waivers_doc = load_one(file, "Waivers", waivers_file)
        known = {r.id for p in packs for r in p.pack.spec.rules} | {r.id for r in spec.rules}
        check_waiver_rules(waivers, known, waivers_doc, waivers_file)
    for i, name in enumerate(spec.inline_suppressions):
        if name not in {p.pack.metadata.name for p in packs} | set(BUILTIN_PACKS) | {"custom"}:
            raise ConfigError(f"inlineSuppressions names unknown pack {name!r}",
                              where("spec", "inlineSuppressions", i))

    _check_facts(policy, catalog, classes, defaults, rules, where)

    adequate = spec.adequate_jurisdictions
    config = Config(
        policy=policy, policy_file=shown, root=root, tiers=tiers, tier_rank=tier_rank,
        data_classes=classes, regimes=regimes,
        adequate=frozenset(facts.expand(list(adequate)) or [] if adequate is not None else facts.DEFAULT_ADEQUATE),
        catalog=catalog, packs=packs, rules=rules, disabled_packs=disabled,
        waivers=waivers, waivers_file=waivers_file, waivers_doc=waivers_doc, copy=copy,
    )
    config.rule_index = {r.id: r for r in rules}
    config.policy_doc = doc
    return config


def _did_you_mean(value: str, choices: list[str]) -> str:
    import difflib

    hint = difflib.get_close_matches(value, choices, n=1)
    return f"; did you mean {hint[0]!r}?" if hint else ""


def _check_facts(policy: Policy, catalog: CatalogIndex, classes: dict[str, DataClass],
                 defaults: Policy, rules: list[CompiledRule],
                 where: Callable[..., Location | None]) -> None:
    """The policy facts rules read must name things that exist: a typo would silently
    turn a signed BAA, an approved vendor or a validated model into a missing one, or a
    regime into one no rule knows."""
    spec = policy.spec
    providers = sorted(catalog.providers)
    for i, provider in enumerate(spec.agreements.baa):
        if provider not in catalog.providers:
            raise ConfigError(f"agreements.baa names unknown provider {provider!r}"
                              f"{_did_you_mean(provider, providers)}", where("spec", "agreements", "baa", i))
    for i, vendor in enumerate(spec.agreements.vendors):
        if vendor.provider not in catalog.providers:
            raise ConfigError(f"agreements.vendors names unknown provider {vendor.provider!r}"
                              f"{_did_you_mean(vendor.provider, providers)}",
                              where("spec", "agreements", "vendors", i, "provider"))
    for i, contract in enumerate(spec.agreements.contracts):
        if contract.provider not in catalog.providers:
            raise ConfigError(f"agreements.contracts names unknown provider {contract.provider!r}"
                              f"{_did_you_mean(contract.provider, providers)}",
                              where("spec", "agreements", "contracts", i, "provider"))
    for i, entry in enumerate(spec.model_inventory):
        if entry.model not in catalog.models:
            raise ConfigError(f"modelInventory names unknown model {entry.model!r}"
                              f"{_did_you_mean(entry.model, sorted(catalog.models))}",
                              where("spec", "modelInventory", i, "model"))
    known = {r for c in defaults.spec.data_classes.values() for r in c.regimes}
    sources = " ".join(r.rule.when + " " + (r.rule.violation or "") for r in rules)
    known |= set(re.findall(r"'([a-z][a-z0-9-]*)'", sources))
    for name, data_class in spec.data_classes.items():
        for i, regime in enumerate(data_class.regimes):
            if regime not in known:
                raise ConfigError(
                    f"data class {name!r} names regime {regime!r}, which no enabled rule knows"
                    f"{_did_you_mean(regime, sorted(known))}; built-in regimes: "
                    f"{', '.join(sorted(r for c in defaults.spec.data_classes.values() for r in c.regimes))}",
                    where("spec", "dataClasses", name, "regimes", i))


def _compile(policy: Policy, packs: list[LoadedPack], doc: Document | None,
             shown: str | None) -> list[CompiledRule]:
    spec = policy.spec
    seen: dict[str, str] = {}
    compiled: list[CompiledRule] = []
    custom = LoadedPack(
        pack=custom_pack(policy), file=shown or "<policy>", doc=doc, builtin=False
    )
    sources = [(p, p.pack.spec.rules, ("spec", "rules")) for p in packs]
    sources.append((custom, spec.rules, ("spec", "rules")))
    for pack, rules, _ in sources:
        for i, rule in enumerate(rules):
            if rule.id in seen:
                raise ConfigError(
                    f"rule id {rule.id} is defined twice ({seen[rule.id]} and {pack.file})",
                    pack.doc.location(("spec", "rules", i, "id")) if pack.doc else None,
                )
            seen[rule.id] = pack.file
            if rule.id in PROHIBITIONS:
                # What no waiver may cover, the policy may not switch off or lower either.
                if rule.id in spec.disable:
                    raise ConfigError(f"disable names {rule.id}, which cannot be disabled: "
                                      f"{PROHIBITIONS[rule.id]}",
                                      doc.location(("spec", "disable")) if doc else None)
                lowered = spec.overrides.get(rule.id)
                if lowered is not None and lowered.severity != rule.severity:
                    raise ConfigError(f"overrides changes the severity of {rule.id}, which stays "
                                      f"{rule.severity}: {PROHIBITIONS[rule.id]}",
                                      doc.location(("spec", "overrides", rule.id)) if doc else None)
            if rule.id in spec.disable:
                continue
            override = spec.overrides.get(rule.id)
            severity = override.severity if override else rule.severity
            compiled.append(compile_rule(rule, pack, i, severity,
                                         spec.limits.max_rule_milliseconds / 1000))
    known = set(seen)
    for key in ("overrides", "disable"):
        names = spec.overrides if key == "overrides" else spec.disable
        for name in names:
            if name not in known:
                raise ConfigError(
                    f"{key} names unknown rule {name!r}",
                    doc.location(("spec", key)) if doc else None,
                )
    return compiled


def custom_pack(policy: Policy) -> RulePack:
    """The pack the policy's own rules belong to, as the records a validated RulePack would
    be (every field, defaults included; a test holds it to pydantic's result)."""
    metadata = Record("PackMetadata", {"name": "custom", "version": policy.metadata.version or "0",
                                       "title": "Policy rules", "regime": None, "description": None})
    pack = Record("RulePack", {"api_version": API_VERSION, "kind": "RulePack",
                               "metadata": metadata, "spec": Record("RulePackSpec", {"rules": []})})
    return pack  # type: ignore[return-value]  # a record that reads as the model


PROHIBITIONS = {"JUR009": "a prohibited transaction under 28 CFR 202.303"}
"""Rules the policy may neither disable nor give another severity."""

NOT_WAIVABLE = frozenset({"WAIVER001", "WAIVER002", "POL001", "COST009", *PROHIBITIONS})
"""Rules no waiver, inline suppression or baseline may cover: the waiver rules themselves,
POL001 (a policy file the run did not use: the manifests beside it were judged by the wrong
policy, and accepting that accepts whatever it lets through), COST009 (a team whose name only
looks budgeted: a comment beside it would let it escape every team ceiling; giving the team a
budget of its own ends the finding), and prohibitions that the organisation cannot accept as
a risk (JUR009, 28 CFR 202.303)."""


def check_waiver_rules(waivers: Waivers, known: set[str], doc: Document | None, file: str) -> None:
    """A waiver naming an unknown rule is a config error: it would silently waive nothing."""
    seen: set[str] = set()
    for i, waiver in enumerate(waivers.spec.waivers):
        where = doc.location(("spec", "waivers", i, "rule")) if doc else Location(file)
        if waiver.rule not in known:
            raise ConfigError(f"waiver {waiver.id} names unknown rule {waiver.rule!r}", where)
        if waiver.rule in NOT_WAIVABLE:
            raise ConfigError(f"waiver {waiver.id}: {waiver.rule} cannot be waived"
                              + (" (a prohibited transaction under 28 CFR 202.303)"
                                 if waiver.rule == "JUR009" else ""), where)
        if waiver.id in seen:
            raise ConfigError(f"waiver id {waiver.id} is used twice",
                              doc.location(("spec", "waivers", i, "id")) if doc else Location(file))
        seen.add(waiver.id)
