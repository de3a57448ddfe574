"""The check pipeline, written once for `check`, `cost`, `report`, `baseline` and `test`:

    discover -> read and validate -> evaluate (one process, or slices in several) ->
    waivers and suppressions -> filters -> baseline and `--diff` -> result

How the evaluate phase is split across processes is `run.processes`' business; the phases and
their order are here only.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from procurelint import __version__
from procurelint.documents.files import Candidate, discover
from procurelint.engine.costs import cents
from procurelint.engine.totals import ManifestRef, Spend
from procurelint.errors import ConfigError, Location
from procurelint.findings import Finding, Result, RuleMeta, Summary
from procurelint.documents.yamlio import Limits
from procurelint.policy.config import Config
from procurelint.run.apply_waivers import apply_waivers
from procurelint.run.processes import SliceView, process_count, slices
from procurelint.run.reading import Loaded, Progress, core_finding, parser_limits
from procurelint.run.selection import Selection, matches, wanted
from procurelint.run.suppressions import Suppression
from procurelint.run.suppressions import apply as apply_suppressions

if TYPE_CHECKING:  # at run time these are records (procurelint.documents.records) that read alike
    from procurelint.documents.models.waivers_model import Waiver

TOOL = {"name": "procurelint", "version": __version__}


@dataclass(slots=True)
class Options:
    paths: list[Path] = field(default_factory=list)
    select: list[str] = field(default_factory=list)
    ignore: list[str] = field(default_factory=list)
    fail_on: str | None = None
    today: dt.date = field(default_factory=lambda: dt.datetime.now(dt.timezone.utc).date())
    limits: Limits | None = None
    """Parser limits; None means the policy's `limits`."""
    progress: Progress | None = None
    """Called as progress(label, done, total) on long loops (the CLI draws it on a terminal)."""
    jobs: int = 1
    """Processes the evaluate phase may be split across; 0 means the usable cores."""
    baseline: Path | None = None
    """Report only findings not in this baseline file."""
    diff: str | None = None
    """Pull-request mode: report only findings new relative to this git revision."""
    scratch: Path | None = None
    """A folder for the exported base revision of `diff`."""


@dataclass(slots=True)
class Checked:
    """The result, the settled spend, and each slice's view (in file order) when one was asked."""

    result: Result
    spend: Spend
    views: list[Any]


def check(config: Config, options: Options, processes: int | None = None,
          view: SliceView | None = None, request: Any = None) -> Checked:
    """Run the pipeline. `view(evaluation, request(result))` runs where each slice was judged,
    after the result is settled, and its value is returned per slice; `request` is a
    function of the result. `processes` forces the split (tests split small repositories)."""
    check_selection(config, options)
    limits = options.limits or parser_limits(config)
    work = _work(config, options)
    if processes is None:
        processes = process_count(options.jobs, len(work))
    processes = max(1, min(processes, len(work)))
    with slices(config, work, limits, options.today, processes, view, options.progress) as parts:
        contributions = [part.contributions() for part in parts]
        judge = parts[0].evaluator  # type: ignore[attr-defined]  # this process's slice
        spend = judge.settle(contributions)
        bulk = dict(judge.factory.bulk)
        loaded = Loaded([], [], 0, 0)
        evaluated: list[Finding] = []
        selection = Selection(tuple(options.select), tuple(options.ignore))
        for part in parts:
            theirs, findings = part.judge(spend, bulk, selection)
            loaded.findings.extend(theirs.findings)
            loaded.suppressions.extend(theirs.suppressions)
            loaded.files += theirs.files
            loaded.ignored += theirs.ignored
            evaluated.extend(findings)
        refs = [ref for part in contributions for ref in part.refs]
        if not any(ref.selected for ref in refs):
            _require_manifests(options, config, loaded)
        mark = len(judge.findings)
        judge.only(selection.judged(loaded.suppressions))
        judge.duplicates(refs)
        judge.judge_global(refs, spend)
        evaluated.extend(judge.findings[mark:])
        result = _finish(config, options, loaded, refs, evaluated, spend)
        _compare(config, options, result)
        views = [part.view(request(result) if request else None) for part in parts] if view else []
    return Checked(result, spend, views)


