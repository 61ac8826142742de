"""Apply a per-code function to a whole column by evaluating it once per distinct value.

Loads are millions of rows but only thousands of distinct codes: hashing the column (pyarrow, in
C++) and calling Python on the distinct values keeps validation linear and fast while guaranteeing
that the vectorised answer is exactly the scalar one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from oncorwd.errors import TerminologyError

__all__ = ["as_text", "map_unique_bool", "map_unique_text", "to_string_array"]


def as_text(value: object) -> str | None:
    """The text of a code value: strings as they are, integers in decimal, anything else ``None``.

    Integers are accepted because spreadsheets turn FINESS or SNOMED identifiers into numbers;
    floats are refused (``8140.0`` is not a code) and so are booleans.
    """
    if isinstance(value, str):
        return value
    if isinstance(value, bool | np.bool_):
        return None
    if isinstance(value, int | np.integer):
        return str(int(value))
    return None


def to_string_array(values: Any) -> Any:
    """A pyarrow string (chunked) array from pyarrow, numpy, pandas or a plain sequence."""
    import pyarrow as pa

    if isinstance(values, pa.Array | pa.ChunkedArray):
        return _cast_to_string(values)
    try:
        array = pa.array(values, from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError):
        array = pa.array([as_text(value) for value in values], type=pa.string())
    return _cast_to_string(array)


def _cast_to_string(array: Any) -> Any:
    import pyarrow as pa

    kind = array.type
    if pa.types.is_dictionary(kind):
        array = array.cast(kind.value_type)
        kind = array.type
    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        return array
    if pa.types.is_integer(kind) or pa.types.is_null(kind):
        return array.cast(pa.string())
    raise TerminologyError(
        f"codes must be text (or integers), got a column of {kind}",
        hint="cast the column to string before validating it",
    )


def _unique_index(values: Any) -> tuple[list[str], Any]:
    """Distinct non-null values and, per row, the position of its value among them (null: null)."""
    import pyarrow.compute as pc

    array = to_string_array(values)
    uniques = pc.unique(array).drop_null()
    return uniques.to_pylist(), pc.index_in(array, value_set=uniques)


def map_unique_bool(values: Any, function: Callable[[str], bool]) -> np.ndarray:
    """``function`` of every value as a numpy bool array; nulls give ``False``."""
    uniques, positions = _unique_index(values)
    answers = np.fromiter((function(text) for text in uniques), dtype=bool, count=len(uniques))
    index = np.asarray(positions.fill_null(-1).to_numpy(), dtype=np.int64)
    result = np.zeros(len(index), dtype=bool)
    present = index >= 0
    result[present] = answers[index[present]]
    return result


def map_unique_text(values: Any, function: Callable[[str], str | None]) -> Any:
    """``function`` of every value as a pyarrow string array; nulls stay null."""
    import pyarrow as pa

    uniques, positions = _unique_index(values)
    answers = pa.array([function(text) for text in uniques], type=pa.string())
    taken = answers.take(positions)
    if isinstance(taken, pa.ChunkedArray):
        return taken.combine_chunks()
    return taken
