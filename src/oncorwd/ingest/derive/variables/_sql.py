"""SQL fragments shared by the cohort-variable categories.

Every fragment is built from dictionary names and constants of the code (checked by
:func:`~oncorwd.ingest.derive.context.lit`), never from data, so the generated SQL is safe and
reviewable. A category's SQL reads the working tables of the earlier steps and returns one row per
row of ``dv_cv_base`` (the cancers that get a cohort row).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from oncorwd.ingest.derive.context import lit
from oncorwd.ingest.derive.params import DeriveParams

__all__ = [
    "BASE",
    "FAR",
    "VariableEnv",
    "any_positive",
    "closest_status",
    "date_lit",
    "flag",
    "in_list",
    "prefixes",
]

#: The cancers that get a cohort row (objecting patients removed), with their cancer columns.
BASE = "dv_cv_base"
#: A day distance larger than any real one, so rows with an unknown distance sort last.
FAR = 10_000_000


@dataclass(frozen=True)
class VariableEnv:
    """What a category's SQL may depend on besides the working tables."""

    params: DeriveParams = field(default_factory=DeriveParams)
    reference_date: dt.date = field(default_factory=dt.date.today)
    biomarker_name: bool = False


def date_lit(value: dt.date) -> str:
    return f"DATE '{value.isoformat()}'"


def in_list(col: str, values: Iterable[str]) -> str:
    return f"{col} IN ({', '.join(lit(v) for v in values)})"


def prefixes(col: str, codes: Iterable[str]) -> str:
    """``col`` starts with one of ``codes`` (``(col LIKE 'E10%' OR ...)``)."""
    return "(" + " OR ".join(f"{col} LIKE {lit(c + '%')}" for c in codes) + ")"


def flag(condition: str) -> str:
    """TRUE if some row of the group meets ``condition``, FALSE otherwise (also with no row)."""
    return f"coalesce(bool_or({condition}), FALSE)"


def any_positive(status: str) -> str:
    """The "any-positive" reduction of biomarker statuses (POSITIVE > NEGATIVE >
    NON_CONTRIBUTIVE > MISSING); an unstated status counts as MISSING."""
    return (f"CASE WHEN bool_or({status} = 'POSITIVE') THEN 'POSITIVE' "
            f"WHEN bool_or({status} = 'NEGATIVE') THEN 'NEGATIVE' "
            f"WHEN bool_or({status} = 'NON_CONTRIBUTIVE') THEN 'NON_CONTRIBUTIVE' "
            f"ELSE 'MISSING' END")


def closest_status(status: str, day: str, target: str) -> str:
    """The contributive status (POSITIVE/NEGATIVE) of the row whose ``day`` is closest to
    ``target`` (ties: POSITIVE); NON_CONTRIBUTIVE if no row is contributive but one is that,
    else MISSING. An aggregate: use it grouped by cancer."""
    key = (f"{{'d': coalesce(abs({day} - {target}), {FAR}), "
           f"'p': {status} IS DISTINCT FROM 'POSITIVE'}}")
    return (f"coalesce(arg_min({status}, {key}) FILTER (WHERE {status} IN "
            f"('POSITIVE', 'NEGATIVE')), CASE WHEN bool_or({status} = 'NON_CONTRIBUTIVE') "
            f"THEN 'NON_CONTRIBUTIVE' ELSE 'MISSING' END)")
