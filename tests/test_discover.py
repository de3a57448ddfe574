"""`procurelint discover`: uses of hosted models in code and configs, resolved via the alias
table; hostile files give skip notes. Fixtures: the labelled corpus, tests/discovery_corpus/
(one folder per repository, each with its NOTICE.md: real configs whose licence allows it, and
repositories written by us in the shape of real ones)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from procurelint.cli import main
from procurelint.inventory.scan import Options, discover
from procurelint.inventory.uses import Inventory, Use
from procurelint.policy.aliases import alias_table
from procurelint.policy.config import load_config

CORPUS = Path(__file__).parent / "discovery_corpus"


def scan(folder: Path, **options: object) -> Inventory:
    config = load_config(None, folder, search=False)
    return discover(folder, [], alias_table(), config.catalog.models, config.catalog.endpoints,
                    Options(**options))  # type: ignore[arg-type]


def by_place(inventory: Inventory) -> dict[tuple[str, int], Use]:
    return {(u.file, u.line): u for u in inventory.uses}


@pytest.fixture(scope="module")
def configs() -> dict[tuple[str, int], Use]:
    """Every use of every corpus repository, by (repository/file, line); each scanned alone."""
    found = {}
    for repo in sorted(p for p in CORPUS.iterdir() if p.is_dir()):
        for (file, line), use in by_place(scan(repo)).items():
            found[(f"{repo.name}/{file}", line)] = use
    return found


def test_real_litellm_bedrock_profiles_resolve_to_their_endpoint(configs: dict[tuple[str, int], Use]) -> None:
    use = configs[("ClickHouse__agentic-data-stack/litellm-config.yaml", 8)]
    assert (use.model, use.endpoint, use.column) == ("anthropic/claude-sonnet-4.5",
                                                     "aws-bedrock/eu-central-1", 14)
    assert use.how == "litellm-proxy: model_list" and use.name == "bedrock-claude"
    typo = configs[("ClickHouse__agentic-data-stack/litellm-config.yaml", 33)]
    assert typo.model is None and not typo.resolved
    assert typo.literal == "bedrock/eu.anthropic.claude-haiku-3-5-sonnet-20241022-v1:0"


def test_real_aider_claude_code_and_local_models(configs: dict[tuple[str, int], Use]) -> None:
    aider = configs[("2anki__2anki.net/.aider.conf.yml", 15)]
    assert (aider.model, aider.endpoint, aider.how) == ("anthropic/claude-haiku-4.5",
                                                        "anthropic/api", "aider: weak-model")
    claude = configs[("macalinao__dotfiles/config/claude/settings.json", 107)]
    assert claude.literal == "opus" and claude.model is None  # a name that moves: not guessed
    ollama = configs[("All-Hands-AI__OpenHands/litellm_config.yaml", 4)]
    assert ollama.provider == "self-hosted" and ollama.endpoint is None


def test_every_shipped_config_is_discovered() -> None:
    for repo in sorted(p for p in CORPUS.iterdir() if p.is_dir()):
        inventory = scan(repo)
        files = {u.file for u in inventory.uses}
        for path in repo.rglob("*"):
            shown = path.relative_to(repo).as_posix()
            if path.suffix in (".yaml", ".yml", ".json") and path.name != "labels.yaml" or \
                    path.name.startswith(".env") and "MODEL=" in path.read_text(encoding="utf-8"):
                assert shown in files, f"{repo.name}/{shown}"
        assert not inventory.skipped, repo.name


def test_azure_deployment_resolves_only_when_its_model_is_declared(configs: dict[tuple[str, int], Use]) -> None:
    declared = configs[("written__azure-gateway/litellm/config.yaml", 17)]
    assert declared.model == "openai/gpt-5.4" and declared.endpoint is None
    named_like_a_model = configs[("written__azure-gateway/litellm/config.yaml", 24)]
    assert named_like_a_model.model is None
    assert "declared nowhere" in named_like_a_model.note


def test_env_values_and_gateway_aliases_are_followed(configs: dict[tuple[str, int], Use]) -> None:
    unset = configs[("written__azure-gateway/litellm/config.yaml", 13)]
    assert unset.literal is None
    assert unset.via == ("environment variable STT_ALT_MODEL, not set in the repository",)
    alias = configs[("written__azure-gateway/.env.example", 7)]
    assert alias.model == "openai/gpt-5.4"
    assert alias.via == ("gateway alias 'chat-default' at litellm/config.yaml:17:14",)


def test_routing_preferences_and_fallbacks_are_kept(configs: dict[tuple[str, int], Use]) -> None:
    cheap = configs[("written__multi-route/litellm_config.yaml", 14)]
    assert (cheap.model, cheap.endpoint) == ("meta-llama/llama-4-maverick", "openrouter")
    assert dict(cheap.routing) == {"data_collection": "allow", "allow_fallbacks": True}
    primary = configs[("written__multi-route/litellm_config.yaml", 6)]
    assert dict(primary.routing) == {"fallbacks": ["maverick-fast", "maverick-cheap"]}
    assert configs[("written__multi-route/litellm_config.yaml", 22)].endpoint == "openai/api"


def test_local_gateways_and_wildcards_stay_unresolved(configs: dict[tuple[str, int], Use]) -> None:
    local = configs[("written__local-alias/litellm/config.yaml", 5)]
    assert local.provider == "local-gateway" and local.literal == "openai//model"
    assert not local.resolved
    wildcard = configs[("written__wildcards/config.yaml", 10)]
    assert "wildcard" in wildcard.note and wildcard.model is None
    router = configs[("written__continue-router/.continue/config.yaml", 13)]
    assert router.model == "anthropic/claude-sonnet-4.5" and router.endpoint is None


def test_python_calls() -> None:
    uses = by_place(scan(CORPUS / "written__python-and-typescript-sdks"))
    expected = {
        ("app/llm.py", 24): ("anthropic/claude-sonnet-4.5", "anthropic/api"),
        ("app/llm.py", 29): ("anthropic/claude-sonnet-4.6", "openrouter"),
        ("app/llm.py", 33): ("openai/gpt-5-mini", "openai/api"),
        ("app/llm.py", 34): ("anthropic/claude-haiku-4.5", "anthropic/api"),
        ("app/llm.py", 35): ("anthropic/claude-sonnet-4.5", "aws-bedrock/us-east-1"),
        ("app/llm.py", 36): (None, None),
        ("app/llm.py", 37): ("meta-llama/llama-3.3-70b-instruct", "groq/api"),
        ("app/llm.py", 38): ("openai/gpt-5.4", "openai/api"),
        ("app/llm.py", 39): ("anthropic/claude-opus-4.6", "aws-bedrock/global"),
        ("app/llm.py", 41): (None, None),
    }
    found = {k: (u.model, u.endpoint) for k, u in uses.items() if k[0] == "app/llm.py"}
    assert found == expected
    assert uses[("app/llm.py", 24)].via == ("MODEL at app/llm.py:10",)
    assert uses[("app/llm.py", 33)].via == ("OPENAI_MODEL set at .env.example:2:14",)
    assert dict(uses[("app/llm.py", 29)].routing) == {"data_collection": "deny",
                                                     "allow_fallbacks": False}
    assert uses[("app/llm.py", 29)].column == 15


def test_typescript_calls() -> None:
    uses = by_place(scan(CORPUS / "written__python-and-typescript-sdks"))
    found = {k[1]: (u.model, u.endpoint, u.how) for k, u in uses.items() if k[0] == "web/chat.ts"}
    assert found == {
        14: ("deepseek/deepseek-v3.2", "deepseek/api", "js: chat.completions.create"),
        15: ("openai/gpt-5-mini", "openai/api", "js: openai"),
        16: ("anthropic/claude-sonnet-4.6", "anthropic/api", "js: anthropic"),
        17: ("anthropic/claude-opus-4.6", "openrouter", "js: router"),
        18: ("openai/gpt-5", None, "js: generateText (AI Gateway)"),
        20: ("anthropic/claude-sonnet-4.5", "aws-bedrock/eu-central-1", "js: new ConverseCommand"),
        21: ("openai/gpt-5-mini", "anthropic/api", "js: new ChatAnthropic"),
    }


def test_tests_docs_and_comments_are_mentions(tmp_path: Path) -> None:
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_llm.py").write_text(
        "from openai import OpenAI\nOpenAI().chat.completions.create(model='gpt-5', messages=[])\n")
    (tmp_path / "README.md").write_text("We use gpt-5-mini and claude-sonnet-4-6.\n")
    (tmp_path / "app.py").write_text("# try gpt-5.4 later\nfrom openai import OpenAI\n"
                                     "x = 'not a call to gpt-5'\n")
    quiet = scan(tmp_path)
    assert quiet.uses == [] and quiet.mentions == [
        Use("tests/test_llm.py", 2, 40, "python: chat.completions.create", "openai", "gpt-5",
            "openai/gpt-5", "openai/api", "resolved")]
    loud = scan(tmp_path, mentions=True)
    assert [(m.file, m.line, m.column, m.literal) for m in loud.mentions] == [
        ("README.md", 1, 8, "gpt-5-mini"), ("README.md", 1, 23, "claude-sonnet-4-6"),
        ("app.py", 1, 7, "gpt-5.4"), ("tests/test_llm.py", 2, 40, "gpt-5")]
    assert loud.uses == []


def test_hostile_files_are_skipped_with_a_note(tmp_path: Path) -> None:
    (tmp_path / "bundle.min.js").write_text("var a=1;" * (10 * 1024 * 1024 // 8))
    (tmp_path / "deep.py").write_text("import openai\nx = " + "(" * 5000 + "1" + ")" * 5000 + "\n")
    (tmp_path / "sum.py").write_text("import openai\nx = " + "+".join(["1"] * 200_000) + "\n")
    (tmp_path / "binary.py").write_bytes(b"import openai\n\x00\x01\x02" * 100)
    (tmp_path / "latin1.py").write_bytes(b"import openai  # caf\xe9\n")
    (tmp_path / "deep.ts").write_text("import OpenAI from 'openai';\nconst x = "
                                      + "[" * 20000 + "]" * 20000 + ";\n")
    (tmp_path / "deep.yaml").write_text("model_list: litellm_params\n" + "a: " + "[" * 200 + "]" * 200 + "\n")
    (tmp_path / "broken.yaml").write_text("model_list: [litellm_params\n")
    started = time.perf_counter()
    inventory = scan(tmp_path)
    assert time.perf_counter() - started < 20
    notes = {s.file: s.reason for s in inventory.skipped}
    assert notes["bundle.min.js"].startswith("10485760 bytes, over the limit of 1048576")
    assert "nested too deeply" in notes["deep.py"] or "not valid Python" in notes["deep.py"]
    assert notes["binary.py"] == "a binary file"
    assert notes["latin1.py"].startswith("not UTF-8 text")
    assert notes["deep.yaml"].startswith("not read: deep.yaml:")
    assert notes["broken.yaml"].startswith("not read: broken.yaml:2:1")
    assert "deep.ts" not in notes and inventory.uses == []


def test_cli_text_and_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "repo").mkdir()
    shutil.copy(CORPUS / "written__multi-route" / "litellm_config.yaml", tmp_path / "repo")
    with pytest.raises(SystemExit) as exit_:
        main(["discover", str(tmp_path / "repo"), "--format", "json"])
    assert exit_.value.code == 0
    first = capsys.readouterr().out
    data = json.loads(first)
    assert data["summary"] == {"uses": 4, "resolved": 4, "unresolved": 0, "mentions": 0,
                               "filesRead": 1, "skipped": 0}
    assert data["uses"][0]["file"] == "litellm_config.yaml"
    with pytest.raises(SystemExit):
        main(["discover", str(tmp_path / "repo"), "--format", "json"])
    assert capsys.readouterr().out == first  # deterministic
    with pytest.raises(SystemExit):
        main(["discover", str(tmp_path / "repo")])
    text = capsys.readouterr().out
    assert text.splitlines()[0] == (
        "litellm_config.yaml:6:14: meta-llama/llama-4-maverick on together/api [litellm-proxy: "
        "model_list; written 'together_ai/meta-llama/Llama-4-Maverick-17B-128E-Instruct-FP8'; "
        "routing fallbacks=['maverick-fast', 'maverick-cheap']]")
    assert text.splitlines()[-1].startswith("found 4 uses (4 resolved, 0 unresolved)")


def test_cli_usage_errors_exit_2(tmp_path: Path) -> None:
    for argv in (["discover", "--max-file-bytes", "lots", str(tmp_path)],
                 ["discover", str(tmp_path / "missing")]):
        result = subprocess.run([sys.executable, "-m", "procurelint", *argv],
                                capture_output=True, text=True)
        assert result.returncode == 2, argv
        assert "Traceback" not in result.stderr and "error" in result.stderr


POLICY = """apiVersion: procurelint/v1
kind: Policy
metadata: {name: drift}
spec:
  discovery: {enabled: %s}
