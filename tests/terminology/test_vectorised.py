from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from oncorwd.errors import TerminologyError
from oncorwd.terminology import code_system_names, get_code_system

SAMPLES = [
    "C50.4",
    "C504",
    "c50.9",
    "C50",
    "C99.9",
    "8140/3",
    "81403",
    "8140/0",
    "9999/3",
    "L01XC18",
    "l01ff02",
    "L01",
    "ZZNL050",
    "QEFA019",
    "16112-5",
    "2857-1",
    "pT2",
    "T1mi",
    "N0(sn)",
    "cM1a",
    "Tx",
    "CT",
    "RTSTRUCT",
    "787377000",
    "750000000",
    "2A0000001",
    "10000024",
    "C61",
    "E11",
    "IHC",
    "",
    " ",
    "garbage",
]
codes = st.one_of(st.sampled_from(SAMPLES), st.text(max_size=10), st.none())


@settings(max_examples=60, deadline=None)
@given(values=st.lists(codes, max_size=40), name=st.sampled_from(code_system_names()))
def test_vectorised_validation_agrees_with_scalar_validation(values, name):
    system = get_code_system(name)
    expected = [value is not None and system.validate(value) for value in values]
    assert system.validate_many(values).tolist() == expected
    assert system.validate_many(pa.array(values, type=pa.string())).tolist() == expected
    normalized = system.normalize_many(values).to_pylist()
    assert normalized == [None if value is None else system.normalize(value) for value in values]


def test_many_input_types_give_the_same_answer():
    topo = get_code_system("icdo3_topography")
    values = ["C50.4", None, "C504", "C50", "C50.4"]
    expected = [True, False, True, False, True]
    assert topo.validate_many(values).tolist() == expected
    assert topo.validate_many(np.array(values, dtype=object)).tolist() == expected
    assert topo.validate_many(pd.Series(values)).tolist() == expected
    assert topo.validate_many(pd.Series(["C50.4", np.nan])).tolist() == [True, False]
    assert topo.validate_many(pa.chunked_array([values[:2], values[2:]])).tolist() == expected
    assert topo.validate_many(pa.array(values).dictionary_encode()).tolist() == expected
    assert topo.validate_many([]).tolist() == []
    assert topo.validate_many(pa.nulls(3)).tolist() == [False, False, False]
    assert topo.validate_many(values, strict=True).tolist() == [True, False, False, False, True]


def test_integer_columns_are_read_as_text_but_floats_are_refused():
    finess = get_code_system("finess")
    assert finess.validate_many(np.array([750000000, 10000024])).tolist() == [True, True]
    with pytest.raises(TerminologyError):
        finess.validate_many(np.array([1.5, 2.5]))


def test_a_million_rows_with_few_distinct_codes():
    topo = get_code_system("icdo3_topography")
    column = pa.array(np.tile(np.array(["C50.4", "C34.1", "bad", "C61.9"], dtype=object), 250_000))
    result = topo.validate_many(column)
    assert result.shape == (1_000_000,) and result.sum() == 750_000
