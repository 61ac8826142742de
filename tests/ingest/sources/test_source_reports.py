"""Report sources: French reports read by the NLP become OSIRIS rows (source_type 4/5) that
join the pipeline, located by document file and row."""

from __future__ import annotations

from pathlib import Path

import pytest
from ingest_fixtures import write_export

from oncorwd.errors import ConfigError
from oncorwd.ingest.pipeline import run
from oncorwd.ingest.sources.reports import parse_document_date

DOCS = """\
document_id;patient_id;document_date;text
D1;P001;2020-02-01;Carcinome mammaire. Récepteurs aux oestrogènes positifs à 90 %. OMS 1.
D2;P002;15/03/2021;Scanner : progression hépatique. Etat général conservé, PS 2.
D3;;2021-01-01;sans patient
"""


def test_dates_of_documents() -> None:
    assert str(parse_document_date("15/03/2021")) == "2021-03-15"
    assert parse_document_date("mars 2021") is None


@pytest.mark.slow
def test_reports_feed_their_tables_through_the_pipeline(home: Path, tmp_path: Path) -> None:
    spec = write_export(tmp_path / "site")
    (spec.parent / "reports.csv").write_text(DOCS, "utf-8")
    text = spec.read_text("utf-8").replace(
        "sources:\n", "sources:\n  cr: {format: reports, path: reports.csv, external: true}\n")
    spec.write_text(text, "utf-8")
    result = run(spec, dry_run=True)
    accounts = {a.table: a for a in result.accounting}
    assert accounts["biomarker"].loaded == 1 and accounts["progression"].loaded == 1
    assert accounts["general_status"].input == 2
    unread = [r for r in result.quarantine.to_pylist() if r["source"] == "cr"]
    assert [(r["table"], r["row"], r["rule"]) for r in unread] == [(None, 3, "required")]


def test_a_table_cannot_take_a_report_source(home: Path, tmp_path: Path) -> None:
    spec = write_export(tmp_path / "site")
    (spec.parent / "reports.csv").write_text(DOCS, "utf-8")
    text = spec.read_text("utf-8").replace(
        "sources:\n", "sources:\n  cr: {format: reports, path: reports.csv}\n").replace(
        "from: patients\n    fields:\n      patient_id: NUM_PAT\n      facility",
        "from: cr\n    fields:\n      patient_id: NUM_PAT\n      facility")
    spec.write_text(text, "utf-8")
    with pytest.raises(ConfigError, match="produces OSIRIS RWD rows itself"):
        run(spec, dry_run=True)
