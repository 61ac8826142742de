"""Mapping specifications: how a hospital's exports become OSIRIS RWD tables.

A spec is a YAML file, validated by :class:`MappingSpec` (its JSON Schema is published as
``schema/mapping.schema.json``). It names the **sources** (file globs, Excel sheets, SQL queries
on any SQLAlchemy URL, OSIRIS v1 pivot folders), the **value maps** from local codes to standard
ones, and for each OSIRIS RWD **table** where its rows come from and how each field is computed
from source columns. Paths are relative to the spec file. Example::

    version: 1
    site: {site_id: "750010423", name: clcc-paris-01, source_system: "DPI export"}
    sources:
      patients: {format: csv, path: "exports/patients_*.csv", sep: ";", encoding: auto}
      chemo: {format: xlsx, path: exports/chimio.xlsx, sheet: Administrations}
      stays: {format: sql, url: "postgresql://etl@127.0.0.1/dwh", query: "SELECT * FROM pmsi.rum"}
    value_maps:
      sex: {values: {"1": M, "2": F}}
      local_drugs: {file: maps/drugs.csv, from: code_local, to: atc}
    tables:
      patient:
        from: patients
        fields:
          patient_id: {column: NUM_PAT}
          birth_date: {column: DATE_NAISS, formats: ["%d/%m/%Y", "%m/%Y", "%Y"]}
          sex: {column: SEXE, map: sex}
          facility_finess: {value: "750010423"}
      drug_administration:
        from: chemo
        where: {column: STATUT, in: [ADMINISTRE]}
        fields:
          drug_administration_id: {template: "{NUM_PAT}-{DATE_ADM}-{CODE}"}
          atc_code: {column: CODE, map: local_drugs, transcode: atc_current}

Field rules (exactly one of ``column``, ``value``, ``template``; the rest transform a column):

- ``column``: the source column; ``default`` fills empty cells;
- ``value``: a constant; ``template``: a string with ``{COLUMN}`` placeholders;
- ``map``: a value map name; ``transcode``: a built-in terminology transcoder
  (:data:`TRANSCODERS`); ``upper``/``strip``; ``regex``: keep the first group;
- numbers: ``decimal`` (``","`` for French exports), ``multiply`` (unit conversion);
- dates (partial-date fields): ``formats`` (strptime formats tried in order; a format without
  ``%d`` gives day ``UN``, without ``%m`` month ``UN``; ``00`` and ``UN`` parts are unknown).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from oncorwd.errors import ConfigError

__all__ = [
    "TRANSCODERS",
    "CsvSource",
    "FieldRule",
    "MappingSpec",
    "McodeSource",
    "OsirisV1Source",
    "ParquetSource",
    "ReportsSource",
    "SiteInfo",
    "Source",
    "SqlSource",
    "TableMapping",
    "ValueMap",
    "Where",
    "XlsxSource",
    "load_spec",
]

#: Built-in transcoders from the terminology, usable as ``transcode:`` in a field rule.
TRANSCODERS = (
    "atc_current",                 # pre-2022 ATC codes -> current codes
    "icd10_to_icdo3_topography",   # PMSI ICD-10 C codes -> ICD-O-3 topography
    "adicap_to_icdo3",             # ADICAP lesion codes -> ICD-O-3 morphology
    "icdo3_recode_behaviour",      # /6 and /9 -> /3, as registries do (guide 8.8)
    "karnofsky_to_ecog",           # Karnofsky index -> WHO/ECOG PS (guide table)
    "stage_to_osiris",             # IIIB -> III (OSIRIS 8.19 list)
    "tnm_m_flag",                  # M0/M1a -> 0/1 (item 8.16)
    "normalize_code",              # canonical spelling of the field's code system (C504 -> C50.4)
)


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SiteInfo(_Model):
    site_id: str = Field(description="the site's FINESS number (site_id of every row)")
    name: str = Field(description="site name: the store is <ONCORWD_HOME>/sites/<name>.duckdb")
    source_system: str | None = Field(None, description="recorded in source_system")


class CsvSource(_Model):
    format: Literal["csv"]
    path: str = Field(description="file or glob, relative to the spec")
    sep: str | None = Field(None, description="separator; detected among ; , tab | if absent")
    encoding: str = Field("auto", description="auto (UTF-8, else latin-1/cp1252) or a codec")
    quote: str = '"'
    null_values: tuple[str, ...] = ("", "NA", "NULL", "null")


class XlsxSource(_Model):
    format: Literal["xlsx"]
    path: str
    sheet: str | int = 0
    header_row: int = Field(1, ge=1, description="1-based row of the column names")


class ParquetSource(_Model):
    format: Literal["parquet"]
    path: str


class SqlSource(_Model):
    format: Literal["sql"]
    url: str = Field(description="SQLAlchemy URL; ${ENV_VAR} is expanded")
    query: str = Field(description="SELECT returning the source rows")


class OsirisV1Source(_Model):
    format: Literal["osiris_v1"]
    path: str = Field(description="folder with the 18 OSIRIS v1.1.05 pivot CSV files")


class ReportsSource(_Model):
    format: Literal["reports"]
    path: str = Field(description="CSV (or Parquet) of documents: id, patient, date, text")
    id_column: str = "document_id"
    patient_column: str = "patient_id"
    date_column: str = "document_date"
    text_column: str = "text"
    external: bool = Field(False, description="documents from another facility (source 5)")


class McodeSource(_Model):
    format: Literal["mcode"]
    path: str | tuple[str, ...] = Field(description="FHIR mCODE NDJSON or Bundle JSON files, "
                                        "folders or globs, relative to the spec")


Source = Annotated[
    CsvSource | XlsxSource | ParquetSource | SqlSource | OsirisV1Source | ReportsSource
    | McodeSource,
    Field(discriminator="format"),
]


class ValueMap(_Model):
    values: dict[str, str | None] | None = Field(None, description="inline local -> standard")
    file: str | None = Field(None, description="CSV with the mapping, relative to the spec")
    from_: str | None = Field(None, alias="from", description="column of local codes")
    to: str | None = Field(None, description="column of standard codes")
    sep: str = ","
    unmapped: Literal["quarantine", "keep", "null"] = Field(
        "quarantine", description="what happens to a value absent from the map")
    case_sensitive: bool = False

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    @model_validator(mode="after")
    def _one_kind(self) -> ValueMap:
        if (self.values is None) == (self.file is None):
            raise ValueError("a value map has either `values` or `file`")
        if self.file and not (self.from_ and self.to):
            raise ValueError("a file value map needs `from` and `to` columns")
        return self


class FieldRule(_Model):
    column: str | None = None
    value: Any = None
    template: str | None = None
    default: Any = None
    map: str | None = None
    transcode: str | None = None
    upper: bool = False
    strip: bool = True
    regex: str | None = None
    decimal: str = "."
    multiply: float | None = None
    formats: tuple[str, ...] | None = None

    @model_validator(mode="after")
    def _one_origin(self) -> FieldRule:
        given = [k for k in ("column", "value", "template") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError("a field takes exactly one of `column`, `value`, `template`")
        if self.transcode and self.transcode not in TRANSCODERS:
            raise ValueError(f"unknown transcode {self.transcode!r}; known: "
                             + ", ".join(TRANSCODERS))
        return self


class Where(_Model):
    column: str
    equals: str | None = None
    in_: tuple[str, ...] | None = Field(None, alias="in")
    not_in: tuple[str, ...] | None = None
    not_empty: bool = False

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class TableMapping(_Model):
    from_: str = Field(alias="from", description="source name")
    where: Where | None = Field(None, description="keep only these source rows for this table")
    fields: dict[str, FieldRule | str] = Field(
        description="OSIRIS RWD field -> rule (a bare string is a column name)")

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    def rule(self, name: str) -> FieldRule:
        r = self.fields[name]
        return FieldRule(column=r) if isinstance(r, str) else r


class MappingSpec(_Model):
    version: Literal[1] = 1
    site: SiteInfo
    sources: dict[str, Source]
    value_maps: dict[str, ValueMap] = {}
    tables: dict[str, TableMapping] = Field(description="OSIRIS RWD table name -> mapping")
    base_dir: Path = Field(Path("."), exclude=True, description="set from the spec's location")

    @model_validator(mode="after")
    def _references(self) -> MappingSpec:
        from oncorwd.dictionary import load_dictionary

        d = load_dictionary()
        entities = {e.name: e for e in d.entities if not e.derived}
        for name, t in self.tables.items():
            if name not in entities:
                raise ValueError(f"tables.{name}: not an OSIRIS RWD table "
                                 f"(known: {', '.join(entities)})")
            if t.from_ not in self.sources:
                raise ValueError(f"tables.{name}.from: unknown source {t.from_!r}")
            known = {f.name for f in entities[name].fields}
            for field, raw in t.fields.items():
                if field not in known:
                    raise ValueError(f"tables.{name}.fields.{field}: {name} has no such field")
                rule = FieldRule(column=raw) if isinstance(raw, str) else raw
                if rule.map and rule.map not in self.value_maps:
                    raise ValueError(f"tables.{name}.fields.{field}.map: unknown value map "
                                     f"{rule.map!r}")
        return self

    def resolve(self, path: str) -> Path:
        p = Path(path)
        return p if p.is_absolute() else self.base_dir / p


def _pretty(e: ValidationError) -> str:
    lines = []
    for err in e.errors():
        where = ".".join(str(x) for x in err["loc"]) or "(top level)"
        lines.append(f"  at {where}: {err['msg']}")
    return "\n".join(lines)


def load_spec(path: str | Path) -> MappingSpec:
    """Read and validate a mapping spec; errors point at the YAML path and say what is expected."""
    p = Path(path)
    try:
        raw = yaml.safe_load(p.read_text("utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"mapping spec {p} not found",
                          hint="write one with `oncorwd ingest new-mapping`") from None
    except yaml.YAMLError as e:
        raise ConfigError(f"{p} is not valid YAML: {e}") from None
    if not isinstance(raw, dict):
        raise ConfigError(f"{p}: a mapping spec is a YAML mapping with version, site, sources, "
                          "tables")
    try:
        return MappingSpec.model_validate({**raw, "base_dir": p.resolve().parent})
    except ValidationError as e:
        raise ConfigError(f"invalid mapping spec {p}:\n{_pretty(e)}",
                          hint="see docs/ingest.md and schema/mapping.schema.json") from None
