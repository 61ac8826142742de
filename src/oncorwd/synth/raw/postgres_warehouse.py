"""Shape ``postgres_warehouse``: a hospital clinical data warehouse in PostgreSQL.

Schema ``dwh_<site name>`` holds normalised tables (``person``, ``consent``, ``vital``,
``condition_occurrence``, ``tumour``, ``tumour_event``, ``specimen``, ``drug_exposure``,
``surgery_procedure``, ``radiotherapy_course``, ``progression_event``, ``imaging_study``,
``lab_result``, ``vital_sign``, ``observation_fact``, ``measurement``) loaded with ``COPY``.
Every table starts with ``row_id``, the warehouse's load order
(the spec's queries ``ORDER BY row_id``, so ingest numbers rows as ``faults.json`` does).
Columns are typed: dates are ``DATE`` with a ``<name>_precision`` column (D, M or Y; T for a
timestamp with its time; unknown parts stored as 01, the way warehouses keep partial dates),
yes/no items are ``boolean``, the pharmacy feed's administration date stays text ``YYYYMMDD``
(the only place a garbage date can hide) and drugs carry UCD-like 7-digit codes mapped to ATC by
``maps/ucd_atc.csv``. The mapping
spec reads it with SQL queries that rebuild partial dates and booleans as text.
"""

from __future__ import annotations

import io
import re
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.csv as pcsv

from oncorwd.synth.raw.model import DEFAULT_RATES, Col, FaultRates, Shape, SourceDecl
from oncorwd.synth.spec import SiteSpec

__all__ = ["SHAPE", "PostgresWriter", "write_postgres_warehouse"]


def _d(name: str, ref: str, required: bool = False, table: str | None = None,
       style: str = "sql", death: bool = False) -> Col:
    tag = "death" if death else ("date" if required and style == "compact" else None)
    return Col(name, ref, "date", style=style, required=required, fault=tag,  # type: ignore[arg-type]
               table=table)


def _c(name: str, ref: str, required: bool = False, **kw: object) -> Col:
    return Col(name, ref, required=required, **kw)  # type: ignore[arg-type]


def _b(name: str, ref: str, required: bool = False, table: str | None = None) -> Col:
    return Col(name, ref, "boolean", required=required, table=table)


PID, TID = _c("person_id", "patient_id"), _c("tumour_id", "cancer_id")
NO = "non_opposition"

