"""Partial dates: imputation rule, precision, invalid parts."""

from __future__ import annotations

import calendar
import datetime as dt

import pyarrow as pa
from hypothesis import given
from hypothesis import strategies as st

from oncorwd.dictionary.dates import date_parts, impute, invalid_parts


def _one(y: int | None, m: str | None, d: str | None) -> tuple[dt.date | None, str | None]:
    derived, precision = impute(pa.array([y], pa.int16()), pa.array([m], pa.string()),
                                pa.array([d], pa.string()))
    return derived[0].as_py(), precision[0].as_py()


def test_imputation_rule() -> None:
    assert _one(2021, "03", "09") == (dt.date(2021, 3, 9), "D")
    assert _one(2021, "03", "UN") == (dt.date(2021, 3, 15), "M")
    assert _one(2021, "UN", "UN") == (dt.date(2021, 7, 1), "Y")
    assert _one(2021, None, None) == (dt.date(2021, 7, 1), "Y")
    assert _one(None, None, None) == (None, None)


def test_invalid_parts_are_flagged_and_not_imputed() -> None:
    cases = [(2021, "02", "29"), (2021, "13", "01"), (2021, "UN", "05"), (None, "03", "01"),
             (2021, "3", "01"), (2021, "04", "31")]
    y = pa.array([c[0] for c in cases], pa.int16())
    m = pa.array([c[1] for c in cases])
    d = pa.array([c[2] for c in cases])
    assert invalid_parts(y, m, d).to_pylist() == [True] * len(cases)
    assert impute(y, m, d)[0].null_count == len(cases)
    assert _one(2020, "02", "29") == (dt.date(2020, 2, 29), "D")


@given(st.integers(1900, 2030), st.integers(1, 12), st.integers(1, 31),
       st.sampled_from(["D", "M", "Y"]))
def test_imputed_date_lies_in_the_possible_span(y: int, m: int, d: int, known: str) -> None:
    d = min(d, calendar.monthrange(y, m)[1])
    month = f"{m:02d}" if known in "DM" else "UN"
    day = f"{d:02d}" if known == "D" else "UN"
    derived, precision = _one(y, month, day)
    assert precision == known
    assert derived is not None
    if known == "D":
        assert derived == dt.date(y, m, d)
    elif known == "M":
        assert (derived.year, derived.month) == (y, m)
    else:
        assert derived.year == y


def test_date_parts_round_trip() -> None:
    values = pa.array([dt.date(1999, 12, 31), None, dt.date(2024, 2, 29)])
    y, m, d = date_parts(values)
    assert impute(y, m, d)[0].to_pylist() == values.to_pylist()
