"""`procurelint init` writes a starter policy and manifest that pass, and never overwrites."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import TODAY


def test_init_then_check_passes(cli, tmp_path: Path) -> None:
    run = cli("init", cwd=tmp_path)
    assert run.code == 0 and "wrote procurelint.yaml" in run.stdout
    assert (tmp_path / "ai" / "example-agent.yaml").is_file()
    check = cli("check", "--date", TODAY, cwd=tmp_path)
    assert check.code == 0, check.stdout + check.stderr


def test_init_never_overwrites(cli, tmp_path: Path) -> None:
    (tmp_path / "procurelint.yaml").write_text("mine\n")
    run = cli("init", cwd=tmp_path)
    assert run.code == 2 and "never overwrites" in run.stderr
    assert (tmp_path / "procurelint.yaml").read_text() == "mine\n"
    assert not (tmp_path / "ai").exists()


def test_init_points_editors_at_the_schemas(cli, tmp_path: Path) -> None:
    import yaml

    from procurelint.documents.schemas import schema_of

    assert cli("init", cwd=tmp_path).code == 0
    for name, kind in (("procurelint.yaml", "Policy"), ("ai/example-agent.yaml", "AgentManifest")):
        text = (tmp_path / name).read_text(encoding="utf-8")
        first = text.splitlines()[0]
        assert first == f"# yaml-language-server: $schema={schema_of(kind)['$id']}", name
        assert yaml.safe_load(text)["kind"] == kind  # a comment: the document reads as before
