"""From generated numpy arrays to Arrow columns and tables of the store schema.

Everything is built column-wise without Python objects per row: coded values are integer
indices into a small vocabulary (``pc.take``), identifiers are written byte by byte into one
buffer, and partial dates are split into the year/month/day parts the OSIRIS RWD tables hold.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from oncorwd.dictionary import arrow_schema, load_dictionary
from oncorwd.errors import SynthError

__all__ = [
    "DAY",
    "EPOCH",
    "build_table",
    "codes",
    "constant",
    "date_parts",
    "day_number",
    "identifiers",
    "numbers",
    "vocabulary",
]

EPOCH = np.datetime64("1970-01-01", "D")
DAY = np.timedelta64(1, "D")
_MONTHS = pa.array([f"{m:02d}" for m in range(1, 13)] + ["UN"])
_DAYS = pa.array([f"{d:02d}" for d in range(1, 32)] + ["UN"])
_GROUPS = np.array([list(f"{i:04d}".encode()) for i in range(10_000)], dtype=np.uint8)


def day_number(value: str) -> int:
    """Days since 1970-01-01 of an ISO date (``YYYY-MM-DD``)."""
    return int((np.datetime64(value, "D") - EPOCH) // DAY)


def vocabulary(values: Sequence[str | None]) -> pa.Array:
    """A small string vocabulary that :func:`codes` indexes into."""
    return pa.array(list(values), type=pa.string())


def _index_type(size: int) -> type[np.integer]:
    return np.int8 if size < 127 else np.int16 if size < 32_000 else np.int32


def codes(vocab: pa.Array, index: np.ndarray, null: np.ndarray | None = None) -> pa.Array:
    """``vocab[index]`` as a string array; rows where ``null`` is true are null."""
    idx = np.asarray(index).astype(_index_type(len(vocab)), copy=False)
    return pc.take(vocab, pa.array(idx, mask=null))


def numbers(values: np.ndarray, type_: pa.DataType, null: np.ndarray | None = None) -> pa.Array:
    """A numeric column with optional nulls."""
    return pa.array(values, type=type_, mask=null)


def identifiers(prefix: str, values: np.ndarray, width: int) -> pa.Array:
    """``prefix`` + ``values`` zero-padded to ``width`` digits, written straight into one buffer."""
    head = np.frombuffer(prefix.encode("ascii"), dtype=np.uint8)
    rest = np.asarray(values, dtype=np.int64).copy()
    count, size = len(rest), len(head) + width
    if count and (rest.min() < 0 or rest.max() >= 10**width):
        raise SynthError(f"identifiers {prefix}: values do not fit {width} digits", prefix=prefix)
    out = np.empty((count, size), dtype=np.uint8)
    out[:, : len(head)] = head
    pos = size
    while pos > len(head):
        k = min(4, pos - len(head))
        out[:, pos - k: pos] = _GROUPS[(rest % 10_000).astype(np.int32)][:, 4 - k:]
        rest //= 10_000
        pos -= k
    offsets = np.arange(0, (count + 1) * size, size, dtype=np.int32)
    return pa.StringArray.from_buffers(count, pa.py_buffer(offsets), pa.py_buffer(out.ravel()))


_FIRST_DAY = -40_000  # 1860-07-06: every generated date is within the lookup window
_CAL = np.arange(_FIRST_DAY, 40_000).astype("datetime64[D]")
_CAL_MONTHS = _CAL.astype("datetime64[M]")
_YEAR = (_CAL_MONTHS.astype("datetime64[Y]").astype(np.int64) + 1970).astype(np.int16)
_MONTH = (_CAL_MONTHS.astype(np.int64) % 12).astype(np.int8)
_DAY_OF_MONTH = (_CAL - _CAL_MONTHS.astype("datetime64[D]")).astype(np.int8)


def date_parts(days: np.ndarray, day_unknown: np.ndarray | None = None,
               month_unknown: np.ndarray | None = None, null: np.ndarray | None = None,
               ) -> tuple[pa.Array, pa.Array, pa.Array]:
    """Year (int16), month and day ('01'..'12' / '01'..'31', 'UN' when unknown) of day numbers.

    ``month_unknown`` implies an unknown day. ``null`` rows have no date at all.
    """
    pos = np.asarray(days, dtype=np.int64) - _FIRST_DAY
    if null is not None:
        pos = np.where(null, -_FIRST_DAY, pos)
    if len(pos) and (pos.min() < 0 or pos.max() >= len(_CAL)):
        raise SynthError("generated date outside 1860-2079", days=int(pos.min() + _FIRST_DAY))
    year, month, day = _YEAR[pos], _MONTH[pos], _DAY_OF_MONTH[pos]
    if month_unknown is not None:
        month = np.where(month_unknown, 12, month)
        day_unknown = month_unknown if day_unknown is None else (day_unknown | month_unknown)
    if day_unknown is not None:
        day = np.where(day_unknown, 31, day)
    return numbers(year, pa.int16(), null), codes(_MONTHS, month, null), codes(_DAYS, day, null)


def constant(value: str, n: int) -> pa.Array:
    """A string column repeating ``value`` (``pa.repeat`` is much slower)."""
    return pc.take(pa.array([value], type=pa.string()), pa.array(np.zeros(n, dtype=np.int8)))


def build_table(entity_name: str, columns: Mapping[str, pa.Array], n_rows: int,
                constants: Mapping[str, str]) -> pa.Table:
    """A table exactly of ``arrow_schema(entity)``: given columns, constant strings, nulls else."""
    schema = arrow_schema(load_dictionary().entity(entity_name))
    unknown = set(columns) - set(schema.names)
    if unknown:
        raise SynthError(f"{entity_name}: generated unknown columns {sorted(unknown)}")
    arrays = []
    for f in schema:
        if f.name in columns:
            col = columns[f.name]
            arrays.append(col if col.type == f.type else pc.cast(col, f.type))
        elif f.name in constants:
            arrays.append(constant(constants[f.name], n_rows))
        else:
            arrays.append(pa.nulls(n_rows, f.type))
    return pa.Table.from_arrays(arrays, schema=schema)
