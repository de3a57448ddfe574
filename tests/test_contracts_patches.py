"""Account-level contracts, field-level catalog patches and the organisation's changes to
built-in facts, as a user meets them on the command line: what passes, what fails, and what
the summary and the audit report say."""

from __future__ import annotations

import json
import re
from pathlib import Path

import yaml

from tests.conftest import REPO, TODAY, write

MANIFEST = """\
apiVersion: procurelint/v1
kind: AgentManifest
metadata: {name: discharge-summaries, team: clinical, owner: cmio@hospital.example}
spec:
  workflows:
    - name: summarise
      runsPerMonth: 1000
      dataClasses: [phi]
      steps:
        - name: draft
          model: anthropic/claude-sonnet-4.6
          endpoint: aws-bedrock/us-east-1
          tokensPerCall: {input: 1000, output: 100}
"""

POLICY = """\
apiVersion: procurelint/v1
kind: Policy
metadata: {name: hospital}
spec:
  catalogs: [own.yaml]
  agreements:
    baa: [aws]
"""

ZDR_PATCH = """\
apiVersion: procurelint/v1
kind: Catalog
metadata: {name: own, asOf: "2026-11-01"}
spec:
  patches:
    - endpoint: aws-bedrock/us-east-1
      set: {dataPolicy: {retentionDays: 0}}
      sources: ["https://docs.aws.amazon.com/bedrock/latest/userguide/data-retention.html"]
"""


def _repo(tmp_path: Path, catalog: str, policy: str = POLICY) -> Path:
    write(tmp_path, "procurelint.yaml", policy)
    write(tmp_path, "own.yaml", catalog)
    write(tmp_path, "discharge.yaml", MANIFEST)
    return tmp_path


# -- patches ----------------------------------------------------------------------------------

def test_a_patch_changes_one_fact_and_is_reported(cli, tmp_path: Path) -> None:
    repo = _repo(tmp_path, ZDR_PATCH)
    run = cli("check", "--date", TODAY, cwd=repo)
    assert run.code == 0, run.stdout + run.stderr
    assert ("built-in catalog facts changed by the policy's catalogs: 1 "
            "(aws-bedrock/us-east-1 dataPolicy.retentionDays)") in run.stdout
    doc = json.loads(cli("check", "--date", TODAY, "-f", "json", cwd=repo).stdout)
    assert doc["catalog"]["changes"] == [{
        "kind": "endpoint", "id": "aws-bedrock/us-east-1", "field": "dataPolicy.retentionDays",
        "old": None, "new": 0, "file": "own.yaml", "line": 6, "how": "patch",
        "sources": ["https://docs.aws.amazon.com/bedrock/latest/userguide/data-retention.html"],
    }]
    # Without the patch the same repository fails on retention: the patch is what passes it.
    write(tmp_path, "procurelint.yaml", POLICY.replace("  catalogs: [own.yaml]\n", ""))
    run = cli("check", "--date", TODAY, cwd=repo)
    assert run.code == 1 and "JUR007" in run.stdout
    assert "built-in catalog facts changed" not in run.stdout


def test_the_audit_report_lists_each_changed_fact_old_and_new(cli, tmp_path: Path) -> None:
    repo = _repo(tmp_path, ZDR_PATCH)
    run = cli("report", "--date", TODAY, "-f", "md", cwd=repo)
    assert run.code in (0, 1), run.stderr
    assert "Built-in catalog facts changed by the organisation (1)" in run.stdout
    row = next(line for line in run.stdout.splitlines() if "dataPolicy.retentionDays" in line)
    assert "`null`" in row and "`0`" in row and "`own.yaml:6`" in row and "data-retention.html" in row


def test_a_whole_entry_override_is_reported_field_by_field(cli, tmp_path: Path) -> None:
    entry = cli("catalog", "show", "aws-bedrock/us-east-1", "-f", "yaml", cwd=tmp_path).stdout
    edited = entry.replace("retentionDays: null", "retentionDays: 0").replace(
        "sources: [", 'sources: ["Acme review CSR-2026-118", ')
    repo = _repo(tmp_path, edited)
    doc = json.loads(cli("check", "--date", TODAY, "-f", "json", cwd=repo).stdout)
    changes = doc["catalog"]["changes"]
    assert [(c["field"], c["old"], c["new"], c["how"]) for c in changes] == [
        ("dataPolicy.retentionDays", None, 0, "override")]


