"""Hostile input: the gate stays up, fails closed, and reports every bad file at a position."""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import pytest

from procurelint.errors import YamlError
from procurelint.documents.yamlio import load_file
from tests.conftest import REPO, TODAY, write
from tests.test_check_cli import manifest

REGRESSIONS = sorted((REPO / "tests" / "fuzz_regressions").glob("*.yaml"))


@pytest.mark.parametrize("path", REGRESSIONS, ids=[p.name for p in REGRESSIONS])
def test_fuzz_regressions_parse_or_fail_cleanly(path: Path) -> None:
    try:
        load_file(str(path), path.name)
    except YamlError as exc:
        assert exc.location is not None and exc.location.line >= 1


def _billion_laughs() -> str:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 9):
        lines.append(f"{chr(97 + i)}: &{chr(97 + i)} [" + ",".join([f"*{chr(96 + i)}"] * 9) + "]")
    return "\n".join(lines) + "\n"


def test_hostile_tree(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    write(root, "good/violating.yaml", manifest(classes="internal"))  # JUR001 on deepseek/api
    write(root, "good/clean.yaml", manifest().replace("name: app", "name: clean")
          .replace("deepseek/api", "deepinfra/api"))
    (root / "bad").mkdir()
    big = root / "bad" / "huge.yaml"
    with open(big, "wb") as handle:
        handle.write(manifest().encode())
        chunk = b"# " + b"x" * 1022 + b"\n"
        for _ in range(60 * 1024):
            handle.write(chunk)
    write(root, "bad/laughs.yaml", "apiVersion: procurelint/v1\n" + _billion_laughs())
    write(root, "bad/deep.yaml", "kind: AgentManifest\na: " + "[" * 10_000 + "]" * 10_000 + "\n")
    write(root, "other/laughs.yaml", _billion_laughs())  # not ours by its text: noted, not MAN001
    (root / "bad" / "latin1.yaml").write_bytes(b"apiVersion: procurelint/v1\nkind: AgentManifest\nx: caf\xe9\n")
    outside = tmp_path / "outside.yaml"
    outside.write_text(manifest())
    os.symlink(outside, root / "bad" / "escape.yaml")
    os.symlink(root / "bad", root / "bad" / "loop")          # a directory cycle
    os.symlink(tmp_path, root / "elsewhere")                 # a folder outside the repo
    write(tmp_path, "secret/leak.yaml", manifest().replace("name: app", "name: leak"))

    start = time.monotonic()
    proc = subprocess.run(
        [sys.executable, "-m", "procurelint", "check", "--format", "json", "--date", TODAY],
        cwd=root, capture_output=True, text=True, timeout=120,
    )
    elapsed = time.monotonic() - start
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    assert "Traceback" not in proc.stderr
    assert proc.returncode == 1, proc.stderr
    doc = json.loads(proc.stdout)
    man001 = {f["file"]: f for f in doc["findings"] if f["rule"] == "MAN001"}
    for bad in ("bad/huge.yaml", "bad/laughs.yaml", "bad/deep.yaml", "bad/latin1.yaml",
                "bad/escape.yaml", "elsewhere"):
        assert bad in man001, f"{bad} not reported: {sorted(man001)}"
        assert man001[bad]["line"] >= 1
    assert "max_file_bytes" in man001["bad/huge.yaml"]["message"]
    assert "max_nodes" in man001["bad/laughs.yaml"]["message"]
    assert "UTF-8" in man001["bad/latin1.yaml"]["message"]
    assert "outside the repository" in man001["bad/escape.yaml"]["message"]
    good = {(f["rule"], f["file"]) for f in doc["findings"] if f["file"].startswith("good/")}
    assert ("JUR001", "good/violating.yaml") in good
    assert not [f for f in doc["findings"] if f["file"] == "good/clean.yaml" and f["severity"] == "error"]
    assert not any("leak" in f["path"] for f in doc["findings"])
    assert doc["summary"]["manifests"] == 2
    assert "other/laughs.yaml" not in man001
    assert [e["file"] for e in doc["notRead"]] == ["other/laughs.yaml"]
    # Generous bounds that catch a hang or a blow-up, not a benchmark.
    assert elapsed < 20 and peak_mb < 1024


LIMIT_CASES = {
    "maxFileBytes": ("maxFileBytes: 500", manifest() + "#" + "x" * 600 + "\n", "max_file_bytes"),
    "maxDepth": ("maxDepth: 8", manifest().replace("runsPerMonth: 1000",
                                                   "runsPerMonth: 1000\n      description: [[[[[[x]]]]]]"),
                 "max_depth"),
    "maxNodes": ("maxNodes: 100", manifest() + "".join(
        "\n".join(manifest().splitlines()[-4:]).replace("name: step", f"name: step{i}") + "\n"
        for i in range(12)), "max_nodes"),
    "maxScalarLength": ("maxScalarLength: 64", manifest().replace("name: app", "name: app\n  description: " + "d" * 100),
                        "max_scalar_length"),
    "maxWorkflows": ("maxWorkflows: 1", manifest() + manifest().split("  workflows:\n")[1], "maxWorkflows"),
    "maxSteps": ("maxSteps: 1", manifest() + "\n".join(manifest().splitlines()[-4:]).replace("name: step", "name: step2") + "\n",
                 "maxSteps"),
}


@pytest.mark.parametrize("name", sorted(LIMIT_CASES))
def test_each_limit_is_configurable(cli, tmp_path: Path, name: str) -> None:
    setting, text, marker = LIMIT_CASES[name]
    write(tmp_path, "ok.yaml", manifest().replace("name: app", "name: ok"))
    write(tmp_path, "app.yaml", text)
    unlimited = cli("check", "--format", "json", "--date", TODAY, cwd=tmp_path)
    assert not [f for f in json.loads(unlimited.stdout)["findings"] if f["rule"] == "MAN001"], name
    write(tmp_path, "procurelint.yaml", "apiVersion: procurelint/v1\nkind: Policy\nmetadata: {name: p}\n"
          f"spec:\n  limits:\n    {setting}\n")
    limited = cli("check", "--format", "json", "--date", TODAY, cwd=tmp_path)
    found = [f for f in json.loads(limited.stdout)["findings"] if f["rule"] == "MAN001"]
    assert len(found) == 1 and found[0]["file"] == "app.yaml" and marker in found[0]["message"], found
    assert limited.code == 1


def test_the_policys_own_files_are_not_judged_by_the_manifest_limits(cli, tmp_path: Path) -> None:
    """A catalog the policy lists is read once, as configuration, under the configuration
    limits; a file that only resembles it is still read as manifests are."""
    catalog = ('apiVersion: procurelint/v1\nkind: Catalog\nmetadata: {name: own, asOf: "2026-11-01"}\n'
               "spec:\n  patches:\n    - endpoint: aws-bedrock/us-east-1\n"
               "      set: {dataPolicy: {retentionDays: 0}}\n"
               '      sources: ["https://docs.aws.amazon.com/bedrock/latest/userguide/data-retention.html"]\n'
               + "# " + "x" * 1200 + "\n")
    write(tmp_path, "procurelint.yaml", "apiVersion: procurelint/v1\nkind: Policy\nmetadata: {name: p}\n"
          "spec:\n  catalogs: [own.yaml]\n  limits: {maxFileBytes: 1000}\n")
    write(tmp_path, "own.yaml", catalog)
    write(tmp_path, "app.yaml", manifest(classes="internal"))
    write(tmp_path, "mixed.yaml", catalog.replace("name: own", "name: own2") + "---\n"
          + manifest(classes="internal").replace("name: app", "name: mixed"))
    run = cli("check", "--format", "json", "--date", TODAY, cwd=tmp_path)
    doc = json.loads(run.stdout)
    man001 = [f["file"] for f in doc["findings"] if f["rule"] == "MAN001"]
    assert man001 == ["mixed.yaml"], man001  # over the limit, and not what the policy loaded
    assert ("JUR001", "app.yaml") in {(f["rule"], f["file"]) for f in doc["findings"]}
    assert run.code == 1
    write(tmp_path, "procurelint.yaml", "apiVersion: procurelint/v1\nkind: Policy\nmetadata: {name: p}\n"
          "spec:\n  catalogs: [own.yaml]\n")
    doc = json.loads(cli("check", "--format", "json", "--date", TODAY, cwd=tmp_path).stdout)
    assert ("JUR001", "mixed.yaml") in {(f["rule"], f["file"]) for f in doc["findings"]}
    assert not [f for f in doc["findings"] if f["rule"] == "MAN001"]


def test_max_files_limit(cli, tmp_path: Path) -> None:
    for i in range(5):
        write(tmp_path, f"m{i}.yaml", manifest().replace("name: app", f"name: app{i}"))
    write(tmp_path, "procurelint.yaml", "apiVersion: procurelint/v1\nkind: Policy\nmetadata: {name: p}\n"
          "spec:\n  limits: {maxFiles: 3}\n")
    run = cli("check", "--date", TODAY, cwd=tmp_path)
    assert run.code == 2 and "limits.maxFiles" in run.stderr


def _policy_with_rule(tmp_path: Path, expression: str) -> None:
    write(tmp_path, "procurelint.yaml", f"""\
apiVersion: procurelint/v1
kind: Policy
metadata: {{name: p}}
spec:
  rules:
    - id: ACME001
      title: custom
      severity: error
      violation: "{expression}"
      message: custom rule fired
""")
    write(tmp_path, "app.yaml", manifest())


def test_custom_rule_cannot_nest_unbounded_loops(cli, tmp_path: Path) -> None:
    _policy_with_rule(tmp_path, "policy.eu.all(a, policy.eu.all(b, policy.eu.all(c, a != c)))")
    run = cli("check", "--date", TODAY, cwd=tmp_path)
    assert run.code == 2 and "nests list macros" in run.stderr and "procurelint.yaml:9:" in run.stderr


@pytest.mark.parametrize("expression", ["readFile('/etc/passwd') == ''", "exec('ls') == 0",
                                        "http.get('http://127.0.0.1') == null"])
def test_custom_rule_cannot_reach_files_or_network(cli, tmp_path: Path, expression: str) -> None:
    # No function is registered in the rule context: calling one fails at evaluation, which is
    # reported as an error finding (fail closed), never as a pass and never as an action.
    _policy_with_rule(tmp_path, expression)
    run = cli("check", "--format", "json", "--date", TODAY, cwd=tmp_path)
    assert run.code in (1, 2)
    if run.code == 1:
        custom = [f for f in json.loads(run.stdout)["findings"] if f["rule"] == "ACME001"]
        assert custom and "could not be evaluated" in custom[0]["message"]


def test_internal_errors_are_readable_and_never_pass(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "PROCURELINT_DEBUG"}
    env["PROCURELINT_CACHE_DIR"] = str(tmp_path / "cache")
    (tmp_path / "cache").mkdir()
    proc = subprocess.run([sys.executable, "-c",
                           "import procurelint.commands.check as c, sys\n"
                           "c.run = lambda args: 1/0\n"
                           "sys.argv=['procurelint','check']\n"
                           "from procurelint.cli import main; main()"],
                          capture_output=True, text=True, env=env, cwd=tmp_path, timeout=60)
    assert proc.returncode == 2
    assert "internal error: ZeroDivisionError" in proc.stderr and "Traceback" not in proc.stderr


@pytest.mark.parametrize("runs", ["9" * 5000, "0x" + "f" * 4000, "0o" + "7" * 5000])
def test_a_number_too_long_to_write_is_refused_where_it_stands(cli, tmp_path: Path,
                                                              runs: str) -> None:
    """Python reads and writes at most `sys.get_int_max_str_digits` decimal digits: such a
    number is refused as the file is read, not left to fail a message that shows it."""
    write(tmp_path, "procurelint.yaml", "apiVersion: procurelint/v1\nkind: Policy\nmetadata: {name: p}\n")
    write(tmp_path, "app.yaml", manifest().replace("runsPerMonth: 1000", f"runsPerMonth: {runs}"))
    run = cli("check", "--date", TODAY, "-f", "json", cwd=tmp_path)
    assert run.code == 1, run.stderr
    [found] = json.loads(run.stdout)["findings"]
    assert (found["rule"], found["line"]) == ("MAN001", 11)
    assert found["message"].startswith("number has more than")


@pytest.mark.parametrize("count", ["1000000000000000", "1000000000000001",
                                   "123456789012345678901234567890"])
def test_counts_past_a_quadrillion_are_refused_and_costs_up_to_them_are_reported(
        cli, tmp_path: Path, count: str) -> None:
    """Counts are at most 10**15 (MAN002 past it); the largest costs they make (7 x 10**38
    dollars a month) are still added up, rounded to the cent and reported."""
    write(tmp_path, "procurelint.yaml", "apiVersion: procurelint/v1\nkind: Policy\nmetadata: {name: p}\n")
    text = manifest().replace("runsPerMonth: 1000", f"runsPerMonth: {count}").replace(
        "tokensPerCall: {input: 1000, output: 100}",
        f"callsPerRun: {count}\n          tokensPerCall: {{input: {count}, output: {count}}}")
    write(tmp_path, "app.yaml", text)
    run = cli("check", "--date", TODAY, "-f", "json", cwd=tmp_path)
    assert run.code in (0, 1), run.stderr
    result = json.loads(run.stdout)
    rules = {f["rule"] for f in result["findings"]}
    if int(count) <= 10**15:
        assert "MAN002" not in rules
        assert result["summary"]["monthlyUsd"] > 10**38
    else:
        assert rules == {"MAN002"}


@pytest.mark.parametrize("change", [
    ("policy", "spec:\n", "spec:\n  budgets: {orgMonthlyUsd: .inf}\n"),
    ("policy", "spec:\n", "spec:\n  budgets: {teams: {t: 1e400}}\n"),
    ("policy", "spec:\n", "spec:\n  lifecycleHorizonDays: 3000000\n"),
    ("app", "  workflows:\n", "  budget: {monthlyUsd: .inf}\n  workflows:\n"),
    ("catalog", "input: 0.62", "input: 1.7e308"),
    ("catalog", "output: 1.85", "output: .inf"),
])
def test_budgets_prices_and_horizons_that_are_not_finite_are_refused(
        cli, tmp_path: Path, change: tuple[str, str, str]) -> None:
    """An infinite budget or price (or a horizon past the calendar) could not be reported: a
    policy or catalog with one is a configuration error, a manifest with one a finding, never
    a crash."""
    policy = ("apiVersion: procurelint/v1\nkind: Policy\nmetadata: {name: p}\nspec:\n"
              "  agreements: {baa: []}\n  catalogs: [catalog.yaml]\n")
    catalog = ("apiVersion: procurelint/v1\nkind: Catalog\nmetadata: {name: c, asOf: '2026-11-01'}\n"
               "spec:\n  endpoints:\n    - id: c/us\n      provider: aws\n      country: US\n"
               "      hipaaBaa: false\n      fedramp: none\n      crossBorderRouting: false\n"
               "      certifications: []\n      usPersonsOnly: false\n"
               "      dataPolicy: {trainsOnInputs: false, retentionDays: 0}\n      offers:\n        - {model: deepseek/deepseek-v3.2, "
               "pricePerMillion: {input: 0.62, output: 1.85}}\n      sources: [fixture]\n")
    files = {"policy": policy, "app": manifest(endpoint="c/us"), "catalog": catalog}
    for file, text in (("procurelint.yaml", policy), ("app.yaml", files["app"]),
                       ("catalog.yaml", catalog)):
        write(tmp_path, file, text)
    assert cli("check", "--date", TODAY, cwd=tmp_path).code in (0, 1)  # as written, valid
    name, old, new = change
    assert old in files[name]
    write(tmp_path, {"policy": "procurelint.yaml", "app": "app.yaml",
                     "catalog": "catalog.yaml"}[name], files[name].replace(old, new, 1))
    for command in ("check", "report"):
        run = cli(command, "--date", TODAY, "-f", "json", cwd=tmp_path)
        assert "internal error" not in run.stderr
        if name != "app":
            assert run.code == 2, run.stderr
    checked = cli("check", "--date", TODAY, "-f", "json", cwd=tmp_path)
    if name == "app":
        assert [f["rule"] for f in json.loads(checked.stdout)["findings"]] == ["MAN002"]


def test_a_date_near_the_end_of_the_calendar_is_a_date(cli, tmp_path: Path) -> None:
    write(tmp_path, "procurelint.yaml", "apiVersion: procurelint/v1\nkind: Policy\nmetadata: {name: p}\n")
    write(tmp_path, "app.yaml", manifest())
    run = cli("check", "--date", "9999-12-01", "-f", "json", cwd=tmp_path)
    assert run.code in (0, 1), run.stderr
    json.loads(run.stdout)


@pytest.mark.skipif(sys.platform == "darwin", reason="needs file names of any bytes")
def test_a_file_named_as_another_is_shown_does_not_hide_it(cli, tmp_path: Path) -> None:
    """A name that is not UTF-8 is shown escaped (`caf\\xe9.yaml`); a second file named with
    that escape letter for letter would be shown under the same name. Neither stands in for
    the other: the two are a MAN001 finding, whichever is found first."""
    root = tmp_path / "repo"
    write(root, "procurelint.yaml", (REPO / "examples/clean/procurelint.yaml").read_text())
    write(root, "catalog.yaml", (REPO / "examples/clean/catalog.yaml").read_text())
    with open(os.fsencode(root) + b"/caf\xe9.yaml", "w", encoding="utf-8") as out:
        out.write(manifest(classes="internal"))  # JUR001 on deepseek/api
    write(root, "caf\\xe9.yaml", manifest(classes="internal").replace("deepseek/api", "deepinfra/api"))
    write(root, "other.yaml", manifest().replace("name: app", "name: other"))
    for args in ([], ["caf\\xe9.yaml", os.fsdecode(b"caf\xe9.yaml")],
                 [os.fsdecode(b"caf\xe9.yaml"), "caf\\xe9.yaml"]):
        run = cli("check", "-f", "json", "--date", TODAY, *args, cwd=root)
        assert run.code == 1, run.stdout + run.stderr
        errors = [(f["rule"], f["file"]) for f in json.loads(run.stdout)["findings"]
                  if f["severity"] == "error"]
        assert errors == [("MAN001", "caf\\xe9.yaml")], (args, errors)
    # one file named twice is one file
    write(root, "x/.keep", "")
    run = cli("check", "-f", "json", "--date", TODAY, "other.yaml", "./other.yaml", "x/../other.yaml",
              cwd=root)
    assert run.code == 0 and json.loads(run.stdout)["summary"]["manifests"] == 1, run.stdout