"""


def test_check_with_discovery_judges_a_repository_without_manifests(tmp_path: Path, cli) -> None:
    """The issue's first run: only gateway and tool configs, no manifest."""
    for name in ("written__multi-route/litellm_config.yaml", "2anki__2anki.net/.aider.conf.yml"):
        shutil.copy(CORPUS / name, tmp_path / Path(name).name)
    (tmp_path / "procurelint.yaml").write_text(POLICY % "false", encoding="utf-8")
    off = cli("check", str(tmp_path))
    assert off.code == 2 and "no AgentManifest documents found" in off.stderr
    (tmp_path / "procurelint.yaml").write_text(POLICY % "true", encoding="utf-8")
    on = cli("check", str(tmp_path), "--format", "json")
    assert on.code == 1, on.stderr
    findings = json.loads(on.stdout)["findings"]
    assert {f["rule"] for f in findings} == {"DRIFT001"}
    assert sorted((f["file"], f["line"]) for f in findings) == [
        (".aider.conf.yml", 14), (".aider.conf.yml", 15), (".aider.conf.yml", 16),
        ("litellm_config.yaml", 6), ("litellm_config.yaml", 10), ("litellm_config.yaml", 14),
        ("litellm_config.yaml", 22)]
    assert all("declare it in a new AgentManifest" in f["message"] for f in findings)


