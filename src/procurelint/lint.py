"""The `check` use case: read files, validate manifests, evaluate rules, build the result."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from procurelint import __version__
from procurelint.config import Config
from procurelint.discovery import Candidate, discover
from procurelint.documents import is_ours, validate_manifest
from procurelint.engine.costs import cents
from procurelint.engine.evaluate import Evaluation, ManifestRef, Spend, evaluate
from procurelint.engine.units import ManifestInput
from procurelint.errors import ConfigError, Location, YamlError
from procurelint.findings import Finding, Result, RuleMeta, Summary
from procurelint.suppressions import MARKER, Suppression, scan
from procurelint.suppressions import apply as apply_suppressions
from procurelint.waivers import apply_waivers
from procurelint.yamlio import Limits, parse, read_text

if TYPE_CHECKING:  # at run time these are records (procurelint.records) that read alike
    from procurelint.model.waivers import Waiver


@dataclass(slots=True)
class Options:
    paths: list[Path] = field(default_factory=list)
    select: list[str] = field(default_factory=list)
    ignore: list[str] = field(default_factory=list)
    fail_on: str | None = None
    today: dt.date = field(default_factory=lambda: dt.datetime.now(dt.timezone.utc).date())
    limits: Limits | None = None
    """Parser limits; None means the policy's `limits`."""
    progress: Callable[[str, int, int], None] | None = None
    """Called as progress(label, done, total) on long loops (the CLI draws it on a terminal)."""
    jobs: int = 1
    """Processes `check` may split a large run across; 0 means the usable cores."""


@dataclass(slots=True)
class Loaded:
    manifests: list[ManifestInput]
    findings: list[Finding]
    files: int
    ignored: int
    suppressions: list[Suppression] = field(default_factory=list)


def _core_finding(config: Config, rule_id: str, message: str, file: str, line: int, column: int,
                  path: str) -> Finding:
    rule = config.rule_index.get(rule_id)
    return Finding(
        rule=rule_id, severity=rule.severity if rule else "error", message=message,
        file=file, line=line, column=column, path=path,
        citations=tuple(rule.rule.citations) if rule else (),
        remediation=rule.rule.remediation if rule else "",
    )


def parser_limits(config: Config) -> Limits:
    """The YAML limits of the policy."""
    spec = config.policy.spec.limits
    return Limits(max_file_bytes=spec.max_file_bytes, max_depth=spec.max_depth,
                  max_nodes=spec.max_nodes, max_scalar_length=spec.max_scalar_length)


def _too_big(config: Config, data: dict[str, object]) -> tuple[str, tuple[str | int, ...]] | None:
    """A manifest with more workflows or steps than the policy's limits allow."""
    limits = config.policy.spec.limits
    spec = data.get("spec")
    workflows = spec.get("workflows") if isinstance(spec, dict) else None
    if not isinstance(workflows, list):
        return None
    if len(workflows) > limits.max_workflows:
        return (f"manifest has {len(workflows)} workflows, more than the limit of "
                f"{limits.max_workflows} (limits.maxWorkflows); split it"), ("spec", "workflows")
    for i, workflow in enumerate(workflows):
        steps = workflow.get("steps") if isinstance(workflow, dict) else None
        if isinstance(steps, list) and len(steps) > limits.max_steps:
            return (f"workflow has {len(steps)} steps, more than the limit of {limits.max_steps} "
                    "(limits.maxSteps); split it"), ("spec", "workflows", i, "steps")
    return None


