"""Setups that violate the policy must never pass: each test here is a way the gate was once
fooled into exit 0 (or into a crash), run end to end as a user would."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import TODAY, write
from tests.test_check_cli import manifest


def _check(cli, cwd: Path, *args: str) -> tuple[int, dict]:
    run = cli("check", "--format", "json", "--date", TODAY, *args, cwd=cwd)
    assert "Traceback" not in run.stderr and "internal error" not in run.stderr, run.stderr
    return run.code, json.loads(run.stdout) if run.stdout else {}


def _rules(result: dict) -> set[str]:
    return {f["rule"] for f in result["findings"]}


def test_an_aggregator_pinned_to_itself_is_not_pinned(cli, tmp_path: Path) -> None:
    text = manifest(classes="genomic, pii", model="openai/gpt-5", endpoint="openrouter") + (
        "          routing: {providers: [openrouter], allowFallbacks: false}\n")
    write(tmp_path, "app.yaml", text)
    code, result = _check(cli, tmp_path)
    assert code == 1
    assert {"JUR001", "JUR005", "JUR006", "JUR007", "JUR008"} <= _rules(result)


@pytest.mark.parametrize("kind", ["agentmanifest", "AgentManifests", '"AgentManifest "',
                                  "agent_manifest"])
def test_a_misspelled_kind_is_man002_with_a_suggestion(cli, tmp_path: Path, kind: str) -> None:
    write(tmp_path, "good.yaml", manifest())
    write(tmp_path, "bad.yaml", manifest().replace("kind: AgentManifest", f"kind: {kind}"))
    code, result = _check(cli, tmp_path)
    assert code == 1
    found = [f for f in result["findings"] if f["file"] == "bad.yaml"]
    assert [f["rule"] for f in found] == ["MAN002"]
    assert "did you mean 'AgentManifest'?" in found[0]["message"]
    assert (found[0]["line"], found[0]["column"]) == (2, 7)


def test_our_api_version_with_an_unknown_kind_is_man002(cli, tmp_path: Path) -> None:
    write(tmp_path, "bad.yaml", "apiVersion: procurelint/v1\nkind: Workflow\nspec: {}\n")
    code, result = _check(cli, tmp_path)
    assert code == 1 and _rules(result) == {"MAN002"}
    assert "unknown kind 'Workflow'; expected one of" in result["findings"][0]["message"]


def test_a_near_miss_kind_of_another_tool_is_not_ours(cli, tmp_path: Path) -> None:
    write(tmp_path, "good.yaml", manifest(classes="public", model="openai/gpt-5",
                                          endpoint="azure/eastus"))
    write(tmp_path, "kyverno.yaml", "apiVersion: kyverno.io/v1\nkind: Policies\n")
    code, result = _check(cli, tmp_path)
    assert "kyverno.yaml" not in {f["file"] for f in result["findings"]}


@pytest.mark.parametrize("kind", ["[a]", "{a: 1}"])
def test_a_kind_that_is_not_a_string_is_not_a_crash(cli, tmp_path: Path, kind: str) -> None:
    write(tmp_path, "good.yaml", manifest())
    write(tmp_path, "other.yaml", f"kind: {kind}\n")
    write(tmp_path, "ours.yaml", f"apiVersion: procurelint/v1\nkind: {kind}\n")
    code, result = _check(cli, tmp_path)
    assert code == 1
    ours = [f for f in result["findings"] if f["file"] == "ours.yaml"]
    assert [f["rule"] for f in ours] == ["MAN002"]
    assert "other.yaml" not in {f["file"] for f in result["findings"]}


def _violating(name: str) -> str:
    """A manifest that sends internal data to deepseek/api: JUR001."""
    return manifest(classes="internal").replace("name: app", f"name: {name}")


@pytest.mark.parametrize("folder", ["node_modules", "venv", ".venv", ".tox", "__pycache__"])
def test_a_default_exclusion_is_counted_and_can_be_overridden(cli, tmp_path: Path,
                                                               folder: str) -> None:
    write(tmp_path, "good.yaml", manifest())
    write(tmp_path, f"{folder}/m.yaml", _violating("hidden"))
    code, result = _check(cli, tmp_path)
    assert result["summary"]["skipped"] == 1
    assert result["notRead"] == [{"file": f"{folder}/m.yaml",
                                  "reason": "excluded by the policy's exclude globs"}]
    write(tmp_path, "procurelint.yaml", "apiVersion: procurelint/v1\nkind: Policy\n"
          "metadata: {name: p}\nspec:\n  exclude: []\n")
    code, result = _check(cli, tmp_path)
    assert code == 1 and ("JUR001", f"{folder}/m.yaml") in {
        (f["rule"], f["file"]) for f in result["findings"]}


def test_a_linked_file_is_judged_at_its_target_once(cli, tmp_path: Path) -> None:
    write(tmp_path, "good.yaml", manifest())
    write(tmp_path, "data/claims.txt", _violating("linked"))
    (tmp_path / "claims.yaml").symlink_to("data/claims.txt")
    (tmp_path / "again.yaml").symlink_to("data/claims.txt")
    code, result = _check(cli, tmp_path)
    assert code == 1
    jur = [f for f in result["findings"] if f["rule"] == "JUR001"]
    assert [f["file"] for f in jur] == ["data/claims.txt"]
    assert not [f for f in result["findings"] if f["rule"] == "MAN007"]


def test_a_linked_folder_is_walked_where_it_leads(cli, tmp_path: Path) -> None:
    write(tmp_path, "procurelint.yaml", "apiVersion: procurelint/v1\nkind: Policy\n"
          "metadata: {name: p}\nspec:\n  include: ['agents/**/*.yaml', 'good.yaml']\n")
    write(tmp_path, "good.yaml", manifest())
    write(tmp_path, "store/m.yaml", _violating("stored"))
    (tmp_path / "agents").mkdir()
    (tmp_path / "agents" / "store").symlink_to(tmp_path / "store")
    (tmp_path / "agents" / "loop").symlink_to("..")  # a cycle ends
    code, result = _check(cli, tmp_path)
    assert code == 1
    assert [f["file"] for f in result["findings"] if f["rule"] == "JUR001"] == ["store/m.yaml"]


@pytest.mark.parametrize("name", ["m.YAML", "m.Yml", "m.yAmL"])
def test_extensions_match_case_insensitively(cli, tmp_path: Path, name: str) -> None:
    write(tmp_path, "good.yaml", manifest())
    write(tmp_path, name, _violating("upper"))
    code, result = _check(cli, tmp_path)
    assert code == 1 and ("JUR001", name) in {(f["rule"], f["file"]) for f in result["findings"]}


HELM = "apiVersion: v2\nmetadata:\n  name: {{ .Values.name }}\n  labels: [\n"


def test_a_helm_template_is_noted_not_failed(cli, tmp_path: Path) -> None:
    write(tmp_path, "good.yaml", manifest())
    write(tmp_path, "chart/templates/deploy.yaml", HELM)
    code, result = _check(cli, tmp_path)
    assert code == 0, result["findings"]
    assert [e["file"] for e in result["notRead"]] == ["chart/templates/deploy.yaml"]
    assert result["notRead"][0]["reason"].startswith("does not parse and is not ours")


@pytest.mark.parametrize("header", ["apiVersion: procurelint/v1", "APIVERSION: Procurelint/v1",
                                    "kind: agentmanifest", "  - kind: 'Policy'"])
def test_an_unparseable_file_that_shows_it_is_ours_is_man001(cli, tmp_path: Path,
                                                              header: str) -> None:
    write(tmp_path, "good.yaml", manifest())
    write(tmp_path, "broken.yaml", header + "\n" + HELM)
    code, result = _check(cli, tmp_path)
    assert code == 1 and ("MAN001", "broken.yaml") in {
        (f["rule"], f["file"]) for f in result["findings"]}


def _refused(header: str) -> str:
    """A violating manifest that other YAML loaders read whole but ours refuses (a duplicate
    key), with its envelope written as `header`."""
    body = _violating("dup").split("metadata:", 1)[1]
    return header + "metadata:" + body.replace("runsPerMonth: 1000",
                                                "runsPerMonth: 1000\n      runsPerMonth: 1000")


@pytest.mark.parametrize("header", [
    "apiVersion: !!str procurelint/v1\nkind: AgentManifest\n",
    "apiVersion: &v procurelint/v1\nkind: !!str AgentManifest\n",
    "apiVersion:\n  procurelint/v1\nkind:\n  AgentManifest\n",
    'apiVersion: "\\x70rocurelint/v1"\nkind: "\\x41gentManifest"\n',
    "? apiVersion\n: procurelint/v1\n? kind\n: AgentManifest\n",
    "kind: AgentManifest\r\napiVersion: >-\r\n  procurelint/v1\r\n",
])
def test_a_manifest_our_reader_refuses_is_man001_however_its_envelope_is_written(
        cli, tmp_path: Path, header: str) -> None:
    write(tmp_path, "good.yaml", manifest())
    write(tmp_path, "m.yaml", _refused(header))
    code, result = _check(cli, tmp_path)
    assert code == 1 and ("MAN001", "m.yaml") in {(f["rule"], f["file"]) for f in result["findings"]}
    assert not result.get("notRead")


def test_a_json_manifest_with_a_duplicate_key_is_man001(cli, tmp_path: Path) -> None:
    write(tmp_path, "good.yaml", manifest())
    write(tmp_path, "m.yaml", '{"apiVersion": "procurelint/v1", "kind": "AgentManifest", '
                              '"metadata": {"name": "a", "name": "b"}}\n')
    code, result = _check(cli, tmp_path)
    assert code == 1 and ("MAN001", "m.yaml") in {(f["rule"], f["file"]) for f in result["findings"]}


def test_a_manifest_in_utf16_is_man001(cli, tmp_path: Path) -> None:
    write(tmp_path, "good.yaml", manifest())
    (tmp_path / "m.yaml").write_bytes(_violating("wide").replace("\n", "\r\n").encode("utf-16"))
    code, result = _check(cli, tmp_path)
    assert code == 1 and ("MAN001", "m.yaml") in {(f["rule"], f["file"]) for f in result["findings"]}


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"])
def test_a_manifest_in_utf16_or_32_without_a_byte_order_mark_is_man001(
        cli, tmp_path: Path, encoding: str) -> None:
    """A checkout writes such bytes from an ordinary UTF-8 blob when .gitattributes asks for a
    `working-tree-encoding`: the file reads as UTF-8 with a NUL beside every letter."""
    write(tmp_path, "good.yaml", manifest())
    (tmp_path / "m.yaml").write_bytes(_violating("wide").encode(encoding))
    code, result = _check(cli, tmp_path)
    assert code == 1 and ("MAN001", "m.yaml") in {(f["rule"], f["file"]) for f in result["findings"]}


def test_a_manifest_past_the_size_limit_is_man001_wherever_its_envelope_is(cli, tmp_path: Path) -> None:
    write(tmp_path, "good.yaml", manifest())
    padding = "# " + "x" * 1000 + "\n"
    write(tmp_path, "m.yaml", padding * 1100 + "---\n" + _violating("big"))  # over 1 MiB of comment
    write(tmp_path, "procurelint.yaml", "apiVersion: procurelint/v1\nkind: Policy\n"
          "metadata: {name: p}\nspec:\n  limits: {maxFileBytes: 1048576}\n")
    code, result = _check(cli, tmp_path)
    assert code == 1 and ("MAN001", "m.yaml") in {(f["rule"], f["file"]) for f in result["findings"]}


@pytest.mark.parametrize("text", [
    "\ufeff" + _violating("bom").replace("\n", "\r\n"),
    '{"apiVersion": "procurelint/v1", "kind": "AgentManifest", "metadata": {"name": "j"}}\n',
    "# " + "x" * 70000 + "\n" + _violating("padded"),
])
def test_an_excluded_manifest_is_listed_however_it_is_written(cli, tmp_path: Path, text: str) -> None:
    write(tmp_path, "good.yaml", manifest())
    (tmp_path / "venv").mkdir()
    (tmp_path / "venv" / "m.yaml").write_text(text, encoding="utf-8", newline="")
    code, result = _check(cli, tmp_path)
    assert result["notRead"] == [{"file": "venv/m.yaml",
                                  "reason": "excluded by the policy's exclude globs"}]


def _indented(text: str, by: str, first: str | None = None) -> str:
    lines = [by + line for line in text.splitlines()]
    if first is not None:
        lines[0] = first + lines[0][len(first):]
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("text", [
    _indented(_violating("listed"), "  ", "- "),
    "apiVersion: v1\nkind: List\nitems:\n" + _indented(_violating("item"), "    ", "  - "),
    "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata:\n  m.yaml: |\n"
    + _indented(_violating("embedded"), "    "),
])
def test_a_file_holding_our_documents_below_its_top_level_is_listed_as_not_read(
        cli, tmp_path: Path, text: str) -> None:
    write(tmp_path, "good.yaml", manifest(classes="public", model="openai/gpt-5",
                                          endpoint="azure/eastus"))
    write(tmp_path, "nested.yaml", text)
    write(tmp_path, "workflow.yaml", "name: ci\non: [push]\njobs:\n  kind: {runs-on: x}\n")
    code, result = _check(cli, tmp_path)
    assert "nested.yaml" not in {f["file"] for f in result["findings"]}  # not MAN001: noted
    assert result["notRead"] == [{
        "file": "nested.yaml",
        "reason": "holds procurelint documents below its top level; procurelint reads one "
                  "document per YAML document, at the top level"}]
    assert result["summary"]["skipped"] == 1
    run = cli("check", "--date", TODAY, cwd=tmp_path)
    assert "not read: 1 files" in run.stdout and "below the top level" in run.stdout


def test_an_unparseable_file_named_on_the_command_line_is_man001(cli, tmp_path: Path) -> None:
    write(tmp_path, "good.yaml", manifest())
    write(tmp_path, "chart/deploy.yaml", HELM)
    code, result = _check(cli, tmp_path, "good.yaml", "chart/deploy.yaml")
    assert code == 1 and ("MAN001", "chart/deploy.yaml") in {
        (f["rule"], f["file"]) for f in result["findings"]}


def _git(cwd: Path, *args: str) -> None:
    import subprocess

    subprocess.run(["git", "-c", "user.email=t@example.com", "-c", "user.name=t", *args],
                   cwd=cwd, check=True, capture_output=True)


def test_git_ignored_files_are_not_read_but_tracked_ones_are(cli, tmp_path: Path) -> None:
    _git(tmp_path, "init", "-q")
    write(tmp_path, ".gitignore", "build/\nforced.yaml\n")
    write(tmp_path, "good.yaml", manifest())
    write(tmp_path, "build/out.yaml", HELM)           # broken build output: not read at all
    write(tmp_path, "build/copy.yaml", _violating("copy"))
    write(tmp_path, "forced.yaml", _violating("forced"))
    _git(tmp_path, "add", "good.yaml", ".gitignore")
    _git(tmp_path, "add", "-f", "forced.yaml")          # tracked although ignored: read
    code, result = _check(cli, tmp_path)
    files = {(f["rule"], f["file"]) for f in result["findings"]}
    assert code == 1 and ("JUR001", "forced.yaml") in files
    assert not [f for f in files if f[1].startswith("build/")]
    assert result["notRead"] == [{"file": "build/copy.yaml", "reason": "ignored by git"}]


@pytest.mark.parametrize("where", ["below the top", "in a linked work tree"])
def test_git_ignored_files_are_known_below_the_top_and_in_a_linked_work_tree(
        cli, tmp_path: Path, where: str) -> None:
    """git is asked whenever it could find a repository: a `.git` above the root, or the
    `.git` file of a linked work tree."""
    top = tmp_path / "top"
    top.mkdir()
    _git(top, "init", "-q")
    write(top, ".gitignore", "build/\n")
    _git(top, "add", ".gitignore")
    _git(top, "commit", "-qm", "ignore build output")
    root = top / "svc"
    if where == "in a linked work tree":
        _git(top, "worktree", "add", "-q", str(tmp_path / "linked"))
        root = tmp_path / "linked" / "svc"
    write(root, "good.yaml", manifest())
    write(root, "build/copy.yaml", _violating("copy"))
    code, result = _check(cli, root)
    assert result["notRead"] == [{"file": "build/copy.yaml", "reason": "ignored by git"}]


def test_without_a_repository_nothing_is_ignored(cli, tmp_path: Path) -> None:
    write(tmp_path, ".gitignore", "build/\n")  # not a work tree: the file means nothing
    write(tmp_path, "good.yaml", manifest())
    write(tmp_path, "build/copy.yaml", _violating("copy"))
    code, result = _check(cli, tmp_path)
    assert code == 1 and ("JUR001", "build/copy.yaml") in {
        (f["rule"], f["file"]) for f in result["findings"]}


@pytest.mark.parametrize("folder", [".svn", ".hg", "config/.svn", "config/.hg"])
def test_a_manifest_in_a_folder_named_like_another_vcs_store_is_read(cli, tmp_path: Path,
                                                                     folder: str) -> None:
    _git(tmp_path, "init", "-q")
    write(tmp_path, "good.yaml", manifest())
    write(tmp_path, f"{folder}/claims.yaml", _violating("claims"))
    _git(tmp_path, "add", "-A")
    code, result = _check(cli, tmp_path)
    assert code == 1 and ("JUR001", f"{folder}/claims.yaml") in {
        (f["rule"], f["file"]) for f in result["findings"]}
    code, result = _check(cli, tmp_path, "--staged")
    assert code == 1 and ("JUR001", f"{folder}/claims.yaml") in {
        (f["rule"], f["file"]) for f in result["findings"]}


def test_roll_ups_count_every_manifest_whatever_files_are_named(cli, tmp_path: Path) -> None:
    for name in ("a", "b"):
        text = manifest(classes="phi").replace("name: app", "name: same").replace(
            "recordsPerYear: 500", "recordsPerYear: 6000")
        write(tmp_path, f"{name}.yaml", text)
    _, whole = _check(cli, tmp_path)
    assert {(f["rule"], f["file"]) for f in whole["findings"]} >= {
        ("JUR003", "a.yaml"), ("JUR003", "b.yaml"), ("MAN007", "b.yaml")}
    code, named = _check(cli, tmp_path, "b.yaml")
    assert code == 1
    assert {f["file"] for f in named["findings"]} == {"b.yaml"}
    assert [f for f in named["findings"]] == [f for f in whole["findings"] if f["file"] == "b.yaml"]


def test_declaring_regimes_only_ever_adds_findings(tmp_path: Path) -> None:
    """Every rule case, judged again with every regime declared in each manifest: no finding
    may disappear (45 CFR 160.103 and the other regimes add obligations, never remove one)."""
    import datetime as dt
    import re
    import shutil

    from procurelint.policy.config import load_config
    from procurelint.run.pipeline import Options, check
    from procurelint.run.rule_cases import find_cases
    from tests.conftest import REPO

    day = dt.date.fromisoformat(TODAY)

    def judged(folder: Path) -> set[tuple[str, str, str]]:
        config = load_config(None, folder, search=False)
        result = check(config, Options(today=day)).result
        # COST006 names a cheaper compliant alternative: more obligations leave fewer of them.
        return {(f.rule, f.file, f.path) for f in result.findings if f.rule != "COST006"}

    compared = 0
    for case in find_cases(REPO / "tests" / "cases"):
        folder = tmp_path / case.parent.name / case.name
        shutil.copytree(case, folder)
        regimes = ", ".join(sorted(load_config(None, folder, search=False).regimes))
        before = judged(folder)
        for path in folder.glob("*.yaml"):
            text = path.read_text(encoding="utf-8")
            if "kind: AgentManifest" not in text:
                continue
            text = re.sub(r"^  regimes: .*\n", "", text, flags=re.M)
            path.write_text(text.replace("\nspec:\n", f"\nspec:\n  regimes: [{regimes}]\n"),
                            encoding="utf-8")
        lost = before - judged(folder)
        assert not lost, f"{case.name}: declaring every regime removed {sorted(lost)}"
        compared += 1
    assert compared > 100


def test_declaring_the_regimes_of_the_data_keeps_fed001_and_fed003(cli, tmp_path: Path) -> None:
    write(tmp_path, "procurelint.yaml", "apiVersion: procurelint/v1\nkind: Policy\n"
          "metadata: {name: p}\nspec:\n  dataClasses:\n"
          "    defense-specs: {tier: restricted, regimes: [federal-cui]}\n"
          "    tech-data: {tier: restricted, regimes: [itar]}\n")
    text = manifest(classes="defense-specs, tech-data", model="openai/gpt-oss-120b",
                    endpoint="together/api")
    write(tmp_path, "app.yaml", text)
    _, plain = _check(cli, tmp_path)
    assert {"FED001", "FED003"} <= _rules(plain)
    write(tmp_path, "app.yaml", text.replace("spec:\n", "spec:\n  regimes: [federal-cui, itar]\n"))
    code, declared = _check(cli, tmp_path)
    assert code == 1 and {"FED001", "FED003"} <= _rules(declared)


ROUTED = manifest(classes="pii", model="openai/gpt-5", endpoint="openrouter") + (
    "          routing: {providers: [azure/eastus], allowFallbacks: false}\n")


@pytest.mark.parametrize("value", ['allow_fallbacks: false', 'allowFallbacks: "false"',
                                   'allowFallbacks: no', 'allowFallbacks: n', 'allowFallbacks: 0'])
def test_loose_keys_and_booleans_are_man002(cli, tmp_path: Path, value: str) -> None:
    write(tmp_path, "app.yaml", ROUTED.replace("allowFallbacks: false", value))
    code, result = _check(cli, tmp_path)
    man002 = [f for f in result["findings"] if f["rule"] == "MAN002"]
    assert code == 1 and len(man002) == 1, result["findings"]
    if value.startswith("allow_"):
        assert "did you mean 'allowFallbacks'?" in man002[0]["message"]


def test_true_is_not_a_count(cli, tmp_path: Path) -> None:
    write(tmp_path, "app.yaml", manifest().replace("runsPerMonth: 1000", "runsPerMonth: true"))
    code, result = _check(cli, tmp_path)
    assert code == 1 and _rules(result) == {"MAN002"}


def test_a_snake_case_policy_key_is_a_config_error(cli, tmp_path: Path) -> None:
    write(tmp_path, "procurelint.yaml", "apiVersion: procurelint/v1\nkind: Policy\n"
          "metadata: {name: p}\nspec:\n  fail_on: never\n")
    write(tmp_path, "app.yaml", manifest(classes="internal"))
    run = cli("check", "--date", TODAY, cwd=tmp_path)
    assert run.code == 2 and "unknown key 'fail_on'; did you mean 'failOn'?" in run.stderr


def test_a_number_is_not_a_waiver_expiry(cli, tmp_path: Path) -> None:
    write(tmp_path, "procurelint.yaml", "apiVersion: procurelint/v1\nkind: Policy\n"
          "metadata: {name: p}\nspec:\n  waivers: waivers.yaml\n")
    write(tmp_path, "waivers.yaml", "apiVersion: procurelint/v1\nkind: Waivers\nspec:\n"
          "  waivers:\n    - {id: W1, rule: JUR001, target: app, reason: r, approvedBy: a@b.c,\n"
          "       ticket: T-1, expires: 4102444800}\n")
    write(tmp_path, "app.yaml", manifest(classes="internal"))
    run = cli("check", "--date", TODAY, cwd=tmp_path)
    assert run.code == 2 and "waivers.yaml:6:" in run.stderr and "YYYY-MM-DD" in run.stderr


CUSTOM_RULE = """\
apiVersion: procurelint/v1
kind: Policy
metadata: {name: p}
spec:
  rules:
    - id: ACME001
      title: t
      severity: error
      scope: step
      when: "true"
      message: "m"
