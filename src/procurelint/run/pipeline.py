"""The check pipeline, written once for `check`, `cost`, `report`, `baseline` and `test`:

    discover -> read and validate -> evaluate (one process, or slices in several) ->
    waivers and suppressions -> filters -> baseline and `--diff` -> result

How the evaluate phase is split across processes is `run.processes`' business; the phases and
their order are here only.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any

from msgspec import Struct, field
from msgspec.structs import replace

from procurelint import __version__
from procurelint.documents.files import Candidate, GitIgnored, discover
from procurelint.engine.costs import cents
from procurelint.engine.totals import Contributions, ManifestRef, Spend
from procurelint.errors import ConfigError, Location
from procurelint.findings import Finding, Result, RuleMeta, Summary
from procurelint.documents.document import Limits
from procurelint.policy.config import Config, Copy
from procurelint.policy.merged_catalog import change_json
from procurelint.run.apply_waivers import apply_waivers
from procurelint.run.processes import (LocalSlice, Slice, SliceView, answers, collector,
                                       process_count, slices)
from procurelint.run.reading import Loaded, Progress, core_finding, parser_limits
from procurelint.run.selection import Selection, matches, wanted
from procurelint.run.suppressions import Suppression
from procurelint.run.suppressions import apply as apply_suppressions

if TYPE_CHECKING:  # at run time these are records (procurelint.documents.records) that read alike
    from procurelint.documents.models.waivers_model import Waiver

TOOL = {"name": "procurelint", "version": __version__}


class Options(Struct):
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
    listed: bool = True
    """Bound the findings listed (MAX_PER_FILE, MAX_PER_RUN). False where they are compared,
    not shown: the base revision of `diff`, a baseline being recorded (a finding past the
    bound would otherwise come back as new)."""
    place: Path | None = None
    """The folder that names the parse cache's packs, when the root is a copy of it (the
    base revision of `diff`): a work tree and its base then share their packs."""
    committed: list[str] | None = None
    """The files to judge under the root, relative to it, in place of a walk of it: the files
    of git's index, for `--staged` judging the work tree in place (it holds them as the index
    does), which must see nothing else, and nothing git ignores among them."""
    top: Path | None = None
    """The top of the git work tree that holds the root, where git named it (with
    `committed`)."""


class Checked(Struct):
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
    work, not_read = _work(config, options)
    if processes is None:
        processes = process_count(options.jobs, len(work))
    processes = max(1, min(processes, len(work)))
    place = options.place or _place(config)
    with slices(config, work, limits, options.today, processes, view, options.progress,
                place) as parts:
        contributions = [part.contributions() for part in parts]
        with collector(running=False):
            return _judged(config, options, parts, contributions, work, not_read, view, request)


def _judged(config: Config, options: Options, parts: list[Slice],
            contributions: list[Contributions], work: list[tuple[Candidate, bool]],
            not_read: list[dict[str, str]], view: SliceView | None, request: Any) -> Checked:
    """Judging, from the slices' contributions to the result (and each slice's view)."""
    here = parts[0]
    assert isinstance(here, LocalSlice)  # the first slice is always this process's
    judge = here.evaluator
    spend = judge.settle(contributions)
    bulk = dict(judge.factory.bulk)
    loaded = Loaded([], [], 0, 0)
    evaluated: list[Finding] = []
    selection = Selection(tuple(options.select), tuple(options.ignore))
    for theirs, findings in answers(parts, "judge", spend, bulk, selection):
        loaded.findings.extend(theirs.findings)
        loaded.suppressions.extend(theirs.suppressions)
        loaded.files += theirs.files
        loaded.ignored += theirs.ignored
        loaded.not_read.extend(theirs.not_read)
        evaluated.extend(findings)
    refs = [ref for part in contributions for ref in part.refs]
    uses = _discovered(config)
    if not any(ref.selected for ref in refs) and not uses:
        _require_manifests(options, config, loaded)
    mark = len(judge.findings)
    judge.only(selection.judged(loaded.suppressions))
    judge.duplicates(refs)
    judge.judge_global(refs, spend)
    if uses is not None:
        judge.judge_drift(uses, [d for part in contributions for d in part.declared])
    evaluated.extend(judge.findings[mark:])
    evaluated.extend(_unused_policies(config, work))
    result = _finish(config, options, loaded, refs, evaluated, spend)
    result.not_read = sorted(not_read + loaded.not_read, key=lambda e: e["file"])
    result.summary.skipped = len(result.not_read)
    _compare(config, options, result)
    if options.listed:
        _bound(result)
    views = answers(parts, "view", request(result) if request else None) if view else []
    return Checked(result, spend, views)


def _place(config: Config) -> Path:
    """The folder of the repository being checked: for a copy of it (`--staged`, a base
    revision), the same folder in the repository it stands for."""
    copy = config.copy
    if copy is not None and copy.holds(config.root):
        return copy.of / config.root.relative_to(copy.at)
    return config.root


def _discovered(config: Config) -> list[dict[str, Any]] | None:
    """The repository's model uses when the policy enables discovery (the drift pack), else None."""
    if not config.policy.spec.discovery.enabled:
        return None
    from procurelint.run.discovery import discovered_uses

    return discovered_uses(config)