def test_drift_rules_are_inert_without_discovery(cli) -> None:
    """Without `discovery.enabled` the drift rules have nothing to judge: examples/ is unchanged."""
    result = cli("check", "examples", "--select", "DRIFT", "--format", "json")
    assert result.code == 0, result.stderr
    assert json.loads(result.stdout)["findings"] == []


def test_accuracy_on_the_labelled_corpus(capsys: pytest.CaptureFixture[str]) -> None:
    from benchmarks.discovery_accuracy import main as accuracy

    assert accuracy(["--min-recall", "0.95", "--min-precision", "0.95"]) == 0
    assert "recall 100.0%" in capsys.readouterr().out.splitlines()[-1]


def test_accuracy_counts_misses_and_false_positives(tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    from benchmarks.discovery_accuracy import main as accuracy

    repo = tmp_path / "corpus" / "one"
    repo.mkdir(parents=True)
    (repo / "app.py").write_text("import litellm\nlitellm.completion(model='gpt-5', messages=[])\n"
                                 "def f(client):\n    return client.send(prompt='hi')\n")
    (repo / "labels.yaml").write_text(
        "uses:\n  - {file: app.py, line: 4, model: openai/gpt-5}\n")  # wrong line: a miss
    assert accuracy([str(tmp_path / "corpus"), "--min-recall", "0.95"]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out == ["missed    one/app.py:4 openai/gpt-5", "not a use one/app.py:2 gpt-5 (python: litellm.completion)",
                   "1 repositories, 1 labelled uses, 1 discovered: recall 0.0% (0/1), precision 0.0% (0/1)"]


def test_python_kwargs_dicts_legacy_module_calls_and_loops(tmp_path: Path) -> None:
    (tmp_path / "legacy.py").write_text(
        "import openai\nimport boto3\n\nopenai.api_base = 'https://openrouter.ai/api/v1'\n"
        "openai.ChatCompletion.create(model='openai/gpt-5-mini', messages=[])\n"
        "rt = boto3.client('bedrock-runtime', region_name='us-west-2')\n"
        "request = {'modelId': 'anthropic.claude-3-7-sonnet-20250219-v1:0', 'body': '{}'}\n"
        "rt.invoke_model(**request)\n"
        "from anthropic import Anthropic\nclaude = Anthropic()\n"
        "for name in ('claude-haiku-4-5', 'claude-sonnet-4-6'):\n"
        "    claude.messages.create(model=name, max_tokens=5, messages=[])\n")
    uses = [(u.line, u.model, u.endpoint) for u in scan(tmp_path).uses]
    assert uses == [(5, "openai/gpt-5-mini", "openrouter"),
                    (7, "anthropic/claude-3.7-sonnet", "aws-bedrock/us-west-2"),
                    (12, "anthropic/claude-haiku-4.5", "anthropic/api"),
                    (12, "anthropic/claude-sonnet-4.6", "anthropic/api")]


def test_emit_writes_drafts_that_fail_until_a_person_fills_them(tmp_path: Path, cli) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(CORPUS / "written__python-and-typescript-sdks", repo)
    for name in ("labels.yaml", "NOTICE.md"):
        (repo / name).unlink()
    result = cli("discover", str(repo), "--emit", str(repo / "ai"), "-o", str(tmp_path / "out.txt"))
    assert result.code == 0, result.stderr
    assert sorted(p.name for p in (repo / "ai").iterdir()) == [
        "app-llm-py.yaml", "env-example.yaml", "web-chat-ts.yaml"]
    text = (repo / "ai" / "app-llm-py.yaml").read_text(encoding="utf-8")
    assert "model: \"anthropic/claude-sonnet-4.5\"" in text and "dataClasses: [unclassified]" in text
    assert "dataCollection: deny" in text  # the OpenRouter preferences of app/llm.py:29
    checked = cli("check", str(repo / "ai"), "--format", "json")
    rules = {f["rule"] for f in json.loads(checked.stdout)["findings"]}
    assert checked.code == 1 and "MAN006" in rules and "MAN002" not in rules, checked.stdout[-2000:]
    again = cli("discover", str(repo), "--emit", str(repo / "ai"))
    assert again.code == 2 and "already exists" in again.stderr


@pytest.mark.parametrize("config", sorted(
    str(p.relative_to(CORPUS)) for p in CORPUS.rglob("*.yaml")
    if p.name != "labels.yaml" and "model_list" in p.read_text(encoding="utf-8")))
def test_init_from_each_litellm_config_writes_manifests_that_validate(config: str, tmp_path: Path,
                                                                      cli) -> None:
    result = cli("init", str(tmp_path), "--from", str(CORPUS / config))
    assert result.code == 0, result.stderr
    manifests = sorted((tmp_path / "ai").glob("*.yaml"))
    assert len(manifests) == 1
    checked = cli("check", str(tmp_path), "--format", "json")
    assert checked.code == 1, checked.stderr
    findings = json.loads(checked.stdout)["findings"]
    assert not [f for f in findings if f["rule"] in ("MAN001", "MAN002")], findings
    assert "MAN006" in {f["rule"] for f in findings}  # the data classes are a person's call


def test_ai_bom_lists_where_code_uses_each_model(tmp_path: Path, cli) -> None:
    from tests.test_report_audit import cyclonedx_validator

    repo = tmp_path / "repo"
    (repo / "ai").mkdir(parents=True)
    (repo / "app").mkdir()
    (repo / "procurelint.yaml").write_text(POLICY % "true", encoding="utf-8")
    (repo / "ai" / "notes.yaml").write_text(
        (CORPUS.parent / "cases" / "drift" / "DRIFT001-passes-declared-calls" / "ai" / "summariser.yaml")
        .read_text(encoding="utf-8"), encoding="utf-8")
    (repo / "app" / "main.py").write_text(
        "from openai import OpenAI\nfrom anthropic import Anthropic\n\nclient = OpenAI()\n"
        "client.chat.completions.create(model='gpt-5-mini', messages=[])\n"
        "Anthropic().messages.create(model='claude-haiku-4-5', max_tokens=9, messages=[])\n",
        encoding="utf-8")
    result = cli("report", str(repo), "--date", "2026-12-04", "--format", "cyclonedx")
    assert result.code == 0, result.stderr
    bom = json.loads(result.stdout)
    errors = [f"{list(e.path)}: {e.message}" for e in cyclonedx_validator().iter_errors(bom)]
    assert not errors, errors[:5]
    models = {c["bom-ref"]: c for c in bom["components"] if c["type"] == "machine-learning-model"}
    assert models["model:openai/gpt-5-mini"]["evidence"]["occurrences"] == [
        {"location": "app/main.py", "line": 5, "offset": 38,
         "additionalContext": "python: chat.completions.create; endpoint openai/api"}]
    undeclared = models["model:anthropic/claude-haiku-4.5@discovered"]
    assert undeclared["evidence"]["occurrences"][0]["line"] == 6
    plain = cli("report", str(CORPUS.parent.parent / "examples"), "--date", "2026-12-04",
                "--format", "cyclonedx")
    assert "occurrences" not in plain.stdout  # without discovery the BOM is as before


def test_sarif_of_a_check_with_drift_findings(cli, tmp_path: Path) -> None:
    """Each drift rule is a SARIF rule, and its results point at the code (the SARIF writer's
    schema validity is tested with the other formats). The case is copied out of this git
    repository, whose root CI formats would otherwise name paths from."""
    import shutil

    case = tmp_path / "case"
    shutil.copytree(CORPUS.parent / "cases" / "drift" / "DRIFT001-fires-undeclared-and-unresolved-calls",
                    case)
    result = cli("check", str(case), "--format", "sarif", "--select", "DRIFT")
    assert result.code == 1, result.stderr
    doc = json.loads(result.stdout)
    run = doc["runs"][0]
    assert {r["id"] for r in run["tool"]["driver"]["rules"]} >= {"DRIFT001", "DRIFT002", "DRIFT003"}
    places = [(r["ruleId"], r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
               r["locations"][0]["physicalLocation"]["region"]["startLine"]) for r in run["results"]]
    assert places == [("DRIFT001", "app/main.py", 10), ("DRIFT001", "app/main.py", 11)]


def test_python_methods_of_a_subclass_of_an_sdk_client(tmp_path: Path) -> None:
    """In the shape of a retrieval client that extends Anthropic's (public cookbooks do)."""
    (tmp_path / "client.py").write_text(
        "from anthropic import Anthropic\n\n\nclass WithRetrieval(Anthropic):\n"
        "    def answer(self, prompt, model):\n"
        "        return self.completions.create(prompt=prompt, model=model, max_tokens_to_sample=9)\n\n"
        "    def chat(self):\n"
        "        return self.messages.create(model='claude-haiku-4-5', max_tokens=9, messages=[])\n")
    uses = [(u.line, u.provider, u.literal, u.model) for u in scan(tmp_path).uses]
    assert uses == [(6, "anthropic", None, None), (9, "anthropic", "claude-haiku-4-5", "anthropic/claude-haiku-4.5")]


def test_drift_is_the_same_when_check_is_split_across_processes(tmp_path: Path) -> None:
    """Declarations travel from each slice's process to the one that judges the uses."""
    import datetime as dt

    from procurelint.run.pipeline import Options, check

    case = CORPUS.parent / "cases" / "drift" / "DRIFT003-fires-declared-model-never-called"
    shutil.copytree(case, tmp_path / "repo")
    second = (tmp_path / "repo" / "ai" / "summariser.yaml").read_text(encoding="utf-8")
    (tmp_path / "repo" / "ai" / "other.yaml").write_text(
        second.replace("name: summariser", "name: other").replace(
            "openai/gpt-5-mini", "anthropic/claude-haiku-4.5").replace("openai/api", "anthropic/api"),
        encoding="utf-8")
    config = load_config(None, tmp_path / "repo", search=False)
    options = Options(today=dt.date(2026, 12, 4))
    found = [[(f.rule, f.file, f.line) for f in check(config, options, processes=n).result.findings
              if f.rule.startswith("DRIFT")] for n in (1, 2)]
    assert found[0] == found[1] == [("DRIFT003", "ai/summariser.yaml", 14)]


def test_discover_honours_the_policys_discovery_settings(tmp_path: Path, cli) -> None:
    (tmp_path / "vendor").mkdir()
    code = "import litellm\nlitellm.completion(model='gpt-5', messages=[])\n"
    (tmp_path / "vendor" / "lib.py").write_text(code, encoding="utf-8")
    (tmp_path / "app.py").write_text(code, encoding="utf-8")
    (tmp_path / "procurelint.yaml").write_text(
        POLICY % "false, exclude: [vendor]", encoding="utf-8")
    result = cli("discover", str(tmp_path), "--format", "json")
    assert result.code == 0, result.stderr
    assert [u["file"] for u in json.loads(result.stdout)["uses"]] == ["app.py"]
