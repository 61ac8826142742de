"""Benchmark: the cohort engine against OHDSI Circe's SQL for the same cohort, same data, same
DuckDB (issue 5: oncorwd ≥ 10× faster than the Circe SQL at 1 M patients).

The cohort is :data:`bench_cohort.DEFINITION` (10 criteria, 2 temporal) on the site store that
:func:`bench_cohort.generate` writes (store DDL, realistic identifiers and load order: see that
file). The OMOP side is the projection of those same rows into OMOP tables in a schema
``omop`` of the same DuckDB file, with the conventions of ``oncorwd.convert.omop`` (person_id =
rank of patient_id, objectors not exported, the index cancer as an ICD-O-3 condition — second
primaries are not exported, which only makes Circe's tables smaller —, TNM stage / M / PS as
measurements at the diagnosis date, smoking as a risk-factor observation, one Treatment Regimen
episode per line, one Disease Progression episode per progression, one drug exposure per
administration, an observation period spanning every fact), with the vocabulary rows (CONCEPT,
CONCEPT_ANCESTOR) built by the export's own ``vocabulary.resolve`` + ``vocabulary_tables``:
the concept ids are the export's. The Circe expression :data:`CIRCE` is the twin of the
definition; circepy turns it into DuckDB SQL in its own env (``tools/circe/.venv``, ``make
circe-env``).

Both sides run warm on one open store: oncorwd's compiled count query through
``Store.query`` (as a site node runs it), Circe's SQL script on the store's DuckDB connection,
followed by a ``count(DISTINCT subject_id)`` of its cohort table, each timed in its own block
after a warm-up (the load average is recorded for each). Both must select the same number of
persons.

``bench_cohort.py`` (``make bench``) runs this comparison itself at 1 M patients and writes
``results/cohort_circe.json`` from it; run alone, this file makes only the comparison:

    uv run python benchmarks/bench_cohort_circe.py [--sizes 1000000] [--repeat 10]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import duckdb
import orjson

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from bench_cohort import _ATC, _TOPO, DEFINITION, generate, report, timed  # noqa: E402

from oncorwd.cohort import compile_cohort, parse_definition  # noqa: E402
from oncorwd.convert.omop.vocabulary import resolve, vocabulary_tables  # noqa: E402
from oncorwd.store import open_store  # noqa: E402
from oncorwd.store.engines.duckdb import DuckDBStore  # noqa: E402

CIRCE_PYTHON = ROOT / "tools" / "circe" / ".venv" / "bin" / "python"
TARGET_RATIO = 10.0
MORPHOLOGY = "8000/3"  # the generated cancers carry a topography only: "Neoplasm, malignant"

#: (source vocabulary, code) of every concept the projection uses.
CODES = ([("ICDO3", f"{MORPHOLOGY}-{t}") for t in _TOPO] + [("ATC", a) for a in _ATC]
         + [("Modifier", f"TNM stage {s}") for s in ("I", "II", "III", "IV")]
         + [("Modifier", m) for m in ("cM0", "cM1")] + [("Measure", "PS")]
         + [("RiskFactor", "smoking")] + [("Value", v) for v in ("Y", "N", "UN")]
         + [("Episode", "Disease Progression"), ("Regimen", "Systemic therapy line")])


def _concept(cm: Any, vocab: str, code: str) -> int:
    return int(cm.rows[(vocab, code)][0])


def _concept_set(i: int, name: str, ids: list[int], descendants: bool) -> dict[str, Any]:
    return {"id": i, "name": name, "expression": {"items": [
        {"concept": {"CONCEPT_ID": c}, "includeDescendants": descendants, "isExcluded": False,
         "includeMapped": False} for c in ids]}}


def _rule(name: str, criteria: dict[str, Any], start: int | None, end: int | None,
          occurrence: tuple[int, int] = (2, 1)) -> dict[str, Any]:
    """An inclusion rule: ``occurrence`` (type 0 exactly / 2 at least, count) of ``criteria``
    starting from ``start`` to ``end`` days after the index (None = unbounded)."""
    def bound(days: int | None, open_coeff: int) -> dict[str, int]:
        if days is None:
            return {"Coeff": open_coeff}
        return {"Days": abs(days), "Coeff": -1 if days < 0 else 1}
    return {"name": name, "expression": {"Type": "ALL", "CriteriaList": [{
        "Criteria": criteria, "StartWindow": {"Start": bound(start, -1), "End": bound(end, 1)},
        "Occurrence": {"Type": occurrence[0], "Count": occurrence[1]}}],
        "DemographicCriteriaList": [], "Groups": []}}


def circe_expression(cm: Any) -> dict[str, Any]:
    """The Circe twin of :data:`DEFINITION` with the export's concept ids."""
    c = lambda v, k: _concept(cm, v, k)  # noqa: E731
    topo = [cid for cid, row in cm.concepts.items() if row.concept_class_id == "ICDO Topography"
            and row.concept_code in ("C34", "C50", "C18")]
    l01 = [cid for cid, row in cm.concepts.items() if row.concept_code == "L01"
           and row.domain_id == "Drug"]
    sets = [_concept_set(0, "lung, breast or colon (ICD-O-3 C34, C50, C18)", topo, True),
            _concept_set(1, "TNM stage III or IV", [c("Modifier", "TNM stage III"),
                                                    c("Modifier", "TNM stage IV")], False),
            _concept_set(2, "performance status", [c("Measure", "PS")], False),
            _concept_set(3, "M category", [c("Modifier", "cM0"), c("Modifier", "cM1")], False),
            _concept_set(4, "smoking", [c("RiskFactor", "smoking")], False),
            _concept_set(5, "line of systemic therapy",
                         [c("Regimen", "Systemic therapy line")], False),
            _concept_set(6, "antineoplastic agents (ATC L01)", l01, True),
            _concept_set(7, "disease progression", [c("Episode", "Disease Progression")], False)]
    answers = [{"CONCEPT_ID": c("Value", "Y")}, {"CONCEPT_ID": c("Value", "N")}]
    rules = [
        _rule("stage III-IV", {"Measurement": {"CodesetId": 1}}, 0, 0),
        _rule("PS 0-2", {"Measurement": {"CodesetId": 2,
                                         "ValueAsNumber": {"Value": 2, "Op": "lte"}}}, 0, 0),
        _rule("M status known", {"Measurement": {"CodesetId": 3}}, 0, 0),
        _rule("smoking status recorded", {"Observation": {"CodesetId": 4,
                                                          "ValueAsConcept": answers}}, None, None),
        _rule("at least one line", {"Episode": {"CodesetId": 5}}, None, None),
        _rule("antineoplastic within a year", {"DrugExposure": {"CodesetId": 6}}, 0, 365),
        _rule("no progression within 90 days", {"Episode": {"CodesetId": 7}}, 0, 90, (0, 0)),
    ]
    primary = {"ConditionOccurrence": {
        "CodesetId": 0, "Age": {"Value": 40, "Op": "bt", "Extent": 85},
        "OccurrenceStartDate": {"Value": "2010-01-01", "Op": "bt", "Extent": "2025-12-31"}}}
    return {"ConceptSets": sets, "PrimaryCriteria": {
                "CriteriaList": [primary], "ObservationWindow": {"PriorDays": 0, "PostDays": 0},
                "PrimaryCriteriaLimit": {"Type": "First"}},
            "QualifiedLimit": {"Type": "First"}, "ExpressionLimit": {"Type": "First"},
            "InclusionRules": rules, "CensoringCriteria": [],
            "CollapseSettings": {"CollapseType": "ERA", "EraPad": 0}}


