"""Field rules: origins, transforms in documented order, numbers, regex, dates."""

from __future__ import annotations

import pytest
from ingest_fixtures import working

from oncorwd.dictionary import load_dictionary
from oncorwd.errors import ConfigError
from oncorwd.ingest.fields import evaluate, rule_columns, template_columns
from oncorwd.ingest.spec import FieldRule


def _eval(entity: str, field: str, **rule: object):  # type: ignore[no-untyped-def]
    rows = working(A=[" a1 ", "", None, "b22"], B=["x", "y", "z", None],
                   N=["1 234,5", "7", "x", None], D=["2020", "03/2021", "?", None])
    fdef = load_dictionary().entity(entity).field(field)
    return evaluate(fdef, FieldRule(**rule), rows, f"{entity}.{field}")  # type: ignore[arg-type]


def test_column_strip_empty_default_upper() -> None:
    out = _eval("patient", "patient_id", column="A", default="none", upper=True)
    assert out.columns["patient_id"].to_pylist() == ["A1", "NONE", "NONE", "B22"]


def test_value_and_template() -> None:
    assert _eval("patient", "patient_id", value=5).columns["patient_id"].to_pylist() == ["5"] * 4
    out = _eval("patient", "patient_id", template="{A}-{B}")
    assert out.columns["patient_id"].to_pylist() == ["a1-x", "-y", None, None]
    assert template_columns("{A}-{B}") == ("A", "B")
    assert rule_columns(FieldRule(value=1)) == ()


def test_regex_keeps_the_first_group_and_flags_no_match() -> None:
    out = _eval("patient", "patient_id", column="A", regex=r"(\d+)")
    assert out.columns["patient_id"].to_pylist() == ["1", None, None, "22"]
    out = _eval("patient", "patient_id", column="B", regex=r"^[xy]$")
    assert out.problems[0].mask.tolist() == [False, False, True, False]
    with pytest.raises(ConfigError, match="invalid regex"):
        _eval("patient", "patient_id", column="A", regex="(")


def test_decimal_comma_and_multiply() -> None:
    out = _eval("cancer", "tumor_size_mm", column="N", decimal=",")
    assert out.columns["tumor_size_mm"].to_pylist() == ["1234.5", "7", "x", None]
    out = _eval("cancer", "tumor_size_mm", column="N", decimal=",", multiply=10)
    assert out.columns["tumor_size_mm"].to_pylist()[:2] == ["12345", "70"]
    assert out.problems[0].rule == "number_format"
    assert out.problems[0].mask.tolist() == [False, False, True, False]


def test_integer_fields_refuse_fractions_after_multiply() -> None:
    out = _eval("cancer", "cancer_order", column="N", decimal=",", multiply=1)
    whole = next(p for p in out.problems if "whole" in p.message)
    assert whole.mask.tolist() == [True, False, False, False]


def test_dates_become_parts() -> None:
    out = _eval("patient", "birth_date", column="D", formats=("%m/%Y", "%Y"))
    assert out.columns["birth_date_year"].to_pylist() == ["2020", "2021", None, None]
    assert out.columns["birth_date_month"].to_pylist() == ["UN", "03", None, None]
    assert out.problems[0].rule == "date_format"
    assert out.problems[0].mask.tolist() == [False, False, True, False]
    out = _eval("imaging", "exam_date", value="2021-03-04 10:30:00")
    assert out.columns["exam_date_time"].to_pylist() == ["10:30"] * 4
