"""Text helpers shared by the rule components: folding, clauses and numbers.

Rules are written against *folded* text: lower case, accents stripped, one character for one
character, so a match in the folded text has the same offsets in the original. ``œ`` is kept (it
would need two characters); patterns spell it ``(?:œ|oe)``.
"""

from __future__ import annotations

import re

__all__ = ["fold", "format_number", "parse_number", "split_clauses"]

_FROM = "ABCDEFGHIJKLMNOPQRSTUVWXYZÀÁÂÃÄÅÇÈÉÊËÌÍÎÏÑÒÓÔÕÖÙÚÛÜÝŒàáâãäåçèéêëìíîïñòóôõöùúûüýÿ’"
_TO = "abcdefghijklmnopqrstuvwxyzaaaaaaceeeeiiiinooooouuuuyœaaaaaaceeeeiiiinooooouuuuyy'"
_TABLE = str.maketrans(_FROM, _TO)

_CLAUSE_BREAK = re.compile(r"[,;]|\bmais\b|\bpuis\b")


def fold(text: str) -> str:
    """Lower-case, accent-free copy of ``text`` with exactly the same length and offsets."""
    return text.translate(_TABLE)


def split_clauses(text: str, offset: int = 0) -> list[tuple[int, int]]:
    """(start, end) of the clauses of ``text`` (split on ``,``, ``;``, *mais*, *puis*)."""
    bounds, start = [], 0
    for match in _CLAUSE_BREAK.finditer(text):
        bounds.append((offset + start, offset + match.start()))
        start = match.end()
    bounds.append((offset + start, offset + len(text)))
    return bounds


def parse_number(text: str) -> float:
    """``"12,5"`` → 12.5 (French decimal comma accepted)."""
    return float(text.replace(",", ".").replace(" ", ""))


def format_number(value: float) -> str:
    """The canonical spelling used in facts: ``90``, ``12.5`` (no trailing zeros)."""
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.3f}".rstrip("0").rstrip(".")