def project_omop(con: duckdb.DuckDBPyConnection, cm: Any) -> None:
    """The OMOP tables of the store's rows (schema ``omop``), export conventions."""
    con.execute("CREATE SCHEMA IF NOT EXISTS omop")
    tables = vocabulary_tables(cm, "bench")
    for name in ("concept", "concept_ancestor"):
        con.register("_voc", tables[name])
        con.execute(f"CREATE OR REPLACE TABLE omop.{name} AS SELECT * FROM _voc")
        con.unregister("_voc")
    cmap = cm.cmap().select(["vocabulary", "code", "concept_id"])
    con.register("_cmap", cmap)
    con.execute("CREATE OR REPLACE TABLE omop.omop_cmap AS SELECT * FROM _cmap")
    con.unregister("_cmap")
    con.execute("CREATE OR REPLACE TEMP VIEW cv_index AS "
                "SELECT * FROM main.cohort_variables WHERE is_index_cancer")
    for sql in _PROJECTION:
        con.execute(sql.format(morph=MORPHOLOGY))
    con.execute("DROP TABLE omop.omop_cmap")
    con.execute("CHECKPOINT")


def _cid(vocab: str, code: str) -> str:
    return (f"(SELECT concept_id FROM omop.omop_cmap WHERE vocabulary = '{vocab}' "
            f"AND code = {code})")


