"""Baselines and pull-request mode (`--diff`, `--policy-from`) against real git repositories."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import REPO, TODAY, write
from tests.test_check_cli import manifest


def git(root: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=root, check=True, capture_output=True,
                   env={"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
                        "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com",
                        "HOME": str(root), "PATH": "/usr/bin:/bin"})


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    write(tmp_path, "procurelint.yaml", "apiVersion: procurelint/v1\nkind: Policy\nmetadata: {name: acme}\n")
    write(tmp_path, "svc/app.yaml", manifest(classes="internal"))  # JUR001 on deepseek/api
    git(tmp_path, "init", "-q", "-b", "main")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-q", "-m", "base")
    return tmp_path


def findings(run) -> list[dict]:
    return json.loads(run.stdout)["findings"]


def test_baseline_survives_moved_lines_and_reports_new_and_stale(cli, repo: Path) -> None:
    made = cli("baseline", "--output", "base.json", "--date", TODAY, "--approved-by", "ciso@example.com",
               "--expires", "2027-03-31", cwd=repo)
    assert made.code == 0, made.stderr
    entries = json.loads((repo / "base.json").read_text())["entries"]
    assert {"rule": "JUR001", "file": "svc/app.yaml", "path": "app/flow/step", "count": 1,
            "message": "step app/flow/step sends internal data to deepseek/api, where tier "
                       "internal (not CN, CU, HK, IR, KP, MO, RU, VE) does not allow it: the "
                       "endpoint is in CN, provider deepseek is established in CN, the parent "
                       "of deepseek is established in CN",
            "approvedBy": "ciso@example.com", "expires": "2027-03-31"} in entries
    app = repo / "svc" / "app.yaml"
    app.write_text("# a comment\n# moves every line down\n" + app.read_text())
    moved = cli("check", "--baseline", "base.json", "--format", "json", "--date", TODAY, cwd=repo)
    assert findings(moved) == [] and moved.code == 0
    write(repo, "svc/new.yaml", manifest(classes="internal").replace("name: app", "name: new"))
    app.unlink()
    changed = cli("check", "--baseline", "base.json", "--format", "json", "--date", TODAY, cwd=repo)
    doc = json.loads(changed.stdout)
    assert {(f["rule"], f["path"]) for f in doc["findings"]} >= {("JUR001", "new/flow/step")}
    assert all(f["file"] == "svc/new.yaml" for f in doc["findings"])
    stale = [e for e in doc["staleBaseline"] if e["file"] == "svc/app.yaml"]
    assert [(e["rule"], e["path"]) for e in stale] == [("JUR001", "app/flow/step")]
    assert stale[0]["message"].startswith("step app/flow/step sends internal data to deepseek/api")
    assert "baseline entry no longer matches: JUR001 svc/app.yaml app/flow/step" in cli(
        "check", "--baseline", "base.json", "--date", TODAY, cwd=repo).stdout
    assert changed.code == 1


def test_baseline_says_what_it_recorded_and_check_what_it_hides(cli, repo: Path) -> None:
    made = cli("baseline", "--output", "base.json", "--date", TODAY, "--approved-by", "ciso@example.com",
               "--expires", "2027-03-31", cwd=repo)
    assert made.stdout.startswith("recorded ")
    assert "base.json" in made.stdout.splitlines()[0] and "error" in made.stdout.splitlines()[0]
    assert "  JUR001  1  approved by ciso@example.com, expires 2027-03-31" in made.stdout
    assert "procurelint check --baseline base.json" in made.stdout
    hidden = json.loads((repo / "base.json").read_text())["entries"]
    count = sum(e["count"] for e in hidden)

    run = cli("check", "--baseline", "base.json", "--date", TODAY, cwd=repo)
    assert run.code == 0 and run.stdout.startswith("passed:")
    assert f"baseline base.json: {count} findings hidden (" in run.stdout
    doc = json.loads(cli("check", "--baseline", "base.json", "-f", "json", "--date", TODAY, cwd=repo).stdout)
    assert doc["summary"]["baselined"] == count
    md = cli("check", "--baseline", "base.json", "-f", "md", "--date", TODAY, cwd=repo).stdout
    assert f"{count} findings hidden by the baseline base.json" in md


def test_regulatory_findings_in_a_baseline_need_an_approver_and_an_expiry(cli, repo: Path) -> None:
    bare = cli("baseline", "--output", "base.json", "--date", TODAY, cwd=repo)
    assert bare.code == 2 and "Traceback" not in bare.stderr
    assert "JUR001" in bare.stderr and "--approved-by and --expires" in bare.stderr
    assert not (repo / "base.json").exists()
    past = cli("baseline", "-o", "base.json", "--date", TODAY, "--approved-by", "c@e", "--expires", "2026-01-01",
               cwd=repo)
    assert past.code == 2 and "in the past" in past.stderr

    made = cli("baseline", "-o", "base.json", "--date", TODAY, "--approved-by", "c@e", "--expires", "2026-12-31",
               cwd=repo)
    assert made.code == 0
    assert cli("check", "--baseline", "base.json", "--date", "2026-12-31", cwd=repo).code == 0
    expired = cli("check", "--baseline", "base.json", "--date", "2027-01-01", cwd=repo)
    assert expired.code == 1 and "JUR001 [error]" in expired.stdout  # the entry hides nothing now


def test_diff_reports_only_new_findings_and_the_spend_change(cli, repo: Path) -> None:
    write(repo, "svc/new.yaml", manifest(classes="internal").replace("name: app", "name: new"))
    run = cli("check", "--diff", "main", "--format", "json", "--date", TODAY, cwd=repo)
    doc = json.loads(run.stdout)
    assert {f["path"] for f in doc["findings"]} == {"new/flow/step"}
    assert doc["summary"]["baseMonthlyUsd"] < doc["summary"]["monthlyUsd"]
    text = cli("check", "--diff", "main", "--date", TODAY, cwd=repo).stdout
    assert "projected spend at the base revision" in text and "change +$" in text


def test_diff_with_unknown_revision_is_a_usage_error(cli, repo: Path) -> None:
    run = cli("check", "--diff", "no-such-branch", "--date", TODAY, cwd=repo)
    assert run.code == 2 and "'no-such-branch' is not a commit, branch or tag" in run.stderr
    assert "rev-parse" not in run.stderr


def test_a_pull_request_cannot_loosen_the_policy_that_judges_it(cli, repo: Path) -> None:
    git(repo, "checkout", "-q", "-b", "loosen")
    write(repo, "procurelint.yaml", """\
