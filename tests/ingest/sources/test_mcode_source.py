"""The ``mcode`` source: FHIR files given in a mapping spec become quarantine records for the
resources that give no row, located by file, line and ``Type/id``; missing files fail early."""

from __future__ import annotations

from pathlib import Path

import pytest

from oncorwd.errors import ConfigError
from oncorwd.ingest.pipeline import run
from oncorwd.ingest.sources import reader_class
from oncorwd.ingest.sources.mcode import McodeReader
from oncorwd.ingest.spec import load_spec

SPEC = """\
version: 1
site: {site_id: "750010076", name: fhir-site}
sources:
  fhir: {format: mcode, path: [in/a.ndjson]}
tables: {}
"""


def _spec(tmp_path: Path, lines: list[str]) -> Path:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.ndjson").write_text("\n".join(lines) + "\n", "utf-8")
    path = tmp_path / "mapping.yaml"
    path.write_text(SPEC, "utf-8")
    return path


def test_the_format_is_registered(tmp_path: Path) -> None:
    assert reader_class("mcode") is McodeReader
    spec = load_spec(_spec(tmp_path, []))
    assert spec.sources["fhir"].path == ("in/a.ndjson",)


def test_unreadable_resources_are_quarantined_with_their_place(home: Path,
                                                               tmp_path: Path) -> None:
    spec = _spec(tmp_path, ['{"resourceType": "Encounter", "id": "e1"}',
                            '{"resourceType": "Patient",'])
    result = run(spec, dry_run=True)
    got = [(r["table"], r["file"], r["row"], r["value"], r["rule"])
           for r in result.quarantine.to_pylist()]
    assert got == [(None, "a.ndjson", 1, "Encounter/e1", "fhir_read"),
                   (None, "a.ndjson", 2, "?/?", "fhir_read")]
    assert result.sources[0].format == "mcode" and result.sources[0].files == ["in/a.ndjson"]


def test_a_missing_file_fails_before_reading(home: Path, tmp_path: Path) -> None:
    spec = _spec(tmp_path, [])
    (tmp_path / "in" / "a.ndjson").unlink()
    with pytest.raises(ConfigError, match="no file matches"):
        run(spec, dry_run=True)