"""


@pytest.mark.parametrize("violation", [None, "false", " FALSE "])
def test_a_custom_rule_that_could_never_fire_is_a_config_error(cli, tmp_path: Path,
                                                              violation: str | None) -> None:
    text = CUSTOM_RULE if violation is None else CUSTOM_RULE + f"      violation: '{violation}'\n"
    write(tmp_path, "procurelint.yaml", text)
    write(tmp_path, "app.yaml", manifest())
    run = cli("check", "--date", TODAY, cwd=tmp_path)
    assert run.code == 2, run.stdout
    assert "ACME001" in run.stderr and "could never fire" in run.stderr
    assert "procurelint.yaml:" in run.stderr


@pytest.mark.parametrize("cls", ["cui", "export-controlled", "government-related"])
def test_federal_data_cannot_be_de_identified_away(cli, tmp_path: Path, cls: str) -> None:
    text = manifest(classes=cls) + (  # to deepseek/api
        "          dataClasses: [public]\n"
        "          deidentification: {method: redaction, performedBy: nobody}\n")
    write(tmp_path, "app.yaml", text)
    code, result = _check(cli, tmp_path)
    assert code == 1
    rules = _rules(result)
    assert "MAN008" in rules  # nobody is not a step of the workflow
    expected = {"cui": "FED001", "export-controlled": "FED003", "government-related": "JUR003"}
    assert expected[cls] in rules, rules


def test_phi_redacted_is_still_phi(cli, tmp_path: Path) -> None:
    text = manifest(classes="phi").replace("        - name: step\n", (
        "        - name: redact\n          model: openai/gpt-oss-120b\n"
        "          endpoint: aws-bedrock/us-east-1\n"
        "          tokensPerCall: {input: 10, output: 10}\n        - name: step\n")) + (
        "          dataClasses: [public]\n"
        "          deidentification: {method: redaction, performedBy: redact}\n")
    write(tmp_path, "app.yaml", text)
    code, result = _check(cli, tmp_path)
    assert code == 1 and {"HIPAA001", "HIPAA002", "HIPAA005"} <= _rules(result)
    assert "MAN008" not in _rules(result)


def test_steps_alike_but_for_their_de_identification_are_judged_apart(cli, tmp_path: Path) -> None:
    """Steps that declare the same classes in the same workflow share what their classes
    resolve to, unless their de-identification differs: safe harbor lifts PHI, redaction does
    not, in whichever order the steps come."""
    performer = ("        - name: redact\n          model: openai/gpt-oss-120b\n"
                 "          endpoint: aws-bedrock/us-east-1\n"
                 "          tokensPerCall: {input: 10, output: 10}\n")
    steps = {name: (f"        - name: {name}\n          model: deepseek/deepseek-v3.2\n"
                    "          endpoint: deepseek/api\n"
                    "          tokensPerCall: {input: 1000, output: 100}\n"
                    "          dataClasses: [public]\n"
                    f"          deidentification: {{method: {method}, performedBy: redact}}\n")
             for name, method in (("lifted", "safe-harbor"), ("redacted", "redaction"))}
    head = manifest(classes="phi").split("        - name: step\n")[0]
    for order in (("lifted", "redacted"), ("redacted", "lifted")):
        write(tmp_path, "app.yaml", head + performer + "".join(steps[n] for n in order))
        code, result = _check(cli, tmp_path)
        assert code == 1
        phi = {f["path"] for f in result["findings"] if f["rule"] == "HIPAA001"}
        assert "app/flow/redacted" in phi and "app/flow/lifted" not in phi, phi


def _procurelint(*args: str) -> list[str]:
    import shlex
    import sys

    return [shlex.quote(sys.executable), "-m", "procurelint", *args]


def test_a_broken_pipe_never_passes(tmp_path: Path) -> None:
    import subprocess

    write(tmp_path, "app.yaml", manifest(classes="internal"))
    command = " ".join(_procurelint("check", "--date", TODAY)) + " | true"
    proc = subprocess.run(["bash", "-c", "set -o pipefail; " + command], cwd=tmp_path,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode != 0
    assert "Traceback" not in proc.stderr and "Exception ignored" not in proc.stderr


@pytest.mark.parametrize("files", [1, 800])  # 800: the run is split across processes
def test_closed_standard_output_is_a_clear_error(tmp_path: Path, files: int) -> None:
    import subprocess

    for i in range(files):
        write(tmp_path, f"app{i}.yaml", manifest(classes="internal").replace(
            "name: app", f"name: app{i}"))
    command = " ".join(_procurelint("check", "--date", TODAY, "-j", "2")) + " >&-"
    proc = subprocess.run(["bash", "-c", command], cwd=tmp_path, capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 2
    assert "standard output is closed" in proc.stderr and "internal error" not in proc.stderr


def test_a_current_folder_that_is_gone_is_a_clear_error(tmp_path: Path) -> None:
    import subprocess

    (tmp_path / "gone").mkdir()
    command = "cd gone && rmdir ../gone && " + " ".join(_procurelint("check", "--date", TODAY))
    proc = subprocess.run(["bash", "-c", command], cwd=tmp_path, capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 2, proc.stderr
    assert "the current folder cannot be used" in proc.stderr
    assert "internal error" not in proc.stderr and "Traceback" not in proc.stderr


def test_every_output_records_the_rules_a_run_left_out(cli, tmp_path: Path) -> None:
    write(tmp_path, "app.yaml", manifest(classes="phi"))
    code, result = _check(cli, tmp_path, "--ignore", "HIPAA,JUR")
    left = {e["rule"]: e["reason"] for e in result["policy"]["leftOut"]}
    assert left["HIPAA001"] == "--ignore HIPAA,JUR" and "JUR003" in left
    for fmt, needle in (("text", "rules not judged (--ignore HIPAA,JUR): HIPAA001"),
                        ("sarif", '"leftOut"'), ("junit", "rulesNotJudged"),
                        ("github", "rules not judged"), ("md", "Rules not judged")):
        run = cli("check", "--date", TODAY, "--ignore", "HIPAA,JUR", "-f", fmt, cwd=tmp_path)
        assert needle in run.stdout, fmt


LOCKED = ("apiVersion: procurelint/v1\nkind: Policy\nmetadata: {name: p}\n"
          "spec:\n  lockedPacks: [hipaa, jurisdiction]\n")


@pytest.mark.parametrize("flags", [("--ignore", "HIPAA"), ("--ignore", "JUR003"),
                                   ("--select", "COST"), ("--fail-on", "never"),
                                   ("--date", "2020-01-01")])
def test_a_policy_can_lock_its_regulatory_packs(cli, tmp_path: Path, flags: tuple[str, str]) -> None:
    write(tmp_path, "procurelint.yaml", LOCKED)
    write(tmp_path, "app.yaml", manifest(classes="phi"))
    run = cli("check", *flags, cwd=tmp_path)
    assert run.code == 2 and "lockedPacks" in run.stderr, run.stdout + run.stderr


def test_a_locked_policy_still_lets_other_packs_be_left_out(cli, tmp_path: Path) -> None:
    write(tmp_path, "procurelint.yaml", LOCKED)
    write(tmp_path, "app.yaml", manifest(classes="phi"))
    run = cli("check", "--ignore", "COST006", "--fail-on", "warning", cwd=tmp_path)
    assert run.code == 1 and "HIPAA001" in run.stdout


def test_an_edited_cache_entry_cannot_change_the_verdict(cli, tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    write(repo, "app.yaml", manifest(classes="phi"))
    cache = tmp_path / "cache"
    env = {"PROCURELINT_CACHE_DIR": str(cache)}
    cold = cli("check", "--date", TODAY, "-f", "json", cwd=repo, env=env)
    assert cold.code == 1 and "HIPAA001" in cold.stdout
    entries = sorted(cache.glob("*.json"))
    assert entries and not list(cache.glob("*.pickle"))
    for entry in entries:  # empty every pack's rules, keeping the head as it was
        head, _, body = entry.read_bytes().partition(b"\n")
        digest, _, body = body.partition(b"\n")
        edited = body.replace(b'"rules":[{', b'"rules":[],"x":[{')
        entry.write_bytes(head + b"\n" + digest + b"\n" + edited)
    warm = cli("check", "--date", TODAY, "-f", "json", cwd=repo, env=env)
    assert (warm.code, warm.stdout) == (cold.code, cold.stdout)


def test_the_cache_never_runs_code(cli, tmp_path: Path) -> None:
    import pickle

    from procurelint.documents import digests

    repo = tmp_path / "repo"
    write(repo, "app.yaml", manifest(classes="phi"))
    cache = tmp_path / "cache"
    env = {"PROCURELINT_CACHE_DIR": str(cache)}
    cold = cli("check", "--date", TODAY, "-f", "json", cwd=repo, env=env)
    marker = tmp_path / "ran"

    class Payload:
        def __reduce__(self):
            return (open, (str(marker), "w"))

    for entry in sorted(cache.glob("*.json")):
        entry.with_suffix(".pickle").write_bytes(pickle.dumps(Payload()))
        body = b'{"\\u0000":"Popen","v":{"args":"touch ' + str(marker).encode() + b'"}}'
        entry.write_bytes(b"procurelint-cache-2\n" + digests.hexdigest(body).encode()
                          + b"\n" + body)
    warm = cli("check", "--date", TODAY, "-f", "json", cwd=repo, env=env)
    assert not marker.exists()
    assert (warm.code, warm.stdout) == (cold.code, cold.stdout)


def _custom(tmp_path: Path, violation: str, limits: str = "") -> None:
    write(tmp_path, "procurelint.yaml", CUSTOM_RULE.replace("spec:\n", f"spec:\n{limits}")
          + f"      violation: {json.dumps(violation)}\n")
    write(tmp_path, "app.yaml", manifest())


BIG = "[" + ",".join(["1"] * 200) + "]"


@pytest.mark.parametrize("violation", [
    f"{BIG}.map(x, {BIG}.map(y, {BIG})).size() == 0",
    # A raw string's backslash escapes nothing: a scan that thinks it does sees the rest of
    # the expression, and the third macro, as inside the string.
    "step.dataClasses.map(a, step.dataClasses.map(b, r'\\' + "
    "step.dataClasses.map(c, 'x').size() + '')).size() == 0",
])
def test_a_costly_custom_rule_is_refused_on_its_parsed_form(cli, tmp_path: Path,
                                                           violation: str) -> None:
    _custom(tmp_path, violation)
    run = cli("check", "--date", TODAY, cwd=tmp_path)
    assert run.code == 2 and "ACME001" in run.stderr, run.stderr
    assert "deep" in run.stderr or "steps per evaluation" in run.stderr


@pytest.mark.parametrize("then", ["", " / 0 > 0"])
def test_a_slow_rule_fails_the_run_naming_it(cli, tmp_path: Path, then: str) -> None:
    """Also when the slow evaluation ends in an error, which would otherwise be reported as an
    ordinary finding (and let pass at a looser --fail-on)."""
    lst = "[" + ",".join(["1"] * 60) + "]"
    slow = f"{lst}.map(x, {lst}.map(y, {lst})).size()"
    _custom(tmp_path, f"{slow}{then or ' < 0'}", limits="  limits: {maxRuleMilliseconds: 1}\n")
    run = cli("check", "--date", TODAY, "--fail-on", "never", cwd=tmp_path)
    assert run.code == 2, run.stdout + run.stderr
    assert "rule ACME001: one evaluation of `violation` took" in run.stderr


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "github", "gitlab", "md", "junit"])
def test_a_file_name_that_is_not_utf8_is_shown_escaped(tmp_path: Path, fmt: str) -> None:
    import os
    import subprocess
    import sys

    write(tmp_path, "good.yaml", manifest())
    with open(os.path.join(os.fsencode(tmp_path), b"d\xff.yaml"), "w", encoding="utf-8") as handle:
        handle.write(manifest(classes="internal").replace("name: app", "name: other"))
    proc = subprocess.run([sys.executable, "-m", "procurelint", "check", "--date", TODAY,
                           "-f", fmt], cwd=tmp_path, capture_output=True, timeout=120)
    assert proc.returncode == 1, proc.stderr
    shown = (b"d\\xff.yaml", b"d\\\\xff.yaml", b"d%5Cxff.yaml")  # as text, JSON, a URI
    assert any(name in proc.stdout for name in shown), proc.stdout[-2000:]


def test_text_output_escapes_control_characters(cli, tmp_path: Path) -> None:
    name = "x\n::error file=x::forged\x1b[31m.yaml"
    write(tmp_path, "good.yaml", manifest())
    write(tmp_path, name, manifest(classes="internal").replace("name: app", "name: other"))
    run = cli("check", "--date", TODAY, "-f", "text", cwd=tmp_path)
    assert run.code == 1
    assert not any(line.startswith("::") for line in run.stdout.splitlines())
    assert "\x1b" not in run.stdout
    assert "x\\n::error file=x::forged\\x1b[31m.yaml:" in run.stdout


def test_a_stream_of_tiny_documents_names_the_limit(cli, tmp_path: Path) -> None:
    write(tmp_path, "procurelint.yaml", "apiVersion: procurelint/v1\nkind: Policy\n"
          "metadata: {name: p}\nspec:\n  limits: {maxNodes: 1000}\n")
    write(tmp_path, "good.yaml", manifest())
    write(tmp_path, "many.yaml", "apiVersion: procurelint/v1\n" + "---\na: 1\n" * 2000)
    code, result = _check(cli, tmp_path)
    found = [f for f in result["findings"] if f["file"] == "many.yaml"]
    assert code == 1 and [f["rule"] for f in found] == ["MAN001"]
    assert "more than 1000 nodes" in found[0]["message"]


def _many_classes(count: int, name: str = "app") -> str:
    classes = ", ".join(f"c{i}" for i in range(count))
    return manifest().replace("dataClasses: [public]", f"dataClasses: [{classes}]").replace(
        "name: app", f"name: {name}")


def test_a_list_longer_than_the_limit_is_man001(cli, tmp_path: Path) -> None:
    write(tmp_path, "good.yaml", manifest())
    write(tmp_path, "huge.yaml", _many_classes(1500))
    code, result = _check(cli, tmp_path)
    found = [f for f in result["findings"] if f["file"] == "huge.yaml"]
    assert code == 1 and [f["rule"] for f in found] == ["MAN001"]
    assert "more than 1000 (limit max_list_length)" in found[0]["message"]


def test_findings_are_listed_up_to_a_bound_and_all_counted(cli, tmp_path: Path) -> None:
    write(tmp_path, "many.yaml", _many_classes(900))
    code, result = _check(cli, tmp_path)
    assert code == 1 and result["summary"]["failed"] is True
    listed = [f for f in result["findings"] if f["file"] == "many.yaml"]
    assert len(listed) == 500
    assert result["summary"]["notListed"] == result["summary"]["errors"] + \
        result["summary"]["warnings"] + result["summary"]["infos"] - len(result["findings"])
    assert result["summary"]["errors"] >= 900


def test_git_is_asked_from_a_relative_root_below_the_top(tmp_path: Path, monkeypatch) -> None:
    from procurelint.documents.files import GitIgnored

    _git(tmp_path, "init", "-q")
    write(tmp_path, ".gitignore", "build/\n")
    write(tmp_path, "svc/build/copy.yaml", _violating("copy"))
    monkeypatch.chdir(tmp_path / "svc")
    assert "build" in GitIgnored(Path(".")).folders


_SIGNED_ZERO_PACK = """\
apiVersion: procurelint/v1
kind: RulePack
metadata: {name: signs, version: 1.0.0, title: Signed zero}
spec:
  rules:
    - id: SIGN001
      title: A step whose monthly cost is a negative zero
      severity: error
      scope: step
      when: "step.via == 'primary'"
      violation: "1.0 / step.monthlyUsd < 0.0"
      message: "step {step.path} costs a negative zero"
      rationale: A double's sign is part of its value in CEL.
      citations: ["none"]
      remediation: None.
