"""FINESS, the French register of health establishments (OSIRIS RWD item on the care provider).

Validation is by format only: nine characters, the first two being the département (digits, or
``2A``/``2B`` for Corsica), then seven digits. No list of establishments is shipped. Spreadsheets
drop the leading zero of départements 01-09, so an 8-digit number is padded back to 9.
"""

from __future__ import annotations

import re

from oncorwd.terminology._base import CodeSystem, squash

__all__ = ["Finess"]


class Finess(CodeSystem):
    """FINESS numbers (format check only: ``closed`` is ``False``)."""

    name = "finess"
    title = "FINESS (Fichier national des établissements sanitaires et sociaux)"
    pattern = re.compile(r"(?:\d{2}|2A|2B)\d{7}")
    example = "750000000"
    closed = False

    def normalize(self, code: str) -> str:
        text = squash(code)
        return f"0{text}" if len(text) == 8 and text.isdigit() else text
