"""`procurelint test`: run rule test cases (a folder per case) and compare with expectations.

A case is a folder that is a small repository: an optional `procurelint.yaml`, manifests, and
`expect.yaml`:

    rules: [HIPAA001]          # the rules this case judges; other rules' findings are ignored
    today: "2026-11-28"        # optional: the date the run pretends it is
    monthlyUsd: 1234.56        # optional: expected summary.monthlyUsd
    findings:                  # exactly these findings of those rules ([] = none may fire)
      - {rule: HIPAA001, file: claims.yaml, line: 14, path: claims/triage/extract}

`file`, `line`, `path`, `column`, `severity` and `waived` are each optional in an expected
finding; what is given must match. Waived findings count: expect them with `waived: true`.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from msgspec import Struct, field

from procurelint.errors import ConfigError, Location, ProcurelintError
from procurelint.findings import Finding
from procurelint.documents.yamlio import load_file

EXPECT = "expect.yaml"


class CaseResult(Struct):
    name: str
    rules: list[str]
    problems: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def find_cases(folder: Path) -> list[Path]:
    """Every folder below `folder` (or itself) that holds an expect.yaml."""
    if (folder / EXPECT).is_file():
        return [folder]
    return sorted(p.parent for p in folder.rglob(EXPECT))


def _expectation(case: Path) -> dict[str, Any]:
    file = case / EXPECT
    docs = load_file(str(file), str(file))
    data = docs[0].data if docs else None
    if not isinstance(data, dict) or not isinstance(data.get("rules"), list):
        raise ConfigError("expect.yaml needs `rules: [RULE, ...]` and `findings: [...]`", Location(str(file), 1, 1))
    unknown = set(data) - {"rules", "today", "findings", "monthlyUsd", "description"}
    if unknown:
        raise ConfigError(f"expect.yaml has unknown keys: {', '.join(sorted(unknown))}", Location(str(file), 1, 1))
    return data


def _matches(expected: dict[str, Any], actual: Finding) -> bool:
    for key in ("rule", "file", "line", "path", "column", "severity", "waived"):
        if key in expected and expected[key] != getattr(actual, key):
            return False
    return True


def run_case(case: Path, today: dt.date | None = None) -> CaseResult:
    """Run one case and compare its findings with its expectation."""
    from procurelint.policy.config import load_config
    from procurelint.run.pipeline import Options, check

    name = case.name
    try:
        expect = _expectation(case)
    except ProcurelintError as exc:
        return CaseResult(name, [], [str(exc)])
    rules = [str(r) for r in expect["rules"]]
    result = CaseResult(name, rules)
    day = today
    if expect.get("today") is not None:
        day = dt.date.fromisoformat(str(expect["today"]))
    try:
        config = load_config(None, case, search=False)
        unknown = [r for r in rules if r not in config.rule_index]
        if unknown:
            result.problems.append(f"rules not enabled in this case: {', '.join(unknown)}")
        options = Options(today=day or dt.datetime.now(dt.timezone.utc).date())
        outcome = check(config, options).result
    except ProcurelintError as exc:
        result.problems.append(f"configuration error: {exc}")
        return result
    actual = [f for f in outcome.findings if f.rule in rules]
    result.findings = actual
    remaining = list(actual)
    for wanted in expect.get("findings") or []:
        hit = next((f for f in remaining if _matches(wanted, f)), None)
        if hit is None:
            result.problems.append(f"expected finding not reported: {_show(wanted)}")
        else:
            remaining.remove(hit)
    for extra in remaining:
        result.problems.append(
            f"unexpected finding: {extra.rule} at {extra.file}:{extra.line}:{extra.column} "
            f"path {extra.path}: {extra.message}"
        )
    if "monthlyUsd" in expect and float(expect["monthlyUsd"]) != outcome.summary.monthly_usd:
        result.problems.append(
            f"monthlyUsd: expected {expect['monthlyUsd']}, got {outcome.summary.monthly_usd}"
        )
    return result


def _show(expected: dict[str, Any]) -> str:
    return ", ".join(f"{k}={v}" for k, v in expected.items())