_PROJECTION = [
    """CREATE OR REPLACE TABLE omop.person AS
       SELECT row_number() OVER (ORDER BY v.patient_id)::BIGINT AS person_id,
              CASE v.sex WHEN 'F' THEN 8532 ELSE 8507 END AS gender_concept_id,
              (year(v.diagnosis_date) - v.age_at_diagnosis)::INTEGER AS year_of_birth,
              v.patient_id AS person_source_value
       FROM cv_index v JOIN main.non_opposition o USING (patient_id)
       WHERE o.non_opposition <> 'N'""",
    """CREATE OR REPLACE TABLE omop.condition_occurrence AS
       SELECT row_number() OVER ()::BIGINT AS condition_occurrence_id, p.person_id,
              m.concept_id AS condition_concept_id, v.diagnosis_date AS condition_start_date,
              NULL::DATE AS condition_end_date, NULL::BIGINT AS visit_occurrence_id,
              32879 AS condition_type_concept_id
       FROM cv_index v JOIN omop.person p ON p.person_source_value = v.patient_id
       JOIN omop.omop_cmap m ON m.vocabulary = 'ICDO3' AND m.code = '{morph}-' || v.topography""",
    f"""CREATE OR REPLACE TABLE omop.measurement AS
       WITH m AS (
         SELECT p.person_id, {_cid('Modifier', "'TNM stage ' || v.stage_group")} AS c,
                v.diagnosis_date AS d, NULL::DOUBLE AS x
         FROM cv_index v JOIN omop.person p ON p.person_source_value = v.patient_id
         WHERE v.stage_group <> 'UK'
         UNION ALL
         SELECT p.person_id, {_cid('Modifier', "CASE WHEN v.metastatic_at_diagnosis "
                                                "THEN 'cM1' ELSE 'cM0' END")},
                v.diagnosis_date, NULL
         FROM cv_index v JOIN omop.person p ON p.person_source_value = v.patient_id
         WHERE v.metastatic_at_diagnosis IS NOT NULL
         UNION ALL
         SELECT p.person_id, {_cid('Measure', "'PS'")}, v.diagnosis_date, v.ps_at_diagnosis
         FROM cv_index v JOIN omop.person p ON p.person_source_value = v.patient_id
         WHERE v.ps_at_diagnosis IS NOT NULL)
       SELECT row_number() OVER ()::BIGINT AS measurement_id, person_id,
              c AS measurement_concept_id, d AS measurement_date, x AS value_as_number,
              NULL::INTEGER AS value_as_concept_id, NULL::INTEGER AS unit_concept_id,
              NULL::DOUBLE AS range_low, NULL::DOUBLE AS range_high,
              NULL::BIGINT AS visit_occurrence_id, NULL::INTEGER AS operator_concept_id,
              32817 AS measurement_type_concept_id
       FROM m ORDER BY c""",
    f"""CREATE OR REPLACE TABLE omop.observation AS
       SELECT row_number() OVER ()::BIGINT AS observation_id, p.person_id,
              {_cid('RiskFactor', "'smoking'")} AS observation_concept_id,
              v.diagnosis_date AS observation_date,
              {_cid('Value', 'v.smoking')} AS value_as_concept_id,
              NULL::DOUBLE AS value_as_number, NULL::VARCHAR AS value_as_string,
              NULL::INTEGER AS qualifier_concept_id, NULL::INTEGER AS unit_concept_id,
              NULL::BIGINT AS visit_occurrence_id, 32817 AS observation_type_concept_id
       FROM cv_index v JOIN omop.person p ON p.person_source_value = v.patient_id""",
    """CREATE OR REPLACE TABLE omop.drug_exposure AS
       SELECT row_number() OVER ()::BIGINT AS drug_exposure_id, p.person_id,
              m.concept_id AS drug_concept_id, a.administration_date AS drug_exposure_start_date,
              a.administration_date AS drug_exposure_end_date,
              NULL::DATE AS verbatim_end_date, NULL::INTEGER AS days_supply,
              NULL::INTEGER AS refills, NULL::DOUBLE AS quantity,
              NULL::INTEGER AS route_concept_id, NULL::BIGINT AS visit_occurrence_id,
              32817 AS drug_type_concept_id
       FROM main.drug_administration a JOIN omop.person p ON p.person_source_value = a.patient_id
       JOIN omop.omop_cmap m ON m.vocabulary = 'ATC' AND m.code = a.atc_code
       ORDER BY m.concept_id""",
    f"""CREATE OR REPLACE TABLE omop.episode AS
       WITH e AS (
         SELECT p.person_id, {_cid('Episode', "'Disease Progression'")} AS c,
                g.progression_date AS d, NULL::INTEGER AS n
         FROM main.progression g JOIN omop.person p ON p.person_source_value = g.patient_id
         WHERE g.progression = 'Y'
         UNION ALL
         SELECT p.person_id, {_cid('Regimen', "'Systemic therapy line'")},
                v.diagnosis_date + (30 * l.k)::INTEGER, l.k::INTEGER
         FROM cv_index v JOIN omop.person p ON p.person_source_value = v.patient_id,
              range(1, 21) l(k) WHERE l.k <= v.n_lines)
       SELECT row_number() OVER ()::BIGINT AS episode_id, person_id,
              c AS episode_concept_id, d AS episode_start_date, NULL::DATE AS episode_end_date,
              NULL::BIGINT AS episode_parent_id, n AS episode_number,
              0 AS episode_object_concept_id, 32817 AS episode_type_concept_id
       FROM e""",
    """CREATE OR REPLACE TABLE omop.observation_period AS
       WITH f AS (
         SELECT person_id, condition_start_date AS d FROM omop.condition_occurrence
         UNION ALL SELECT person_id, drug_exposure_start_date FROM omop.drug_exposure
         UNION ALL SELECT person_id, episode_start_date FROM omop.episode
         UNION ALL SELECT person_id, measurement_date FROM omop.measurement)
       SELECT person_id AS observation_period_id, person_id,
              min(d) AS observation_period_start_date, max(d) AS observation_period_end_date,
              32817 AS period_type_concept_id
       FROM f GROUP BY person_id""",
]


