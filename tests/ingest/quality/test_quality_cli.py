"""``oncorwd quality report``."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest
from quality_data import write_run
from typer.testing import CliRunner

from oncorwd.cli import app
from oncorwd.errors import VersionNotFoundError

runner = CliRunner()


def test_report_in_the_version_folder(home: Path, two_versions: str) -> None:
    result = runner.invoke(app, ["quality", "report", "--site", "demo", "--store", two_versions])
    assert result.exit_code == 0, result.output
    folder = home.resolve() / "sites" / "demo" / "versions" / "2"
    assert (folder / "quality.html").is_file() and (folder / "quality.json").is_file()
    assert str(folder / "quality.html") in result.output.replace("\n", "")
    assert "plausibility" in result.output and "failing checks" in result.output
    data = orjson.loads((folder / "quality.json").read_bytes())
    assert data["header"]["site"] == "demo" and data["header"]["version"] == 2


def test_version_out_and_run_folder(home: Path, two_versions: str, tmp_path: Path) -> None:
    write_run(home / "sites" / "demo" / "versions" / "1")
    out = tmp_path / "out"
    result = runner.invoke(app, ["quality", "report", "--site", "demo", "--store", two_versions,
                                 "--version", "1", "--out", str(out), "--cutoff", "2023-12-31"])
    assert result.exit_code == 0, result.output
    data = orjson.loads((out / "quality.json").read_bytes())
    assert data["header"]["version"] == 1 and data["header"]["cutoff"] == "2023-12-31"
    assert data["accounting"]["available"] and "does not balance" in result.output


def test_unknown_version(home: Path, two_versions: str) -> None:
    result = runner.invoke(app, ["quality", "report", "--site", "demo", "--store", two_versions,
                                 "--version", "9"])
    assert result.exit_code != 0
    assert isinstance(result.exception, VersionNotFoundError)


@pytest.mark.parametrize("args", [["--help"], ["report", "--help"]])
def test_help(args: list[str]) -> None:
    result = runner.invoke(app, ["quality", *args])
    assert result.exit_code == 0 and "quality" in result.output.lower()