"""

_SIGNED_ZERO_CATALOG = """\
apiVersion: procurelint/v1
kind: Catalog
metadata: {name: signs, asOf: "2026-11-01"}
spec:
  endpoints:
""" + "".join(f"""\
    - id: zero/{name}
      provider: aws
      country: "US"
      hipaaBaa: true
      fedramp: null
      crossBorderRouting: false
      certifications: []
      usPersonsOnly: false
      dataPolicy: {{trainsOnInputs: false, retentionDays: 0}}
      offers:
        - {{model: deepseek/deepseek-v3.2, pricePerMillion: {{input: {zero}, output: {zero}}}}}
      sources: ["test"]
""" for name, zero in (("pos", "0.0"), ("neg", "-0.0")))


@pytest.mark.parametrize("order", [("pos", "neg"), ("neg", "pos")])
def test_a_value_that_differs_only_in_its_zero_sign_is_judged_for_itself(
        cli, tmp_path: Path, order: tuple[str, str]) -> None:
    """Python holds 0.0 == -0.0, CEL does not (1.0 / -0.0 is negative infinity): a step
    costing -0.0 must not be judged by the verdict of a step costing 0.0, whichever comes
    first in the manifest."""
    write(tmp_path, "procurelint.yaml", "apiVersion: procurelint/v1\nkind: Policy\n"
          "metadata: {name: signs}\nspec: {packs: [], rulePacks: [pack.yaml], "
          "catalogs: [catalog.yaml]}\n")
    write(tmp_path, "pack.yaml", _SIGNED_ZERO_PACK)
    write(tmp_path, "catalog.yaml", _SIGNED_ZERO_CATALOG)
    steps = "".join(f"        - {{name: {name}, model: deepseek/deepseek-v3.2, endpoint: zero/{name},"
                    " tokensPerCall: {input: 10, output: 10}}\n" for name in order)
    write(tmp_path, "m.yaml", "apiVersion: procurelint/v1\nkind: AgentManifest\n"
          "metadata: {name: m, team: t, owner: o@example.com}\nspec:\n  workflows:\n"
          "    - name: wf\n      runsPerMonth: 1000\n      dataClasses: [public]\n"
          "      steps:\n" + steps)
    run = cli("check", "--date", TODAY, "--format", "json", cwd=tmp_path)
    found = [(f["rule"], f["path"]) for f in json.loads(run.stdout)["findings"]
             if f["rule"] == "SIGN001"]
    assert found == [("SIGN001", "m/wf/neg")], run.stdout + run.stderr


def _routed(fallback: str) -> str:
    """A step of restricted data on OpenRouter pinned to one Bedrock region, fallbacks off,
    with one fallback."""
    return manifest(classes="credentials", model="anthropic/claude-sonnet-4.6",
                    endpoint="openrouter") + (
        "          routing: {providers: [aws-bedrock/us-east-1], allowFallbacks: false}\n"
        f"          fallbacks:\n            - {fallback}\n")


def test_a_fallback_through_the_pinned_aggregator_is_judged_at_each_pin(cli, tmp_path: Path) -> None:
    """The step's routing goes with every request to its aggregator, the fallback's too: the
    fallback model is judged on the pinned provider it is served from (here not offered)."""
    write(tmp_path, "app.yaml", _routed("{model: openai/gpt-5, endpoint: openrouter}"))
    code, result = _check(cli, tmp_path)
    man005 = [(f["line"], f["column"], f["message"]) for f in result["findings"]
              if f["rule"] == "MAN005"]
    assert code == 1
    assert man005 == [(19, 33, "endpoint aws-bedrock/us-east-1 does not offer model "
                               "openai/gpt-5 (step app/flow/step)")]  # at the pin


_ORG_CATALOG = """\
apiVersion: procurelint/v1
kind: Catalog
metadata: {name: org, asOf: "2026-11-01"}
spec:
  endpoints:
    - id: aws-bedrock/us-east-1
      provider: aws
      country: "US"
      hipaaBaa: true
      fedramp: null
      crossBorderRouting: false
      certifications: []
      usPersonsOnly: false
      dataPolicy: {trainsOnInputs: false, retentionDays: 0}
      offers:
        - {model: anthropic/claude-sonnet-4.6, pricePerMillion: {input: 3.0, output: 15.0}}
        - {model: minimax/minimax-m2.5, pricePerMillion: {input: 0.3, output: 1.2},
           dataPolicy: {trainsOnInputs: false, retentionDays: 30}}
      sources: ["test"]
    - id: gateway/api
      provider: gateway
      country: null
      hipaaBaa: null
      fedramp: none
      crossBorderRouting: true
      certifications: []
      usPersonsOnly: false
      dataPolicy: {trainsOnInputs: true, retentionDays: null}
      offers:
        - {model: anthropic/claude-sonnet-4.6, pricePerMillion: {input: 3.0, output: 15.0}}
      sources: ["test"]
  providers:
    - id: gateway
      name: Gateway, Inc.
      jurisdiction: "US"
      parentJurisdiction: "US"
      kind: aggregator
      sources: ["test"]