def _work(config: Config, options: Options) -> tuple[list[tuple[Candidate, bool]], list[dict[str, str]]]:
    """The files to read, each with whether it was selected: the PATH arguments' files, then
    every other file under the root, read for the roll-ups only (team and organisation spend,
    bulk volumes per provider, duplicate names), so that a check of a few files judges them
    exactly as a check of all. And the files that look like ours but are not read."""
    spec = config.policy.spec
    policy = config.root / config.policy_file if config.policy_file else None
    # Asked of git once for both walks. Among git's own files (the index's judged in place, a
    # copy of the index or of a revision) nothing is ignored: git tracks them all. In a copy,
    # git would not even answer for them (it would find no repository, or the one GIT_DIR
    # names, or one around the temporary folder).
    copied = config.copy is not None and config.copy.holds(config.root.resolve())
    all_tracked = options.committed is not None or options.place is not None or copied
    ignored = GitIgnored(None if all_tracked else config.root.resolve())
    found = discover(config.root, options.paths, spec.include, spec.exclude, spec.limits.max_files,
                     policy, ignored, options.committed)
    chosen = [c for c in found if c.skipped is None]
    not_read = [{"file": c.display, "reason": c.skipped} for c in found if c.skipped is not None]
    work = [(c, True) for c in chosen]
    if options.paths:
        names = {c.display for c in found}
        work += [(c, False) for c in discover(config.root, [], spec.include, spec.exclude,
                                              spec.limits.max_files, policy, ignored,
                                              options.committed)
                 if c.display not in names and c.skipped is None]
    return work, not_read


FAIL_ON_ORDER = ("info", "warning", "error", "never")