apiVersion: procurelint/v1
kind: Policy
metadata: {name: acme}
spec:
  tiers:
    - name: public
    - name: internal
    - name: confidential
    - name: restricted
""")
    git(repo, "commit", "-q", "-am", "allow every jurisdiction")
    loosened = cli("check", "--select", "JUR001", "--date", TODAY, cwd=repo)
    assert loosened.code == 0  # the edited policy alone would let it through
    judged = cli("check", "--policy-from", "main", "--select", "JUR001", "--date", TODAY, cwd=repo)
    assert judged.code == 1
    assert "JUR001 [error]" in judged.stdout
    assert "policy changed: procurelint.yaml changed" in judged.stdout
    doc = json.loads(cli("check", "--policy-from", "main", "--format", "json", "--date", TODAY, cwd=repo).stdout)
    assert doc["policy"]["changes"] and doc["policy"]["changes"][0].startswith("procurelint.yaml changed")


def test_a_pull_request_cannot_re_record_the_baseline_that_judges_it(cli, repo: Path) -> None:
    approval = ("--approved-by", "ciso@example.com", "--expires", "2027-06-30")
    assert cli("baseline", "--output", "procurelint-baseline.json", "--date", TODAY, *approval,
               cwd=repo).code == 0
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "baseline")
    git(repo, "checkout", "-q", "-b", "change")
    write(repo, "svc/new.yaml", manifest(classes="internal").replace("name: app", "name: new"))
    assert cli("baseline", "--output", "procurelint-baseline.json", "--date", TODAY, *approval,
               cwd=repo).code == 0  # the change records its own violation
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "violation")
    run = cli("check", "--diff", "main", "--policy-from", "main", "--baseline",
              "procurelint-baseline.json", "--format", "json", "--date", TODAY, cwd=repo)
    doc = json.loads(run.stdout)
    assert run.code == 1, run.stderr
    assert ("JUR001", "new/flow/step") in {(f["rule"], f["path"]) for f in doc["findings"]}
    assert any(c.startswith("procurelint-baseline.json changed") for c in doc["policy"]["changes"])


def test_a_sub_folder_policy_added_by_the_change_does_not_judge_it(cli, repo: Path) -> None:
    git(repo, "checkout", "-q", "-b", "change")
    write(repo, "svc/procurelint.yaml", "apiVersion: procurelint/v1\nkind: Policy\n"
          "metadata: {name: lax}\nspec:\n  disable: [JUR001]\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "loosen")
    run = cli("check", "svc", "--policy-from", "main", "--format", "json", "--date", TODAY,
              cwd=repo)
    doc = json.loads(run.stdout)
    assert run.code == 1, run.stderr
    assert doc["policy"]["name"] == "acme"
    assert {(f["rule"], f["file"]) for f in doc["findings"]} >= {("JUR001", "svc/app.yaml")}
    assert "svc/procurelint.yaml was added by this change" in doc["policy"]["changes"]


# --- what a baseline may hide ---------------------------------------------------------------

APPROVAL = ("--approved-by", "ciso@example.com", "--expires", "2027-03-31")


def recorded(cli, repo: Path, name: str = "base.json") -> dict:
    made = cli("baseline", "--output", name, "--date", TODAY, *APPROVAL, cwd=repo)
    assert made.code == 0, made.stderr
    return json.loads((repo / name).read_text())


def rewrite(repo: Path, doc: dict, name: str = "base.json") -> None:
    (repo / name).write_text(json.dumps(doc))


@pytest.mark.parametrize("approval", [{}, {"approvedBy": "ciso@example.com"},
                                      {"expires": "2027-03-31"},
                                      {"approvedBy": "  ", "expires": "2027-03-31"},
                                      {"approvedBy": 7, "expires": "2027-03-31"}])
def test_a_hand_written_regulatory_entry_needs_an_approver_and_an_expiry(
        cli, repo: Path, approval: dict) -> None:
    """A pull request that adds a JUR001 violation and, by hand, the baseline entry that hides
    it, without the approver and expiry `procurelint baseline` would have asked for."""
    doc = recorded(cli, repo)
    write(repo, "svc/new.yaml", manifest(classes="internal").replace("name: app", "name: new"))
    entry = {k: v for k, v in doc["entries"][0].items() if k not in ("approvedBy", "expires")}
    entry.update(file="svc/new.yaml", path="new/flow/step", **approval)
    doc["entries"].append(entry)
    rewrite(repo, doc)
    run = cli("check", "--baseline", "base.json", "--date", TODAY, cwd=repo)
    assert run.code == 2 and "Traceback" not in run.stderr, run.stdout + run.stderr
    assert "base.json" in run.stderr and "JUR001" in run.stderr and "svc/new.yaml" in run.stderr
    assert "approvedBy" in run.stderr and "expires" in run.stderr


def test_a_baseline_entry_with_a_bad_expiry_is_refused(cli, repo: Path) -> None:
    doc = recorded(cli, repo)
    doc["entries"][0]["expires"] = "end of quarter"
    rewrite(repo, doc)
    run = cli("check", "--baseline", "base.json", "--date", TODAY, cwd=repo)
    assert run.code == 2 and "Traceback" not in run.stderr and "base.json" in run.stderr


def test_the_baseline_command_and_check_agree_on_what_is_regulatory(cli, repo: Path) -> None:
    """A policy that lets jurisdiction findings be suppressed inline needs no approval for
    them: the command records JUR001 without one, and check accepts that file."""
    write(repo, "procurelint.yaml", "apiVersion: procurelint/v1\nkind: Policy\n"
          "metadata: {name: acme}\nspec:\n  inlineSuppressions: [cost, jurisdiction]\n")
    made = cli("baseline", "--output", "base.json", "--date", TODAY, cwd=repo)
    assert made.code == 0, made.stderr
    entries = json.loads((repo / "base.json").read_text())["entries"]
    assert any(e["rule"] == "JUR001" and "approvedBy" not in e for e in entries)
    assert cli("check", "--baseline", "base.json", "--date", TODAY, cwd=repo).code == 0


FALLBACK = "          fallbacks:\n            - {model: moonshotai/kimi-k2.5, endpoint: moonshot/api-cn}\n"


def test_a_baseline_entry_hides_only_the_finding_it_recorded(cli, repo: Path) -> None:
    """The primary endpoint's JUR001 is recorded; the change moves the primary to a US endpoint
    and adds a fallback to another Chinese one: a different JUR001 on the same step."""
    recorded(cli, repo)
    app = repo / "svc" / "app.yaml"
    app.write_text(manifest(classes="internal", model="openai/gpt-5", endpoint="openai/api")
                   + FALLBACK)
    run = cli("check", "--baseline", "base.json", "-f", "json", "--date", TODAY, cwd=repo)
    doc = json.loads(run.stdout)
    assert run.code == 1, run.stderr
    assert [(f["rule"], f["path"]) for f in doc["findings"] if f["rule"] == "JUR001"] == \
        [("JUR001", "app/flow/step")]
    assert "moonshot/api-cn" in doc["findings"][0]["message"] or any(
        "moonshot/api-cn" in f["message"] for f in doc["findings"])
    assert [(e["rule"], e["path"]) for e in doc["staleBaseline"]] == [("JUR001", "app/flow/step")]


def test_a_baseline_entry_survives_changed_volumes_and_prices(cli, repo: Path) -> None:
    """Quantities in a message (spend, savings, percentages) are not part of the key."""
    app = repo / "svc" / "app.yaml"
    app.write_text(manifest(classes="internal", model="openai/gpt-5", endpoint="openai/api"))
    doc = recorded(cli, repo)
    # recorded without the figures: re-recording after a price or volume edit changes nothing
    assert any(e["rule"] == "COST006" and "would cost #/month, saving # (#%)" in e["message"]
               for e in doc["entries"]), doc
    app.write_text(app.read_text().replace("runsPerMonth: 1000", "runsPerMonth: 4000"))
    run = cli("check", "--baseline", "base.json", "-f", "json", "--date", TODAY, cwd=repo)
    assert run.code == 0, run.stdout
    assert findings(run) == [] and "staleBaseline" not in json.loads(run.stdout)


def test_a_version_1_baseline_must_be_re_recorded(cli, repo: Path) -> None:
    write(repo, "base.json", json.dumps({"version": 1, "entries": [
        {"rule": "JUR001", "file": "svc/app.yaml", "path": "app/flow/step", "count": 1,
         "approvedBy": "ciso@example.com", "expires": "2027-03-31"}]}))
    run = cli("check", "--baseline", "base.json", "--date", TODAY, cwd=repo)
    assert run.code == 2 and "Traceback" not in run.stderr
    assert "base.json" in run.stderr and "procurelint baseline" in run.stderr


# --- POL001 is never hidden ------------------------------------------------------------------

LAX = "apiVersion: procurelint/v1\nkind: Policy\nmetadata: {name: lax}\nspec:\n  disable: [JUR001]\n"


@pytest.fixture
def nested(repo: Path) -> Path:
    """The repository with a sub-folder policy that a check from the top does not use."""
    write(repo, "team/procurelint.yaml", LAX)
    write(repo, "team/app.yaml", manifest(classes="internal").replace("name: app", "name: team"))
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "a team policy")
    return repo


def pol001(run) -> list[str]:
    return [f["file"] for f in findings(run) if f["rule"] == "POL001"]


def test_the_baseline_command_does_not_record_pol001(cli, nested: Path) -> None:
    doc = recorded(cli, nested)
    assert doc["entries"] and all(e["rule"] != "POL001" for e in doc["entries"])
    run = cli("check", "--baseline", "base.json", "-f", "json", "--date", TODAY, cwd=nested)
    assert run.code == 1 and pol001(run) == ["team/procurelint.yaml"]


def test_a_hand_written_pol001_entry_is_refused(cli, nested: Path) -> None:
    doc = recorded(cli, nested)
    doc["entries"].append({"rule": "POL001", "file": "team/procurelint.yaml", "path": "",
                           "message": "x", "count": 1, "approvedBy": "ciso@example.com",
                           "expires": "2027-03-31"})
    rewrite(nested, doc)
    run = cli("check", "--baseline", "base.json", "--date", TODAY, cwd=nested)
    assert run.code == 2 and "Traceback" not in run.stderr, run.stdout
    assert "POL001" in run.stderr and "base.json" in run.stderr


def test_diff_never_subtracts_pol001(cli, nested: Path) -> None:
    git(nested, "checkout", "-q", "-b", "change")
    run = cli("check", "--diff", "main", "-f", "json", "--date", TODAY, cwd=nested)
    assert run.code == 1, run.stderr
    assert pol001(run) == ["team/procurelint.yaml"]
    md = cli("check", "--diff", "main", "-f", "md", "--date", TODAY, cwd=nested).stdout
    assert "POL001" in md and "fixes" not in md  # still there: neither hidden nor fixed


def test_pol001_cannot_be_suppressed_inline(cli, nested: Path) -> None:
    """Not even where the policy lets core rules be suppressed inline: the comment would sit in
    the very policy file the finding is about."""
    write(nested, "procurelint.yaml", "apiVersion: procurelint/v1\nkind: Policy\n"
          "metadata: {name: acme}\nspec:\n  inlineSuppressions: [cost, core]\n")
    write(nested, "team/procurelint.yaml",
          LAX.replace("\n", "  # procurelint: ignore[POL001] reviewed\n", 1))
    run = cli("check", "-f", "json", "--date", TODAY, cwd=nested)
    assert run.code == 1
    assert [f["waived"] for f in findings(run) if f["rule"] == "POL001"] == [False]
    assert "SUP003" in {f["rule"] for f in findings(run)}


JUR009_CASE = REPO / "tests" / "cases" / "jurisdiction" / "JUR009-fires-genomic-to-covered-person"


def test_a_prohibited_transaction_is_never_recorded_nor_hidden(cli, tmp_path: Path) -> None:
    """No waiver may cover JUR009 (28 CFR 202.303), so no baseline may either."""
    root = tmp_path / "case"
    shutil.copytree(JUR009_CASE, root)
    doc = recorded(cli, root)
    assert doc["entries"] and all(e["rule"] != "JUR009" for e in doc["entries"])
    run = cli("check", "--baseline", "base.json", "-f", "json", "--date", TODAY, cwd=root)
    assert run.code == 1 and [f["rule"] for f in findings(run)] == ["JUR009"]
    entry = dict(doc["entries"][0], rule="JUR009")
    doc["entries"].append(entry)
    rewrite(root, doc)
    run = cli("check", "--baseline", "base.json", "--date", TODAY, cwd=root)
    assert run.code == 2 and "JUR009" in run.stderr and "no waiver may cover it" in run.stderr


def test_diff_never_subtracts_a_prohibited_transaction(cli, tmp_path: Path) -> None:
    """A prohibited transaction the base revision already had is reported in every pull
    request until it is fixed, as POL001 is: it is not a risk anyone may accept."""
    root = tmp_path / "case"
    shutil.copytree(JUR009_CASE, root)
    (root / "expect.yaml").unlink()
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "base")
    git(root, "checkout", "-q", "-b", "change")
    run = cli("check", "--diff", "main", "-f", "json", "--date", TODAY, cwd=root)
    assert run.code == 1, run.stderr
    assert [f["rule"] for f in findings(run)] == ["JUR009"]


def test_the_base_revision_keeps_the_files_marked_export_ignore(cli, repo: Path) -> None:
    """`export-ignore` leaves files out of release archives; the base revision must still have
    its policy and its manifests, or the change is judged by the built-in defaults and every
    old finding in such a folder is new."""
    write(repo, ".gitattributes", "procurelint.yaml export-ignore\nsvc/ export-ignore\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "archive attributes")
    git(repo, "checkout", "-q", "-b", "change")
    write(repo, "other/new.yaml", manifest(classes="internal").replace("name: app", "name: new"))
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "a new manifest")
    run = cli("check", "--diff", "main", "--policy-from", "main", "-f", "json", "--date", TODAY,
              cwd=repo)
    assert run.code == 1, run.stderr
    doc = json.loads(run.stdout)
    assert doc["policy"]["name"] == "acme" and not doc["policy"].get("changes"), doc["policy"]
    assert {f["file"] for f in doc["findings"]} == {"other/new.yaml"}, doc["findings"]


def test_the_first_pull_request_of_a_repository_without_manifests(cli, tmp_path: Path) -> None:
    """The base revision holds no file procurelint reads: every finding of the change is new."""
    write(tmp_path, "README.md", "hello\n")
    git(tmp_path, "init", "-q", "-b", "main")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-q", "-m", "base")
    git(tmp_path, "checkout", "-q", "-b", "change")
    write(tmp_path, "procurelint.yaml", "apiVersion: procurelint/v1\nkind: Policy\nmetadata: {name: acme}\n")
    write(tmp_path, "svc/app.yaml", manifest(classes="internal"))
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-q", "-m", "first manifest")
    plain = cli("check", "-f", "json", "--date", TODAY, cwd=tmp_path)
    for extra in ([], ["--policy-from", "main"]):
        run = cli("check", "--diff", "main", *extra, "-f", "json", "--date", TODAY, cwd=tmp_path)
        assert run.code == 1, run.stderr
        assert findings(run) == findings(plain)


def test_diff_with_a_policy_above_the_repository_is_a_clear_error(cli, tmp_path: Path) -> None:
    write(tmp_path, "procurelint.yaml", "apiVersion: procurelint/v1\nkind: Policy\nmetadata: {name: acme}\n")
    repo = tmp_path / "repo"
    write(repo, "svc/app.yaml", manifest(classes="internal"))
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "base")
    run = cli("check", "--diff", "main", "--date", TODAY, cwd=repo)
    assert run.code == 2 and "not in a git work tree" in run.stderr, run.stderr
    assert "internal error" not in run.stderr and "rev-parse" not in run.stderr


_BUDGETED = """\
apiVersion: procurelint/v1
kind: Policy
metadata: {{name: acme}}
spec:
  budgets:
    teams:
      t: 1{comment}
