"""Property-based tests: random and mutated documents never crash the gate or pass it.

The YAML layer is fuzzed with arbitrary text and bytes; whole manifests, policies, catalogs
and waivers are mutated in ways that must break them (an unknown key, a missing key, a value
of the wrong kind, an unknown id, a repeated key), and the pipeline must then fail, with a
finding or a configuration error, never a traceback and never a pass. Inputs that once broke
the parser are kept in tests/fuzz_regressions.
"""

from __future__ import annotations

import copy
import datetime as dt
import tempfile
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from procurelint.policy.config import load_config
from procurelint.errors import ConfigError, YamlError
from procurelint.findings import Finding, Result, Summary
from procurelint.run.pipeline import Options, check
from procurelint.documents.document import Limits
from procurelint.documents.yamlio import parse
from tests.conftest import node_at, node_paths
from tests.test_check_cli import manifest

SETTINGS = settings(max_examples=150, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
BASE = yaml.safe_load(manifest())
TODAY = dt.date(2026, 11, 28)


@SETTINGS
@given(st.text(max_size=3000))
def test_any_text_parses_or_fails_with_a_position(text: str) -> None:
    try:
        parse(text, "fuzz.yaml", Limits(max_nodes=5000, max_depth=32))
    except YamlError as exc:
        assert exc.location is not None and exc.location.line >= 1 and exc.location.column >= 1


YAMLISH = st.lists(st.sampled_from(
    ["a", ":", " ", "\n", "- ", "  ", "[", "]", "{", "}", ",", "&x ", "*x", "!!str ", "? ", "|",
     ">", "'", '"', "#", "---\n", "NO", "1.10", "~", "<<: ", "\t", "%YAML 1.2\n", "\\", "é"]),
    max_size=200).map("".join)


@SETTINGS
@given(YAMLISH)
def test_yaml_shaped_noise_parses_or_fails_with_a_position(text: str) -> None:
    try:
        parse(text, "fuzz.yaml", Limits(max_nodes=5000, max_depth=32))
    except YamlError as exc:
        assert exc.location is not None and exc.location.line >= 1


def _run(text: str, extra: dict[str, str] | None = None) -> bool:
    """True when the check failed (findings at error) or refused the configuration."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "app.yaml").write_text(text, encoding="utf-8")
        for name, content in (extra or {}).items():
            (root / name).write_text(content, encoding="utf-8")
        try:
            config = load_config(None, root, search=False)
            result = check(config, Options(today=TODAY)).result
        except ConfigError:
            return True
        return result.failed


MAPPINGS = [p for p in node_paths(BASE) if isinstance(node_at(BASE, p), dict)]
LEAVES = [p for p in node_paths(BASE) if p and not isinstance(node_at(BASE, p), (dict, list))]
REQUIRED = [("apiVersion",), ("kind",), ("metadata",), ("metadata", "name"), ("metadata", "team"),
            ("metadata", "owner"), ("spec",), ("spec", "workflows"), ("spec", "workflows", 0, "name"),
            ("spec", "workflows", 0, "runsPerMonth"), ("spec", "workflows", 0, "dataClasses"),
            ("spec", "workflows", 0, "steps"), ("spec", "workflows", 0, "steps", 0, "model"),
            ("spec", "workflows", 0, "steps", 0, "endpoint"), ("spec", "workflows", 0, "steps", 0, "name")]
NAMES = st.text("abcdefghijklmnopqrstuvwxyzABCXYZ_", min_size=1, max_size=12)


def test_the_unmutated_manifest_passes() -> None:
    assert _run(manifest()) is False


@SETTINGS
@given(st.sampled_from(MAPPINGS), NAMES)
def test_an_unknown_key_anywhere_fails(path: tuple, key: str) -> None:
    data = copy.deepcopy(BASE)
    target = node_at(data, path)
    key = "zz" + key
    target[key] = "x"
    assert _run(yaml.safe_dump(data, sort_keys=False))


@SETTINGS
@given(st.sampled_from(REQUIRED))
def test_a_missing_required_key_fails(path: tuple) -> None:
    data = copy.deepcopy(BASE)
    parent = node_at(data, path[:-1])
    del parent[path[-1]]
    assert _run(yaml.safe_dump(data, sort_keys=False))


@SETTINGS
@given(st.sampled_from(LEAVES), st.sampled_from([{"zzUnknown": 1}, [["nested"]], {"a": [1, {"b": None}]}]))
def test_a_value_of_the_wrong_kind_fails(path: tuple, value: Any) -> None:
    data = copy.deepcopy(BASE)
    node_at(data, path[:-1])[path[-1]] = value
    assert _run(yaml.safe_dump(data, sort_keys=False))


@SETTINGS
@given(st.sampled_from(["model", "endpoint", "dataClasses"]), NAMES)
def test_an_unknown_id_fails(field: str, name: str) -> None:
    data = copy.deepcopy(BASE)
    step = data["spec"]["workflows"][0]["steps"][0]
    if field == "dataClasses":
        data["spec"]["workflows"][0]["dataClasses"] = ["zz-" + name.lower()]
    else:
        step[field] = "zz/" + name
    assert _run(yaml.safe_dump(data, sort_keys=False))


KEY_LINES = [i for i, line in enumerate(manifest().splitlines())
             if ":" in line and not line.strip().startswith("-") and not line.rstrip().endswith(":")]


@SETTINGS
@given(st.sampled_from(KEY_LINES))
def test_a_repeated_key_fails(index: int) -> None:
    lines = manifest().splitlines()
    lines.insert(index + 1, lines[index])
    assert _run("\n".join(lines) + "\n")


POLICY = {"apiVersion": "procurelint/v1", "kind": "Policy", "metadata": {"name": "p"},
          "spec": {"agreements": {"baa": ["aws"], "vendors": [{"provider": "aws", "approved": True,
                                                               "assessedOn": "2026-01-01"}]},
                   "budgets": {"orgMonthlyUsd": 1000, "warnAtPercent": 80},
                   "tiers": [{"name": "public"}, {"name": "internal", "denyJurisdictions": ["CN"]},
                             {"name": "confidential"}, {"name": "restricted"}],
                   "dataClasses": {"notes": {"tier": "internal"}}}}
POLICY_MAPPINGS = [p for p in node_paths(POLICY) if isinstance(node_at(POLICY, p), dict)
                   and p[-1:] != ("dataClasses",)]


@SETTINGS
@given(st.sampled_from(POLICY_MAPPINGS), NAMES)
def test_a_policy_with_an_unknown_key_is_refused(path: tuple, key: str) -> None:
    data = copy.deepcopy(POLICY)
    node_at(data, path)["zz" + key] = 1
    ok = yaml.safe_dump(copy.deepcopy(POLICY))
    assert not _run(manifest(classes="public"), {"procurelint.yaml": ok})
    assert _run(manifest(classes="public"), {"procurelint.yaml": yaml.safe_dump(data)})


CATALOG = {"apiVersion": "procurelint/v1", "kind": "Catalog",
           "metadata": {"name": "org", "asOf": "2026-11-01"},
           "spec": {"endpoints": [{"id": "org/us", "provider": "aws", "country": "US", "hipaaBaa": True,
                                   "fedramp": "none", "crossBorderRouting": False,
                                   "dataPolicy": {"trainsOnInputs": False, "retentionDays": 0},
                                   "offers": [{"model": "deepseek/deepseek-v3.2",
                                               "pricePerMillion": {"input": 1.0, "output": 2.0}}]}]}}
CATALOG_MAPPINGS = [p for p in node_paths(CATALOG) if isinstance(node_at(CATALOG, p), dict)]
WITH_CATALOG = "apiVersion: procurelint/v1\nkind: Policy\nmetadata: {name: p}\nspec:\n  catalogs: [org.yaml]\n"


@SETTINGS
@given(st.sampled_from(CATALOG_MAPPINGS), NAMES)
def test_a_catalog_with_an_unknown_key_is_refused(path: tuple, key: str) -> None:
    data = copy.deepcopy(CATALOG)
    node_at(data, path)["zz" + key] = 1
    files = {"procurelint.yaml": WITH_CATALOG, "org.yaml": yaml.safe_dump(CATALOG)}
    assert not _run(manifest(endpoint="org/us"), files)
    files["org.yaml"] = yaml.safe_dump(data)
    assert _run(manifest(endpoint="org/us"), files)


WAIVERS = {"apiVersion": "procurelint/v1", "kind": "Waivers",
           "spec": {"waivers": [{"id": "W-1", "rule": "JUR001", "target": "app", "reason": "r",
                                 "approvedBy": "a", "ticket": "T-1", "expires": "2027-01-01"}]}}


@SETTINGS
@given(st.sampled_from(["id", "rule", "target", "reason", "approvedBy", "ticket", "expires"]),
       st.sampled_from(["drop", "unknown-key", "wrong-kind"]))
def test_broken_waivers_never_waive(field: str, how: str) -> None:
    data = copy.deepcopy(WAIVERS)
    waiver = data["spec"]["waivers"][0]
    if how == "drop":
        del waiver[field]
    elif how == "unknown-key":
        waiver["zz" + field] = "x"
    else:
        waiver[field] = {"zz": 1}
    policy = "apiVersion: procurelint/v1\nkind: Policy\nmetadata: {name: p}\nspec:\n  waivers: w.yaml\n"
    assert _run(manifest(classes="internal"), {"procurelint.yaml": policy, "w.yaml": yaml.safe_dump(data)})


def _bound_by_hand(findings: list[Finding], per_file: int, per_run: int) -> tuple[list[Finding], dict[str, int], int]:
    """The listing bound as `_bound`'s docstring states it, one finding at a time: a finding is
    listed while its file has fewer than `per_file` listed and the run fewer than `per_run`;
    every other is counted, as waived or by its severity."""
    listed: list[Finding] = []
    counted: dict[str, int] = {}
    waived = 0
    for finding in findings:
        if sum(f.file == finding.file for f in listed) < per_file and len(listed) < per_run:
            listed.append(finding)
        elif finding.waived:
            waived += 1
        else:
            counted[finding.severity] = counted.get(finding.severity, 0) + 1
    return listed, counted, waived


FINDINGS = st.lists(st.builds(
    lambda file, severity, waived: Finding(rule="R1", severity=severity, message="m", file=file,
                                           line=1, column=1, path="", waived=waived),
    st.sampled_from(["a.yaml", "b.yaml", "c.yaml"]), st.sampled_from(["error", "warning", "info"]),
    st.booleans()), max_size=40)


@SETTINGS
@given(FINDINGS, st.integers(1, 6), st.integers(0, 8))
def test_findings_past_the_listing_bound_are_each_counted_once(
        findings: list[Finding], per_file: int, more: int) -> None:
    from procurelint.run import pipeline

    per_run = per_file + more  # as in the product: a run lists at least a file's bound
    result = Result(findings=list(findings), summary=Summary(), fail_on="error", policy_name="p",
                    policy_version=None, packs={}, disabled_packs=[], catalog_as_of=None)
    saved = pipeline.MAX_PER_FILE, pipeline.MAX_PER_RUN
    pipeline.MAX_PER_FILE, pipeline.MAX_PER_RUN = per_file, per_run
    try:
        pipeline._bound(result)
    finally:
        pipeline.MAX_PER_FILE, pipeline.MAX_PER_RUN = saved
    listed, counted, waived = _bound_by_hand(findings, per_file, per_run)
    assert result.findings == listed
    assert result.omitted == counted and result.omitted_waived == waived


WAIVER_RULES = st.sampled_from(["R1", "R2", "R3"])
WAIVER_PATHS = st.sampled_from(["app", "app/chat", "app/chat/steps/0", "app2", "other"])
RULED_FINDINGS = st.lists(st.builds(
    lambda rule, path, waived: Finding(rule=rule, severity="error", message="m", file="a.yaml",
                                       line=1, column=1, path=path, waived=waived),
    WAIVER_RULES, WAIVER_PATHS, st.booleans()), max_size=30)


def _waivers_by_hand(findings: list[Finding], waivers: list[Any], today: dt.date,
                     judged: Any) -> list[tuple[str, str, str]]:
    """Waivers as `apply_waivers`' docstring states them, each against every finding."""
    from procurelint.run.apply_waivers import covers, waiver_info

    reports = []
    for waiver in waivers:
        matching = [f for f in findings if f.rule == waiver.rule and covers(waiver.target, f.path)]
        if today > waiver.expires:
            for finding in matching:
                if finding.waiver is None:
                    finding.waiver = waiver_info(waiver)
            reports.append(("WAIVER001", waiver.target, f"{waiver.id} {len(matching)}"))
        elif not matching:
            if judged(waiver):
                reports.append(("WAIVER002", waiver.target, waiver.id))
        else:
            for finding in matching:
                if not finding.waived:
                    finding.waived = True
                    finding.waiver = waiver_info(waiver)
    return reports


@SETTINGS
@given(RULED_FINDINGS,
       st.lists(st.tuples(WAIVER_RULES, WAIVER_PATHS, st.booleans(), st.booleans()), max_size=6))
def test_each_waiver_covers_exactly_its_rules_findings_at_or_below_its_target(
        findings: list[Finding], drawn: list[tuple[str, str, bool, bool]]) -> None:
    from msgspec.structs import replace

    from procurelint.documents.records import Record
    from procurelint.run.apply_waivers import apply_waivers

    waivers = [Record("Waiver", {"id": f"W-{i}", "rule": rule, "target": target, "reason": "r",
                                 "approved_by": "a", "ticket": None,
                                 "expires": TODAY - dt.timedelta(days=1) if expired else TODAY})
               for i, (rule, target, expired, _) in enumerate(drawn)]
    judged = {f"W-{i}": flag for i, (*_, flag) in enumerate(drawn)}
    doc = Record("Waivers", {"spec": Record("WaiversSpec", {"waivers": waivers})})
    mine = [replace(f) for f in findings]
    reports: list[tuple[str, str, str]] = []

    def report(rule: str, path: str, where: Any, text: str) -> None:
        reports.append((rule, path, text))

    apply_waivers(mine, doc, None, "w.yaml", TODAY, lambda w: judged[w.id], report)  # type: ignore[arg-type]
    expected = [replace(f) for f in findings]
    by_hand = _waivers_by_hand(expected, waivers, TODAY, lambda w: judged[w.id])
    assert [(f.waived, f.waiver) for f in mine] == [(f.waived, f.waiver) for f in expected]
    assert [(rule, path) for rule, path, _ in reports] == [(rule, path) for rule, path, _ in by_hand]
    for (_, _, text), (_, _, wanted) in zip(reports, by_hand):
        assert wanted.split()[0] in text  # the waiver's id (and for WAIVER001 its count)
        assert wanted.split()[-1] in text


@SETTINGS
@given(st.lists(st.tuples(st.sampled_from(["a.yaml", "b.yaml"]), st.integers(1, 4), WAIVER_RULES),
                max_size=30),
       st.lists(st.tuples(st.sampled_from(["a.yaml", "b.yaml", "c.yaml"]), st.integers(1, 4),
                          st.lists(WAIVER_RULES, max_size=2), st.booleans()), max_size=5))
def test_an_inline_suppression_covers_exactly_its_rules_on_its_line_of_its_file(
        placed: list[tuple[str, int, str]], comments: list[tuple[str, int, list[str], bool]]) -> None:
    from procurelint.run.suppressions import Suppression, apply

    findings = [Finding(rule=rule, severity="error", message="m", file=file, line=line,
                        column=1, path="") for file, line, rule in placed]
    items = [Suppression(file, line, 1, line, tuple(rules), "why" if reason else "", set())
             for file, line, rules, reason in comments]
    apply(findings, items, frozenset({"cost"}), lambda rule: "cost", lambda *args: None)
    for finding in findings:
        covering = [s for s in items if (s.file, s.target_line) == (finding.file, finding.line)
                    and finding.rule in s.rules]
        assert finding.waived == any(s.reason for s in covering)
        assert all(finding.rule in s.used for s in covering)
    for item in items:
        assert item.used == {f.rule for f in findings if (f.file, f.line) == (item.file, item.target_line)
                             and f.rule in item.rules}
