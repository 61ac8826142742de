"""WHO ATC classification, oncology subset, versioned across the 2022 restructure of L01.

In 2022 WHO split L01XC (monoclonal antibodies) into L01F* and L01XE (protein kinase inhibitors)
into L01E*, and moved several L01XX substances to new classes (L01CE, L01XF-L01XL). Prescription
exports older than that, or never updated, still carry the old codes. Here old codes stay valid
(``status`` ``retired``), :func:`current` gives the 1:1 replacement, and ``is_a`` matches across the
restructure in both directions: ``is_a("L01XC18", "L01F*")`` and ``is_a("L01FF02", "L01XC")`` are
both true. Classes that were split (L01XC, L01XE) have no single replacement.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from oncorwd.terminology._base import CodeSystem, Concept, squash

__all__ = ["Atc", "current", "current_many", "is_antineoplastic", "previous_codes"]

_PARENT_LENGTH = {7: 5, 5: 4, 4: 3, 3: 1}


class Atc(CodeSystem):
    """ATC codes of levels 1-5 (``L``, ``L01``, ``L01F``, ``L01FF``, ``L01FF02``)."""

    name = "atc"
    title = "WHO ATC classification"
    pattern = re.compile(r"[A-Z](?:\d{2}(?:[A-Z](?:[A-Z](?:\d{2})?)?)?)?")
    example = "L01FF02"
    data_file = "atc.csv"

    def __init__(self) -> None:
        super().__init__()
        self._previous: dict[str, tuple[str, ...]] | None = None

    def normalize(self, code: str) -> str:
        return squash(code)

    def parent(self, code: str) -> str | None:
        length = _PARENT_LENGTH.get(len(code))
        return None if length is None else code[:length]

    def _equivalents(self, norm: str) -> tuple[str, ...]:
        now = self.current(norm)
        return tuple(dict.fromkeys((norm, now, *self.previous_codes(now))))

    def current(self, code: str) -> str:
        """The current code of a retired code with a 1:1 replacement; any other code unchanged."""
        norm = self.normalize(code)
        concept = self.concepts.get(norm)
        if concept is None:
            return norm
        return concept.attributes.get("replaced_by") or norm

    def previous_codes(self, code: str) -> tuple[str, ...]:
        """Retired codes whose replacement is ``code`` (usually zero or one)."""
        if self._previous is None:
            index: dict[str, list[str]] = {}
            for concept in self.concepts.values():
                new = concept.attributes.get("replaced_by")
                if new:
                    index.setdefault(new, []).append(concept.code)
            self._previous = {new: tuple(sorted(old)) for new, old in index.items()}
        return self._previous.get(self.normalize(code), ())

    def is_antineoplastic(self, code: str) -> bool:
        """Whether the code is flagged antineoplastic (L01, L02, and the IMiDs, BCG, aldesleukin...
        of L03/L04); supportive care (antiemetics, G-CSF, bisphosphonates) is not."""
        concept = self.concepts.get(self.current(code))
        return concept is not None and concept.attributes.get("antineoplastic") == "1"

    def add_concepts(self, concepts: Iterable[Concept], *, replace: bool = False) -> int:
        self._previous = None
        return super().add_concepts(concepts, replace=replace)


def _system() -> Atc:
    from oncorwd.terminology.registry import get_code_system

    system = get_code_system("atc")
    assert isinstance(system, Atc)
    return system


def current(code: str) -> str:
    """``current("L01XC18")`` → ``"L01FF02"``; a current or unknown code comes back normalised."""
    return _system().current(code)


def current_many(values: object) -> object:
    """:func:`current` over a column (pyarrow string array out, nulls kept)."""
    system = _system()
    return system.map_many(values, system.current)


def previous_codes(code: str) -> tuple[str, ...]:
    """Retired codes replaced by ``code``: ``previous_codes("L01FF02")`` → ``("L01XC18",)``."""
    return _system().previous_codes(code)


def is_antineoplastic(code: str) -> bool:
    """Whether ``code`` (old or new) is an antineoplastic agent in the shipped list."""
    return _system().is_antineoplastic(code)