def test_a_retirement_date_given_to_a_built_in_offer_is_iso_text_in_every_output(
        cli, tmp_path: Path) -> None:
    entry = cli("catalog", "show", "aws-bedrock/us-east-1", "-f", "yaml", cwd=tmp_path).stdout
    line = next(x for x in entry.splitlines() if "{model: anthropic/claude-sonnet-4.6," in x)
    assert "retires" not in line
    dated = line.replace("{model: anthropic/claude-sonnet-4.6,", "{model: anthropic/claude-sonnet-4.6, "
                         'retires: "2027-11-30", retiresSource: "https://example.com/retire",')
    repo = _repo(tmp_path, entry.replace(line, dated).replace(
        "sources: [", 'sources: ["Acme review CSR-2026-118", '))
    field = "offers[anthropic/claude-sonnet-4.6].retires"
    for fmt in ("json", "sarif", "gitlab", "junit", "github", "md", "text"):
        run = cli("check", "--date", TODAY, "-f", fmt, cwd=repo)
        assert run.code in (0, 1) and "internal error" not in run.stderr, (fmt, run.stderr)
    doc = json.loads(cli("check", "--date", TODAY, "-f", "json", cwd=repo).stdout)
    changes = {c["field"]: (c["old"], c["new"]) for c in doc["catalog"]["changes"]}
    assert changes[field] == (None, "2027-11-30")
    for fmt in ("json", "md", "html"):
        run = cli("report", "--date", TODAY, "-f", fmt, "-o", f"report.{fmt}", cwd=repo)
        assert run.code in (0, 1) and "internal error" not in run.stderr, (fmt, run.stderr)
    report = json.loads((repo / "report.json").read_text(encoding="utf-8"))
    text = json.dumps(report)
    assert field in text and "2027-11-30" in text


def test_an_override_of_a_built_in_entry_needs_sources(cli, tmp_path: Path) -> None:
    entry = cli("catalog", "show", "aws-bedrock/us-east-1", "-f", "yaml", cwd=tmp_path).stdout
    bare = re.sub(r"(?m)^      sources: \[.*\]$", "      sources: []", entry)
    repo = _repo(tmp_path, bare)
    run = cli("check", cwd=repo)
    assert run.code == 2
    assert "own.yaml:" in run.stderr and "replaces a built-in entry" in run.stderr
    assert "Traceback" not in run.stderr


def test_bad_patches_are_config_errors_at_their_position(cli, tmp_path: Path) -> None:
    cases = {
        "endpoint: nowhere/none\n      set: {country: US}": "patch of unknown endpoint 'nowhere/none'",
        "endpoint: aws-bedrock/us-east-1\n      model: openai/gpt-5\n      set: {country: US}":
            "exactly one of endpoint, model or provider",
        "endpoint: aws-bedrock/us-east-1\n      set: {country: USA}": "does not give a valid entry",
        "endpoint: aws-bedrock/us-east-1\n      set: {hipaBaa: true}": "hipaBaa",
        "endpoint: aws-bedrock/us-east-1\n      offer: openai/gpt-5\n      set: {dataPolicy: {}}":
            "it has no offer of 'openai/gpt-5'",
    }
    for body, expected in cases.items():
        catalog = ("apiVersion: procurelint/v1\nkind: Catalog\nmetadata: {name: own, asOf: \"2026-11-01\"}\n"
                   f"spec:\n  patches:\n    - {body}\n      sources: [\"https://example.com\"]\n")
        repo = _repo(tmp_path, catalog)
        run = cli("check", cwd=repo)
        assert run.code == 2, (body, run.stdout, run.stderr)
        assert expected in run.stderr and re.search(r"own\.yaml:[678]:", run.stderr), (body, run.stderr)
        assert "Traceback" not in run.stderr


def test_a_patch_without_sources_is_refused(cli, tmp_path: Path) -> None:
    repo = _repo(tmp_path, ZDR_PATCH.replace(
        '      sources: ["https://docs.aws.amazon.com/bedrock/latest/userguide/data-retention.html"]\n', ""))
    run = cli("check", cwd=repo)
    assert run.code == 2 and "sources" in run.stderr


# -- catalog show -----------------------------------------------------------------------------

def test_catalog_show_yaml_is_a_ready_to_edit_catalog_file(cli, tmp_path: Path) -> None:
    run = cli("catalog", "show", "aws-bedrock/us-gov-west-1", "-f", "yaml", cwd=tmp_path)
    assert run.code == 0, run.stderr
    doc = yaml.safe_load(run.stdout)
    assert doc.get("kind") == "Catalog"
    (entry,) = doc["spec"]["endpoints"]
    assert entry["id"] == "aws-bedrock/us-gov-west-1" and entry["fedramp"] == "high"
    assert len(entry["offers"]) == 3
    # Saved unchanged as the policy's catalog, it loads and changes nothing.
    repo = _repo(tmp_path, run.stdout)
    checked = cli("check", "--date", TODAY, "-f", "json", cwd=repo)
    assert checked.code in (0, 1), checked.stderr
    assert "changes" not in json.loads(checked.stdout)["catalog"]


