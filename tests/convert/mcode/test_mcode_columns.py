"""The columnar JSON engine: each template renders exactly what orjson gives for the
equivalent dict, absent values are omitted, strings are escaped."""

from __future__ import annotations

import orjson
import pyarrow as pa
import pytest

from oncorwd.convert.mcode.columns import (
    Arr,
    Calc,
    Const,
    First,
    Int,
    Lookup,
    Num,
    Obj,
    Str,
    When,
    fhir_id,
    json_string,
    partial_date,
    render,
)


@pytest.fixture
def table() -> pa.Table:
    return pa.table({
        "id": ["a", 'b"q\\', None, "é\n"],
        "n": [1.5, None, 3.0, 0.25],
        "i": [1, 2, None, 4],
        "code": ["F", "M", "X", None],
    })


def test_object_members_absent_when_null(table: pa.Table) -> None:
    node = Obj(resourceType="T", id=Str("id"), n=Num("n"), i=Int("i"),
               g=Lookup("code", {"F": "female", "M": "male"}))
    got = [orjson.loads(s) for s in render(node, table).to_pylist()]
    assert got == [
        {"resourceType": "T", "id": "a", "n": 1.5, "i": 1, "g": "female"},
        {"resourceType": "T", "id": 'b"q\\', "i": 2, "g": "male"},
        {"resourceType": "T", "n": 3.0},
        {"resourceType": "T", "id": "é\n", "n": 0.25, "i": 4},
    ]


def test_nested_and_arrays_drop_empty_parts(table: pa.Table) -> None:
    node = Obj(a=Arr(Obj(x=Str("id")), Const({"k": 1}), When(lambda t: pa.array(
        [True, False, True, False]), Num("n"))), b=Obj(y=Num("n")), c=Arr(Str("id")))
    got = [orjson.loads(s) for s in render(node, table).to_pylist()]
    assert got[0] == {"a": [{"x": "a"}, {"k": 1}, 1.5], "b": {"y": 1.5}, "c": ["a"]}
    assert got[1] == {"a": [{"x": 'b"q\\'}, {"k": 1}], "c": ['b"q\\']}
    assert got[2] == {"a": [{"k": 1}, 3.0], "b": {"y": 3.0}}


def test_object_absent_when_every_member_is(table: pa.Table) -> None:
    values = render(Obj(x=Str("id")), table).to_pylist()
    assert values[2] is None
    assert render(Arr(), table).to_pylist() == [None] * 4


def test_lookup_default_and_first(table: pa.Table) -> None:
    node = Obj(g=Lookup("code", {"F": {"c": 1}}, default=Const("other")),
               f=First((Str("id"), Const("none"))))
    got = [orjson.loads(s) for s in render(node, table).to_pylist()]
    assert [g["g"] for g in got] == [{"c": 1}, "other", "other", "other"]
    assert [g["f"] for g in got] == ["a", 'b"q\\', "none", "é\n"]


def test_json_string_escapes_only_what_needs_it() -> None:
    values = pa.array(["plain", 'q"uote', "tab\t", None, "back\\slash"])
    assert json_string(values).to_pylist() == [
        orjson.dumps(v).decode() if v is not None else None for v in values.to_pylist()]


def test_partial_date_keeps_precision() -> None:
    t = pa.table({"d_year": [2020, 2020, 2020, None, 999],
                  "d_month": ["03", "03", "UN", None, "01"],
                  "d_day": ["04", "UN", "UN", None, "02"]})
    assert partial_date(t, "d").to_pylist() == ["2020-03-04", "2020-03", "2020", None,
                                                "0999-01-02"]


def test_fhir_id_is_a_valid_id() -> None:
    ids = fhir_id(pa.array(["S01-P1", "a_b c/d", "x" * 80])).to_pylist()
    assert ids[:2] == ["S01-P1", "a-b-c-d"]
    assert len(ids[2]) == 64


def test_calc_gives_raw_json(table: pa.Table) -> None:
    node = Obj(raw=Calc(lambda t: pa.array(["[1]", None, "{}", "2"])))
    got = [None if s is None else orjson.loads(s) for s in render(node, table).to_pylist()]
    assert got == [{"raw": [1]}, None, {"raw": {}}, {"raw": 2}]