def _work(config: Config, options: Options) -> list[tuple[Candidate, bool]]:
    """The files to read, each with whether it was selected: the PATH arguments' files, then,
    where rules judge the whole root, every other file under it (read for the totals only)."""
    spec = config.policy.spec
    chosen = discover(config.root, options.paths, spec.include, spec.exclude, spec.limits.max_files)
    work = [(c, True) for c in chosen]
    if options.paths and needs_whole_repo(config):
        names = {c.display for c in chosen}
        work += [(c, False) for c in discover(config.root, [], spec.include, spec.exclude,
                                              spec.limits.max_files) if c.display not in names]
    return work


def check_selection(config: Config, options: Options) -> None:
    """--select and --ignore must name enabled rules: a typo'd --select would check nothing
    and pass, a typo'd --ignore would keep what its author meant to silence."""
    enabled = [r.id for r in config.rules]
    for option, patterns in (("--select", options.select), ("--ignore", options.ignore)):
        for pattern in patterns:
            if not any(matches(rule, pattern) for rule in enabled):
                raise ConfigError(
                    f"{option} {pattern!r} matches no enabled rule; `procurelint rules` lists them")


def needs_whole_repo(config: Config) -> bool:
    """Team and org rules judge every manifest under the root, not only the files given."""
    budgets = config.policy.spec.budgets
    has_rules = any(s in ("team", "org") for r in config.rules for s in r.scopes)
    return has_rules and (bool(budgets.teams) or budgets.org_monthly_usd is not None)


def _require_manifests(options: Options, config: Config, loaded: Loaded) -> None:
    if not loaded.findings:
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
    findings = [f for f in findings if wanted(f.rule, options.select, options.ignore)]
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
               if wanted(k, options.select, options.ignore)},
        policy_changes=list(config.policy_changes),
    )


def _compare(config: Config, options: Options, result: Result) -> None:
    """Pull-request mode and baselines: keep only the findings that are new."""
    from procurelint.run import baselines

    if options.diff:
        base = _base_result(config, options, options.diff)
        base_findings = base.findings if base is not None else []
        result.findings, _ = baselines.subtract(result.findings, baselines.counts(base_findings))
        result.base_monthly_usd = base.summary.monthly_usd if base is not None else 0.0
    if options.baseline:
        result.findings, result.stale_baseline = baselines.subtract(
            result.findings, baselines.load(options.baseline))


def _base_result(config: Config, options: Options, revision: str) -> Result | None:
    """The same check on the tree of `revision`, or None if it held no manifest."""
    from procurelint.run.pull_request import export, relocate, toplevel

    if options.scratch is None:
        raise ConfigError("--diff needs a scratch folder for the base revision")
    top = toplevel(config.root)
    base_top = export(config.root, revision, options.scratch / "base")
    base_root = relocate(config.root, top, base_top)
    paths = [relocate(p, top, base_top) for p in options.paths]
    paths = [p for p in paths if p.exists()]
    if options.paths and not paths:
        return None
    saved = config.root
    try:
        config.root = base_root
        return check(config, replace(options, paths=paths, diff=None, baseline=None,
                                     progress=None)).result
    except ConfigError as exc:
        if "no AgentManifest documents found" in exc.message:
            return None
        raise
    finally:
        config.root = saved


def _exceptions(config: Config, options: Options, suppressions: list[Suppression],
                selected: set[str], findings: list[Finding]) -> None:
    """Apply inline suppressions, then waivers; their own findings join `findings`."""
    extra: list[Finding] = []

    def report(rule_id: str, path: str, location: Location, message: str) -> None:
        extra.append(core_finding(config, rule_id, message, location.file, location.line,
                                  location.column, path))

    packs = {r.id: r.pack for r in config.rules}
    apply_suppressions(findings, suppressions, frozenset(config.policy.spec.inline_suppressions),
                       packs.get, report)
    if config.waivers is not None:

        def judged(waiver: Waiver) -> bool:
            if waiver.rule not in packs or not wanted(waiver.rule, options.select, options.ignore):
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