SOURCES = (
    SourceDecl("person", "person", "patient", columns=(
        PID, _c("finess", "facility_finess", True), _d("birth_date", "birth_date", True),
        _c("sex", "sex", True))),
    SourceDecl("consent", "consent", NO, columns=(
        PID, _b("informed", "information", True), _d("informed_date", "information_date"),
        _b("non_opposition", "non_opposition", True),
        _d("opposition_date", "opposition_date"))),
    SourceDecl("vital", "vital", "vital_status", columns=(
        PID, _c("status", "vital_status", True), _c("status_source", "vital_status_source", True),
        _d("update_date", "update_date"), _d("last_visit_date", "last_visit_date", True),
        _d("last_contact_date", "last_contact_date"),
        _d("death_date", "death_date", death=True))),
    SourceDecl("condition_occurrence", "condition_occurrence", "comorbidity", columns=(
        _c("condition_id", "comorbidity_id"), PID, _c("icd10_code", "code", True, fault="icd10"),
        _d("onset_date", "onset_date", True))),
    SourceDecl("tumour", "tumour", "cancer", columns=(
        TID, PID, _c("rank", "cancer_order", True, kind="integer"),
        _b("care_in_facility", "care_in_facility", True),
        _d("diagnosis_date", "diagnosis_date", True), _c("basis", "diagnosis_method", True),
        _c("diagnosis_setting", "diagnosis_in_facility"),
        _c("topography", "topography", True), _c("morphology", "morphology", True),
        _c("laterality", "laterality", True), _c("size_mm", "tumor_size_mm", kind="number"),
        _d("size_date", "tumor_size_date"), _c("size_method", "tumor_size_method"),
        _c("t", "tnm_t"), _c("n", "tnm_n"), _c("m", "tnm_m"), _c("tnm_prefix", "tnm_type"),
        _c("stage_system", "stage_type"), _c("stage", "stage"),
        _c("grade_system", "grade_type"), _c("grade", "grade"))),
    SourceDecl("tumour_event", "tumour_event", "tumor_event", columns=(
        _c("event_id", "tumor_event_id"), PID, TID, _c("event_type", "event_type", True),
        _d("mention_date", "mention_date"), _d("histology_date", "diagnosis_date"),
        _c("morphology", "morphology"), _c("metastasis_site", "metastasis_topography"),
        _d("metastasis_date", "metastasis_date"), _c("basis", "diagnosis_method", True))),
    SourceDecl("specimen", "specimen", "sample", columns=(
        _c("specimen_id", "sample_id"), PID, TID, _c("storage", "storage_location"),
        _d("collection_date", "sampling_date"), _c("specimen_type", "sample_type"),
        _c("tissue", "sample_nature"), _c("site", "sample_topography"))),
    SourceDecl("drug_exposure", "drug_exposure", "drug_administration", columns=(
        _c("exposure_id", "drug_administration_id"), PID, TID,
        _c("ucd_code", "atc_code", True, kind="code", style="ucd", fault="drug"),
        _c("drug_label", "drug_name", True, style="upper"),
        _c("setting", "in_facility", True),
        _d("start_date_txt", "administration_date", True, style="compact"),
        _b("in_trial", "clinical_trial"), _b("early_access", "early_access"))),
    SourceDecl("surgery_procedure", "surgery_procedure", "surgery", columns=(
        _c("procedure_id", "surgery_id"), PID, TID, _d("procedure_date", "procedure_date", True),
        _c("procedure_label", "procedure_group"), _c("ccam_code", "procedure_code"),
        _c("setting", "in_facility", True))),
    SourceDecl("radiotherapy_course", "radiotherapy_course", "radiotherapy", columns=(
        _c("course_id", "radiotherapy_id"), PID, TID, _c("ccam_code", "technique_code", True),
        _d("start_date", "start_date", True), _c("target_site", "irradiated_topography"),
        _c("setting", "in_facility"), _c("rtplan_uid", "rt_dataset_link"))),
    SourceDecl("progression_event", "progression_event", "progression", columns=(
        _c("progression_id", "progression_id"), PID, TID, _b("progression", "progression", True),
        _d("progression_date", "progression_date", True))),
    SourceDecl("imaging_study", "imaging_study", "imaging", columns=(
        _c("study_id", "imaging_id"), PID, TID,
        _d("study_datetime", "exam_date", True, style="sql_time"),
        _c("modality", "modality", True), _c("body_parts", "examined_sites"),
        _c("setting", "in_facility"), _c("study_uid", "dicom_study_link"))),
    SourceDecl("lab_result", "lab_result", "biomarker", columns=(
        _c("result_id", "biomarker_id"), PID, TID, _c("specimen_id", "sample_id"),
        _c("marker_class", "biomarker_type"), _c("marker", "biomarker_name", True),
        _c("loinc", "biomarker_code"), _c("method", "technique"), _c("status", "status"),
        _c("detail", "result_detail"), _c("value_num", "value_numeric", kind="number"),
        _c("unit", "unit"), _d("result_date", "result_date"),
        _c("specimen_nature", "specimen_nature"))),
    SourceDecl("vital_sign", "vital_sign", "general_status", columns=(
        _c("sign_id", "general_status_id"), PID, _c("sign_type", "measure_type", True),
        _c("value_num", "value", True, kind="number"), _d("sign_date", "measure_date", True))),
    SourceDecl("observation_fact", "observation_fact", "observation", columns=(
        _c("fact_id", "observation_id"), PID, _c("variable", "observation_type", True),
        _c("vocabulary", "nomenclature", True), _d("fact_date", "observation_date", True),
        _c("value_text", "value", True), _c("attached_to", "attached_table"))),
    SourceDecl("measurement", "measurement", "measure", columns=(
        _c("measurement_id", "measure_id"), PID, _c("variable", "measure_type", True),
        _c("unit", "unit", True), _d("measurement_date", "measure_date", True),
        _c("value_num", "value", True, kind="number"), _c("attached_to", "attached_table"))),
)