"""


def _org_catalog(tmp_path: Path) -> None:
    """The organisation's catalog: minimax keeps prompts 30 days on the Bedrock region, and a
    second aggregator."""
    write(tmp_path, "catalog.yaml", _ORG_CATALOG)
    write(tmp_path, "procurelint.yaml", "apiVersion: procurelint/v1\nkind: Policy\n"
          "metadata: {name: p}\nspec: {catalogs: [catalog.yaml]}\n")


@pytest.mark.parametrize(("fallback", "fires"), [
    # minimax keeps prompts 30 days on the pinned region: through the pin, as written plainly
    ("{model: minimax/minimax-m2.5, endpoint: openrouter}", True),
    ("{model: minimax/minimax-m2.5, endpoint: aws-bedrock/us-east-1}", True),
    ("{model: anthropic/claude-sonnet-4.6, endpoint: openrouter}", False),
])
def test_a_fallback_is_judged_on_the_offer_of_the_pin_it_is_served_from(
        cli, tmp_path: Path, fallback: str, fires: bool) -> None:
    _org_catalog(tmp_path)
    write(tmp_path, "app.yaml", _routed(fallback))
    code, result = _check(cli, tmp_path)
    jur007 = [f["path"] for f in result["findings"] if f["rule"] == "JUR007"]
    assert jur007 == (["app/flow/step"] if fires else []), result["findings"]
    assert code == 1 or not fires


def test_a_fallback_through_another_aggregator_is_not_pinned_by_the_steps_routing(
        cli, tmp_path: Path) -> None:
    """The step's pins and `allowFallbacks: false` are sent to its own aggregator: a fallback
    through another one is routed as that aggregator pleases (JUR005), as if written alone."""
    _org_catalog(tmp_path)
    write(tmp_path, "app.yaml", _routed("{model: anthropic/claude-sonnet-4.6, endpoint: gateway/api}"))
    code, result = _check(cli, tmp_path)
    jur005 = [(f["line"], f["column"]) for f in result["findings"] if f["rule"] == "JUR005"]
    assert code == 1
    assert jur005 == [(21, 62)], result["findings"]  # at the fallback's endpoint


def test_a_look_alike_team_cannot_be_suppressed_inline_nor_waived(cli, tmp_path: Path) -> None:
    """The manifest's author writes the team line: a comment there must not let the look-alike
    escape (the cost pack's rules may be suppressed inline by default), nor may a waiver."""
    policy = ("apiVersion: procurelint/v1\nkind: Policy\nmetadata: {name: p}\nspec:\n"
              "  budgets: {teams: {claims-platform: 1}}\n")
    write(tmp_path, "procurelint.yaml", policy)
    write(tmp_path, "app.yaml", manifest().replace(
        "team: t", "team: clairns-platform  # procurelint: ignore[COST009] a typo"))
    code, result = _check(cli, tmp_path)
    found = {(f["rule"], f["waived"]) for f in result["findings"]}
    assert code == 1
    assert ("COST009", False) in found and ("SUP003", False) in found, found
    write(tmp_path, "procurelint.yaml", policy + "  waivers: waivers.yaml\n")
    write(tmp_path, "waivers.yaml", "apiVersion: procurelint/v1\nkind: Waivers\nspec:\n  waivers:\n"
          "    - {id: W-1, rule: COST009, target: \"team:clairns-platform\", reason: soon,"
          " approvedBy: a@example.com, ticket: T-1, expires: \"2027-01-01\"}\n")
    run = cli("check", "--date", TODAY, cwd=tmp_path)
    assert run.code == 2 and "waiver W-1: COST009 cannot be waived" in run.stderr, run.stderr


def test_a_file_named_as_the_policy_outside_lends_it_no_comments(cli, tmp_path: Path) -> None:
    """The policy lives outside the folder checked and its findings are shown as
    `policy.yaml`; a file of that name in the folder is another file, whose comments must not
    silence what is reported at the policy's lines."""
    org = tmp_path / "org"
    write(org, "policy.yaml", "apiVersion: procurelint/v1\nkind: Policy\nmetadata: {name: p}\n"
          "spec:\n  budgets:\n    teams:\n      t: 0.1\n")
    repo = tmp_path / "repo"
    write(repo, "app.yaml", manifest())
    write(repo, "policy.yaml", "a: 1\nb: 2\nc: 3\nd: 4\ne: 5\nf: 6\n"
          "t: 0.1  # procurelint: ignore[COST002] agreed with finance\n")
    code, result = _check(cli, repo, "--config", str(org / "policy.yaml"), ".")
    cost002 = [(f["file"], f["line"], f["waived"]) for f in result["findings"] if f["rule"] == "COST002"]
    assert code == 1
    assert cost002 == [("policy.yaml", 7, False)]
