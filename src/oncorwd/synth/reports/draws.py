"""Per-report random choices from a pre-drawn row of uniforms, and French date spelling.

:func:`oncorwd.synth.reports.generate_reports` draws every uniform number with numpy in one call
(one row per report); a report's text only consumes its own row through a :class:`Draws`
cursor, so report *i* depends only on (seed, *i*) and the first reports of a larger run are the
same reports.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import NamedTuple, TypeVar

__all__ = ["MONTHS", "Draws", "SpelledDate", "spell_date"]

T = TypeVar("T")

MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
          "octobre", "novembre", "décembre")


class Draws:
    """A cursor over one report's uniforms (wraps around, shifted, if a report needs more)."""

    __slots__ = ("_i", "_row")

    def __init__(self, row: list[float]) -> None:
        self._row = row
        self._i = 0

    def u(self) -> float:
        n = len(self._row)
        value = self._row[self._i % n]
        if self._i >= n:  # second pass: shift so values do not repeat in step
            value = (value + 0.618033988749895 * (self._i // n)) % 1.0
        self._i += 1
        return value

    def chance(self, p: float) -> bool:
        return self.u() < p

    def pick(self, items: Sequence[T]) -> T:
        return items[min(int(self.u() * len(items)), len(items) - 1)]

    def weighted(self, items: Sequence[tuple[T, float]]) -> T:
        total = sum(w for _, w in items)
        x, acc = self.u() * total, 0.0
        for item, weight in items:
            acc += weight
            if x < acc:
                return item
        return items[-1][0]

    def integer(self, low: int, high: int) -> int:
        """A whole number in [low, high]."""
        return low + min(int(self.u() * (high - low + 1)), high - low)

    def sample(self, items: Sequence[T], k: int) -> list[T]:
        pool, out = list(items), []
        for _ in range(min(k, len(pool))):
            out.append(pool.pop(min(int(self.u() * len(pool)), len(pool) - 1)))
        return out


class SpelledDate(NamedTuple):
    """A date as written: ``text``, its OSIRIS value ``iso`` (``UN`` parts), and the
    prepositions that go with its precision (*le 12/03/2021* / *en mars 2021*)."""

    text: str
    iso: str
    le: str
    du: str


def spell_date(date: dt.date, draws: Draws, *, precise: bool = False) -> SpelledDate:
    """``date`` spelled in a random French style.

    ``precise`` keeps the day (header dates); otherwise month-only and year-only spellings occur.
    """
    styles = ["numeric", "long", "dotted"] + ([] if precise else ["month", "month", "year"])
    style = draws.pick(styles)
    day, month = f"{date.day:02d}", f"{date.month:02d}"
    if style == "numeric":
        return SpelledDate(f"{day}/{month}/{date.year}", date.isoformat(), "le", "du")
    if style == "dotted":
        return SpelledDate(f"{day}.{month}.{date.year}", date.isoformat(), "le", "du")
    if style == "long":
        text = f"{date.day} {MONTHS[date.month - 1]} {date.year}"
        return SpelledDate(text, date.isoformat(), "le", "du")
    if style == "month":
        return SpelledDate(f"{MONTHS[date.month - 1]} {date.year}", f"{date.year}-{month}-UN",
                           "en", "de")
    return SpelledDate(f"{date.year}", f"{date.year}-UN-UN", "en", "de")
