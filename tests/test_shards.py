"""A check split across processes gives exactly the result of the same check in one process."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import signal
import sys
import threading
import time
from pathlib import Path

import pytest

from procurelint.policy.config import load_config
from procurelint.run.pipeline import Options, check
from procurelint.output import renderer
from procurelint.run.processes import MIN_FILES_PER_PROCESS, process_count
from procurelint.run import forking
from tests.conftest import EXAMPLES, REPO, TODAY, write

sys.path.insert(0, str(REPO / "benchmarks"))
from corpus import generate  # noqa: E402

DAY = dt.date.fromisoformat(TODAY)

MANIFEST = """\
apiVersion: procurelint/v1
kind: AgentManifest
metadata:
  name: {name}
  team: {team}
  owner: someone@example.com
spec:
  workflows:
    - name: triage
      runsPerMonth: 1000
      dataClasses: [phi]
      recordsPerYear: {records}
      steps:
        - name: summarise
          model: deepseek/deepseek-v3.2
          endpoint: {endpoint}
          tokensPerCall: {{input: 1000, output: 200}}
"""


def _json(folder: Path, processes: int | None, **options: object) -> str:
    config = load_config(None, folder)
    opts = Options(today=DAY, **options)  # type: ignore[arg-type]
    return renderer("json")(check(config, opts, processes=processes).result)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Benchmark manifests, plus what crosses manifests: a name used in the first and the last
    file, bulk records that reach the threshold only summed over all files, an unreadable file,
    a file that is not ours, an inline suppression and a team budget."""
    folder = tmp_path_factory.mktemp("corpus")
    generate(90, folder)
    for i, endpoint in enumerate(["deepseek/api", "deepseek/api", "aws-bedrock/us-east-1"]):
        write(folder, f"aaa/bulk-{i}.yaml",
              MANIFEST.format(name=f"bulk-{i}", team="team-00", records=40_000, endpoint=endpoint))
    write(folder, "aaa/dup.yaml",
          MANIFEST.format(name="twice", team="team-01", records=10, endpoint="deepseek/api"))
    write(folder, "zzz/dup.yaml",
          MANIFEST.format(name="twice", team="team-39", records=10, endpoint="deepseek/api"))
    write(folder, "mmm/broken.yaml", "apiVersion: procurelint/v1\nkind: [unclosed\n")
    write(folder, "mmm/other.yaml", "name: not ours\n")
    text = MANIFEST.format(name="quiet", team="team-02", records=10, endpoint="deepseek/api")
    text = text.replace("endpoint: deepseek/api",
                        "endpoint: deepseek/api  # procurelint: ignore[COST006] reason: trial")
    write(folder, "mmm/quiet.yaml", text)
    return folder


@pytest.mark.parametrize("processes", [2, 3, 7])
def test_split_check_is_the_same_check(corpus: Path, processes: int) -> None:
    serial = _json(corpus, None)
    assert '"rule": "MAN007"' in serial and '"rule": "MAN001"' in serial
    assert _json(corpus, processes) == serial


@pytest.mark.parametrize("options", [{"select": ["JUR", "MAN"]}, {"ignore": ["COST006"]},
                                     {"fail_on": "never"}])
def test_split_check_honours_options(corpus: Path, options: dict[str, object]) -> None:
    assert _json(corpus, 2, **options) == _json(corpus, None, **options)


def test_split_check_with_waivers(tmp_path: Path) -> None:
    """The examples: waivers, team and organisation budgets, several teams."""
    folder = tmp_path / "examples"
    shutil.copytree(EXAMPLES, folder)
    assert _json(folder, 3) == _json(folder, None)


def _cost_and_report(folder: Path, processes: int) -> tuple[str, str]:
    """What `cost -f json` and `report -f json` are built from, with the run split in
    `processes`: each slice answers for its own steps, wherever it was judged."""
    from procurelint.audit.repository import build_repository, manifests_of_slice, reported
    from procurelint.output import cost_view

    config = load_config(None, folder)
    costed = check(config, Options(today=DAY), processes=processes, view=cost_view.rows_of_slice)
    assert len(costed.views) == processes
    rows = [row for part, _ in costed.views for row in part]
    cost = cost_view.render_json(cost_view.summary(rows, costed.spend, config, "team"))
    audited = check(config, Options(today=DAY), processes=processes, view=manifests_of_slice,
                    request=reported)
    manifests = [m for part in audited.views for m in part]
    report = json.dumps(build_repository(config, audited.result, manifests, "r", DAY),
                        sort_keys=True)
    return cost, report