def circe_sql(expression: dict[str, Any], folder: Path) -> str:
    """circepy's DuckDB SQL for ``expression`` (subprocess into the circe env)."""
    path = folder / "bench.circe.json"
    path.write_text(json.dumps(expression))
    cmd = [str(CIRCE_PYTHON), str(ROOT / "tools" / "circe" / "circe_sql.py"), str(path),
           "--json", "--dialect", "duckdb", "--cdm-schema", "omop", "--vocabulary-schema",
           "omop", "--target-schema", "circe_results", "--target-table", "cohort",
           "--cohort-id", "1"]
    done = subprocess.run(cmd, capture_output=True, text=True, check=True, timeout=300)
    return str(json.loads(done.stdout)[str(path)])


def compare(path: Path, n: int, repeat: int, folder: Path) -> dict[str, Any]:
    """Project the store at ``path`` to OMOP, then time the compiled count query and the
    Circe SQL on the same open store (both warm, same DuckDB)."""
    cm = resolve(CODES)
    sql = circe_sql(circe_expression(cm), folder)
    start = time.perf_counter()
    con = duckdb.connect(str(path))
    project_omop(con, cm)
    con.execute("CREATE SCHEMA IF NOT EXISTS circe_results; CREATE OR REPLACE TABLE "
                "circe_results.cohort (cohort_definition_id BIGINT, subject_id BIGINT, "
                "cohort_start_date DATE, cohort_end_date DATE)")
    con.close()
    omop_s = time.perf_counter() - start
    ours_sql = compile_cohort(parse_definition(DEFINITION)).sql("duckdb", "count")
    store = open_store(f"duckdb://{path}")
    assert isinstance(store, DuckDBStore)

    def ours() -> int:
        return int(store.query(ours_sql).column("n")[0].as_py())

    def circe() -> int:
        store.con.execute(sql)
        row = store.con.execute("SELECT count(DISTINCT subject_id) FROM circe_results.cohort "
                                "WHERE cohort_definition_id = 1").fetchone()
        return int(row[0]) if row else 0

    try:
        # one block each, not interleaved: Circe's script (temp tables, 1–2 s) would leave
        # oncorwd's query cold, unlike a node answering queries
        figures = {**timed({"oncorwd": ours}, repeat),
                   **timed({"circe": circe}, max(3, repeat // 2))}
    finally:
        store.close()
    ratio = figures["circe"]["p50_ms"] / figures["oncorwd"]["p50_ms"]
    return {"patients": n, "omop_projection_seconds": round(omop_s, 1), **figures,
            "oncorwd_p50_ms": figures["oncorwd"]["p50_ms"],
            "circe_p50_ms": figures["circe"]["p50_ms"],
            "same_count": figures["oncorwd"]["count"] == figures["circe"]["count"],
            "ratio_circe_over_oncorwd_p50": round(ratio, 1),
            "target_ratio": TARGET_RATIO, "meets_target": ratio >= TARGET_RATIO,
            "circe_sql_statements": sql.count(";")}


def write_report(results: list[dict[str, Any]], ours_sql: str,
                 out: Path = HERE / "results" / "cohort_circe.json") -> None:
    data = {**report("cohort_circe", ours_sql, results), "circepy": "ohdsi-circepy 0.3.0",
            "target": f"oncorwd p50 at least {TARGET_RATIO:g}x faster than the Circe SQL"}
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(orjson.dumps(data, option=orjson.OPT_INDENT_2))
    print(f"wrote {out}")


def main() -> None:
    if Path(sys.argv[0]).name == "run.py":  # make bench: bench_cohort.py made the comparison
        print("cohort_circe: measured by bench_cohort.py (results/cohort_circe.json)")
        return
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000_000])
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--out", type=Path, default=HERE / "results" / "cohort_circe.json")
    args = parser.parse_args()
    if not CIRCE_PYTHON.exists():
        sys.exit("the circe env is missing: run `make circe-env`")
    results = []
    with tempfile.TemporaryDirectory(prefix="bench-circe-") as tmp:
        for n in args.sizes:
            path = Path(tmp) / f"bench_{n}.duckdb"
            start = time.perf_counter()
            generate(path, n)
            gen_s = time.perf_counter() - start
            results.append({**compare(path, n, args.repeat, Path(tmp)),
                            "generate_seconds": round(gen_s, 1)})
            print(results[-1], flush=True)
            path.unlink()
    ours_sql = compile_cohort(parse_definition(DEFINITION)).sql("duckdb", "count")
    write_report(results, ours_sql, args.out)


if __name__ == "__main__":
    main()
