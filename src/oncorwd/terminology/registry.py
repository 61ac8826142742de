"""The registry of code systems by name, and loading the full terminologies a site is licensed for.

``get_code_system("icdo3_topography")`` returns the one shared instance of that system for this
process. oncorwd ships curated subsets; a site holding a licence for a full terminology (ICD-O-3,
CCAM, an OMOP Athena ``CONCEPT.csv``...) extends or replaces a subset with
:func:`load_code_system_file`, or once for all by setting ``ONCORWD_TERMINOLOGY_DIR``: every
``<system name>.csv`` found there (columns ``code`` and optionally ``label``/``label_en`` and
``label_fr``) is loaded automatically the first time that system is used.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Mapping
from pathlib import Path

from oncorwd.errors import TerminologyError
from oncorwd.terminology import atc, ccam, dicom, finess, icd10, icdo3, loinc, snomed, tnm
from oncorwd.terminology._base import CodeSystem, Concept
from oncorwd.terminology._files import TableFile, read_header, read_table

__all__ = [
    "TERMINOLOGY_DIR_ENV",
    "code_system_names",
    "get_code_system",
    "load_code_system_file",
    "register_code_system",
    "reset_code_systems",
]

#: Environment variable naming a directory of ``<system name>.csv`` files loaded on first use.
TERMINOLOGY_DIR_ENV = "ONCORWD_TERMINOLOGY_DIR"

_FACTORIES: dict[str, Callable[[], CodeSystem]] = {
    "icdo3_topography": icdo3.IcdO3Topography,
    "icdo3_morphology": icdo3.IcdO3Morphology,
    "icd10": icd10.Icd10,
    "atc": atc.Atc,
    "ccam": ccam.Ccam,
    "loinc": loinc.Loinc,
    "oncorwd_technique": loinc.OncorwdTechnique,
    "biomarker": loinc.BiomarkerName,
    "tnm_t": tnm.TnmT,
    "tnm_n": tnm.TnmN,
    "tnm_m": tnm.TnmM,
    "dicom_modality": dicom.DicomModality,
    "snomed_oncology": snomed.SnomedOncology,
    "finess": finess.Finess,
}
_INSTANCES: dict[str, CodeSystem] = {}
_LOCK = threading.RLock()


def code_system_names() -> list[str]:
    """Names accepted by :func:`get_code_system`, sorted."""
    return sorted(_FACTORIES)


def register_code_system(name: str, factory: Callable[[], CodeSystem]) -> None:
    """Make an additional (for example site-local) code system available under ``name``."""
    with _LOCK:
        _FACTORIES[name] = factory
        _INSTANCES.pop(name, None)


def get_code_system(name: str) -> CodeSystem:
    """The shared instance of the code system called ``name``.

    Raises :class:`TerminologyError` listing the known names when ``name`` is unknown.
    """
    key = name.strip().lower() if isinstance(name, str) else name
    with _LOCK:
        system = _INSTANCES.get(key)
        if system is not None:
            return system
        factory = _FACTORIES.get(key)
        if factory is None:
            raise TerminologyError(
                f"unknown code system {name!r}",
                hint=f"known code systems: {', '.join(code_system_names())}",
                system=name,
                known=code_system_names(),
            )
        system = factory()
        _INSTANCES[key] = system
        try:
            _load_from_directory(key)
        except Exception:
            del _INSTANCES[key]
            raise
        return system


def reset_code_systems() -> None:
    """Forget every instance, and so every user-loaded file (the next use reloads)."""
    with _LOCK:
        _INSTANCES.clear()


def load_code_system_file(
    name: str,
    path: str | os.PathLike[str],
    *,
    code_column: str = "code",
    label_column: str | None = "label",
    label_fr_column: str | None = None,
    sep: str = ",",
    where: Mapping[str, str] | None = None,
    replace: bool = False,
    encoding: str = "utf-8-sig",
    quoting: bool = True,
) -> int:
    """Load a full terminology export into the code system ``name`` for this process.

    Every selected row must hold a well-formed code of that system; otherwise the load stops
    with a :class:`TerminologyError` naming the file, the line and the expected format, and the
    system is left unchanged. ``label_column`` holds English labels and ``label_fr_column``
    French ones (either may be ``None``). ``where`` keeps only rows whose columns equal the given
    values, e.g. ``{"vocabulary_id": "ICDO3", "concept_class_id": "ICDO Histology"}`` for an
    Athena ``CONCEPT.csv`` (``sep="\\t"``, ``quoting=False``). With ``replace`` the file
    becomes the whole list; by default it extends the shipped one. Returns the number of codes.
    """
    system = get_code_system(name)
    table = TableFile(Path(path), sep, encoding, quoting, dict(where or {}))
    columns = [column for column in (code_column, label_column, label_fr_column) if column]
    concepts = [
        _concept_from_row(
            system, table, row.line, row.values, code_column, label_column, label_fr_column
        )
        for row in read_table(table, columns)
    ]
    with _LOCK:
        return system.add_concepts(concepts, replace=replace)


def _concept_from_row(
    system: CodeSystem,
    table: TableFile,
    line: int,
    values: Mapping[str, str],
    code_column: str,
    label_column: str | None,
    label_fr_column: str | None,
) -> Concept:
    raw = values[code_column].strip()
    code = system.normalize(raw)
    if system.pattern.fullmatch(code) is None:
        raise TerminologyError(
            f"{table.path}, line {line}: {raw!r} in column {code_column!r} is not a "
            f"{system.name} code; expected a code like {system.example}",
            hint="fix the line, or select other rows with where=...",
            file=str(table.path),
            line=line,
            column=code_column,
            value=raw,
            system=system.name,
        )
    label_en = values[label_column].strip() if label_column else ""
    label_fr = values[label_fr_column].strip() if label_fr_column else ""
    return Concept(code, label_en or None, label_fr or None)


def _load_from_directory(name: str) -> None:
    directory = os.environ.get(TERMINOLOGY_DIR_ENV)
    if not directory:
        return
    path = Path(directory) / f"{name}.csv"
    if not path.is_file():
        return
    header, _ = read_header(TableFile(path))
    english = next((column for column in ("label", "label_en") if column in header), None)
    french = "label_fr" if "label_fr" in header else None
    load_code_system_file(name, path, label_column=english, label_fr_column=french)
