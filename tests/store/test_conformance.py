"""The store contract, run on every engine (DuckDB, PostgreSQL, Spark) through the
``store_url``/``module_store_url`` fixtures: same API, same answers, same atomicity.

Read-only checks share one store per engine loaded with two versions; tests that need an
empty store get their own.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pytest
from site_data import SITE, site_tables, write_parquet

from oncorwd.dictionary import SCHEMA_VERSION, arrow_schema, load_dictionary
from oncorwd.errors import SchemaVersionError, StoreError, ValidationFailed, VersionNotFoundError
from oncorwd.store import VersionInfo, open_store
from oncorwd.store import prepare as prep


@dataclass
class Loaded:
    url: str
    tables: list[dict[str, pa.Table]]  # content of versions 1 and 2
    infos: list[VersionInfo]


@pytest.fixture(scope="module")
def loaded(module_store_url: str) -> Loaded:
    first, second = site_tables(30), site_tables(25, variant=1)
    with open_store(module_store_url) as store:
        infos = [store.load(first, site_id=SITE, note="v1"),
                 store.load(second, site_id=SITE, note="v2")]
    return Loaded(module_store_url, [first, second], infos)


def expected(name: str, table: pa.Table, version: int) -> pa.Table:
    """What the store must give back: the validated batch, versioned, in key order."""
    entity = load_dictionary().entity(name)
    return prep.with_version(prep.prepare(entity, table, SITE, 0), version).sort_by(entity.key)


def fingerprint_of(tables: dict[str, pa.Table]) -> str:
    """The fingerprint the store must record for ``tables`` (engine-independent)."""
    fp = prep.Fingerprint()
    for entity in load_dictionary().entities:
        fp.table(entity)
        rows = 0
        for chunk in prep.batches(tables.get(entity.name)):
            fp.batch(prep.prepare(entity, chunk, SITE, rows))
            rows += chunk.num_rows
    return fp.hexdigest()


def test_round_trip_preserves_values_and_types(loaded: Loaded) -> None:
    with open_store(loaded.url) as store:
        for version in (1, 2):
            for name, table in loaded.tables[version - 1].items():
                got = store.read(name, version=version)
                assert got.schema == arrow_schema(load_dictionary().entity(name))
                assert got.equals(expected(name, table, version)), (name, version)
        empty = store.read("surgery")
        assert empty.num_rows == 0
        assert empty.schema == arrow_schema(load_dictionary().entity("surgery"))


def test_round_trip_spot_values(loaded: Loaded) -> None:
    """Partial dates, imputed dates, decimals, timestamps and nulls, checked by value."""
    with open_store(loaded.url) as store:
        patient = store.read("patient", version=1).to_pylist()
        drugs = store.read("drug_administration", columns=[
            "administration_date_month", "administration_date_day", "administration_date"])
        markers = store.read("biomarker", columns=["biomarker_id", "value_numeric"])
        exam = store.read("imaging", columns=["exam_date", "exam_date_time"]).to_pylist()[0]
        cancer = store.read("cancer", columns=["tumor_size_mm", "tnm_t"])
    partial = [p for p in patient if p["birth_date_month"] == "UN"]
    assert partial and all(p["birth_date_day"] == "UN" and p["birth_date_precision"] == "Y"
                           and p["birth_date"] == dt.date(p["birth_date_year"], 7, 1)
                           for p in partial)
    month_only = [d for d in drugs.to_pylist() if d["administration_date_day"] == "UN"
                  and d["administration_date_month"] != "UN"]
    assert month_only and all(d["administration_date"].day == 15 for d in month_only)
    values = dict(zip(*markers.to_pydict().values(), strict=True))
    assert (values["B0"], values["B1"], values["B2"], values["B3"]) == (0.1, 12.345, None, 1e-7)
    assert exam["exam_date"].strftime("%H:%M") == exam["exam_date_time"]
    assert cancer.column("tnm_t").null_count == cancer.num_rows
    assert cancer.schema.field("tumor_size_mm").type == pa.float64()
    assert 0 < cancer.column("tumor_size_mm").null_count < cancer.num_rows


def test_versions_listed_in_order_with_counts_and_fingerprints(loaded: Loaded) -> None:
    with open_store(loaded.url) as store:
        versions = store.versions()
        assert store.latest() == versions[-1]
    assert versions == loaded.infos
    assert [v.version for v in versions] == [1, 2]
    assert [v.note for v in versions] == ["v1", "v2"]
    for v, tables in zip(versions, loaded.tables, strict=True):
        assert v.site_id == SITE and v.schema_version == SCHEMA_VERSION
        assert v.created_at.tzinfo is not None
        assert re.fullmatch(r"[0-9a-f]{64}", v.fingerprint)
        assert v.row_counts["patient"] == tables["patient"].num_rows
        assert v.row_counts["surgery"] == 0
        assert set(v.row_counts) == {e.name for e in load_dictionary().entities}
        assert v.fingerprint == fingerprint_of(tables)
    assert versions[0].created_at <= versions[1].created_at
    assert versions[0].fingerprint != versions[1].fingerprint


def test_later_loads_keep_earlier_versions_readable(loaded: Loaded) -> None:
    with open_store(loaded.url) as store:
        assert store.read("cancer", version=1).equals(
            expected("cancer", loaded.tables[0]["cancer"], 1))
        assert store.read("cancer", version=2).equals(
            expected("cancer", loaded.tables[1]["cancer"], 2))
        assert store.read("cancer").equals(store.read("cancer", version=2))
        assert store.row_counts(1)["patient"] == 30
        assert store.row_counts()["patient"] == 25
        assert store.info()["latest_version"] == 2 and store.info()["versions"] == 2


def test_reloading_unchanged_content_adds_no_version(store_url: str) -> None:
    tables = site_tables(12)
    with open_store(store_url) as store:
        first = store.load(tables, site_id=SITE)
        again = store.load(tables, site_id=SITE, note="re-run")
        assert again == first
        assert [v.version for v in store.versions()] == [1]
        changed = store.load(site_tables(12, variant=1), site_id=SITE)
        assert changed.version == 2 and changed.fingerprint != first.fingerprint


def test_query_sees_one_version_under_entity_names(loaded: Loaded) -> None:
    with open_store(loaded.url) as store:
        count = "SELECT count(*) AS n FROM patient"
        assert store.query(count).column("n").to_pylist() == [25]
        assert store.query(count, version=1).column("n").to_pylist() == [30]
        marker = "%s" if store.engine == "postgres" else "?"
        joined = store.query(
            "SELECT count(*) AS n FROM drug_administration d JOIN cancer c "
            f"ON c.cancer_id = d.cancer_id WHERE c.topography = {marker}", ["C50.9"])
        breast = sum(t == "C50.9" for t in loaded.tables[1]["cancer"]["topography"].to_pylist())
        assert joined.column("n").to_pylist() == [3 * breast]


def test_unknown_table_and_bad_requests_are_refused(loaded: Loaded) -> None:
    with open_store(loaded.url) as store:
        with pytest.raises(StoreError, match=r"unknown table.*tumour"):
            store.load({"patient": site_tables(5)["patient"], "tumour": pa.table({"x": [1]})},
                       site_id=SITE)
        with pytest.raises(StoreError, match="unknown table"):
            store.read("tumour")
        with pytest.raises(StoreError, match="no column"):
            store.read("patient", columns=["patient_id", "shoe_size"])
        with pytest.raises(VersionNotFoundError):
            store.read("patient", version=7)
        assert store.versions() == loaded.infos


def test_invalid_rows_load_nothing(loaded: Loaded) -> None:
    bad = site_tables(10, variant=5)
    sex = bad["patient"].column("sex").to_pylist()
    bad["patient"] = bad["patient"].set_column(
        bad["patient"].schema.get_field_index("sex"), "sex", pa.array(["X", *sex[1:]]))
    with open_store(loaded.url) as store:
        with pytest.raises(ValidationFailed) as refused:
            store.load(bad, site_id=SITE)
        assert store.versions() == loaded.infos
    assert ("patient", 1, "sex", "value_set") in {
        (p.table, p.row, p.field, p.rule) for p in refused.value.problems}


def test_broken_references_load_nothing(loaded: Loaded) -> None:
    """Cross-table rules run inside the load: an orphan row rolls the whole version back."""
    bad = site_tables(10, variant=6)
    bad["patient"] = bad["patient"].slice(1)  # P0 disappears, its cancer and drugs stay
    with open_store(loaded.url) as store:
        with pytest.raises(ValidationFailed) as refused:
            store.load(bad, site_id=SITE)
        assert store.versions() == loaded.infos
        assert store.read("patient").num_rows == 25
    assert ("cancer", "patient_id", "reference") in {
        (p.table, p.field, p.rule) for p in refused.value.problems}


def test_duplicate_keys_across_batches_load_nothing(loaded: Loaded) -> None:
    """A record identifier repeated in another batch of the same table is refused: per-batch
    checks cannot see it, the load's cross-table rules do (no engine relies on an index)."""
    bad = site_tables(10, variant=7)
    drugs = bad["drug_administration"]
    first, rest = drugs.slice(0, 5), drugs.slice(5)
    key = drugs.schema.get_field_index("drug_administration_id")
    repeated = rest.set_column(key, "drug_administration_id", pa.array(
        [drugs.column(key)[0].as_py(), *rest.column(key).to_pylist()[1:]]))
    bad["drug_administration"] = pa.RecordBatchReader.from_batches(
        drugs.schema, [*first.to_batches(), *repeated.to_batches()])
    with open_store(loaded.url) as store:
        with pytest.raises(ValidationFailed) as refused:
            store.load(bad, site_id=SITE)
        assert store.versions() == loaded.infos
    assert ("drug_administration", "drug_administration_id", "duplicate_key") in {
        (p.table, p.field, p.rule) for p in refused.value.problems}