"""


@pytest.mark.parametrize("args", [["--policy-from", "main"], ["--diff", "main", "--policy-from", "main"]])
def test_a_pull_request_cannot_suppress_a_finding_in_the_policy_it_is_judged_by(
        cli, repo: Path, args: list[str]) -> None:
    """Team budgets are reported on the policy's lines: with --policy-from, only the comments
    of the base revision's policy file count there, not those the change writes into its own."""
    write(repo, "procurelint.yaml", _BUDGETED.format(comment=""))  # $0.30 a month of $1
    git(repo, "commit", "-q", "-am", "a budget for team t")
    git(repo, "checkout", "-q", "-b", "silence")
    write(repo, "svc/app.yaml", manifest(classes="internal").replace("runsPerMonth: 1000",
                                                                     "runsPerMonth: 10000"))
    write(repo, "procurelint.yaml", _BUDGETED.format(
        comment="  # procurelint: ignore[COST002] true-up next quarter"))
    git(repo, "commit", "-q", "-am", "ten times the runs, the budget silenced")
    alone = cli("check", "--select", "COST002", "--date", TODAY, cwd=repo)
    assert alone.code == 0 and "waived by inline" in alone.stdout  # the edited policy's comment
    judged = cli("check", *args, "--select", "COST002", "--format", "json", "--date", TODAY, cwd=repo)
    assert judged.code == 1, judged.stdout + judged.stderr
    assert [(f["rule"], f["file"], f["line"], f["waived"]) for f in findings(judged)] == [
        ("COST002", "procurelint.yaml", 7, False)]


