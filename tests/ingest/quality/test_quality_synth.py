"""The report on a realistic synthetic site: every query runs, clean data passes, the build is
fast enough."""

from __future__ import annotations

from pathlib import Path

import pytest

from oncorwd.ingest.quality import QualityReport, build_report
from oncorwd.store import open_store
from oncorwd.synth import default_network, generate_site


def _synthetic_store(folder: Path, n_patients: int) -> str:
    spec = default_network(1, n_patients, 1)[0]
    url = f"duckdb://{folder / 'synth.duckdb'}"
    with open_store(url) as store:
        store.load(generate_site(spec, 1).tables, site_id=spec.site_id)
    return url


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> QualityReport:
    return build_report(_synthetic_store(tmp_path_factory.mktemp("synth"), 2000))


def test_clean_synthetic_data_passes(synthetic: QualityReport) -> None:
    summary = synthetic.data["summary"]
    assert summary["patients"] == 2000 and summary["checks"]["fail"] == 0
    assert summary["checks"]["pass"] > 300


def test_every_distribution_has_data(synthetic: QualityReport) -> None:
    empty = [d["key"] for d in synthetic.data["distributions"] if not d["total"]]
    assert empty == []
    sites = next(d for d in synthetic.data["distributions"] if d["key"] == "primary_sites")
    assert len(sites["categories"]) == 16 and sites["categories"][-1] == "other"


def test_codes_checked_on_distinct_values(synthetic: QualityReport) -> None:
    atc = next(r for r in synthetic.data["checks"]["results"]
               if r["id"] == "code:drug_administration.atc_code")
    rows = next(r["rows"] for r in synthetic.data["header"]["row_counts"]
                if r["table"] == "drug_administration")
    assert (atc["checked"], atc["failed"], atc["status"]) == (rows, 0, "pass")


@pytest.mark.slow
def test_ten_thousand_patients_build_quickly(tmp_path: Path) -> None:
    url = _synthetic_store(tmp_path, 10_000)
    report = build_report(url)
    # The target is 5 s (about 2 s on an idle 2-core machine); the margin absorbs busy CI.
    assert report.data["build_seconds"] < 8.0
