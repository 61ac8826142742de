"""Run OHDSI Circe on an OMOP export: SQL from circepy (in its own env, by subprocess), executed
here on DuckDB or PostgreSQL, read back as OSIRIS patient ids.

circepy lives in ``tools/circe/.venv`` (``make circe-env``) because it pins ``sqlglot<30.18``;
``tools/circe/circe_sql.py`` turns the cohort expressions into SQL for a dialect. The cohort
table it fills (``<schema>.cohort``) is created here with the OHDSI results DDL columns;
``person_id`` goes back to the OSIRIS ``patient_id`` through ``PERSON.person_source_value``
(the export's documented mapping).
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
CIRCE_DIR = ROOT / "tools" / "circe"
CIRCE_PYTHON = CIRCE_DIR / ".venv" / "bin" / "python"
DEFINITIONS = Path(__file__).resolve().parent / "definitions"
#: Where Circe writes its cohort table (a schema of its own, beside the CDM tables).
RESULTS_SCHEMA = "circe_results"
COHORT_TABLE = "cohort"

_COHORT_DDL = ("CREATE TABLE IF NOT EXISTS {schema}.{table} (cohort_definition_id BIGINT NOT "
               "NULL, subject_id BIGINT NOT NULL, cohort_start_date DATE NOT NULL, "
               "cohort_end_date DATE NOT NULL)")
_PERSONS = ("SELECT DISTINCT p.person_source_value FROM {results}.{table} c JOIN {cdm}.person p "
            "ON p.person_id = c.subject_id WHERE c.cohort_definition_id = {cohort_id}")


@dataclass(frozen=True)
class Case:
    """One cross-check: the oncorwd definition and its Circe twin."""

    name: str
    oncorwd: Path
    circe: Path


def cases() -> list[Case]:
    """Every ``<name>.oncorwd.yaml`` of ``definitions/`` with its ``<name>.circe.json``."""
    out = []
    for y in sorted(DEFINITIONS.glob("*.oncorwd.yaml")):
        name = y.name.removesuffix(".oncorwd.yaml")
        out.append(Case(name, y, DEFINITIONS / f"{name}.circe.json"))
    return out


def circe_available() -> bool:
    return CIRCE_PYTHON.exists()


def circe_sql(files: Sequence[Path], dialect: str, *, cdm_schema: str,
              cohort_id: int = 1) -> dict[str, str]:
    """``{file stem: SQL}`` from circepy for ``dialect`` (one subprocess for all files)."""
    return _circe_sql(tuple(str(f) for f in files), dialect, cdm_schema, cohort_id)


@cache
def _circe_sql(files: tuple[str, ...], dialect: str, cdm_schema: str,
               cohort_id: int) -> dict[str, str]:
    cmd = [str(CIRCE_PYTHON), str(CIRCE_DIR / "circe_sql.py"), *files, "--json",
           "--dialect", dialect, "--cdm-schema", cdm_schema, "--vocabulary-schema", cdm_schema,
           "--target-schema", RESULTS_SCHEMA, "--target-table", COHORT_TABLE,
           "--cohort-id", str(cohort_id)]
    done = subprocess.run(cmd, capture_output=True, text=True, check=False, timeout=300)
    if done.returncode != 0:
        raise RuntimeError(f"circe_sql.py failed ({done.returncode}): {done.stderr}")
    return {Path(k).name.removesuffix(".circe.json"): v for k, v in json.loads(done.stdout).items()}


def run_duckdb(con: Any, sql: str, *, cdm_schema: str = "main", cohort_id: int = 1) -> set[str]:
    """Run Circe's DuckDB SQL on an open connection to the export; the selected patient ids."""
    con.execute(f"CREATE SCHEMA IF NOT EXISTS {RESULTS_SCHEMA}")
    con.execute(_COHORT_DDL.format(schema=RESULTS_SCHEMA, table=COHORT_TABLE))
    con.execute(sql)
    rows = con.execute(_PERSONS.format(results=RESULTS_SCHEMA, table=COHORT_TABLE,
                                       cdm=cdm_schema, cohort_id=cohort_id)).fetchall()
    return {r[0] for r in rows}


def run_postgres(conn: Any, sql: str, *, cdm_schema: str, cohort_id: int = 1) -> set[str]:
    """Run Circe's PostgreSQL SQL through a psycopg connection; the selected patient ids."""
    conn.execute(f"CREATE SCHEMA IF NOT EXISTS {RESULTS_SCHEMA}")
    conn.execute(_COHORT_DDL.format(schema=RESULTS_SCHEMA, table=COHORT_TABLE))
    conn.execute(sql)
    rows = conn.execute(_PERSONS.format(results=RESULTS_SCHEMA, table=COHORT_TABLE,
                                        cdm=cdm_schema, cohort_id=cohort_id)).fetchall()
    return {r[0] for r in rows}


def difference(ours: set[str], circe: set[str]) -> str:
    """A readable account of a person-level disagreement (empty when none)."""
    if ours == circe:
        return ""
    only_ours, only_circe = sorted(ours - circe), sorted(circe - ours)
    return (f"oncorwd {len(ours)} vs Circe {len(circe)} persons; only oncorwd "
            f"{len(only_ours)} {only_ours[:5]}; only Circe {len(only_circe)} {only_circe[:5]}")