def test_the_base_revisions_own_comments_in_its_policy_still_count(cli, repo: Path) -> None:
    write(repo, "procurelint.yaml", _BUDGETED.format(
        comment="  # procurelint: ignore[COST002] true-up next quarter"))
    git(repo, "commit", "-q", "-am", "a budget for team t, suppressed")
    git(repo, "checkout", "-q", "-b", "more")
    write(repo, "svc/app.yaml", manifest(classes="internal").replace("runsPerMonth: 1000",
                                                                     "runsPerMonth: 10000"))
    git(repo, "commit", "-q", "-am", "ten times the runs")
    run = cli("check", "--policy-from", "main", "--select", "COST002", "--format", "json",
              "--date", TODAY, cwd=repo)
    assert run.code == 0, run.stdout + run.stderr
    assert [(f["rule"], f["line"], f["waived"]) for f in findings(run)] == [("COST002", 7, True)]


def test_a_pull_request_cannot_suppress_through_a_policy_link_it_replaces(cli, repo: Path) -> None:
    """The base revision's procurelint.yaml links to config/policy.yaml: a change that puts a
    file of its own in the link's place has its comments read as the base's file has them."""
    (repo / "procurelint.yaml").unlink()
    write(repo, "config/policy.yaml", _BUDGETED.format(comment=""))
    (repo / "procurelint.yaml").symlink_to("config/policy.yaml")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "the policy, linked")
    git(repo, "checkout", "-q", "-b", "unlink")
    write(repo, "svc/app.yaml", manifest(classes="internal").replace("runsPerMonth: 1000",
                                                                     "runsPerMonth: 10000"))
    (repo / "procurelint.yaml").unlink()
    write(repo, "procurelint.yaml", _BUDGETED.format(
        comment="  # procurelint: ignore[COST002] true-up next quarter"))
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "ten times the runs, the link a file that silences the budget")
    run = cli("check", "--policy-from", "main", "--select", "COST002", "--format", "json",
              "--date", TODAY, cwd=repo)
    assert run.code == 1, run.stdout + run.stderr
    assert [(f["rule"], f["waived"]) for f in findings(run)] == [("COST002", False)]


