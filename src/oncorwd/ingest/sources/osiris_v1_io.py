"""Reading OSIRIS v1.1.05 pivot files, and the declarations the migration is driven by.

The pivot files are what OSIRIS v1 centres exported: one CSV per object class, the header of
``osiris_v1_data/pivot_files.yaml``, UTF-8 (or Windows-1252 from spreadsheets), ``,`` (or ``;``)
separated. Exports carry comment lines and blank lines left by the people who wrote them; this
module keeps every non-blank line as a :class:`PivotRow` (with its 1-based data-row number) so the
migration accounts for it, and counts blank lines apart.

The value maps (``value_maps.csv``), the biomarker codes (``biomarker_codes.csv``) and the rules
of ``pivot_files.yaml`` are loaded once into :class:`Declarations`: the migration modules read
codes through them, never through if-chains.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from oncorwd.errors import ConfigError

__all__ = [
    "DATA_DIR",
    "BiomarkerCode",
    "Declarations",
    "FileSpec",
    "MapEntry",
    "PartialDate",
    "PivotFile",
    "PivotRow",
    "ValueMaps",
    "load_declarations",
    "parse_date",
    "read_pivot_folder",
]

DATA_DIR = Path(__file__).parent / "osiris_v1_data"
_SEPARATORS = (",", ";", "\t", "|")


@dataclass(frozen=True, slots=True)
class PartialDate:
    """A date with possibly unknown month/day (``"UN"``), as OSIRIS RWD stores it."""

    year: int
    month: str
    day: str

    def earliest(self) -> dt.date:
        """First day the date can be (unknown parts at their minimum)."""
        month = 1 if self.month == "UN" else int(self.month)
        return dt.date(self.year, month, 1 if self.day == "UN" else int(self.day))


@dataclass(frozen=True, slots=True)
class PivotRow:
    """One non-blank data line of a pivot file; ``number`` is 1-based after the header."""

    file: str
    number: int
    cells: Mapping[str, str]
    extra: tuple[str, ...] = ()

    def __getitem__(self, column: str) -> str:
        return self.cells.get(column, "")

    @property
    def patient_id(self) -> str:
        return self["Patient_Id"]

    @property
    def instance(self) -> str:
        return self["Instance_Id"]

    @property
    def key(self) -> tuple[str, int]:
        return (self.file, self.number)


@dataclass
class PivotFile:
    """One of the 18 pivot files: its rows, or none when the export lacks it."""

    name: str
    path: Path | None
    rows: list[PivotRow] = field(default_factory=list)
    blank_rows: int = 0
    problems: list[tuple[str | None, str, str]] = field(default_factory=list)  # column, rule, msg


@dataclass(frozen=True, slots=True)
class FileSpec:
    """A pivot file as declared in ``pivot_files.yaml``."""

    name: str
    columns: tuple[str, ...]
    optional: frozenset[str]
    not_migrated: Mapping[str, str]
    unique: str | None

    @property
    def content_columns(self) -> tuple[str, ...]:
        """Columns whose emptiness means the row says nothing (identifiers and refs excluded)."""
        return tuple(c for c in self.columns if c not in ("Patient_Id", "Instance_Id")
                     and not c.endswith(("_Ref", "_ParentRef")))


@dataclass(frozen=True, slots=True)
class MapEntry:
    """One row of ``value_maps.csv``: a v1 code and its OSIRIS RWD value (``None``: no value)."""

    domain: str
    code: str
    label: str
    rwd: str | None
    rule: str
    note: str


@dataclass(frozen=True, slots=True)
class BiomarkerCode:
    """One row of ``biomarker_codes.csv``."""

    code: str
    label: str
    target: str
    name: str
    note: str


def _keys(code: str, label: str, aliases: str) -> Iterator[str]:
    yield code.casefold()
    if ":" in code:
        yield code.split(":", 1)[1].casefold()
    if label:
        yield label.casefold()
    for alias in aliases.split("|"):
        if alias.strip():
            yield alias.strip().casefold()


def _lookup_keys(text: str) -> tuple[str, ...]:
    text = " ".join(text.split()).casefold()
    return (text, text.split(":", 1)[1]) if ":" in text else (text,)


class ValueMaps:
    """``value_maps.csv`` indexed by domain, then by code, bare code, label and aliases."""

    def __init__(self, rows: list[dict[str, str]]) -> None:
        self._index: dict[str, dict[str, MapEntry]] = {}
        self.conflicts: list[tuple[str, str]] = []
        for row in rows:
            entry = MapEntry(row["domain"], row["v1_code"], row["v1_label"],
                             row["rwd"] or None, row["rule"], row["note"])
            index = self._index.setdefault(entry.domain, {})
            for key in _keys(entry.code, entry.label, row["aliases"]):
                if key in index and index[key].rwd != entry.rwd:
                    self.conflicts.append((entry.domain, key))
                index.setdefault(key, entry)

    def lookup(self, domain: str, text: str) -> MapEntry | None:
        index = self._index.get(domain, {})
        return next((index[k] for k in _lookup_keys(text) if k in index), None)

    def domains(self) -> list[str]:
        return sorted(self._index)


@dataclass(frozen=True)
class Declarations:
    """Everything ``osiris_v1_data/`` declares, loaded and checked once."""

    config: Mapping[str, Any]
    files: Mapping[str, FileSpec]
    maps: ValueMaps
    biomarker_codes: Mapping[str, BiomarkerCode]
    date_patterns: tuple[re.Pattern[str], ...]
    patient_id_pattern: re.Pattern[str]
    unknown_codes: frozenset[str]

    @property
    def defaults(self) -> Mapping[str, str]:
        return self.config["defaults"]

    def biomarker_code(self, text: str) -> BiomarkerCode | None:
        return next((self.biomarker_codes[k] for k in _lookup_keys(text)
                     if k in self.biomarker_codes), None)

    def is_unknown(self, text: str) -> bool:
        """An explicit "unknown" / "not applicable" code of the v1 conventions."""
        return text.strip().casefold() in self.unknown_codes


def _read_data_csv(name: str) -> list[dict[str, str]]:
    text = (DATA_DIR / name).read_text("utf-8")
    lines = [line for line in text.splitlines() if line and not line.startswith("#")]
    return [{k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(lines)]


@cache
def load_declarations() -> Declarations:
    """The parsed ``osiris_v1_data/`` (cached: the files ship with the package)."""
    config = yaml.safe_load((DATA_DIR / "pivot_files.yaml").read_text("utf-8"))
    files = {}
    for name, spec in config["files"].items():
        columns = tuple(spec["columns"])
        reasons = {c: r for c, r in (spec.get("not_migrated") or {}).items() if c in columns}
        files[name] = FileSpec(name, columns, frozenset(spec.get("optional", ())), reasons,
                               spec.get("unique"))
    codes: dict[str, BiomarkerCode] = {}
    for row in _read_data_csv("biomarker_codes.csv"):
        entry = BiomarkerCode(row["v1_code"], row["v1_label"], row["target"], row["name"],
                              row["note"])
        for key in _keys(entry.code, entry.label, ""):
            codes.setdefault(key, entry)
    return Declarations(
        config=config,
        files=files,
        maps=ValueMaps(_read_data_csv("value_maps.csv")),
        biomarker_codes=codes,
        date_patterns=tuple(re.compile(p) for p in config["date_patterns"]),
        patient_id_pattern=re.compile(config["patient_id_pattern"]),
        unknown_codes=frozenset(c.casefold() for c in config["defaults"]["unknown_codes"]),
    )


def parse_date(text: str, decl: Declarations, today: dt.date) -> PartialDate:
    """Parse a pivot date; raises ``ValueError`` saying why it is not one."""
    match = next((m for p in decl.date_patterns if (m := p.fullmatch(text.strip()))), None)
    if match is None:
        raise ValueError("not a date (the conventions ask for YYYY-MM-DD)")
    parts = match.groupdict()
    month = parts.get("m") or "UN"
    day = parts.get("d") or "UN"
    month, day = ("UN" if month == "00" else month), ("UN" if day == "00" else day)
    year = int(parts["y"])
    if month == "UN" and day != "UN":
        raise ValueError("a day without a month")
    if year < int(decl.config["earliest_year"]):
        raise ValueError(f"year {year} before {decl.config['earliest_year']}")
    if month != "UN" and not 1 <= int(month) <= 12:
        raise ValueError(f"no month {month}")
    if day != "UN":
        try:
            dt.date(year, int(month), int(day))
        except ValueError:
            raise ValueError(f"no day {day} in {year}-{month}") from None
    value = PartialDate(year, month, day)
    if value.earliest() > today:
        raise ValueError(f"after today ({today.isoformat()})")
    return value


def _decode(raw: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return raw.decode("latin-1")


def _find(folder: Path, name: str) -> Path | None:
    wanted = {f"osiris_pivot_{name}".casefold(), name.casefold()}
    found = sorted(p for p in folder.iterdir()
                   if p.suffix.casefold() == ".csv" and p.stem.casefold() in wanted)
    return found[0] if found else None


def _read_file(spec: FileSpec, path: Path) -> PivotFile:
    text = _decode(path.read_bytes())
    first = text.split("\n", 1)[0]
    sep = max(_SEPARATORS, key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep)
    out = PivotFile(spec.name, path)
    header = [h.strip().lstrip("\ufeff") for h in next(reader, [])]
    canonical = {c.casefold(): c for c in spec.columns}
    names = [canonical.get(h.casefold()) for h in header]
    for h, n in zip(header, names, strict=True):
        if n is None and h:
            out.problems.append((h, "unknown_column", f"{h!r} is not an OSIRIS v1.1.05 "
                                 f"{spec.name} column; its values are not migrated"))
    for c in spec.columns:
        if c not in names and c not in spec.optional:
            out.problems.append((c, "missing_column", f"{c} is missing; read as empty"))
    for number, cells in enumerate(reader, start=1):
        values = [c.strip() for c in cells]
        if not any(values):
            out.blank_rows += 1
            continue
        row = {n: v for n, v in zip(names, values, strict=False) if n is not None}
        extra = tuple(v for v in values[len(names):] if v)
        out.rows.append(PivotRow(spec.name, number, row, extra))
    return out


def read_pivot_folder(folder: Path, decl: Declarations) -> tuple[dict[str, PivotFile], list[str]]:
    """Every declared pivot file of ``folder`` (absent ones empty), and the unexpected CSVs.

    Raises :class:`ConfigError` when the folder does not exist or holds no pivot file at all.
    """
    if not folder.is_dir():
        raise ConfigError(f"OSIRIS v1 folder {folder} not found",
                          hint="point `path:` of the osiris_v1 source at the pivot files' folder")
    files: dict[str, PivotFile] = {}
    used: set[Path] = set()
    for name, spec in decl.files.items():
        path = _find(folder, name)
        files[name] = PivotFile(name, None) if path is None else _read_file(spec, path)
        if path is not None:
            used.add(path)
    if not used:
        raise ConfigError(f"no OSIRIS v1 pivot file in {folder}",
                          hint="expected files such as OSIRIS_pivot_Patient.csv")
    others = sorted(p.name for p in folder.iterdir()
                    if p.suffix.casefold() == ".csv" and p not in used)
    return files, others
