"""Core rules detected while reading documents: MAN001, MAN002 and CAT001 fire and stay quiet."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import TODAY, write
from tests.test_check_cli import manifest


def _rules(cli, cwd: Path, *args: str) -> list[dict]:
    run = cli("check", "--format", "json", *args, cwd=cwd)
    assert "Traceback" not in run.stderr
    return json.loads(run.stdout)["findings"]


def test_man001_fires_on_unparseable_file_and_not_on_a_good_one(cli, tmp_path: Path) -> None:
    write(tmp_path, "good.yaml", manifest())
    assert [f for f in _rules(cli, tmp_path, "--date", TODAY) if f["rule"] == "MAN001"] == []
    write(tmp_path, "bad.yaml", "apiVersion: procurelint/v1\nkind: AgentManifest\n  x: [\n")
    found = [f for f in _rules(cli, tmp_path, "--date", TODAY) if f["rule"] == "MAN001"]
    assert len(found) == 1 and found[0]["file"] == "bad.yaml" and found[0]["path"] == ""
    assert found[0]["line"] == 3


def test_man002_points_at_the_offending_key(cli, tmp_path: Path) -> None:
    write(tmp_path, "app.yaml", manifest().replace("runsPerMonth: 1000", "runsPerMonth: many"))
    found = [f for f in _rules(cli, tmp_path, "--date", TODAY) if f["rule"] == "MAN002"]
    assert [(f["line"], f["column"], f["path"]) for f in found] == [(11, 21, "app")]
    assert "runsPerMonth" in found[0]["message"]


def test_man002_unknown_regime(cli, tmp_path: Path) -> None:
    write(tmp_path, "app.yaml", manifest().replace("spec:\n", "spec:\n  regimes: [hippa]\n"))
    found = [f for f in _rules(cli, tmp_path, "--date", TODAY) if f["rule"] == "MAN002"]
    assert len(found) == 1 and "unknown regime 'hippa'" in found[0]["message"]


def test_cat001_fires_when_the_catalog_is_old(cli, tmp_path: Path) -> None:
    write(tmp_path, "app.yaml", manifest())
    fresh = [f for f in _rules(cli, tmp_path, "--date", TODAY) if f["rule"] == "CAT001"]
    assert fresh == []
    old = [f for f in _rules(cli, tmp_path, "--date", "2027-12-01") if f["rule"] == "CAT001"]
    assert len(old) == 1 and old[0]["severity"] == "warning"
    assert old[0]["file"] == "<builtin>/catalog.yaml"


def test_cat001_honours_max_catalog_age_days(cli, tmp_path: Path) -> None:
    write(tmp_path, "procurelint.yaml", "apiVersion: procurelint/v1\nkind: Policy\n"
          "metadata: {name: p}\nspec:\n  maxCatalogAgeDays: 10\n")
    write(tmp_path, "app.yaml", manifest())
    found = [f for f in _rules(cli, tmp_path, "--date", TODAY) if f["rule"] == "CAT001"]
    assert len(found) == 1 and "older than maxCatalogAgeDays 10" in found[0]["message"]


def test_source_date_epoch_fixes_the_date(cli, tmp_path: Path) -> None:
    write(tmp_path, "app.yaml", manifest())
    run = cli("check", "--format", "json", cwd=tmp_path, env={"SOURCE_DATE_EPOCH": "1830000000"})
    assert any(f["rule"] == "CAT001" for f in json.loads(run.stdout)["findings"])  # 2027-12-28


def test_core_yaml_documents_exactly_the_rules_detected_in_python() -> None:
    """A core rule is defined once: its detector formats the message from core_rules.TEMPLATES,
    and policies/core.yaml (the rule's documentation) carries that same template."""
    import yaml

    from procurelint.policy.core_rules import DETECTORS, TEMPLATES

    package = Path(__file__).resolve().parents[1] / "src" / "procurelint"
    pack = yaml.safe_load((package.parents[1] / "policies" / "core.yaml").read_text())
    documented = {r["id"]: r for r in pack["spec"]["rules"] if r.get("violation") is None}
    assert set(documented) == set(DETECTORS)
    assert {key.split(".")[0] for key in TEMPLATES} == set(DETECTORS)
    for rule_id, rule in documented.items():
        assert rule["message"] == TEMPLATES[rule_id], rule_id
        for module in DETECTORS[rule_id].split(", "):
            text = (package / module).read_text()
            assert f'"{rule_id}"' in text, f"{module} does not detect {rule_id}"