def test_diff_never_subtracts_a_look_alike_team(cli, repo: Path) -> None:
    """A look-alike team the base revision already had still counts against no ceiling: a
    change that raises its spend must not pass because the finding is not new."""
    write(repo, "procurelint.yaml", _BUDGETED.format(comment=""))
    write(repo, "svc/app.yaml", manifest(classes="internal").replace("team: t", "team: T"))
    git(repo, "commit", "-q", "-am", "a look-alike team")
    git(repo, "checkout", "-q", "-b", "more")
    write(repo, "svc/app.yaml", manifest(classes="internal").replace("team: t", "team: T")
          .replace("runsPerMonth: 1000", "runsPerMonth: 10000"))
    git(repo, "commit", "-q", "-am", "ten times the runs")
    run = cli("check", "--diff", "main", "--policy-from", "main", "--select", "COST",
              "--format", "json", "--date", TODAY, cwd=repo)
    assert run.code == 1, run.stdout + run.stderr
    assert "COST009" in {f["rule"] for f in findings(run)}


def _more_runs_on_a_branch(repo: Path, app: str, others: dict[str, str] | None = None) -> None:
    """A base revision on `main` with ci/policy.yaml (a budget for team t), the files `others`
    (path: text) and a manifest at `app`; then a branch `pr` on which the manifest's runs rise
    tenfold, past t's budget, not yet committed."""
    write(repo, "ci/policy.yaml", _BUDGETED.format(comment=""))
    for name, text in (others or {}).items():
        write(repo, name, text)
    write(repo, app, manifest(classes="internal"))
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "base")
    git(repo, "checkout", "-q", "-b", "pr")
    write(repo, app, manifest(classes="internal").replace(
        "runsPerMonth: 1000", "runsPerMonth: 10000"))


