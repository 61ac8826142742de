"""Validators generated from the dictionary.

``prepare_batch`` turns one producer batch into a typed table of the store's schema, or refuses
it with every problem found (table, row, field, value, rule). ``validate_batch`` runs the same
rules without refusing: it returns the typed rows, a mask of the bad ones and every problem, so
ingest can quarantine bad rows and load the others. ``integrity_checks`` are the
cross-table rules (references, chronology) as SQL the store runs inside its load transaction,
so they see the whole new version whatever the engine.

Rules and their names (``Problem.rule``):

- ``unknown_column``: a column the table does not have;
- ``required``: a mandatory field (or one a row cannot exist without) is empty;
- ``type``: a value does not convert to the field's type;
- ``value_set``: an enum value outside its closed list;
- ``code``: a code unknown to its code system (see :mod:`oncorwd.terminology`);
- ``range``: a number outside the field's declared min/max;
- ``date_parts``: year/month/day parts that cannot form a date (month 13, 31 February,
  a day without a month);
- ``future_date``: a date after today;
- ``site``: a row of another site;
- ``duplicate_key``: two rows with the same record identifier;
- ``reference`` and ``chronology``: cross-table rules, see :func:`integrity_checks`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from oncorwd.dictionary.dates import impute, invalid_parts, with_time
from oncorwd.dictionary.loader import load_dictionary
from oncorwd.dictionary.model import Entity, FieldDef
from oncorwd.dictionary.physical import arrow_schema
from oncorwd.errors import Problem, ValidationFailed

__all__ = [
    "MAX_PROBLEMS_PER_RULE",
    "PROBLEMS_SCHEMA",
    "IntegrityCheck",
    "integrity_checks",
    "integrity_problems",
    "integrity_query",
    "prepare_batch",
    "validate_batch",
]

#: Problems listed per (field, rule); the total is always counted.
MAX_PROBLEMS_PER_RULE = 50


class _Collector:
    """Every broken rule of one batch, as row indices per (field, rule): vectorised, uncapped.

    ``prepare_batch`` lists the first :data:`MAX_PROBLEMS_PER_RULE` of each; ``validate_batch``
    returns them all (a quarantine needs every bad row).
    """

    def __init__(self, table: str, row_offset: int) -> None:
        self.table, self.row_offset = table, row_offset
        self.entries: list[tuple[np.ndarray, pa.Array, str, str, str]] = []
        self.table_level: list[Problem] = []

    @property
    def total(self) -> int:
        return sum(len(e[0]) for e in self.entries) + len(self.table_level)

    def add(self, mask: pa.Array | np.ndarray, values: pa.Array, field: str, rule: str,
            message: str) -> None:
        m = np.asarray(mask.to_numpy(zero_copy_only=False) if isinstance(mask, pa.Array)
                       else mask, dtype=bool)
        idx = np.flatnonzero(m)
        if len(idx):
            self.entries.append((idx, values.take(pa.array(idx)), field, rule, message))

    def add_one(self, field: str | None, rule: str, message: str, value: object = None) -> None:
        self.table_level.append(Problem(self.table, None, field, value, rule, message))

    def problems(self, per_rule: int = MAX_PROBLEMS_PER_RULE) -> list[Problem]:
        out = list(self.table_level)
        for idx, values, field, rule, message in self.entries:
            for i, v in zip(idx[:per_rule], values[:per_rule], strict=False):
                out.append(Problem(self.table, self.row_offset + int(i) + 1, field, v.as_py(),
                                   rule, message))
        return out

    def bad_rows(self, n: int) -> np.ndarray:
        bad = np.zeros(n, dtype=bool)
        for idx, *_ in self.entries:
            bad[idx] = True
        return bad

    def as_table(self) -> pa.Table:
        """One row per (row, field, rule); see :data:`PROBLEMS_SCHEMA`."""
        parts = [pa.table({
            "index": pa.array(idx, pa.int64()),
            "row": pa.array(idx + self.row_offset + 1, pa.int64()),
            "field": pa.array([field] * len(idx), pa.string()),
            "value": _as_text(values),
            "rule": pa.array([rule] * len(idx), pa.string()),
            "message": pa.array([message] * len(idx), pa.string()),
        }, schema=PROBLEMS_SCHEMA) for idx, values, field, rule, message in self.entries]
        return pa.concat_tables(parts) if parts else PROBLEMS_SCHEMA.empty_table()


#: Schema of the problems table :func:`validate_batch` returns: ``index`` is the 0-based
#: position in the batch, ``row`` the 1-based row of the whole input (``row_offset`` + index + 1).
PROBLEMS_SCHEMA = pa.schema([("index", pa.int64()), ("row", pa.int64()), ("field", pa.string()),
                             ("value", pa.string()), ("rule", pa.string()),
                             ("message", pa.string())])


def _as_text(values: pa.Array) -> pa.Array:
    if pa.types.is_string(values.type):
        return values
    try:
        return pc.cast(values, pa.string())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return pa.array([None if v is None else str(v) for v in values.to_pylist()], pa.string())


def _cast(col: pa.Array, target: pa.DataType, name: str, out: _Collector) -> pa.Array:
    if col.type == target:
        return col
    source = pc.utf8_trim_whitespace(col) if pa.types.is_string(col.type) else col
    if pa.types.is_string(source.type) and not pa.types.is_string(target):
        source = pc.if_else(pc.equal(source, ""), pa.scalar(None, pa.string()), source)
    try:
        return pc.cast(source, target)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        pass
    # Some values do not convert: find which, once per distinct value (exports repeat values).
    distinct = pc.unique(pc.drop_null(source))
    refused = [v for v in distinct.to_pylist() if not _casts(v, distinct.type, target)]
    bad = pc.fill_null(pc.is_in(source, pa.array(refused, distinct.type)), False)
    text = source if pa.types.is_string(source.type) else _as_text(source)
    out.add(bad, text, name, "type", f"not a valid {target}")
    return pc.cast(pc.if_else(bad, pa.scalar(None, source.type), source), target)


def _casts(value: object, source: pa.DataType, target: pa.DataType) -> bool:
    try:
        pc.cast(pa.array([value], source), target)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return False
    return True


def _conform(entity: Entity, table: pa.Table, out: _Collector) -> dict[str, pa.Array]:
    schema = arrow_schema(entity)
    for extra in sorted(set(table.column_names) - set(schema.names)):
        out.add_one(extra, "unknown_column", f"{entity.name} has no column {extra!r}")
    arrays: dict[str, pa.Array] = {}
    for f in schema:
        if f.name in table.column_names:
            col = table.column(f.name).combine_chunks()
            arrays[f.name] = _cast(col, f.type, f.name, out)
        else:
            arrays[f.name] = pa.nulls(table.num_rows, f.type)
    return arrays


def _derive_dates(entity: Entity, arrays: dict[str, pa.Array], out: _Collector) -> None:
    today = dt.date.today()
    for f in entity.fields:
        if f.type not in ("date", "datetime"):
            continue
        y, m, d = (arrays[f"{f.name}_{p}"] for p in ("year", "month", "day"))
        bad = invalid_parts(y, m, d)
        label = pc.binary_join_element_wise(
            pc.cast(y, pa.string()), pc.fill_null(m, ""), pc.fill_null(d, ""), "-"
        )
        out.add(bad, label, f.name, "date_parts", "year/month/day parts do not form a date")
        derived, precision = impute(y, m, d)
        out.add(pc.fill_null(pc.greater(derived, pa.scalar(today, pa.date32())), False),
                derived, f.name, "future_date", f"date after today ({today})")
        if f.type == "datetime":
            derived = with_time(derived, arrays[f"{f.name}_time"])
        arrays[f.name] = derived
        arrays[f"{f.name}_precision"] = precision


def _value_mask(f: FieldDef, col: pa.Array) -> tuple[np.ndarray, str, str] | None:
    d = load_dictionary()
    present = pc.is_valid(col)
    if f.type == "enum" and f.value_set:
        codes = d.value_set(f.value_set).codes
        bad = pc.and_(present, pc.invert(pc.is_in(col, pa.array(codes))))
        return _np(bad), "value_set", f"not in {f.value_set}: {', '.join(codes)}"
    if f.type == "code" and f.code_system:
        return _code_mask(f.code_system, col), "code", f"unknown {f.code_system} code"
    if f.min is not None or f.max is not None:
        lo = -np.inf if f.min is None else f.min
        hi = np.inf if f.max is None else f.max
        v = np.asarray(pc.fill_null(pc.cast(col, pa.float64()), lo).to_numpy(
            zero_copy_only=False))
        return (v < lo) | (v > hi), "range", f"outside [{f.min}, {f.max}]"
    return None


def _code_mask(system: str, col: pa.Array) -> np.ndarray:
    from oncorwd.terminology import get_code_system

    unique = pc.unique(pc.drop_null(col))
    if len(unique) == 0:
        return np.zeros(len(col), dtype=bool)
    valid = np.asarray(get_code_system(system).validate_many(unique), dtype=bool)
    invalid_codes = pc.filter(unique, pa.array(~valid))
    return _np(pc.is_in(col, invalid_codes))


def _np(mask: pa.Array) -> np.ndarray:
    return np.asarray(pc.fill_null(mask, False).to_numpy(zero_copy_only=False), dtype=bool)


def _check_values(entity: Entity, arrays: dict[str, pa.Array], out: _Collector) -> None:
    for f in entity.fields:
        if f.name == "data_version":
            continue
        present_col = arrays[f"{f.name}_year" if f.type in ("date", "datetime") else f.name]
        if f.required:
            out.add(pc.is_null(present_col), present_col, f.name, "required",
                    f"{f.label_en} is required")
        if f.type in ("date", "datetime"):
            continue
        found = _value_mask(f, arrays[f.name])
        if found is not None:
            mask, rule, message = found
            out.add(mask, arrays[f.name], f.name, rule, message)


def _check_keys(entity: Entity, arrays: dict[str, pa.Array], out: _Collector,
                first_kept: bool) -> None:
    """Duplicate record identifiers: every occurrence, or (``first_kept``) all but the first."""
    keys = arrays[entity.key]
    counts = pc.value_counts(pc.drop_null(keys))
    dup_values = pc.filter(counts.field("values"), pc.greater(counts.field("counts"), 1))
    if not len(dup_values):
        return
    mask = _np(pc.is_in(keys, dup_values))
    if first_kept:
        index = pa.table({"k": keys, "i": pa.array(np.arange(len(keys)))})
        firsts = index.filter(pa.array(mask)).group_by("k").aggregate([("i", "min")])
        mask[np.asarray(firsts.column("i_min").to_numpy())] = False
    message = ("record identifier already used by an earlier row" if first_kept
               else "record identifier appears more than once")
    out.add(mask, keys, entity.key, "duplicate_key", message)


def _check_site(arrays: dict[str, pa.Array], site_id: str, out: _Collector) -> None:
    site = arrays["site_id"]
    other = pc.and_(pc.is_valid(site), pc.not_equal(site, site_id))
    out.add(other, site, "site_id", "site", f"row of another site (loading {site_id})")
    arrays["site_id"] = pc.fill_null(site, site_id)


def _validated(entity_name: str, batch: pa.Table | pa.RecordBatch, site_id: str,
               row_offset: int, first_kept: bool) -> tuple[pa.Table, _Collector]:
    entity = load_dictionary().entity(entity_name)
    table = pa.Table.from_batches([batch]) if isinstance(batch, pa.RecordBatch) else batch
    out = _Collector(entity_name, row_offset)
    arrays = _conform(entity, table, out)
    _check_site(arrays, site_id, out)
    _derive_dates(entity, arrays, out)
    _check_values(entity, arrays, out)
    _check_keys(entity, arrays, out, first_kept)
    return pa.Table.from_arrays(list(arrays.values()), schema=arrow_schema(entity)), out


def validate_batch(entity_name: str, table: pa.Table | pa.RecordBatch, *, site_id: str,
                   row_offset: int = 0, check_keys: bool = True,
                   ) -> tuple[pa.Table, np.ndarray, pa.Table]:
    """Conform and validate one batch without refusing it: the caller decides what to do.

    Returns ``(typed, bad, problems)``: ``typed`` has the store schema (every row, bad values
    nulled where they could not be converted), ``bad`` is a numpy bool mask of the rows that
    break at least one rule, and ``problems`` (:data:`PROBLEMS_SCHEMA`) lists every broken rule,
    one row per (row, field, rule). Duplicate identifiers flag every occurrence but the first
    (``check_keys=False`` skips the check, for callers that deduplicate across batches).
    Problems about the batch itself (an unknown column) have a null ``index`` and ``row``.
    """
    typed, out = _validated(entity_name, table, site_id, row_offset, first_kept=True)
    if not check_keys:
        out.entries = [e for e in out.entries if e[3] != "duplicate_key"]
    problems = out.as_table()
    if out.table_level:
        n = len(out.table_level)
        problems = pa.concat_tables([problems, pa.table({
            "index": pa.nulls(n, pa.int64()), "row": pa.nulls(n, pa.int64()),
            "field": [p.field for p in out.table_level],
            "value": pa.nulls(n, pa.string()),
            "rule": [p.rule for p in out.table_level],
            "message": [p.message for p in out.table_level]}, schema=PROBLEMS_SCHEMA)])
    return typed, out.bad_rows(typed.num_rows), problems


def prepare_batch(entity_name: str, batch: pa.Table | pa.RecordBatch, *, site_id: str,
                  row_offset: int = 0) -> pa.Table:
    """Conform one batch to the store schema, derive partial dates, and validate it.

    ``row_offset`` is the number of rows of this table before the batch, so problems name the
    row of the whole input (1-based). Raises :class:`ValidationFailed` with every problem.
    """
    typed, out = _validated(entity_name, batch, site_id, row_offset, first_kept=False)
    if out.total:
        raise ValidationFailed(out.problems(), total=out.total)
    return typed


# --- cross-table rules -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class IntegrityCheck:
    """A cross-table rule as portable SQL (DuckDB, PostgreSQL and Spark SQL all run it).

    The query selects ``record_key`` and ``value`` of the offending rows of data version
    ``{version}`` (an integer the store formats in); table names may be prefixed with
    ``{schema}`` (``"site_a."`` or ``""``).
    """

    table: str
    field: str
    rule: str
    message: str
    sql: str

    def render(self, version: int, schema_prefix: str = "") -> str:
        return self.sql.format(version=int(version), schema=schema_prefix)


def _reference_checks(d_entities: Iterable[Entity]) -> list[IntegrityCheck]:
    checks = []
    for e in d_entities:
        for f in e.fields:
            if not f.references:
                continue
            target, _, col = f.references.partition(".")
            sql = (
                f"SELECT c.{e.key} AS record_key, c.{f.name} AS value "
                f"FROM {{schema}}{e.name} c LEFT JOIN {{schema}}{target} p "
                f"ON p.{col} = c.{f.name} AND p.data_version = {{version}} "
                f"WHERE c.data_version = {{version}} AND c.{f.name} IS NOT NULL "
                f"AND p.{col} IS NULL"
            )
            checks.append(IntegrityCheck(e.name, f.name, "reference",
                                         f"{f.name} not found in {target}", sql))
    return checks


def _earliest_before(a: str, b: str) -> str:
    """SQL: partial date ``a`` is certainly before partial date ``b`` (latest(a) < earliest(b)),
    comparing known parts only, so imputation never creates a violation."""
    ya, ma, da = f"{a}_year", f"{a}_month", f"{a}_day"
    yb, mb, db = f"{b}_year", f"{b}_month", f"{b}_day"
    return (
        f"({ya} < {yb} OR ({ya} = {yb} AND {ma} <> 'UN' AND {mb} <> 'UN' AND ({ma} < {mb} "
        f"OR ({ma} = {mb} AND {da} <> 'UN' AND {db} <> 'UN' AND {da} < {db}))))"
    )


def _chronology_checks(entities: Iterable[Entity]) -> list[IntegrityCheck]:
    checks = []
    clinical_after_death = {"cancer", "tumor_event", "surgery", "drug_administration",
                            "radiotherapy", "progression", "general_status", "biomarker"}
    for e in entities:
        dated = [f for f in e.fields if f.type in ("date", "datetime")]
        for f in dated:
            if e.name == "patient":
                continue
            col = f"c.{f.name}"
            before_birth = _earliest_before(col, "p.birth_date")
            checks.append(IntegrityCheck(
                e.name, f.name, "chronology", f"{f.name} before the patient's birth date",
                f"SELECT c.{e.key} AS record_key, c.{f.name} AS value "
                f"FROM {{schema}}{e.name} c JOIN {{schema}}patient p "
                f"ON p.patient_id = c.patient_id AND p.data_version = {{version}} "
                f"WHERE c.data_version = {{version}} AND {before_birth}"))
            if e.name in clinical_after_death:
                after_death = _earliest_before("v.death_date", col)
                checks.append(IntegrityCheck(
                    e.name, f.name, "chronology", f"{f.name} after the patient's death",
                    f"SELECT c.{e.key} AS record_key, c.{f.name} AS value "
                    f"FROM {{schema}}{e.name} c JOIN {{schema}}vital_status v "
                    f"ON v.patient_id = c.patient_id AND v.data_version = {{version}} "
                    f"WHERE c.data_version = {{version}} AND {after_death}"))
    return checks


def _status_checks() -> list[IntegrityCheck]:
    return [IntegrityCheck(
        "vital_status", "death_date", "chronology", "patient alive (4.1 = 0) with a death date",
        "SELECT c.patient_id AS record_key, c.death_date AS value FROM {schema}vital_status c "
        "WHERE c.data_version = {version} AND c.vital_status = '0' "
        "AND c.death_date_year IS NOT NULL")]


def _key_checks(entities: Iterable[Entity]) -> list[IntegrityCheck]:
    """Record identifiers unique within the version, whatever batches they came in (per-batch
    checks cannot see across batches; DuckDB and Spark stores carry no key index)."""
    return [IntegrityCheck(
        e.name, e.key, "duplicate_key", f"duplicate record identifier {e.key}",
        f"SELECT {e.key} AS record_key, {e.key} AS value FROM {{schema}}{e.name} "
        f"WHERE data_version = {{version}} GROUP BY {e.key} HAVING count(*) > 1")
        for e in entities]


def integrity_checks() -> list[IntegrityCheck]:
    """Every cross-table rule: unique record identifiers, references between tables and
    chronology around birth/death."""
    entities = load_dictionary().entities
    return (_key_checks(entities) + _reference_checks(entities) + _chronology_checks(entities)
            + _status_checks())




def integrity_query(version: int, schema_prefix: str = "", text_type: str = "VARCHAR",
                    limit: int = 1000, tables: Collection[str] | None = None) -> str | None:
    """All cross-table rules as one ``UNION ALL`` query (one pass, one Spark job).

    Columns: ``check_no, record_key, value``; ``text_type`` is the engine's text type
    (``VARCHAR``, ``TEXT``, ``STRING``). With ``tables``, only the rules about those tables (a
    rule selects rows of its own table, so on an empty table it cannot fail); None if no rule is
    left.
    """
    parts = []
    for i, c in enumerate(integrity_checks()):
        if tables is not None and c.table not in tables:
            continue
        inner = c.render(version, schema_prefix)
        parts.append(
            f"SELECT {i} AS check_no, CAST(q{i}.record_key AS {text_type}) AS record_key, "
            f"CAST(q{i}.value AS {text_type}) AS value FROM ({inner}) q{i}"
        )
    if not parts:
        return None
    return " UNION ALL ".join(parts) + f" LIMIT {int(limit)}"


def integrity_problems(rows: Iterable[tuple[int, str | None, str | None]]) -> list[Problem]:
    """Problems from the rows of :func:`integrity_query` (``check_no, record_key, value``)."""
    checks = integrity_checks()
    out = []
    for check_no, key, value in rows:
        c = checks[int(check_no)]
        out.append(Problem(c.table, None, c.field, value, c.rule,
                           f"{c.message} (record {key})"))
    return out
