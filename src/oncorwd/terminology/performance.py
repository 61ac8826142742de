"""Performance status: converting a Karnofsky index to the ECOG/WHO scale OSIRIS RWD stores.

OSIRIS RWD item 10.2 records the performance status on the Zubrod/ECOG/WHO scale (0-4). When
physicians wrote a Karnofsky index (IK), the implementation guide asks to convert it with its
correspondence table ("table de correspondance entre PS et IK"), reproduced exactly here:

====  =================
ECOG  Karnofsky index
====  =================
0     100
1     80-90
2     60-70
3     40-50
4     10-30
5     0
====  =================
"""

from __future__ import annotations

from oncorwd.errors import TerminologyError

__all__ = ["KARNOFSKY_TO_ECOG", "ecog_to_karnofsky_range", "karnofsky_to_ecog"]

#: The guide's table, Karnofsky value → ECOG grade (ECOG 5 is death).
KARNOFSKY_TO_ECOG: dict[int, int] = {
    100: 0,
    90: 1,
    80: 1,
    70: 2,
    60: 2,
    50: 3,
    40: 3,
    30: 4,
    20: 4,
    10: 4,
    0: 5,
}


def karnofsky_to_ecog(karnofsky: int | str) -> int:
    """ECOG grade of a Karnofsky index (``80`` or ``"80%"`` → 1).

    Only the multiples of ten of the Karnofsky scale appear in the guide's table; anything else
    raises :class:`TerminologyError` rather than guessing.
    """
    text = str(karnofsky).strip().rstrip("%").strip()
    value = int(text) if text.isdigit() else None
    if value is None or value not in KARNOFSKY_TO_ECOG:
        raise TerminologyError(
            f"{karnofsky!r} is not a Karnofsky index",
            hint="expected a multiple of 10 from 0 to 100",
            value=karnofsky,
        )
    return KARNOFSKY_TO_ECOG[value]


def ecog_to_karnofsky_range(ecog: int) -> tuple[int, int]:
    """The Karnofsky values (lowest, highest) that correspond to an ECOG grade in the table."""
    values = [k for k, grade in KARNOFSKY_TO_ECOG.items() if grade == ecog]
    if not values:
        raise TerminologyError(f"{ecog!r} is not an ECOG grade", hint="expected 0 to 5", value=ecog)
    return min(values), max(values)
