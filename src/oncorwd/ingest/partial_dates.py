"""Source date text → OSIRIS RWD partial-date parts (year, month, day with ``UN``), vectorised.

A field's ``formats`` are strptime-like patterns tried **in order** on the values no earlier
format parsed. Each pattern becomes an anchored RE2 expression run by ``pyarrow.compute``
(no Python loop over rows). Directives: ``%Y`` (4 digits), ``%y`` (2 digits: 00 to the current
year's two digits → 20xx, else 19xx), ``%m``, ``%d`` (1 or 2 digits, or ``UN``), ``%H``,
``%M``, ``%S``, ``%f`` (ignored) and ``%%``; anything else is literal. A pattern without ``%d``
gives day ``UN``, without ``%m`` month and day ``UN``. Day or month ``00``/``UN`` means unknown.
A year ``0000`` means the whole date is unknown (the date is empty, not an error). A match with
month 13 or day 32 is no match (a later format may fit: ``%m/%d/%Y`` after ``%d/%m/%Y``).
Calendar impossibilities (31 February) are left to the dictionary's ``date_parts`` rule.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import cache

import pyarrow as pa
import pyarrow.compute as pc

from oncorwd.errors import ConfigError

__all__ = ["DEFAULT_FORMATS", "ParsedDates", "compile_format", "parse_dates"]

#: Formats tried when a date field gives none: ISO, French, compact, partial.
DEFAULT_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%Y%m%d", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S",
                   "%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%Y-%m-%d %H:%M", "%m/%Y", "%Y-%m",
                   "%Y")

_DIRECTIVES = {
    "Y": r"(?P<Y>\d{4})", "y": r"(?P<y>\d{2})", "m": r"(?P<m>\d{1,2}|[Uu][Nn])",
    "d": r"(?P<d>\d{1,2}|[Uu][Nn])", "H": r"(?P<H>\d{1,2})", "M": r"(?P<M>\d{2})",
    "S": r"(?P<S>\d{2})", "f": r"\d+",
}
_MONTHS = pa.array([f"{m:02d}" for m in range(1, 13)] + ["UN"])
_DAYS = pa.array([f"{d:02d}" for d in range(1, 32)] + ["UN"])
_UNKNOWN = pa.scalar("UN")


@dataclass
class ParsedDates:
    """Parts per value (null where empty, unknown or unparsed) and the unparsed mask."""

    year: pa.Array
    month: pa.Array
    day: pa.Array
    time: pa.Array
    unparsed: pa.Array


@cache
def compile_format(fmt: str) -> tuple[str, frozenset[str]]:
    """The anchored RE2 pattern of a format and the directives it uses."""
    out, used, i = ["^"], set(), 0
    while i < len(fmt):
        ch = fmt[i]
        if ch != "%":
            out.append(re.escape(ch))
            i += 1
            continue
        code = fmt[i + 1] if i + 1 < len(fmt) else ""
        if code == "%":
            out.append("%")
        elif code in _DIRECTIVES:
            if code in used and code != "f":
                raise ConfigError(f"date format {fmt!r} uses %{code} twice")
            out.append(_DIRECTIVES[code])
            used.add(code)
        else:
            raise ConfigError(f"date format {fmt!r}: %{code} is not supported",
                              hint="use %Y %y %m %d %H %M %S (e.g. '%d/%m/%Y', '%m/%Y', '%Y')")
        i += 2
    if not used & {"Y", "y"}:
        raise ConfigError(f"date format {fmt!r} has no year (%Y or %y)")
    return "".join([*out, "$"]), frozenset(used)


def _two(part: pa.Array) -> pa.Array:
    """``3`` → ``03``, ``00``/``0``/``un`` → ``UN``."""
    upper = pc.utf8_upper(part)
    zero = pc.equal(pc.utf8_ltrim(upper, characters="0"), "")
    return pc.if_else(zero, _UNKNOWN, pc.utf8_lpad(upper, 2, "0"))


def _year(match: pa.StructArray, used: frozenset[str]) -> pa.Array:
    if "Y" in used:
        return pc.struct_field(match, "Y")
    yy = pc.struct_field(match, "y")
    pivot = dt.date.today().year % 100
    century = pc.if_else(pc.less_equal(pc.cast(yy, pa.int32()), pivot), "20", "19")
    return pc.binary_join_element_wise(century, yy, "")


def _time(match: pa.StructArray, used: frozenset[str], n: int) -> pa.Array:
    if "H" not in used:
        return pa.nulls(n, pa.string())
    minutes = pc.struct_field(match, "M") if "M" in used else pa.array(["00"] * n)
    hours = pc.utf8_lpad(pc.struct_field(match, "H"), 2, "0")
    return pc.binary_join_element_wise(hours, minutes, ":")


def _try(values: pa.Array, fmt: str) -> tuple[pa.Array, ParsedDates]:
    """Rows this format parses (mask) and their parts."""
    pattern, used = compile_format(fmt)
    match = pc.extract_regex(values, pattern)
    n = len(values)
    month = _two(pc.struct_field(match, "m")) if "m" in used else pa.array(["UN"] * n)
    day = _two(pc.struct_field(match, "d")) if "d" in used else pa.array(["UN"] * n)
    ok = pc.and_(pc.and_(pc.is_valid(match), pc.is_in(month, _MONTHS)), pc.is_in(day, _DAYS))
    ok = pc.fill_null(ok, False)
    year = _year(match, used)
    no_year = pc.equal(year, "0000")
    year = pc.if_else(no_year, pa.scalar(None, pa.string()), year)
    month = pc.if_else(no_year, pa.scalar(None, pa.string()), month)
    day = pc.if_else(no_year, pa.scalar(None, pa.string()), day)
    return ok, ParsedDates(year, month, day, _time(match, used, n), ok)


def parse_dates(values: pa.Array, formats: tuple[str, ...] | None) -> ParsedDates:
    """Parts of every value; ``unparsed`` is True where a non-empty value fit no format."""
    n = len(values)
    empty = pa.nulls(n, pa.string())
    out = ParsedDates(empty, empty, empty, empty, unparsed=pa.nulls(n, pa.bool_()))
    remaining = pc.is_valid(values)
    for fmt in formats or DEFAULT_FORMATS:
        if not pc.any(remaining).as_py():
            break
        ok, parsed = _try(pc.if_else(remaining, values, pa.scalar(None, pa.string())), fmt)
        ok = pc.and_(ok, remaining)
        for name in ("year", "month", "day", "time"):
            setattr(out, name, pc.if_else(ok, getattr(parsed, name), getattr(out, name)))
        remaining = pc.and_(remaining, pc.invert(ok))
    out.unparsed = remaining
    return out
