"""The same report on PostgreSQL: the report's SQL is portable, and both engines give the same
figures on the same data."""

from __future__ import annotations

from typing import Any

import pytest
from quality_data import load_versions, site_tables, version_two

from oncorwd.ingest.quality import QualityReport, build_report

pytestmark = pytest.mark.postgres


def _comparable(report: QualityReport) -> dict[str, Any]:
    data = report.data
    changes = {k: v for k, v in data["changes"].items()
               if k not in ("previous_loaded_at", "previous_fingerprint")}
    return {
        "results": {r["id"]: (r["checked"], r["failed"], r["status"])
                    for r in data["checks"]["results"]},
        "completeness": data["completeness"], "distributions": data["distributions"],
        "changes": changes, "cutoff": data["header"]["cutoff"],
    }


def test_postgres_gives_the_duckdb_figures(pg_url: str, two_versions: str) -> None:
    on_pg = build_report(load_versions(pg_url, site_tables(), version_two()))
    assert on_pg.data["header"]["engine"] == "postgres"
    assert _comparable(on_pg) == _comparable(build_report(two_versions))
    assert "<html" in on_pg.to_html()