@pytest.mark.parametrize("processes", [2, 3])
def test_split_cost_and_report_are_the_same(corpus: Path, processes: int) -> None:
    serial = _cost_and_report(corpus, 1)
    assert '"alternative' in serial[0] and '"passed"' in serial[1]
    assert _cost_and_report(corpus, processes) == serial


def test_process_count() -> None:
    enough = 4 * MIN_FILES_PER_PROCESS
    assert process_count(1, enough) == 1
    assert process_count(2, enough) == 2
    assert process_count(8, enough) == 4  # never fewer files than the minimum per process
    assert process_count(4, MIN_FILES_PER_PROCESS - 1) == 1
    assert process_count(0, enough) >= 1


def test_jobs_option_on_the_command_line(cli, tmp_path: Path) -> None:
    folder = tmp_path / "big"
    generate(2 * MIN_FILES_PER_PROCESS, folder)
    one = cli("check", "--date", TODAY, "-f", "json", "-j", "1", cwd=folder)
    two = cli("check", "--date", TODAY, "-f", "json", "--jobs", "2", cwd=folder)
    assert one.code == two.code == 1
    assert one.stdout == two.stdout
    bad = cli("check", "--date", TODAY, "-j", "many", cwd=folder)
    assert bad.code == 2 and "whole number" in bad.stderr


NARROWED = """\
apiVersion: procurelint/v1
kind: AgentManifest
metadata: {{name: {name}, team: t, owner: o@example.com}}
spec:
  workflows:
    - name: w
      runsPerMonth: 10000
      dataClasses: [pii, internal]
      steps:
        - name: s
          model: anthropic/claude-sonnet-4.6
          endpoint: anthropic/api
          dataClasses: [internal]{extra}
          tokensPerCall: {{input: 2000, output: 500}}
"""


def test_an_alternative_is_judged_on_the_steps_own_facts(tmp_path: Path) -> None:
    """Two steps alike but for a de-identification: the one without it breaks MAN008 on every
    offer, so no compliant alternative exists for it, whichever step was judged first."""
    deidentified = "\n          deidentification: {method: safe-harbor, performedBy: external, reference: DPIA-1}"
    write(tmp_path, "a.yaml", NARROWED.format(name="m-a", extra=deidentified))
    write(tmp_path, "z.yaml", NARROWED.format(name="m-z", extra=""))
    write(tmp_path, "procurelint.yaml", "apiVersion: procurelint/v1\nkind: Policy\n"
                                        "metadata: {name: p}\n")
    serial = _json(tmp_path, None)
    assert '"path": "m-a/w/s"' in serial and "COST006" in serial
    findings = [f for f in json.loads(serial)["findings"] if f["rule"] == "COST006"]
    assert [f["path"] for f in findings] == ["m-a/w/s"]
    assert _json(tmp_path, 2) == serial


def test_a_worker_that_dies_fails_the_check_at_once(corpus: Path) -> None:
    """A worker killed outright (as by the kernel when memory runs out) fails the check with
    a clear error; the others are not waited for, and none is left behind."""
    killed: list[int] = []

    def kill_the_first_worker() -> None:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and not killed:
            for child in forking.children():
                os.kill(child.pid, signal.SIGKILL)
                killed.append(child.pid)
                return
            time.sleep(0.0005)

    config = load_config(None, corpus)
    killer = threading.Thread(target=kill_the_first_worker)
    killer.start()
    start = time.monotonic()
    with pytest.raises(RuntimeError, match="ended without a result"):
        check(config, Options(today=DAY), processes=3)
    killer.join()
    assert killed
    assert time.monotonic() - start < 4  # no worker waited out its 5-second join
    assert forking.children() == []
