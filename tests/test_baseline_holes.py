"""What a baseline or the base revision of `--diff` may not hide, and how they count: findings
that say part of the input was not judged, dates and code positions in keys, expired entries,
the listing bound, and hand-edited files that must be refused, not crash."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from procurelint.findings import normalise_message
from tests.conftest import REPO, TODAY, write
from tests.test_prmode import APPROVAL, findings, git

POLICY = "apiVersion: procurelint/v1\nkind: Policy\nmetadata: {name: p}\nspec: {}\n"

STEP = """\
apiVersion: procurelint/v1
kind: AgentManifest
metadata: {{name: app, team: t, owner: a@example.com}}
spec:
  workflows:
    - name: triage
      runsPerMonth: 40000
      dataClasses: [{classes}]
      recordsPerYear: 480000
      steps:
        - name: draft
          model: {model}
          endpoint: {endpoint}
          tokensPerCall: {{input: 2000, output: 300}}
"""

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")


def _repo(tmp_path: Path, manifest: str) -> Path:
    write(tmp_path, "procurelint.yaml", POLICY)
    write(tmp_path, "app.yaml", manifest)
    git(tmp_path, "init", "-q", "-b", "main")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-q", "-m", "base")
    git(tmp_path, "checkout", "-q", "-b", "change")
    return tmp_path


def _commit(repo: Path, name: str, text: str) -> None:
    write(repo, name, text)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "change")


PHI_TO_CHINA = STEP.format(classes="phi", model="deepseek/deepseek-v3.2", endpoint="deepseek/api")


def test_a_file_unreadable_at_the_base_hides_nothing_of_what_it_holds_now(cli, tmp_path: Path) -> None:
    """The base had a file with a duplicate key (MAN001: not read). The change rewrites it into
    a manifest sending PHI to DeepSeek's API in China and keeps one duplicate key: its MAN001 is
    the same as the base's, and nothing else in it is judged, so it must not be subtracted."""
    again = ("owner: a@example.com}", "owner: a@example.com}\nmetadata: {name: again}")
    repo = _repo(tmp_path, STEP.format(classes="public", model="deepseek/deepseek-v3.2",
                                       endpoint="deepseek/api").replace(*again))
    _commit(repo, "app.yaml", PHI_TO_CHINA.replace(*again))
    run = cli("check", "--diff", "main", "-f", "json", "--date", TODAY, cwd=repo)
    assert run.code == 1, run.stdout + run.stderr
    assert [f["rule"] for f in findings(run)] == ["MAN001"]


def test_a_step_with_an_unknown_model_at_the_base_hides_nothing(cli, tmp_path: Path) -> None:
    """A step whose model is not in the catalog is not judged (MAN003); once the base had it, a
    change could send any data to any endpoint under the same model name."""
    repo = _repo(tmp_path, STEP.format(classes="public", model="acme/internal-llm",
                                       endpoint="anthropic/api"))
    _commit(repo, "app.yaml", STEP.format(classes="phi", model="acme/internal-llm",
                                          endpoint="deepseek/api"))
    run = cli("check", "--diff", "main", "-f", "json", "--date", TODAY, cwd=repo)
    assert run.code == 1, run.stdout + run.stderr
    assert "MAN003" in {f["rule"] for f in findings(run)}


@pytest.mark.parametrize("rule", ["MAN001", "MAN002", "MAN003", "MAN004"])
def test_no_baseline_entry_may_stand_for_input_that_was_not_judged(
        cli, tmp_path: Path, rule: str) -> None:
    repo = _repo(tmp_path, STEP.format(classes="public", model="acme/internal-llm",
                                       endpoint="anthropic/api"))
    made = cli("baseline", "--output", "b.json", "--date", TODAY, *APPROVAL, cwd=repo)
    assert made.code == 0, made.stderr
    doc = json.loads((repo / "b.json").read_text())
    assert all(e["rule"] != "MAN003" for e in doc["entries"])  # not recorded
    doc["entries"].append({"rule": rule, "file": "app.yaml", "path": "app/triage/draft",
                           "message": "anything", "count": 1, **dict(zip(
                               ("approvedBy", "expires"), APPROVAL[1::2]))})
    (repo / "b.json").write_text(json.dumps(doc))
    run = cli("check", "--baseline", "b.json", "--date", TODAY, cwd=repo)
    assert run.code == 2 and rule in run.stderr and "not judged" in run.stderr, run.stderr


def test_dates_quoted_in_a_message_do_not_change_its_key() -> None:
    """LIFE003 quotes today's date: the same finding a day later must keep its fingerprint and
    its baseline entry."""
    day1 = "openai.OpenAI() calls gpt-4o, retired since 2026-11-30 (today 2026-12-04)"
    day2 = "openai.OpenAI() calls gpt-4o, retired since 2026-11-30 (today 2026-12-05)"
    assert normalise_message(day1) == normalise_message(day2)
    assert normalise_message(day1) != normalise_message(day1.replace("gpt-4o", "gpt-4.1"))


DRIFT_CASE = REPO / "tests" / "cases" / "drift" / "DRIFT001-fires-undeclared-and-unresolved-calls"