def test_init_is_idempotent(store_url: str) -> None:
    with open_store(store_url) as store:
        store.init()
        store.init()
        assert store.versions() == [] and store.latest() is None
        info = store.info()
        assert info["schema_version"] == SCHEMA_VERSION
        assert info["versions"] == 0 and info["latest_version"] is None
        with pytest.raises(VersionNotFoundError, match="no data version"):
            store.read("patient")
    with open_store(store_url) as store:
        store.init()
        assert store.versions() == []


def test_table_parquet_and_reader_sources_give_the_same_version(tmp_path: Path) -> None:
    """Sources are turned into the same batches before any engine sees them (so DuckDB is
    enough here; the killed-load test loads Parquet on every engine)."""
    store_url = f"duckdb://{tmp_path / 'site.duckdb'}"
    tables = site_tables(40)
    paths = write_parquet(tables, tmp_path / "parquet", row_group=7)
    readers = {n: pa.RecordBatchReader.from_batches(t.schema, t.to_batches(max_chunksize=9))
               for n, t in tables.items()}
    with open_store(store_url) as store:
        a = store.load(tables, site_id=SITE)
        b = store.load(paths, site_id=SITE)
        c = store.load(readers, site_id=SITE)
        assert a.fingerprint == b.fingerprint == c.fingerprint == fingerprint_of(tables)
        assert store.read("drug_administration", version=1).equals(
            expected("drug_administration", tables["drug_administration"], 1))


