"""What every code system does, once; each system only declares its differences.

A subclass states its name, the CSV it ships, the regular expression of a well-formed (normalised)
code, how raw text is normalised, and — for hierarchical systems — the parent of a code. Everything
else (validation, labels, ``is_a`` with prefixes and ranges, children, vectorised validation over
millions of rows) lives here so that every terminology answers the same questions the same way.

Contract shared by all systems:

* ``normalize`` is syntactic and never raises: it returns the canonical spelling of a code
  (``c504`` → ``C50.4``) or the cleaned text when it cannot recognise one.
* ``validate`` is ``True`` when the normalised code is well formed and known (or, for open systems
  such as FINESS, merely well formed). Abstract grouping concepts (ICD-O-3 headings) are not valid
  values. ``strict=True`` also requires the input to be spelled canonically already.
* Lookups of unknown codes return ``None``; only misuse (an unknown language, a malformed range
  pattern) raises :class:`~oncorwd.errors.TerminologyError`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, ClassVar

import numpy as np

from oncorwd.errors import TerminologyError
from oncorwd.terminology import _vector
from oncorwd.terminology._files import read_package_csv

__all__ = ["LANGUAGES", "CodeSystem", "Concept", "squash"]

LANGUAGES = ("en", "fr")
_CORE_COLUMNS = frozenset({"code", "label_en", "label_fr", "abstract"})
_EMPTY: Mapping[str, str] = MappingProxyType({})


@dataclass(frozen=True, slots=True)
class Concept:
    """One code with its labels; ``attributes`` holds the system's extra columns (kind, group…)."""

    code: str
    label_en: str | None = None
    label_fr: str | None = None
    abstract: bool = False
    attributes: Mapping[str, str] = field(default_factory=lambda: _EMPTY)

    def label(self, lang: str = "en") -> str | None:
        """The label in ``lang``, falling back to the other language when that one is missing."""
        first, second = (
            (self.label_en, self.label_fr) if lang == "en" else (self.label_fr, self.label_en)
        )
        return first or second


def squash(code: object) -> str:
    """Text of ``code`` without any whitespace, upper-cased: the start of most normalisations."""
    return "".join(str(code).split()).upper()


def check_language(lang: str) -> None:
    """Refuse a language oncorwd has no labels for, rather than silently answering in English."""
    if lang not in LANGUAGES:
        raise TerminologyError(f"unknown label language {lang!r}", hint=f"use one of {LANGUAGES}")