def check_selection(config: Config, options: Options) -> None:
    """--select and --ignore must name enabled rules: a typo'd --select would check nothing
    and pass, a typo'd --ignore would keep what its author meant to silence. A pack the policy
    locks (`lockedPacks`) cannot be left out from the command line, nor its findings let pass
    by a looser --fail-on."""
    spec = config.policy.spec
    locked = set(spec.locked_packs)
    known = {p.pack.metadata.name for p in config.packs} | set(config.disabled_packs)
    for name in sorted(locked - known):
        raise ConfigError(f"lockedPacks names unknown pack {name!r}; packs: {', '.join(sorted(known))}")
    for rule in config.rules:
        if rule.pack in locked and not wanted(rule.id, options.select, options.ignore):
            raise ConfigError(
                f"the policy locks pack {rule.pack!r} (lockedPacks): --select/--ignore may not "
                f"leave out {rule.id}; change the policy to judge without it")
    if locked and options.fail_on is not None and (
            FAIL_ON_ORDER.index(options.fail_on) > FAIL_ON_ORDER.index(spec.fail_on)):
        raise ConfigError(
            f"the policy locks packs {', '.join(sorted(locked))} (lockedPacks): --fail-on "
            f"{options.fail_on} is looser than its failOn {spec.fail_on}")
    now = dt.datetime.now(dt.timezone.utc).date()
    if locked and options.today < now - dt.timedelta(days=1):
        raise ConfigError(
            f"the policy locks packs {', '.join(sorted(locked))} (lockedPacks): judging as of "
            f"{options.today.isoformat()} (--date or SOURCE_DATE_EPOCH), before today, would let "
            "expired waivers and agreements hold")
    enabled = [r.id for r in config.rules]
    for option, patterns in (("--select", options.select), ("--ignore", options.ignore)):
        for pattern in patterns:
            if not any(matches(rule, pattern) for rule in enabled):
                raise ConfigError(
                    f"{option} {pattern!r} matches no enabled rule; `procurelint rules` lists them")


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
    if options.select or options.ignore:
        findings = [f for f in findings if wanted(f.rule, options.select, options.ignore)]
    findings = _sorted_once(findings)
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
        catalog_changes=[change_json(c) for c in config.catalog.changes],
        left_out=left_out(config, options),
        repository_prefix=repository_prefix(config.root, config.copy, options.top),
    )


def left_out(config: Config, options: Options) -> list[dict[str, str]]:
    """The rules of the built-in and policy packs that this run does not judge, and why."""
    out: list[dict[str, str]] = []
    for rule in config.rules:
        if options.select and not any(matches(rule.id, p) for p in options.select):
            out.append({"rule": rule.id, "reason": f"--select {','.join(options.select)}"})
        elif any(matches(rule.id, p) for p in options.ignore):
            out.append({"rule": rule.id, "reason": f"--ignore {','.join(options.ignore)}"})
    for rule_id in config.policy.spec.disable:
        out.append({"rule": rule_id, "reason": "disabled by the policy (disable)"})
    for pack in config.disabled_packs:
        out.append({"rule": f"{pack} (pack)", "reason": "not in the policy's packs"})
    return sorted(out, key=lambda e: e["rule"])


MAX_PER_FILE = 500
MAX_PER_RUN = 10_000


def _bound(result: Result) -> None:
    """List at most MAX_PER_FILE findings per file and MAX_PER_RUN per run, so that a hostile
    file cannot exhaust memory in a report; the rest are counted by severity (and still fail the
    run), never dropped silently."""
    if len(result.findings) <= MAX_PER_FILE:
        return
    kept: list[Finding] = []
    per_file: dict[str, int] = {}
    for finding in result.findings:
        seen = per_file.get(finding.file, 0)
        if seen < MAX_PER_FILE and len(kept) < MAX_PER_RUN:
            per_file[finding.file] = seen + 1
            kept.append(finding)
        elif finding.waived:
            result.omitted_waived += 1
        else:
            result.omitted[finding.severity] = result.omitted.get(finding.severity, 0) + 1
    result.findings = kept


def repository_prefix(root: Path, copy: Copy | None = None, top: Path | None = None) -> str:
    """`root` relative to the top of the git work tree that holds it, as `ai/`; "" at the top
    or outside git. Found by looking for `.git` (a folder, or a file in a linked work tree or
    submodule) rather than by running git, which a pre-commit hook pays for on every commit.
    In a `copy` of a repository (which has no `.git`), relative to the copy's top; relative
    to `top` where git named it (a `.git` git does not track may lie in between)."""
    here = root.resolve()
    if top is not None:
        relative = here.relative_to(top).as_posix()
        return "" if relative == "." else relative + "/"
    if copy is not None and copy.holds(here):
        relative = here.relative_to(copy.at).as_posix()
        return "" if relative == "." else relative + "/"
    for folder in (here, *here.parents):
        if (folder / ".git").exists():
            relative = here.relative_to(folder).as_posix()
            return "" if relative == "." else relative + "/"
    return ""