def test_a_file_only_the_changed_policy_loads_lends_no_comments(cli, tmp_path: Path) -> None:
    """The change makes its own copy of the policy load a file of its own, shown under the same
    name as the base policy (both `policy.yaml`): judged by the base policy, that file is none of
    its files, and its comments do not fall on the base policy's lines."""
    _more_runs_on_a_branch(tmp_path, "apps/app.yaml")
    write(tmp_path, "apps/policy.yaml", "apiVersion: procurelint/v1\nkind: Waivers\n"
          "metadata:\n  name: w\nspec:\n"
          "  # procurelint: ignore[COST002] agreed with finance\n  waivers: []\n")  # on line 7
    write(tmp_path, "ci/policy.yaml", _BUDGETED.format(comment="") + "  waivers: ../apps/policy.yaml\n")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-q", "-m", "more runs; waivers of our own")
    policy = str(Path("..") / "ci" / "policy.yaml")  # from apps/, as the gate is run there
    run = cli("check", "--config", policy, "--policy-from", "main", "--select", "COST002",
              "--format", "json", "--date", TODAY, ".", cwd=tmp_path / "apps")
    assert run.code == 1, run.stdout + run.stderr
    assert [(f["rule"], f["file"], f["line"], f["waived"]) for f in findings(run)] == [
        ("COST002", "policy.yaml", 7, False)]


