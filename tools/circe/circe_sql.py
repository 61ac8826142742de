"""OHDSI Circe cohort expressions (JSON) → the SQL ``ohdsi-circepy`` generates, per dialect.

Runs in the separate test-only environment ``tools/circe/.venv`` (``make circe-env``): circepy
pins ``sqlglot<30.18`` and pulls Ibis, so it never enters oncorwd's own environment. oncorwd's
tests call this script in a subprocess and run the SQL themselves on the OMOP export.

Only circepy's SQL generation is used (``build_cohort_query``, the port of CirceR's
``buildCohortQuery``) followed by its SqlRender port (``render`` for the ``@parameters``, then
``translate`` from OHDSI SQL to the target dialect). Its Ibis execution path (``build_cohort``)
is not used: it wants ``duckdb<2``.

Placeholders: circepy emits ``@cdm_database_schema``, ``@vocabulary_database_schema``,
``@target_database_schema``, ``@target_cohort_table``, ``@target_cohort_id`` and
``@results_database_schema``; each option given below fills one, the others stay in the SQL for
the caller (SqlRender's ``translate`` leaves ``@names`` alone).

::

    tools/circe/.venv/bin/python tools/circe/circe_sql.py DEF.json [DEF2.json …]
        [--dialect duckdb|postgresql|sql server|…] [--cdm-schema main] [--vocabulary-schema main]
        [--target-schema main] [--target-table cohort] [--cohort-id 1]
        [--out DIR | --json]

Default output: the SQL of each file on stdout (a ``-- file`` header before each). ``--out DIR``
writes ``DIR/<stem>.<dialect>.sql``; ``--json`` prints ``{"<path>": "<sql>", …}`` (what the
tests read). Exit status 2 with a message on stderr for an invalid expression.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from circe.api import build_cohort_query, cohort_expression_from_json
from circe.cohortdefinition.cohort_expression_query_builder import BuildExpressionQueryOptions
from circe.sqlrender import get_supported_dialects, render, translate

#: Command-line option → SqlRender parameter it fills.
PLACEHOLDERS = {
    "cdm_schema": "cdm_database_schema",
    "vocabulary_schema": "vocabulary_database_schema",
    "target_schema": "target_database_schema",
    "target_table": "target_cohort_table",
    "cohort_id": "target_cohort_id",
    "results_schema": "results_database_schema",
}
#: A fixed SqlRender session id, so the temp-table names (and the SQL) are reproducible.
SESSION_ID = "oncorwd1"


def ohdsi_sql(expression_json: str) -> str:
    """circepy's OHDSI SQL (SQL Server flavour with ``@placeholders``), stats tables off."""
    expression = cohort_expression_from_json(expression_json)
    options = BuildExpressionQueryOptions()
    options.generate_stats = False
    return build_cohort_query(expression, options)


def dialect_sql(expression_json: str, dialect: str, params: dict[str, str]) -> str:
    """The SQL for ``dialect`` with the given placeholders filled, the others left."""
    sql = render(ohdsi_sql(expression_json), **params) if params else ohdsi_sql(expression_json)
    if dialect == "sql server":
        return sql
    return translate(sql, dialect, session_id=SESSION_ID)


def _params(args: argparse.Namespace) -> dict[str, str]:
    return {param: str(getattr(args, opt)) for opt, param in PLACEHOLDERS.items()
            if getattr(args, opt) is not None}


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("files", nargs="+", type=Path, help="Circe cohort expression JSON files")
    parser.add_argument("--dialect", default="duckdb", choices=get_supported_dialects())
    parser.add_argument("--cdm-schema")
    parser.add_argument("--vocabulary-schema")
    parser.add_argument("--target-schema")
    parser.add_argument("--target-table")
    parser.add_argument("--cohort-id", type=int)
    parser.add_argument("--results-schema")
    out = parser.add_mutually_exclusive_group()
    out.add_argument("--out", type=Path, help="write DIR/<stem>.<dialect>.sql")
    out.add_argument("--json", action="store_true", help="print {path: sql} as JSON")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    params = _params(args)
    sqls: dict[str, str] = {}
    for path in args.files:
        try:
            sqls[str(path)] = dialect_sql(path.read_text(encoding="utf-8"), args.dialect, params)
        except Exception as e:  # circepy raises pydantic / ValueError / RuntimeError
            print(f"circe_sql: {path}: {type(e).__name__}: {e}", file=sys.stderr)
            return 2
    if args.json:
        json.dump(sqls, sys.stdout)
    elif args.out:
        args.out.mkdir(parents=True, exist_ok=True)
        tag = args.dialect.replace(" ", "_")
        for path, sql in sqls.items():
            (args.out / f"{Path(path).stem}.{tag}.sql").write_text(sql, encoding="utf-8")
    else:
        for path, sql in sqls.items():
            sys.stdout.write(f"-- {path}\n{sql}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