def test_catalog_show_works_while_an_organisation_catalog_is_broken(cli, tmp_path: Path) -> None:
    partial = """\
apiVersion: procurelint/v1
kind: Catalog
metadata: {name: own, asOf: "2026-11-01"}
spec:
  endpoints:
    - id: aws-bedrock/us-east-1
      provider: aws
      dataPolicy: {trainsOnInputs: false, retentionDays: 0}
"""
    repo = _repo(tmp_path, partial)
    run = cli("catalog", "show", "aws-bedrock/us-east-1", "-f", "yaml", cwd=repo)
    assert run.code == 2
    assert yaml.safe_load(run.stdout)["spec"]["endpoints"][0]["id"] == "aws-bedrock/us-east-1"
    assert "own.yaml:6:7" in run.stderr
    # One error lists every missing key, not the first and a count.
    for key in ("country", "hipaaBaa", "fedramp", "crossBorderRouting"):
        assert f"missing required key '{key}'" in run.stderr, run.stderr
    check = cli("check", cwd=repo)
    assert check.code == 2
    assert all(f"missing required key '{k}'" in check.stderr
               for k in ("country", "hipaaBaa", "fedramp", "crossBorderRouting"))


# -- contracts --------------------------------------------------------------------------------

def test_a_contract_naming_an_unknown_provider_is_a_config_error(cli, tmp_path: Path) -> None:
    policy = POLICY.replace("  catalogs: [own.yaml]\n", "") + (
        "    contracts:\n      - {provider: amazon, ref: X-1, zeroDataRetention: true}\n")
    repo = _repo(tmp_path, ZDR_PATCH, policy)
    run = cli("check", cwd=repo)
    assert run.code == 2
    assert "agreements.contracts names unknown provider 'amazon'" in run.stderr
    assert "procurelint.yaml:" in run.stderr


def test_a_contract_needs_a_reference(cli, tmp_path: Path) -> None:
    policy = POLICY.replace("  catalogs: [own.yaml]\n", "") + (
        "    contracts:\n      - {provider: aws, zeroDataRetention: true}\n")
    repo = _repo(tmp_path, ZDR_PATCH, policy)
    run = cli("check", cwd=repo)
    assert run.code == 2 and "ref" in run.stderr



def test_a_contract_expiry_is_a_calendar_date_not_a_number_or_a_moment(cli, tmp_path: Path) -> None:
    # A number would be read as seconds since 1970 (4102444800 is 2100-01-01), and a moment
    # with an offset as the date written before it, whatever day it is in UTC.
    for expires in ("4102444800", "0", '"2026-11-28T00:00:00+14:00"'):
        policy = POLICY.replace("  catalogs: [own.yaml]\n", "") + (
            "    contracts:\n      - {provider: aws, ref: X-1, zeroDataRetention: true, "
            f"expires: {expires}}}\n")
        repo = _repo(tmp_path, ZDR_PATCH, policy)
        run = cli("check", "--date", TODAY, cwd=repo)
        assert run.code == 2, (expires, run.stdout)
        assert "expires" in run.stderr and "procurelint.yaml:" in run.stderr, run.stderr

# -- remediations and examples name real catalog entries -------------------------------------

ID = re.compile(r"(?<![\w./-])([a-z0-9][a-z0-9-]*(?:\.[a-z0-9-]+)*/[a-z0-9][a-z0-9.-]*[a-z0-9])(?![\w/-])")
# Ids missing from the catalog on purpose: MAN003's and MAN004's examples show what they report.
UNKNOWN_ON_PURPOSE = {"deepseek/deepseek-v9", "openai/api-moon"}
NOT_IDS = re.compile(r"^(\d[\d.,]*/month|examples/.*|.*\.(py|ts|js|ya?ml|json))$")


def test_every_catalog_id_in_a_remediation_or_example_exists() -> None:
    catalog = yaml.safe_load((REPO / "policies" / "catalog.yaml").read_text(encoding="utf-8"))
    known = {m["id"] for m in catalog["spec"]["models"]} | {e["id"] for e in catalog["spec"]["endpoints"]}
    missing, seen = [], 0
    for path in sorted((REPO / "policies").glob("*.yaml")):
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        if doc.get("kind") != "RulePack":
            continue
        for rule in doc["spec"]["rules"]:
            for field in ("remediation", "example"):
                for token in ID.findall(rule.get(field) or ""):
                    if NOT_IDS.match(token):
                        continue
                    seen += 1
                    if (token in known) == (token in UNKNOWN_ON_PURPOSE):
                        missing.append(f"{path.name} {rule['id']} {field}: {token}")
    assert seen > 50
    assert not missing, "ids in remediations and examples that the catalog does not hold:\n" + "\n".join(missing)