def _policy_linked_to_the_sandbox(repo: Path) -> None:
    """A base revision with ci/policy.yaml (a budget for team t) and a laxer sandbox/policy.yaml;
    a change that raises t's spend and puts a link to the sandbox's policy in ci/policy.yaml's
    place."""
    _more_runs_on_a_branch(repo, "svc/app.yaml", {"sandbox/policy.yaml": (
        "apiVersion: procurelint/v1\nkind: Policy\nmetadata: {name: sandbox}\nspec: {}\n")})
    (repo / "ci" / "policy.yaml").unlink()
    (repo / "ci" / "policy.yaml").symlink_to(Path("..") / "sandbox" / "policy.yaml")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "more runs; the policy a link to the sandbox's")


def test_a_link_put_in_the_named_policys_place_does_not_choose_the_base_policy(
        cli, tmp_path: Path) -> None:
    """`--config ci/policy.yaml --policy-from main` judges by the base revision's file at that
    path, not by the one a link the change put there leads to (a laxer policy of the base)."""
    _policy_linked_to_the_sandbox(tmp_path)
    run = cli("check", "--config", "ci/policy.yaml", "--policy-from", "main", "--select", "COST002",
              "--format", "json", "--date", TODAY, "svc", cwd=tmp_path)
    assert run.code == 1, run.stdout + run.stderr
    assert [f["rule"] for f in findings(run)] == ["COST002"]