class CodeSystem:
    """Base of every terminology; see the module docstring for the shared contract."""

    name: ClassVar[str]
    title: ClassVar[str]
    pattern: ClassVar[re.Pattern[str]]
    example: ClassVar[str]
    data_file: ClassVar[str | None] = None
    closed: ClassVar[bool] = True
    local: ClassVar[bool] = False

    def __init__(self) -> None:
        self._concepts: dict[str, Concept] | None = None
        self._valid: frozenset[str] | None = None
        self._children: dict[str, list[str]] | None = None

    def __repr__(self) -> str:
        return f"<CodeSystem {self.name}: {len(self.concepts)} concepts>"

    # -- content ---------------------------------------------------------------------------------

    @property
    def concepts(self) -> Mapping[str, Concept]:
        """Every known concept by normalised code (shipped list plus user-loaded files)."""
        if self._concepts is None:
            self._concepts = {c.code: c for c in self._builtin_concepts()}
        return self._concepts

    def _builtin_concepts(self) -> list[Concept]:
        if self.data_file is None:
            return []
        return [self._concept_from_row(row) for row in read_package_csv(self.data_file)]

    def _concept_from_row(self, row: Mapping[str, str]) -> Concept:
        extra = {key: value for key, value in row.items() if key not in _CORE_COLUMNS}
        return Concept(
            code=row["code"],
            label_en=row.get("label_en") or None,
            label_fr=row.get("label_fr") or None,
            abstract=row.get("abstract") == "1",
            attributes=MappingProxyType(extra) if extra else _EMPTY,
        )

    def add_concepts(self, concepts: Iterable[Concept], *, replace: bool = False) -> int:
        """Extend (or, with ``replace``, swap) the concepts for this process; returns the count.

        A code already known keeps its shipped labels and attributes unless the new concept
        provides them, so loading a French-only export does not erase the English labels.
        """
        new = {concept.code: concept for concept in concepts}
        merged: dict[str, Concept] = {} if replace else dict(self.concepts)
        for code, concept in new.items():
            merged[code] = _merge(merged.get(code), concept)
        self._concepts = merged
        self._valid = None
        self._children = None
        return len(new)

    def codes(self, *, include_abstract: bool = False) -> list[str]:
        """Known codes, sorted; grouping (abstract) concepts only when asked."""
        return sorted(c.code for c in self.concepts.values() if include_abstract or not c.abstract)

    def __len__(self) -> int:
        return len(self.concepts)

    def __contains__(self, code: object) -> bool:
        return isinstance(code, str) and self.validate(code)

    # -- single codes ------------------------------------------------------------------------------

    def normalize(self, code: str) -> str:
        """Canonical spelling of ``code`` (default: no whitespace, upper case)."""
        return squash(code)

    def is_well_formed(self, code: str) -> bool:
        """Whether ``code`` normalises to the system's syntax, known or not."""
        return self.pattern.fullmatch(self.normalize(code)) is not None

    def validate(self, code: object, *, strict: bool = False) -> bool:
        """Whether ``code`` is a valid value of this system (see the module contract)."""
        text = _vector.as_text(code)
        if text is None:
            return False
        norm = self.normalize(text)
        if strict and norm != text:
            return False
        return self._is_valid_normalized(norm)

    def _is_valid_normalized(self, norm: str) -> bool:
        if self.pattern.fullmatch(norm) is None:
            return False
        return not self.closed or norm in self._valid_codes()

    def _valid_codes(self) -> frozenset[str]:
        if self._valid is None:
            self._valid = frozenset(c.code for c in self.concepts.values() if not c.abstract)
        return self._valid

    def concept(self, code: str) -> Concept | None:
        """The concept of ``code`` after normalisation, or ``None`` when unknown."""
        return self.concepts.get(self.normalize(code))

    def label(self, code: str, lang: str = "en") -> str | None:
        """Label of ``code`` in ``lang`` (``'en'`` or ``'fr'``, falling back to the other one)."""
        check_language(lang)
        concept = self.concept(code)
        return None if concept is None else concept.label(lang)

    # -- hierarchy ---------------------------------------------------------------------------------

    def parent(self, code: str) -> str | None:
        """Direct parent of a normalised code; flat systems have none."""
        return None

    def ancestors(self, code: str) -> list[str]:
        """Parents of ``code`` from the nearest to the root."""
        found: list[str] = []
        current = self.parent(self.normalize(code))
        while current is not None:
            found.append(current)
            current = self.parent(current)
        return found

    def children(self, code: str) -> list[str]:
        """Known codes whose parent is ``code`` (sorted); empty for leaves and flat systems."""
        if self._children is None:
            index: dict[str, list[str]] = {}
            for known in sorted(self.concepts):
                parent = self.parent(known)
                if parent is not None:
                    index.setdefault(parent, []).append(known)
            self._children = index
        return list(self._children.get(self.normalize(code), ()))

    def is_a(self, code: str, ancestor: str) -> bool:
        """Whether ``code`` falls under ``ancestor``.

        ``ancestor`` is a code (itself or any ancestor matches), a prefix pattern ending in ``*``
        (``C34*``, ``L01E*``), a range of same-length codes (``C00-C14``, ``9650-9667``) or a
        system-specific form such as ``group:3`` for the IARC groups of ICD-O-3.
        """
        pattern = ancestor.strip()
        return any(
            self._matches(candidate, pattern)
            for candidate in self._equivalents(self.normalize(code))
        )

    def _equivalents(self, norm: str) -> tuple[str, ...]:
        """Codes standing for the same thing (ATC codes across the 2022 restructure)."""
        return (norm,)

    def _match_special(self, norm: str, pattern: str) -> bool | None:
        """Hook for system-specific patterns; ``None`` means "not mine"."""
        return None

    def _matches(self, norm: str, pattern: str) -> bool:
        special = self._match_special(norm, pattern)
        if special is not None:
            return special
        if pattern.endswith("*"):
            prefix = self._compact(self.normalize(pattern[:-1])) if pattern[:-1] else ""
            return self._compact(norm).startswith(prefix)
        target = self.normalize(pattern)
        if target == norm or target in self.ancestors(norm):
            return True
        return self._in_range(norm, pattern)

    def _compact(self, norm: str) -> str:
        """Code without separators, so that prefixes compare across ``C34`` and ``C34.1``."""
        return norm.replace(".", "")

    def _in_range(self, norm: str, pattern: str) -> bool:
        if "-" not in pattern or self.is_well_formed(pattern):
            return False
        low, _, high = pattern.partition("-")
        lo, hi = self._compact(self.normalize(low)), self._compact(self.normalize(high))
        if not lo or len(lo) != len(hi) or lo > hi:
            raise TerminologyError(
                f"malformed {self.name} range {pattern!r}",
                hint="write two codes of the same length, lowest first, like C00-C14",
                system=self.name,
                value=pattern,
            )
        return lo <= self._compact(norm)[: len(lo)] <= hi

    # -- many codes at once ------------------------------------------------------------------

    def validate_many(self, values: Any, *, strict: bool = False) -> np.ndarray:
        """Boolean array, one entry per value (nulls are ``False``), same answers as ``validate``.

        Works on pyarrow arrays, numpy arrays, pandas series and sequences; each distinct value is
        checked once, so millions of rows with a few thousand distinct codes cost little.
        """
        return _vector.map_unique_bool(values, lambda text: self.validate(text, strict=strict))

    def normalize_many(self, values: Any) -> Any:
        """``normalize`` applied to every value; returns a pyarrow string array (nulls kept)."""
        return _vector.map_unique_text(values, self.normalize)

    def map_many(self, values: Any, function: Callable[[str], str | None]) -> Any:
        """Apply ``function`` once per distinct value; returns a pyarrow string array."""
        return _vector.map_unique_text(values, function)


def _merge(old: Concept | None, new: Concept) -> Concept:
    if old is None:
        return new
    attributes = {**old.attributes, **new.attributes}
    return Concept(
        code=new.code,
        label_en=new.label_en or old.label_en,
        label_fr=new.label_fr or old.label_fr,
        abstract=old.abstract,
        attributes=MappingProxyType(attributes) if attributes else _EMPTY,
    )
