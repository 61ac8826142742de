"""The same export from every engine: the chunk queries are generated with sqlglot per
dialect, so a PostgreSQL (or Spark) store exports exactly what the DuckDB store does."""

from __future__ import annotations

from pathlib import Path

from mcode_factory import SITE, tiny_tables

from oncorwd.convert.mcode import ExportResult, export_mcode
from oncorwd.store import open_store


def _lines(out: Path) -> dict[str, list[bytes]]:
    return {p.name: sorted(p.read_bytes().splitlines()) for p in out.glob("*.ndjson")}


def test_every_engine_exports_the_same_resources(store_url: str, tmp_path: Path,
                                                  tiny_ndjson: ExportResult) -> None:
    with open_store(store_url) as store:
        store.load(tiny_tables(), site_id=SITE)
        result = export_mcode(store, tmp_path / "out", chunk_patients=1)
    assert result.excluded_objecting == 1
    assert _lines(result.out_dir) == _lines(tiny_ndjson.out_dir)