def test_a_link_put_in_the_baselines_place_does_not_choose_the_base_baseline(
        cli, repo: Path) -> None:
    """The base revision holds its baseline and, elsewhere, a baseline recorded later with the
    violation in it: a change that puts a link to the latter in the former's place is judged by
    the base's file at the path named."""
    approval = ("--approved-by", "ciso@example.com", "--expires", "2027-06-30")
    assert cli("baseline", "--output", "procurelint-baseline.json", "--date", TODAY, *approval,
               cwd=repo).code == 0
    write(repo, "svc/new.yaml", manifest(classes="internal").replace("name: app", "name: new"))
    (repo / "old").mkdir()
    assert cli("baseline", "--output", "old/everything.json", "--date", TODAY, *approval,
               cwd=repo).code == 0
    (repo / "svc" / "new.yaml").unlink()
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "baselines")
    git(repo, "checkout", "-q", "-b", "change")
    write(repo, "svc/new.yaml", manifest(classes="internal").replace("name: app", "name: new"))
    (repo / "procurelint-baseline.json").unlink()
    (repo / "procurelint-baseline.json").symlink_to(Path("old") / "everything.json")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "a violation; the baseline a link to the other one")
    run = cli("check", "--policy-from", "main", "--baseline", "procurelint-baseline.json",
              "--format", "json", "--date", TODAY, cwd=repo)
    assert run.code == 1, run.stdout + run.stderr
    assert ("JUR001", "new/flow/step") in {(f["rule"], f["path"]) for f in findings(run)}


def test_a_policy_named_through_a_linked_folder_above_the_repository(cli, tmp_path: Path) -> None:
    """An absolute --config that reaches the repository through a link above it (a CI workspace
    on a linked folder) is followed up to the repository and no further: a link the change put
    in the policy's place does not choose the base policy."""
    repo = tmp_path / "repo"
    _policy_linked_to_the_sandbox(repo)
    (tmp_path / "workspace").symlink_to(repo)
    policy = str(tmp_path / "workspace" / "ci" / "policy.yaml")
    run = cli("check", "--config", policy, "--policy-from", "main", "--select", "COST002",
              "--format", "json", "--date", TODAY, "svc", cwd=repo)
    assert run.code == 1, run.stdout + run.stderr
    assert [f["rule"] for f in findings(run)] == ["COST002"]


def test_a_policy_named_through_an_outside_link_to_a_folder_of_the_repository(
        cli, tmp_path: Path) -> None:
    """A link outside the repository to one of its folders (`ext` to `repo/ci`) names a file of
    the repository: --policy-from judges by the base's, not by the one the change edited."""
    repo = tmp_path / "repo"
    _more_runs_on_a_branch(repo, "svc/app.yaml")
    write(repo, "ci/policy.yaml", _BUDGETED.format(comment="").replace("t: 1", "t: 100000"))
    git(repo, "commit", "-q", "-am", "more runs, a larger budget")
    (tmp_path / "ext").symlink_to(repo / "ci")
    run = cli("check", "--config", str(tmp_path / "ext" / "policy.yaml"), "--policy-from", "main",
              "--select", "COST002", "--format", "json", "--date", TODAY, "svc", cwd=repo)
    assert run.code == 1, run.stdout + run.stderr
    assert [f["rule"] for f in findings(run)] == ["COST002"]