SHAPE = Shape("postgres_warehouse", SOURCES, typed=True)

_PG_TYPES = {pa.string(): "text", pa.date32(): "date", pa.timestamp("s"): "timestamp",
             pa.float64(): "double precision", pa.int16(): "integer", pa.int32(): "integer",
             pa.int64(): "bigint", pa.bool_(): "boolean"}


def _conninfo(url: str) -> str:
    """A libpq URL from a SQLAlchemy one (``postgresql+psycopg://`` → ``postgresql://``)."""
    return re.sub(r"^postgres(ql)?(\+\w+)?://", "postgresql://", url)


class PostgresWriter:
    """Creates ``schema`` (dropping an existing one) and COPYs frames into its tables."""

    def __init__(self, url: str, schema: str) -> None:
        import psycopg
        from psycopg import sql

        self.sql, self.schema = sql, schema
        self.conn = psycopg.connect(_conninfo(url), autocommit=True, connect_timeout=10)
        ident = sql.Identifier(schema)
        self.conn.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(ident))
        self.conn.execute(sql.SQL("CREATE SCHEMA {}").format(ident))
        self.tables: dict[str, str] = {}
        self.rows: dict[str, int] = {}

    def write(self, source: SourceDecl, frame: pa.Table) -> None:
        sql = self.sql
        data = frame.select([c for c in frame.column_names if not c.startswith("_")])
        done = self.rows.get(source.name, 0)
        data = data.add_column(0, "row_id", pa.array(np.arange(done + 1, done + 1 + len(data))))
        self.rows[source.name] = done + len(data)
        target = sql.Identifier(self.schema, source.file)
        cols = sql.SQL(", ").join(sql.Identifier(n) for n in data.column_names)
        if source.name not in self.tables:
            defs = sql.SQL(", ").join(
                sql.SQL("{} {}").format(sql.Identifier(f.name), sql.SQL(_PG_TYPES[f.type]))
                for f in data.schema)
            self.conn.execute(sql.SQL("CREATE TABLE {} ({})").format(target, defs))
            self.tables[source.name] = f"{self.schema}.{source.file}"
        buf = io.BytesIO()
        pcsv.write_csv(data, buf, pcsv.WriteOptions(include_header=False, quoting_style="needed"))
        with self.conn.cursor() as cur, cur.copy(sql.SQL(
                "COPY {} ({}) FROM STDIN WITH (FORMAT csv)").format(target, cols)) as copy:
            copy.write(buf.getvalue())

    def close(self) -> dict[str, str]:
        """Source name -> ``schema.table``."""
        self.conn.close()
        return dict(self.tables)


def write_postgres_warehouse(site: Any, url: str, schema: str, seed: int | None = None,
                             faults: FaultRates = DEFAULT_RATES) -> dict[str, Any]:
    """Load ``site`` (a :class:`~oncorwd.synth.SiteSpec`, generated with ``seed``, or an
    already generated :class:`~oncorwd.synth.SyntheticSite`) into ``schema`` at ``url`` (replaced
    if present), with faults; returns the ground truth (the content of ``faults.json``)."""
    from oncorwd.synth.generate import SyntheticSite, iter_site_chunks
    from oncorwd.synth.raw.export import CHUNK_SIZE, export_chunks

    if isinstance(site, SyntheticSite):
        spec, seed_, chunks = site.spec, site.seed if seed is None else seed, [site.tables]
        return export_chunks(spec, seed_, chunks, "postgres_warehouse",
                             PostgresWriter(url, schema), faults)
    if not isinstance(site, SiteSpec):
        raise TypeError("site is a SiteSpec or a SyntheticSite")
    seed_ = 42 if seed is None else seed
    return export_chunks(site, seed_, iter_site_chunks(site, seed_, CHUNK_SIZE),
                         "postgres_warehouse",
                         PostgresWriter(url, schema), faults)
