"""Findings and the result of a run."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from msgspec import Struct, field


SEVERITIES = ("error", "warning", "info")
SEVERITY_RANK = {"info": 1, "warning": 2, "error": 3}
FAIL_ON_RANK = {"info": 1, "warning": 2, "error": 3, "never": 99}


class Finding(Struct):
    """One rule violation (or unreadable input) at a position in a file."""

    rule: str
    severity: str
    message: str
    file: str
    line: int
    column: int
    path: str
    citations: tuple[str, ...] = ()
    remediation: str = ""
    waived: bool = False
    waiver: dict[str, Any] | None = None
    """The covering waiver as {id, reason, approvedBy, ticket, expires}, or an inline
    suppression as {id: "inline", reason, ...}; `waived` says whether it still applies."""

    def sort_key(self) -> tuple[str, int, int, str, str, str]:
        return (self.file, self.line, self.column, self.rule, self.path, self.message)

    def __reduce__(self) -> tuple[type[Finding], tuple[Any, ...]]:
        # A worker process sends findings to the parent by pickle (those it judged go as
        # lists of fields, `run.processes`): as a tuple of the fields this takes a third of
        # the default's time.
        return (Finding, (self.rule, self.severity, self.message, self.file, self.line,
                          self.column, self.path, self.citations, self.remediation, self.waived,
                          self.waiver))

    def to_json(self) -> dict[str, Any]:
        return {
            "rule": self.rule, "severity": self.severity, "message": self.message,
            "file": self.file, "line": self.line, "column": self.column, "path": self.path,
            "citations": list(self.citations), "remediation": self.remediation,
            "waived": self.waived, "waiver": self.waiver,
        }


# What a finding's message says, as opposed to the figures it quotes: shared by the SARIF and
# GitLab fingerprints and the baseline keys, so that the two cannot disagree on what is the
# same finding. Positions quoted inside messages (MAN007 "already used at a.yaml:4:9", SUP002
# "on line 12", parser errors "line 3, column 5") move with the text; quantities (`$7,625.00`,
# `480000 records`, `30 days`, `12%`) change with a price or volume edit. Neither changes
# what the finding is about, and neither does a date quoted in it. Numbers that are part of an id (`claude-sonnet-4.6`,
# `us-east-1`, `qwen3`) and list indices (`steps[1]`, which name a node) stay.
_DIGIT = re.compile(r"\d")


@lru_cache(maxsize=1)
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    """Compiled at first use (about a millisecond): only fingerprints, baselines and `--diff`
    normalise messages."""
    file_position = re.compile(r":\d+(?::\d+)?\b")
    # A date (`today 2026-12-04`, `expired on 2026-11-01`): a day later it is the same finding.
    date = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
    word_position = re.compile(r"\b(lines?|columns?|col)\s+\d+", re.IGNORECASE)
    # A number standing on its own, not part of an id: no letter, digit, `_`, `-`, `/`, `.` or
    # `[` before it, no letter, `_`, `-` or `]` after it (`/month` and punctuation may follow).
    # It may hold thousands separators and a decimal point, and have a currency sign before it
    # and the `x` of a ratio (`1.5x`) after it. The group is atomic: `$1,224.00/month` is one
    # number, never `$1`.
    quantity = re.compile(r"(?<![\w./\[-])(?>[$€£]?\d[\d,]*(?:\.\d+)?x?)(?![\w\]-]|\.\w)")
    return date, file_position, word_position, quantity


def normalise_message(message: str) -> str:
    """A finding's message without the positions and quantities it quotes, and with runs of
    whitespace collapsed."""
    if not _DIGIT.search(message):
        return " ".join(message.split())  # a position is digits: nothing to take out
    date, file_position, word_position, quantity = _patterns()
    text = date.sub("#", message)
    text = file_position.sub(":#", text)
    text = word_position.sub(lambda m: f"{m.group(1)} #", text)
    text = quantity.sub("#", text)
    return " ".join(text.split())


def identity(finding: Finding) -> tuple[str, str, str, str]:
    """What a finding is about, wherever its text sits in the file: rule, file, manifest path
    and normalised message. SARIF and GitLab fingerprints hash it, baselines and `--diff` key
    by it."""
    return (finding.rule, finding.file, finding.path, normalise_message(finding.message))


class RuleMeta(Struct, frozen=True):
    """What reporters need to know about a rule (SARIF rules, JUnit cases, report sections)."""

    id: str
    title: str
    severity: str
    pack: str
    regime: str | None
    rationale: str
    citations: tuple[str, ...]
    remediation: str
    caveats: tuple[str, ...]


class Summary(Struct):
    files: int = 0
    ignored: int = 0
    skipped: int = 0
    """Files that look like ours but were not read (excluded, git-ignored, or unparseable and
    not shown to be ours): listed in `Result.not_read`."""
    manifests: int = 0
    workflows: int = 0
    steps: int = 0
    monthly_usd: float = 0.0


class Result(Struct):
    """Everything a reporter needs: findings, counts, and what the run was judged against."""

    findings: list[Finding]
    summary: Summary
    fail_on: str
    policy_name: str
    policy_version: str | None
    packs: dict[str, str]
    disabled_packs: list[str]
    catalog_as_of: str | None
    rules: dict[str, RuleMeta] = field(default_factory=dict)
    """Every enabled rule, by id (including rules that produced no finding)."""
    base_monthly_usd: float | None = None
    """In pull-request mode (`--diff BASE`): the projected spend at BASE."""
    policy_changes: list[str] = field(default_factory=list)
    """In pull-request mode with `--policy-from BASE`: what the change did to the policy."""
    stale_baseline: list[dict[str, str]] = field(default_factory=list)
    """With `--baseline`: entries that match no finding any more ({rule, file, path, message})."""
    expired_baseline: list[dict[str, str]] = field(default_factory=list)
    """With `--baseline`: entries past their expiry, which hide nothing any more
    ({rule, file, path, message, expires})."""
    not_read: list[dict[str, str]] = field(default_factory=list)
    """`{file, reason}` of each file that looks like ours and was not read, by file."""
    left_out: list[dict[str, str]] = field(default_factory=list)
    """`{rule, reason}` of each rule of the packs this run did not judge: disabled by the policy,
    or left out by --select/--ignore. Every output records them."""
    catalog_changes: list[dict[str, Any]] = field(default_factory=list)
    """Facts of built-in catalog entries that the policy's catalogs changed (override or patch):
    {kind, id, field, old, new, file, line, how, sources}."""
    omitted: dict[str, int] = field(default_factory=dict)
    """Unwaived findings not listed, by severity (at most MAX_PER_FILE per file and MAX_PER_RUN
    per run are listed): counted and judged all the same."""
    omitted_waived: int = 0
    """Waived findings not listed: counted with the waived ones."""
    baselined: list[Finding] = field(default_factory=list)
    """With `--baseline`: the findings the baseline hid."""
    baseline_file: str | None = None
    """With `--baseline`: the baseline file, as given."""
    fixed: list[Finding] = field(default_factory=list)
    """In pull-request mode (`--diff BASE`): findings at BASE that the change removed."""
    repository_prefix: str = ""
    """The policy's folder relative to the root of its git repository, with a trailing `/`
    (`ai/` in a monorepo), or "" at the root or outside git: CI formats put it before file
    names, which their services resolve from the repository root."""

    def left_out_lines(self) -> list[str]:
        """One line per reason the run left rules out (--select, --ignore, the policy)."""
        by_reason: dict[str, list[str]] = {}
        for entry in self.left_out:
            by_reason.setdefault(entry["reason"], []).append(entry["rule"])
        return [f"rules not judged ({reason}): {', '.join(rules)}"
                for reason, rules in by_reason.items()]

    def count(self, severity: str) -> int:
        listed = sum(1 for f in self.findings if f.severity == severity and not f.waived)
        return listed + self.omitted.get(severity, 0)

    @property
    def waived(self) -> int:
        return sum(1 for f in self.findings if f.waived) + self.omitted_waived

    @property
    def not_listed(self) -> int:
        """Findings left out of the listing (`omitted`, `omitted_waived`), waived or not."""
        return sum(self.omitted.values()) + self.omitted_waived

    @property
    def failed(self) -> bool:
        threshold = FAIL_ON_RANK[self.fail_on]
        return any(
            SEVERITY_RANK[f.severity] >= threshold for f in self.findings if not f.waived
        ) or any(SEVERITY_RANK[s] >= threshold for s, n in self.omitted.items() if n)
