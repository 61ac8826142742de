"""Constants and PostgreSQL helpers of the raw-export tests."""

from __future__ import annotations

from support import pg_base_url

SEED = 20260630
N_PATIENTS = 1200


def pg_url() -> str:
    return pg_base_url()


def pg_reachable() -> str | None:
    """None when the server answers, else why not."""
    import psycopg

    try:
        psycopg.connect(pg_url(), connect_timeout=3).close()
    except psycopg.OperationalError as e:
        return str(e)
    return None


def drop_schema(schema: str) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(pg_url(), autocommit=True, connect_timeout=5) as conn:
        conn.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(schema)))
