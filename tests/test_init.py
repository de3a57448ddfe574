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
