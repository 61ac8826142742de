"""Partial dates: year/month/day parts with ``UN`` for unknown parts, and the derived date.

The imputation rule (also in :data:`oncorwd.dictionary.DATE_IMPUTATION` and the docs) puts a
partial date in the middle of its unknown span, which keeps the expected error of durations at
zero for uniformly distributed true dates: unknown day -> the 15th; unknown month -> 1 July;
unknown year -> no date. ``precision`` is ``D``, ``M`` or ``Y``. Analyses that use imputed dates
can say so by looking at the precision column.

Everything here is vectorised over Arrow arrays: loads are millions of rows.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

__all__ = ["UNKNOWN", "date_parts", "impute", "invalid_parts", "with_time"]

UNKNOWN = "UN"
_MONTHS = pa.array([f"{m:02d}" for m in range(1, 13)] + [UNKNOWN])
_DAYS = pa.array([f"{d:02d}" for d in range(1, 32)] + [UNKNOWN])


def _known(parts: pa.Array) -> pa.Array:
    """True where a month/day part is a number (not null, not ``UN``)."""
    return pc.and_(pc.is_valid(parts), pc.not_equal(pc.fill_null(parts, UNKNOWN), UNKNOWN))


def _as_int(parts: pa.Array, known: pa.Array, default: int) -> np.ndarray:
    filled = pc.if_else(known, parts, pa.scalar(f"{default:02d}"))
    return np.asarray(pc.cast(filled, pa.int32()).to_numpy(zero_copy_only=False))


def invalid_parts(year: pa.Array, month: pa.Array, day: pa.Array) -> pa.Array:
    """True where the parts cannot form a date (bad month/day text, day without month,
    month or day without year, or a calendar impossibility such as 31 February)."""
    bad_month = pc.and_(pc.is_valid(month), pc.invert(pc.is_in(month, _MONTHS)))
    bad_day = pc.and_(pc.is_valid(day), pc.invert(pc.is_in(day, _DAYS)))
    syntax = pc.or_(bad_month, bad_day)
    day_without_month = pc.and_(_known(day), pc.invert(_known(month)))
    parts_without_year = pc.and_(pc.is_null(year), pc.or_(_known(month), _known(day)))
    out = pc.or_(pc.or_(syntax, day_without_month), parts_without_year)
    ok = pc.and_(pc.invert(out), pc.and_(_known(month), _known(day)))
    ok = pc.and_(ok, pc.is_valid(year))
    y = np.asarray(pc.fill_null(year, 2000).to_numpy(zero_copy_only=False), dtype=np.int64)
    m = _as_int(month, pc.and_(_known(month), pc.invert(syntax)), 1)
    d = _as_int(day, pc.and_(_known(day), pc.invert(syntax)), 1)
    month_start = (y - 1970) * 12 + (m - 1)
    length = (
        (month_start + 1).astype("datetime64[M]").astype("datetime64[D]")
        - month_start.astype("datetime64[M]").astype("datetime64[D]")
    ).astype(np.int64)
    calendar = np.asarray(ok.to_numpy(zero_copy_only=False), dtype=bool) & (d > length)
    return pc.or_(out, pa.array(calendar))


def impute(year: pa.Array, month: pa.Array, day: pa.Array) -> tuple[pa.Array, pa.Array]:
    """Derived ``date32`` and precision (``D``/``M``/``Y``) from the parts.

    Rows whose parts are invalid (see :func:`invalid_parts`) get null; validation reports them.
    """
    bad = np.asarray(invalid_parts(year, month, day).to_numpy(zero_copy_only=False), dtype=bool)
    has_year = np.asarray(pc.is_valid(year).to_numpy(zero_copy_only=False), dtype=bool) & ~bad
    mk = np.asarray(_known(month).to_numpy(zero_copy_only=False), dtype=bool) & has_year
    dk = np.asarray(_known(day).to_numpy(zero_copy_only=False), dtype=bool) & mk
    y = np.asarray(pc.fill_null(year, 2000).to_numpy(zero_copy_only=False), dtype=np.int64)
    m = np.where(mk, _as_int(month, pa.array(mk), 7), 7)
    d = np.where(dk, _as_int(day, pa.array(dk), 15), np.where(mk, 15, 1))
    months = ((y - 1970) * 12 + (m - 1)).astype("datetime64[M]")
    days = months.astype("datetime64[D]") + (d - 1)
    derived = pa.array(days, type=pa.date32(), mask=~has_year)
    precision = np.where(dk, "D", np.where(mk, "M", "Y"))
    return derived, pa.array(precision, type=pa.string(), mask=~has_year)


def date_parts(values: pa.Array) -> tuple[pa.Array, pa.Array, pa.Array]:
    """Split full dates (or timestamps) into parts, for producers that only have full dates."""
    year = pc.cast(pc.year(values), pa.int16())
    month = pc.utf8_lpad(pc.cast(pc.month(values), pa.string()), 2, "0")
    day = pc.utf8_lpad(pc.cast(pc.day(values), pa.string()), 2, "0")
    return year, month, day


def with_time(dates: pa.Array, times: pa.Array) -> pa.Array:
    """Timestamps from derived dates and ``HH:MM`` times (a missing or malformed time counts as
    00:00): the derived value of a partial ``datetime`` item such as 15.1."""
    ok = pc.fill_null(pc.match_substring_regex(times, r"^([01]\d|2[0-3]):[0-5]\d$"), False)
    text = pc.binary_join_element_wise(
        pc.cast(dates, pa.string()), pc.if_else(ok, times, pa.scalar("00:00")), " "
    )
    return pc.strptime(text, format="%Y-%m-%d %H:%M", unit="us", error_is_null=True)