def _unused_policies(config: Config, work: list[tuple[Candidate, bool]]) -> list[Finding]:
    """POL001 for each policy file among the files read that is not the policy of this run:
    the manifests beside it were judged by another policy (or the built-in defaults). A file is
    a policy file by any name the walk reached it by: a link named `procurelint.yaml` is one
    whatever its target is called, and is not the run's policy even when it leads there (a
    check from its folder is rooted there). The run's own policy, by its name or as the target
    of its link, is not reported, nor the work tree's policy that --policy-from judges by the
    base revision's in its place."""
    from procurelint.policy.config import CONFIG_NAME
    from procurelint.policy.core_rules import message

    used = f"the policy {config.policy_file}" if config.policy_file else "the built-in defaults"
    own = (config.root / config.policy_file).resolve() if config.policy_file else None
    found = []
    for candidate, _ in work:
        names = [name for name in (candidate.display, *candidate.links)
                 if name.rpartition("/")[2] == CONFIG_NAME
                 and name not in (config.policy_file, config.replaced_policy)]
        if (names and names[0] == candidate.display and candidate.problem is None
                and own is not None and candidate.path.resolve() == own):
            names.pop(0)  # the target of the run's own policy link
        for name in names:
            folder = name[: -len(CONFIG_NAME)] or "."
            found.append(core_finding(
                config, "POL001", message("POL001", file=name, used=used, folder=folder),
                name, 1, 1, ""))
    return found


def _compare(config: Config, options: Options, result: Result) -> None:
    """Pull-request mode and baselines: keep only the findings that are new."""
    if not (options.diff or options.baseline):
        return  # a plain check need not import the baseline module
    from procurelint.run import baselines

    every = result.findings
    if options.baseline:
        # First, on every finding: an entry is stale only when no finding of this run matches
        # it, whether or not the base revision of --diff had that finding too.
        before = result.findings
        accepted, result.expired_baseline = baselines.load(options.baseline, config, options.today)
        result.findings, result.stale_baseline = baselines.subtract(before, accepted)
        kept = {id(f) for f in result.findings}
        result.baselined = [f for f in before if id(f) not in kept]
        result.baseline_file = str(options.baseline)
    if options.diff:
        base = _base_result(config, options, options.diff)
        base_findings = base.findings if base is not None else []
        result.fixed = baselines.missing(base_findings, every)
        result.findings, _ = baselines.subtract(result.findings, baselines.counts(base_findings))
        result.base_monthly_usd = base.summary.monthly_usd if base is not None else 0.0


def _base_result(config: Config, options: Options, revision: str) -> Result | None:
    """The same check on the tree of `revision`, or None if it held no manifest."""
    from procurelint.run.pull_request import export, in_work_tree, relocate, toplevel

    if options.scratch is None:
        raise ConfigError("--diff needs a scratch folder for the base revision")
    if not in_work_tree(config.root):
        raise ConfigError(
            f"--diff compares with a git revision, but the policy's folder {config.root} is not "
            "in a git work tree (a policy above the repository judges more than the "
            "repository): check the repository with a policy inside it, or without --diff")
    top = toplevel(config.root)
    base_top = export(config.root, revision, options.scratch / "base")
    base_root = relocate(config.root, top, base_top)
    paths = [relocate(p, top, base_top) for p in options.paths]
    paths = [p for p in paths if p.exists()]
    if options.paths and not paths:
        return None
    saved, place = config.root, options.place or _place(config)
    try:
        config.root = base_root
        return check(config, replace(options, paths=paths, diff=None, baseline=None,
                                     progress=None, listed=False, place=place)).result
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


def _sorted_once(findings: list[Finding]) -> list[Finding]:
    """The findings in order, each once (a finding reported twice at one place, alike, is one):
    each finding's key is built once, as a repository can have hundreds of thousands."""
    keys = [f.sort_key() for f in findings]
    out: list[Finding] = []
    last = None
    for i in sorted(range(len(findings)), key=keys.__getitem__):
        if keys[i] != last:
            last = keys[i]
            out.append(findings[i])
    return out
