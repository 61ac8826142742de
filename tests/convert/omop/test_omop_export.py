"""The OMOP export end to end: a hand-written patient's expected rows, database loads with the
official constraints on, the Athena loader, coverage, objectors, the CLI and bad input."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import orjson
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from oncorwd.cli import app
from oncorwd.convert.omop import export_omop
from oncorwd.convert.omop.writers.duckdb import foreign_key_violations
from oncorwd.errors import ConversionError, VersionNotFoundError
from oncorwd.store import open_store
from oncorwd.terminology.omop_concepts import LOCAL_BASE, local_concept_id

SITE = "750000001"
FIXTURE = Path(__file__).parent / "athena_fixture"


def _tiny(tmp_path: Path, *, topography: str = "C34.1", objector: bool = True) -> str:
    """Two patients: P1 (lung adenocarcinoma, pT2a N0 M0, stage I, one drug, one comorbidity)
    and P2 who objects to reuse."""
    date = {"year": 2020, "month": "03", "day": "15"}
    url = f"duckdb://{tmp_path / 'tiny.duckdb'}"
    t = {
        "patient": {"patient_id": ["P1", "P2"], "facility_finess": [SITE, SITE],
                    "birth_date_year": [1950, 1960], "birth_date_month": ["05", "UN"],
                    "birth_date_day": ["UN", "UN"], "sex": ["F", "M"]},
        "non_opposition": {"patient_id": ["P1", "P2"], "information": ["Y", "Y"],
                           "non_opposition": ["Y", "N" if objector else "Y"]},
        "cancer": {"cancer_id": ["C1"], "patient_id": ["P1"], "cancer_order": [1],
                   "care_in_facility": ["Y"], **{f"diagnosis_date_{k}": [v]
                                                 for k, v in date.items()},
                   "diagnosis_method": ["7"], "topography": [topography],
                   "morphology": ["8140/3"], "laterality": ["R"], "tnm_t": ["T2a"],
                   "tnm_n": ["N0"], "tnm_m": ["0"], "tnm_type": ["p"], "stage_type": ["TNM"],
                   "stage": ["I"]},
        "drug_administration": {
            "drug_administration_id": ["D1"], "patient_id": ["P1"], "cancer_id": ["C1"],
            "atc_code": ["L01BA04"], "drug_name": ["pemetrexed"], "in_facility": ["IN"],
            "administration_date_year": [2020], "administration_date_month": ["04"],
            "administration_date_day": ["01"], "treatment_line": [1]},
        "comorbidity": {"comorbidity_id": ["M1"], "patient_id": ["P1"], "code": ["I48"],
                        "onset_date_year": [2019], "onset_date_month": ["UN"],
                        "onset_date_day": ["UN"]},
    }
    with open_store(url) as store:
        store.load({k: pa.table(v) for k, v in t.items()}, site_id=SITE)
    return url


def _rows(folder: Path, table: str) -> list[dict]:
    return pq.read_table(folder / f"{table}.parquet").to_pylist()


def test_golden_tiny_patient(tmp_path: Path) -> None:
    out = tmp_path / "omop"
    result = export_omop(_tiny(tmp_path), out)
    assert result.persons == 1 and result.objectors_excluded == 1
    [person] = _rows(out, "person")
    assert person | {} == {**person, "person_id": 1, "gender_concept_id": 8532,
                           "year_of_birth": 1950, "month_of_birth": 5, "day_of_birth": None,
                           "race_concept_id": 0, "ethnicity_concept_id": 0,
                           "person_source_value": "P1", "gender_source_value": "F"}
    cond = {r["condition_source_value"]: r for r in _rows(out, "condition_occurrence")}
    cancer = cond["8140/3-C34.1"]
    assert cancer["condition_concept_id"] == local_concept_id("ICDO3", "8140/3-C34.1")
    assert cancer["condition_type_concept_id"] == 32879
    assert str(cancer["condition_start_date"]) == "2020-03-15"
    assert cond["I48"]["condition_type_concept_id"] == 32817
    mods = {r["measurement_source_value"]: r for r in _rows(out, "measurement")}
    assert set(mods) == {"pT2a", "pN0", "pM0", "TNM stage I", "Laterality R",
                         "Basis of diagnosis 7"}
    for m in mods.values():
        assert m["measurement_event_id"] == cancer["condition_occurrence_id"]
        assert m["meas_event_field_concept_id"] == 1147127
        assert m["measurement_concept_id"] >= LOCAL_BASE
    [drug] = _rows(out, "drug_exposure")
    assert drug["drug_source_value"] == "L01BA04" and drug["drug_concept_id"] >= LOCAL_BASE
    episodes = {r["episode_concept_id"]: r for r in _rows(out, "episode")}
    first, line = episodes[32528], episodes[32531]
    assert first["episode_object_concept_id"] == cancer["condition_concept_id"]
    assert line["episode_parent_id"] == first["episode_id"] and line["episode_number"] == 1
    events = {(e["episode_id"], e["episode_event_field_concept_id"]): e["event_id"]
              for e in _rows(out, "episode_event")}
    assert events[(first["episode_id"], 1147127)] == cancer["condition_occurrence_id"]
    assert events[(line["episode_id"], 1147094)] == drug["drug_exposure_id"]
    [period] = _rows(out, "observation_period")
    assert period["observation_period_start_date"] == cond["I48"]["condition_start_date"]
    concepts = {r["concept_id"] for r in _rows(out, "concept")}
    used = {cancer["condition_concept_id"], drug["drug_concept_id"], 8532, 32528, 1147127}
    assert used <= concepts
    ancestors = {(r["ancestor_concept_id"], r["descendant_concept_id"])
                 for r in _rows(out, "concept_ancestor")}
    assert (local_concept_id("ATC", "L01BA"), drug["drug_concept_id"]) in ancestors
    report = orjson.loads((out / "omop_export_report.json").read_bytes())
    assert report["objectors_excluded"] == 1


def test_duckdb_load_with_official_keys(site_store: str, tmp_path: Path) -> None:
    path = tmp_path / "omop.duckdb"
    result = export_omop(site_store, f"duckdb://{path}", chunk_size=100)
    with duckdb.connect(str(path)) as con:
        assert foreign_key_violations(con) == []
        n = con.execute("SELECT count(*) FROM person").fetchall()[0][0]
        assert n == result.persons > 0
        with pytest.raises(duckdb.ConstraintException):  # primary keys are enforced
            con.execute("INSERT INTO person SELECT * FROM person LIMIT 1")
        con.execute("INSERT INTO death (person_id, death_date, death_type_concept_id) "
                    "VALUES (999999999, DATE '2020-01-01', 32817)")
        assert foreign_key_violations(con) == [("fpk_death_person_id", 1)]
    with pytest.raises(ConversionError, match="already exists"):
        export_omop(site_store, f"duckdb://{path}")


@pytest.mark.postgres
def test_postgres_load_with_constraints_on(site_store: str, pg_url: str) -> None:
    import psycopg

    for url in (pg_url,):
        result = export_omop(site_store, url, chunk_size=100)
        base, schema = url.split("?schema=")
        with psycopg.connect(base) as conn:
            fks = conn.execute(
                "SELECT count(*) FROM information_schema.table_constraints WHERE "
                "constraint_schema = %s AND constraint_type = 'FOREIGN KEY'", [schema]
            ).fetchone()
            assert fks is not None and fks[0] > 100
            n = conn.execute(f'SELECT count(*) FROM "{schema}".measurement').fetchone()
            assert n is not None and n[0] == result.rows["measurement"]
            with pytest.raises(psycopg.errors.ForeignKeyViolation):
                conn.execute(f'INSERT INTO "{schema}".death (person_id, death_date, '
                             "death_type_concept_id) VALUES (999999999, '2020-01-01', 32817)")


def test_athena_vocabulary_maps_to_standard(tmp_path: Path) -> None:
    out = tmp_path / "omop"
    export_omop(_tiny(tmp_path), out, vocabulary=FIXTURE)
    [person] = _rows(out, "person")
    assert person["gender_concept_id"] == 8532
    cond = {r["condition_source_value"]: r for r in _rows(out, "condition_occurrence")}
    assert cond["I48"]["condition_concept_id"] == 4108832
    assert cond["I48"]["condition_source_concept_id"] == 1569170
    names = {r["concept_id"]: r["concept_name"] for r in _rows(out, "concept")}
    assert names[4108832] == "Atrial fibrillation and flutter"


def test_athena_folder_must_hold_concepts(tmp_path: Path) -> None:
    with pytest.raises(ConversionError, match="not an Athena"):
        export_omop(_tiny(tmp_path), tmp_path / "o", vocabulary=tmp_path)


def test_unknown_code_is_reported_with_concept_zero(tmp_path: Path) -> None:
    url = _tiny(tmp_path, objector=False)
    with duckdb.connect(url.removeprefix("duckdb://")) as con:  # a code ingest would refuse
        con.execute("UPDATE comorbidity SET code = 'Z99.99X'")
    out = tmp_path / "omop"
    result = export_omop(url, out)
    assert result.objectors_excluded == 0 and result.persons == 2
    cond = {r["condition_source_value"]: r for r in _rows(out, "condition_occurrence")}
    assert cond["Z99.99X"]["condition_concept_id"] == 0
    top = result.coverage["tables"]["condition_occurrence"]["top_unmapped"]
    assert top == [{"source_value": "Z99.99X", "rows": 1}]
    assert result.coverage["tables"]["condition_occurrence"]["zero"] == 1


def test_coverage_report_accounts_for_every_row(parquet_export) -> None:
    folder, result = parquet_export
    report = orjson.loads((folder / "omop_export_report.json").read_bytes())
    for table, entry in report["coverage"]["tables"].items():
        assert entry["rows"] == entry["standard"] + entry["local"] + entry["zero"]
        assert entry["rows"] == result.rows[table], table
    assert report["objectors_excluded"] == result.objectors_excluded
    persons = pq.read_table(folder / "person.parquet")
    assert persons.num_rows == result.persons


def test_objectors_are_not_exported(site_store: str, parquet_export) -> None:
    folder, result = parquet_export
    with open_store(site_store) as store:
        objectors = set(store.query("SELECT patient_id FROM non_opposition "
                                    "WHERE non_opposition = 'N'")["patient_id"].to_pylist())
    exported = set(pq.read_table(folder / "person.parquet")["person_source_value"].to_pylist())
    assert objectors and not objectors & exported
    assert result.objectors_excluded == len(objectors)


def test_store_without_data_is_a_clear_error(tmp_path: Path) -> None:
    url = f"duckdb://{tmp_path / 'empty.duckdb'}"
    with open_store(url) as store:
        store.init()
    with pytest.raises(VersionNotFoundError, match="no data version"):
        export_omop(url, tmp_path / "o")


def test_cli_exports_and_reports(site_store: str, tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "cli"
    res = runner.invoke(app, ["export", "omop", "--site", "x", "--store", site_store,
                              "--to", str(out), "--format", "csv"])
    assert res.exit_code == 0, res.output
    assert "objecting to reuse excluded" in res.output and (out / "person.csv").is_file()
    bad = runner.invoke(app, ["export", "omop", "--site", "x", "--store", site_store,
                              "--to", "ftp://nowhere"])
    assert bad.exit_code == 1 and "unsupported OMOP target" in bad.output


def test_csv_and_parquet_hold_the_same_rows(site_store: str, parquet_export,
                                            tmp_path: Path) -> None:
    import pyarrow.csv as pacsv

    folder, _ = parquet_export
    export_omop(site_store, tmp_path / "csv", fmt="csv", chunk_size=120)
    for table in ("person", "measurement", "episode_event"):
        a = pq.read_table(folder / f"{table}.parquet")
        b = pacsv.read_csv(tmp_path / "csv" / f"{table}.csv")
        assert a.num_rows == b.num_rows
    shutil.rmtree(tmp_path / "csv")