def test_a_line_added_above_a_call_keeps_its_baseline_entry(cli, tmp_path: Path) -> None:
    """A finding on a call in code is placed by file, line and column; its key and fingerprint
    must not move with the line."""
    repo = tmp_path / "case"
    shutil.copytree(DRIFT_CASE, repo)
    (repo / "expect.yaml").unlink()
    made = cli("baseline", "--output", "b.json", "--date", TODAY, *APPROVAL, cwd=repo)
    assert made.code == 0, made.stderr
    code = repo / "app" / "main.py"
    code.write_text("# a comment above every call\n" + code.read_text())
    run = cli("check", "--baseline", "b.json", "-f", "json", "--date", TODAY, cwd=repo)
    doc = json.loads(run.stdout)
    assert run.code == 0, run.stdout
    assert "staleBaseline" not in doc and doc["findings"] == []
    sarif = [cli("check", "-f", "sarif", "--date", TODAY, cwd=repo).stdout]
    code.write_text("# and one more\n" + code.read_text())
    sarif.append(cli("check", "-f", "sarif", "--date", TODAY, cwd=repo).stdout)
    prints = [[r["partialFingerprints"] for r in json.loads(s)["runs"][0]["results"]] for s in sarif]
    assert prints[0] == prints[1] and prints[0]


def test_with_diff_a_baseline_entry_of_an_old_finding_is_not_stale(cli, tmp_path: Path) -> None:
    """The pull-request gate (`--diff` and `--baseline`): an entry that still hides a finding
    on the main branch is not "stale" because the base revision had the finding too."""
    repo = _repo(tmp_path, PHI_TO_CHINA)
    git(repo, "checkout", "-q", "main")
    made = cli("baseline", "--output", "b.json", "--date", TODAY, *APPROVAL, cwd=repo)
    assert made.code == 0, made.stderr
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "baseline")
    git(repo, "checkout", "-q", "change")
    git(repo, "merge", "-q", "main")
    _commit(repo, "NOTES.md", "unrelated\n")
    run = cli("check", "--diff", "main", "--baseline", "b.json", "-f", "json", "--date", TODAY,
              cwd=repo)
    assert run.code == 0, run.stdout + run.stderr
    assert "staleBaseline" not in json.loads(run.stdout)


def test_an_expired_entry_is_reported(cli, tmp_path: Path) -> None:
    repo = _repo(tmp_path, PHI_TO_CHINA)
    made = cli("baseline", "--output", "b.json", "--date", TODAY, "--approved-by",
               "ciso@example.com", "--expires", "2026-12-01", cwd=repo)
    assert made.code == 0, made.stderr
    entries = len(json.loads((repo / "b.json").read_text())["entries"])
    run = cli("check", "--baseline", "b.json", "-f", "json", "--date", "2026-12-02", cwd=repo)
    assert run.code == 1
    expired = json.loads(run.stdout)["expiredBaseline"]
    assert len(expired) == entries and {e["expires"] for e in expired} == {"2026-12-01"}
    text = cli("check", "--baseline", "b.json", "--date", "2026-12-02", cwd=repo).stdout
    assert text.count("baseline entry expired on 2026-12-01 and hides nothing now: ") == entries


@pytest.mark.parametrize("body", ['{"version": 2, "entries": [{"count": 1%s}]}' % ("0" * 5000),
                                  "[" * 100_000 + "]" * 100_000])
def test_a_baseline_file_beyond_reason_is_refused_not_a_crash(cli, tmp_path: Path, body: str) -> None:
    repo = _repo(tmp_path, PHI_TO_CHINA)
    (repo / "b.json").write_text(body)
    run = cli("check", "--baseline", "b.json", "--date", TODAY, cwd=repo)
    assert run.code == 2 and "b.json" in run.stderr and "internal error" not in run.stderr, run.stderr


WAIVER = """\
apiVersion: procurelint/v1
kind: Waivers
spec:
  waivers:
    - {id: W-1, rule: HIPAA001, target: claims, reason: r, approvedBy: a@example.com,
       ticket: T-1, expires: "2099-01-01"}
"""


def _many(repo: Path) -> None:
    """One manifest with 600 PHI steps to DeepSeek's API: thousands of findings in one file,
    past the 500 listed per file; HIPAA001 (one per step) waived."""
    write(repo, "procurelint.yaml", POLICY.replace("spec: {}", "spec: {waivers: waivers.yaml}"))
    write(repo, "waivers.yaml", WAIVER)
    flows = []
    for w in range(10):
        steps = "".join(f"""
        - name: s{i}
          model: deepseek/deepseek-v3.2
          endpoint: deepseek/api
          tokensPerCall: {{input: 10, output: 3}}""" for i in range(60))
        flows.append(f"""
    - name: w{w}
      runsPerMonth: 1
      dataClasses: [phi]
      recordsPerYear: 5
      steps:{steps}""")
    write(repo, "m.yaml", "apiVersion: procurelint/v1\nkind: AgentManifest\n"
          "metadata: {name: claims, team: t, owner: a@example.com}\n"
          "spec:\n  workflows:" + "".join(flows) + "\n")


def test_findings_past_the_listing_bound_are_counted_waived_or_not(cli, tmp_path: Path) -> None:
    _many(tmp_path)
    run = cli("check", "-f", "json", "--date", TODAY, cwd=tmp_path)
    summary = json.loads(run.stdout)["summary"]
    assert summary["waived"] == 600
    listed = len(json.loads(run.stdout)["findings"])
    assert listed + summary["notListed"] == summary["errors"] + summary["warnings"] \
        + summary["infos"] + summary["waived"]


def test_the_listing_bound_neither_makes_old_findings_new_nor_cuts_a_baseline(
        cli, tmp_path: Path) -> None:
    _many(tmp_path)
    git(tmp_path, "init", "-q", "-b", "main")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-q", "-m", "base")
    _commit(tmp_path, "NOTES.md", "unrelated\n")
    run = cli("check", "--diff", "main", "--date", TODAY, cwd=tmp_path)
    assert run.code == 0, run.stdout[-2000:]
    made = cli("baseline", "--output", "b.json", "--date", TODAY, *APPROVAL, cwd=tmp_path)
    assert made.code == 0, made.stderr
    run = cli("check", "--baseline", "b.json", "--date", TODAY, cwd=tmp_path)
    assert run.code == 0, run.stdout[-2000:]
