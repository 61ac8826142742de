"""The ingest CLI as a user runs it: help everywhere, accounting table, clear errors."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from oncorwd.cli import app

runner = CliRunner()


@pytest.mark.parametrize("args", [["ingest"], ["ingest", "run"], ["ingest", "check"],
                                  ["ingest", "new-mapping"]])
def test_help_everywhere(args: list[str]) -> None:
    result = runner.invoke(app, [*args, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage" in result.output


def test_check_then_run_print_the_accounting(home: Path, french_export: Path) -> None:
    result = runner.invoke(app, ["ingest", "check", "--mapping", str(french_export)])
    assert result.exit_code == 0, result.output
    assert "nothing was loaded" in result.output and "quarantine.csv" in result.output
    assert "drug_administration" in result.output and "malformed_row" in result.output
    result = runner.invoke(app, ["ingest", "run", "-m", str(french_export), "--site", "other"])
    assert result.exit_code == 0, result.output
    assert "data version 1" in result.output
    assert (home / "sites" / "other.duckdb").exists()


def test_new_mapping_writes_a_spec(tmp_path: Path) -> None:
    (tmp_path / "p.csv").write_text("NIP;SEXE\n1;1\n", "utf-8")
    out = tmp_path / "m.yaml"
    result = runner.invoke(app, ["ingest", "new-mapping", str(tmp_path / "p.csv"), "--out",
                                 str(out)])
    assert result.exit_code == 0, result.output
    assert out.is_file() and "wrote" in result.output


def _cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "oncorwd", *args], capture_output=True,
                          text=True, check=False, env={**os.environ, **(env or {})})


def test_errors_are_messages_not_tracebacks(tmp_path: Path, french_export: Path) -> None:
    proc = _cli("ingest", "run", "--mapping", str(tmp_path / "missing.yaml"))
    assert proc.returncode == 1 and "not found" in proc.stderr
    assert "Traceback" not in proc.stderr
    proc = _cli("ingest", "run", "-m", str(french_export), "--on-error", "fail-fast",
                env={"ONCORWD_HOME": str(tmp_path / "h")})
    assert proc.returncode == 1
    assert "exports/patients.csv, row 6" in proc.stderr and "malformed_row" in proc.stderr
    assert "Traceback" not in proc.stderr
    proc = _cli("ingest", "check", "-m", str(french_export), "--on-error", "maybe",
                env={"ONCORWD_HOME": str(tmp_path / "h")})
    assert proc.returncode == 1 and "unknown on_error policy" in proc.stderr
