"""``oncorwd export mcode`` and ``oncorwd import mcode`` through the real CLI app."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest
from mcode_factory import SITE, tiny_tables
from typer.testing import CliRunner

from oncorwd.cli import app
from oncorwd.store import open_store

runner = CliRunner()


@pytest.fixture
def home(home: Path) -> Path:
    """The fresh ONCORWD_HOME with the tiny site's store loaded."""
    (home / "sites").mkdir(parents=True)
    with open_store(f"duckdb://{home / 'sites' / 'tiny.duckdb'}") as store:
        store.load(tiny_tables(), site_id=SITE)
    return home


def test_export_ndjson_prints_counts_and_report(home: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = runner.invoke(app, ["export", "mcode", "--site", "tiny", "--to", str(out)])
    assert result.exit_code == 0, result.output
    assert "MedicationAdministration" in result.output
    assert "objecting patients excluded: 1" in result.output
    assert "mcode-report.json" in result.output
    assert len((out / "Patient.ndjson").read_bytes().splitlines()) == 1


def test_export_bundles_then_import(home: Path, tmp_path: Path) -> None:
    out = tmp_path / "bundles"
    result = runner.invoke(app, ["export", "mcode", "--site", "tiny", "--to", str(out),
                                 "--format", "bundles"])
    assert result.exit_code == 0, result.output
    assert "patient bundles: 1" in result.output
    bundle = out / "T-P001.json"
    assert orjson.loads(bundle.read_bytes())["resourceType"] == "Bundle"
    dry = runner.invoke(app, ["import", "mcode", str(bundle), "--site", "tiny", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "nothing loaded (dry run)" in dry.output
    done = runner.invoke(app, ["import", "mcode", str(bundle), "--site", "tiny"])
    assert done.exit_code == 0, done.output
    assert "loaded as data version 2" in done.output


def test_bad_format_and_bad_input_are_errors(home: Path, tmp_path: Path) -> None:
    bad = runner.invoke(app, ["export", "mcode", "--site", "tiny", "--to", str(tmp_path),
                              "--format", "xml"])
    assert bad.exit_code != 0
    broken = tmp_path / "broken.ndjson"
    broken.write_text('{"resourceType": "Patient", "id": "p", "gender": "female"\n')
    result = runner.invoke(app, ["import", "mcode", str(broken), "--site", "tiny",
                                 "--fail-fast"])
    assert result.exit_code != 0
    assert "not valid JSON" in str(result.exception)


def test_bad_input_is_quarantined_and_shown(home: Path, tmp_path: Path) -> None:
    broken = tmp_path / "broken.ndjson"
    broken.write_text('{"resourceType": "Patient", "id": "p", "gender": "female"\n')
    result = runner.invoke(app, ["import", "mcode", str(broken), "--site", "tiny"])
    assert result.exit_code == 0, result.output
    assert "fhir_read" in result.output and "quarantine.csv" in result.output