def load_manifests(config: Config, candidates: list[Candidate], limits: Limits,
                   selected: bool = True,
                   progress: Callable[[str, int, int], None] | None = None) -> Loaded:
    """Parse and validate files; problems become MAN001/MAN002 findings, never exceptions."""
    manifests: list[ManifestInput] = []
    findings: list[Finding] = []
    ignored = 0
    suppressions: list[Suppression] = []
    for number, candidate in enumerate(candidates, start=1):
        if progress is not None and number % 64 == 0:
            progress("reading manifests", number, len(candidates))
        if candidate.problem is not None:
            findings.append(_core_finding(config, "MAN001", candidate.problem, candidate.display,
                                          1, 1, ""))
            continue
        try:
            text = read_text(str(candidate.path), candidate.display, limits)
            if MARKER in text:
                suppressions.extend(scan(text, candidate.display))
            docs = parse(text, candidate.display, limits)
        except YamlError as exc:
            loc = exc.location
            findings.append(_core_finding(
                config, "MAN001", exc.message, candidate.display,
                loc.line if loc else 1, loc.column if loc else 1, "",
            ))
            continue
        ours = 0
        for doc in docs:
            if not is_ours(doc.data):
                continue
            ours += 1
            if doc.data.get("kind") not in (None, "AgentManifest"):
                continue  # a policy, catalog, pack or waivers file: read where referenced
            too_big = _too_big(config, doc.data)
            if too_big is not None:
                where = doc.location(too_big[1])
                findings.append(_core_finding(config, "MAN001", too_big[0], where.file, where.line,
                                              where.column, ""))
                continue
            model, problems = validate_manifest(doc)
            for problem in problems:
                findings.append(_core_finding(
                    config, "MAN002", problem.message, problem.location.file,
                    problem.location.line, problem.location.column, problem.path,
                ))
            if model is not None:
                manifests.append(ManifestInput(doc, model, (), selected))
        if not ours:
            ignored += 1
    return Loaded(manifests, findings, len(candidates), ignored, suppressions)


def _matches(rule: str, pattern: str) -> bool:
    """A rule id, or a prefix of letters only (`HIPAA` selects HIPAA001-HIPAA005)."""
    return rule == pattern or (pattern.isalpha() and rule.startswith(pattern))


def _wanted(rule: str, select: list[str], ignore: list[str]) -> bool:
    if select and not any(_matches(rule, p) for p in select):
        return False
    return not any(_matches(rule, p) for p in ignore)


def check_selection(config: Config, options: Options) -> None:
    """--select and --ignore must name enabled rules: a typo'd --select would check nothing
    and pass, a typo'd --ignore would keep what its author meant to silence."""
    enabled = [r.id for r in config.rules]
    for option, patterns in (("--select", options.select), ("--ignore", options.ignore)):
        for pattern in patterns:
            if not any(_matches(rule, pattern) for rule in enabled):
                raise ConfigError(
                    f"{option} {pattern!r} matches no enabled rule; `procurelint rules` lists them")


def needs_whole_repo(config: Config) -> bool:
    """Team and org rules judge every manifest under the root, not only the files given."""
    budgets = config.policy.spec.budgets
    has_rules = any(s in ("team", "org") for r in config.rules for s in r.scopes)
    return has_rules and (bool(budgets.teams) or budgets.org_monthly_usd is not None)


def _candidates(config: Config, options: Options) -> list[Candidate]:
    spec = config.policy.spec
    return discover(config.root, options.paths, spec.include, spec.exclude, spec.limits.max_files)


def run_check(config: Config, options: Options) -> tuple[Result, Evaluation]:
    """Lint the given paths (or the whole root) under the configuration, in this process; the
    evaluation is kept for the commands that read more than findings (cost, report)."""
    spec = config.policy.spec
    check_selection(config, options)
    limits = options.limits or parser_limits(config)
    candidates = _candidates(config, options)
    loaded = load_manifests(config, candidates, limits, progress=options.progress)
    manifests = list(loaded.manifests)
    _require_manifests(options, config, loaded, bool(manifests))
    if options.paths and needs_whole_repo(config):
        chosen = {c.display for c in candidates}
        rest = [c for c in discover(config.root, [], spec.include, spec.exclude, spec.limits.max_files)
                if c.display not in chosen]
        others = load_manifests(config, rest, limits, selected=False, progress=options.progress)
        manifests.extend(others.manifests)
    evaluation = evaluate(config, manifests, options.today)
    result = _finish(config, options, loaded, evaluation.refs, evaluation.findings, evaluation.spend)
    return result, evaluation


def check(config: Config, options: Options, processes: int | None = None) -> Result:
    """Like `run_check`, for the commands that need only the result: a large run is split
    across up to `options.jobs` processes (0: the usable cores), with the same result.
    `processes` forces the split (tests split small repositories with it)."""
    from procurelint.shards import process_count

    if options.paths and needs_whole_repo(config):
        return run_check(config, options)[0]  # the selection is judged against the whole root
    check_selection(config, options)
    candidates = _candidates(config, options)
    if processes is None:
        processes = process_count(options.jobs, len(candidates))
    processes = min(processes, len(candidates))
    if processes <= 1:
        return run_check(config, options)[0]
    from procurelint.shards import check_in_processes

    limits = options.limits or parser_limits(config)
    outcome = check_in_processes(config, candidates, limits, options.today, processes,
                                 options.progress)
    _require_manifests(options, config, outcome.loaded, bool(outcome.refs))
    return _finish(config, options, outcome.loaded, outcome.refs, outcome.findings, outcome.spend)