# -- prohibitions cannot be waived -----------------------------------------------------------

def test_a_prohibited_transaction_cannot_be_waived(cli, tmp_path: Path) -> None:
    write(tmp_path, "procurelint.yaml", """\
apiVersion: procurelint/v1
kind: Policy
metadata: {name: lab}
spec:
  waivers: waivers.yaml
""")
    write(tmp_path, "waivers.yaml", """\
apiVersion: procurelint/v1
kind: Waivers
spec:
  waivers:
    - id: W-1
      rule: JUR009
      target: app
      reason: accepted
      approvedBy: cso@example.com
      ticket: SEC-1
      expires: "2027-01-01"
""")
    write(tmp_path, "app.yaml", MANIFEST)
    run = cli("check", cwd=tmp_path)
    assert run.code == 2
    assert "waivers.yaml:6:13: waiver W-1: JUR009 cannot be waived" in run.stderr



def test_a_prohibition_cannot_be_disabled_or_lowered_in_the_policy(cli, tmp_path: Path) -> None:
    write(tmp_path, "app.yaml", MANIFEST)
    for spec in ("  disable: [JUR009]\n", "  overrides:\n    JUR009: {severity: info}\n",
                 "  overrides:\n    JUR009: {severity: warning}\n"):
        write(tmp_path, "procurelint.yaml",
              "apiVersion: procurelint/v1\nkind: Policy\nmetadata: {name: lab}\nspec:\n" + spec)
        run = cli("check", cwd=tmp_path)
        assert run.code == 2, (spec, run.stdout)
        assert "JUR009" in run.stderr and "procurelint.yaml:" in run.stderr, run.stderr

# -- the three setups the README recommends pass end to end ----------------------------------

SCENARIOS = [
    "hipaa/HIPAA002-passes-hospital-on-bedrock-with-baa-and-zdr",
    "banking/BANK003-passes-bank-with-pci-aoc-contract",
    "federal/FED001-passes-remediation-claude-on-govcloud-with-zdr",
]


def test_recommended_setups_pass_every_rule(cli, tmp_path: Path) -> None:
    import shutil

    for case in SCENARIOS:
        folder = REPO / "tests" / "cases" / case
        run = cli("check", "--date", TODAY, "--fail-on", "warning", "-f", "json", cwd=folder)
        doc = json.loads(run.stdout)
        serious = [f"{f['rule']}: {f['message']}" for f in doc["findings"] if f["severity"] != "info"]
        assert run.code == 0 and not serious, (case, serious, run.stderr)
        # Without the organisation's contracts, the same setup fails: the contracts are what
        # make it pass, not a rule that stopped looking.
        copy = tmp_path / case.replace("/", "-")
        shutil.copytree(folder, copy)
        policy = yaml.safe_load((copy / "procurelint.yaml").read_text(encoding="utf-8"))
        assert policy["spec"]["agreements"].pop("contracts"), case
        (copy / "procurelint.yaml").write_text(yaml.safe_dump(policy), encoding="utf-8")
        assert cli("check", "--date", TODAY, cwd=copy).code == 1, case


def test_an_offer_patch_shows_in_catalog_show_and_reads_back(cli, tmp_path: Path) -> None:
    case = REPO / "tests" / "cases" / "jurisdiction" / "JUR007-fires-offer-retention-despite-zdr-contract"
    run = cli("catalog", "show", "aws-bedrock/us-east-1", "-f", "yaml", cwd=case)
    assert run.code == 0, run.stderr
    line = next(x for x in run.stdout.splitlines() if "anthropic/claude-sonnet-4.6" in x)
    assert "dataPolicy: {trainsOnInputs: false, retentionDays: 30, minRetentionDays: 30}" in line
    other = next(x for x in run.stdout.splitlines() if "openai/gpt-oss-120b" in x)
    assert "dataPolicy" not in other
    # The printed entry, used as a whole-entry override, gives the same facts as the patch.
    entry = run.stdout.replace("sources: [", 'sources: ["Acme review", ')
    repo = _repo(tmp_path, entry)
    doc = json.loads(cli("check", "--date", TODAY, "-f", "json", cwd=repo).stdout)
    fields = {c["field"]: (c["old"], c["new"]) for c in doc["catalog"]["changes"]}
    assert fields == {
        "offers[anthropic/claude-sonnet-4.6].dataPolicy.minRetentionDays": (None, 30),
        "offers[anthropic/claude-sonnet-4.6].dataPolicy.retentionDays": (None, 30),
        "offers[anthropic/claude-sonnet-4.6].dataPolicy.trainsOnInputs": (None, False),
    }
    assert [f["rule"] for f in doc["findings"] if f["rule"] == "JUR007"] == ["JUR007"]