def test_schema_too_new_is_refused(store_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from oncorwd.store import base, sql
    from oncorwd.store.engines import spark

    with monkeypatch.context() as patched:
        for module in (base, sql, spark):
            patched.setattr(module, "SCHEMA_VERSION", SCHEMA_VERSION + 1)
        with open_store(store_url) as store:
            store.init()
    with pytest.raises(SchemaVersionError, match="newer"):
        open_store(store_url)


def _make_older(url: str) -> None:
    """Turn a current empty store into what an older oncorwd left: schema version 0, a table
    and a column missing (engine-native, as the older code would have written it)."""
    if url.startswith("spark://"):
        manifest = Path(url[len("spark://"):]) / "_oncorwd_versions.json"
        manifest.write_text(manifest.read_text().replace(
            f'"schema_version": {SCHEMA_VERSION}', '"schema_version": 0'))
        return
    statements = ["DROP TABLE {p}measure", "ALTER TABLE {p}cancer DROP COLUMN source_document",
                  "UPDATE {p}_oncorwd_meta SET value = '0' WHERE key = 'schema_version'"]
    if url.startswith("duckdb://"):
        import duckdb

        with duckdb.connect(url[len("duckdb://"):]) as con:
            for s in statements:
                con.execute(s.format(p=""))
        return
    import psycopg

    schema = url.rsplit("schema=", 1)[1]
    with psycopg.connect(url.split("?")[0], autocommit=True) as conn:
        for s in statements:
            conn.execute(s.format(p=f"{schema}.").encode())


def test_init_upgrades_an_older_store(store_url: str) -> None:
    with open_store(store_url) as store:
        store.init()
    _make_older(store_url)
    with open_store(store_url) as store:
        assert store.info()["schema_version"] == 0
        assert store.versions() == []
        with pytest.raises(StoreError, match="older"):
            store.read("patient")
        store.init()
        assert store.info()["schema_version"] == SCHEMA_VERSION
        store.load(site_tables(5), site_id=SITE)
        assert store.read("cancer").schema == arrow_schema(load_dictionary().entity("cancer"))
        assert store.read("measure").num_rows == 0


def test_validated_tables_skip_row_rules_but_not_integrity(store_url: str) -> None:
    """``validated=True`` (ingest, which ran the rules itself) gives the same version as a
    validating load; the cross-table rules still run."""
    tables = {n: expected(n, t, 0) for n, t in site_tables(15).items()}
    with open_store(store_url) as store:
        trusted = store.load(tables, site_id=SITE, validated=True)
        assert trusted.fingerprint == fingerprint_of(tables)
        assert store.read("cancer").equals(expected("cancer", tables["cancer"], 1))
        orphan = dict(tables, patient=tables["patient"].slice(1))
        with pytest.raises(ValidationFailed) as refused:
            store.load(orphan, site_id=SITE, validated=True)
        assert ("cancer", "patient_id", "reference") in {
            (p.table, p.field, p.rule) for p in refused.value.problems}
        with pytest.raises(StoreError, match="unknown table"):
            store.load(tables, site_id=SITE, validated=["tumour"])
        assert store.versions() == [trusted]