def _require_manifests(options: Options, config: Config, loaded: Loaded, found: bool) -> None:
    if not found and not loaded.findings:
        where = ", ".join(str(p) for p in options.paths) or str(config.root)
        raise ConfigError(
            f"no AgentManifest documents found in {where} ({loaded.files} YAML files read, "
            f"{loaded.ignored} not procurelint documents); nothing was checked. Check the PATH "
            "arguments and the policy's include/exclude globs"
        )


def _finish(config: Config, options: Options, loaded: Loaded, refs: list[ManifestRef],
            evaluated: list[Finding], spend: Spend) -> Result:
    """Exceptions, filters, order and counts: the result as every reporter reads it."""
    findings = loaded.findings + evaluated
    selected = [r for r in refs if r.selected]
    _exceptions(config, options, loaded.suppressions, {r.name for r in selected}, findings)
    findings = [f for f in findings if _wanted(f.rule, options.select, options.ignore)]
    findings = _dedupe(sorted(findings, key=Finding.sort_key))
    names = dict.fromkeys(r.name for r in selected)  # each once, in file order
    summary = Summary(
        files=loaded.files, ignored=loaded.ignored, manifests=len(selected),
        workflows=sum(r.workflows for r in selected), steps=sum(r.steps for r in selected),
        monthly_usd=cents(sum(spend.manifests.get(name, 0.0) for name in names)),
    )
    return Result(
        findings=findings, summary=summary, fail_on=options.fail_on or config.policy.spec.fail_on,
        policy_name=config.policy.metadata.name, policy_version=config.policy.metadata.version,
        packs={p.pack.metadata.name: p.pack.metadata.version for p in config.packs},
        disabled_packs=config.disabled_packs,
        catalog_as_of=config.catalog.as_of.isoformat() if config.catalog.as_of else None,
        rules={k: v for k, v in rule_metadata(config).items()
               if _wanted(k, options.select, options.ignore)},
    )


def _exceptions(config: Config, options: Options, suppressions: list[Suppression],
                selected: set[str], findings: list[Finding]) -> None:
    """Apply inline suppressions, then waivers; their own findings join `findings`."""
    extra: list[Finding] = []

    def report(rule_id: str, path: str, location: Location, message: str) -> None:
        extra.append(_core_finding(config, rule_id, message, location.file, location.line,
                                   location.column, path))

    packs = {r.id: r.pack for r in config.rules}
    apply_suppressions(findings, suppressions, frozenset(config.policy.spec.inline_suppressions),
                       packs.get, report)
    if config.waivers is not None:

        def judged(waiver: Waiver) -> bool:
            if waiver.rule not in packs or not _wanted(waiver.rule, options.select, options.ignore):
                return False
            head = waiver.target.split("/")[0]
            return head.startswith("team:") or head == "org" or head in selected

        apply_waivers(findings, config.waivers, config.waivers_doc,
                      config.waivers_file or "waivers.yaml", options.today, judged, report)
    findings.extend(extra)


def rule_metadata(config: Config) -> dict[str, RuleMeta]:
    """The enabled rules as reporters see them."""
    regimes = {p.pack.metadata.name: p.pack.metadata.regime for p in config.packs}
    return {
        r.id: RuleMeta(
            id=r.id, title=r.rule.title, severity=r.severity, pack=r.pack,
            regime=regimes.get(r.pack), rationale=" ".join(r.rule.rationale.split()),
            citations=tuple(r.rule.citations), remediation=" ".join(r.rule.remediation.split()),
            caveats=tuple(r.rule.caveats),
        )
        for r in config.rules
    }


def _dedupe(findings: list[Finding]) -> list[Finding]:
    out: list[Finding] = []
    for f in findings:
        if out and out[-1].sort_key() == f.sort_key():
            continue
        out.append(f)
    return out


TOOL = {"name": "procurelint", "version": __version__}
