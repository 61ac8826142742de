"""Partial dates from source text: formats in order, UN/00 unknown parts, unparsed values."""

from __future__ import annotations

import pyarrow as pa
import pytest
from hypothesis import given
from hypothesis import strategies as st

from oncorwd.errors import ConfigError
from oncorwd.ingest.partial_dates import compile_format, parse_dates

FORMATS = ("%d/%m/%Y", "%m/%Y", "%Y")


def _parts(values: list[str | None], formats: tuple[str, ...] | None = FORMATS) -> list[tuple]:
    p = parse_dates(pa.array(values, pa.string()), formats)
    return list(zip(p.year.to_pylist(), p.month.to_pylist(), p.day.to_pylist(),
                    p.unparsed.to_pylist(), strict=True))


def test_formats_are_tried_in_order_with_unknown_parts() -> None:
    assert _parts(["12/03/2020", "UN/05/1961", "00/00/1980", "05/2010", "1972", "3/4/2001",
                   "un/un/1999"]) == [
        ("2020", "03", "12", False), ("1961", "05", "UN", False), ("1980", "UN", "UN", False),
        ("2010", "05", "UN", False), ("1972", "UN", "UN", False), ("2001", "04", "03", False),
        ("1999", "UN", "UN", False)]


def test_unparsed_empty_and_unknown_year() -> None:
    assert _parts(["xx/yy", None, "00/00/0000", "2020-01-02"]) == [
        (None, None, None, True), (None, None, None, False), (None, None, None, False),
        (None, None, None, True)]


def test_impossible_month_falls_through_to_the_next_format() -> None:
    assert _parts(["12/25/2020"], ("%d/%m/%Y", "%m/%d/%Y")) == [("2020", "12", "25", False)]


def test_two_digit_years_and_times() -> None:
    p = parse_dates(pa.array(["25/12/99", "01/02/03 10:30"]), ("%d/%m/%y", "%d/%m/%y %H:%M"))
    assert p.year.to_pylist() == ["1999", "2003"]
    assert p.time.to_pylist() == [None, "10:30"]


def test_default_formats_read_iso_french_and_compact() -> None:
    assert _parts(["2021-03-04", "04/03/2021", "20210304", "2021-03-04T10:00:00"], None) == [
        ("2021", "03", "04", False)] * 4


def test_bad_formats_are_config_errors() -> None:
    with pytest.raises(ConfigError, match="%b is not supported"):
        compile_format("%d %b %Y")
    with pytest.raises(ConfigError, match="no year"):
        compile_format("%d/%m")


@given(st.dates(min_value=__import__("datetime").date(1900, 1, 1)))
def test_any_real_date_round_trips(date: object) -> None:
    text = date.strftime("%d/%m/%Y")  # type: ignore[attr-defined]
    assert _parts([text]) == [(f"{date.year:04d}", f"{date.month:02d}",  # type: ignore[attr-defined]
                               f"{date.day:02d}", False)]  # type: ignore[attr-defined]


@given(st.text(max_size=20))
def test_any_text_is_parsed_or_flagged(text: str) -> None:
    year, _, _, unparsed = _parts([text])[0]
    assert unparsed or year is None or len(year) == 4
