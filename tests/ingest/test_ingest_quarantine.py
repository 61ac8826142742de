"""Quarantine records and accounts: one record per broken rule, fail-fast names the place,
accounts must balance."""

from __future__ import annotations

import pytest
from ingest_fixtures import working

from oncorwd.errors import ConfigError, DataError, Problem
from oncorwd.ingest.quarantine import QUARANTINE_SCHEMA, Accounting, OnError, Quarantine


def test_records_and_counts_by_rule() -> None:
    q = Quarantine()
    rows = working(X=["a", "b"])
    q.add(table="patient", rows=rows, rule="date_format", message="bad", step="map",
          column="DDN", field="birth_date", values=rows.column("X"))
    q.add_problem(Problem("", 7, None, "D7", "required", "no text", file="r.csv"), source="cr",
                  step="map")
    records = q.records()
    assert records.schema == QUARANTINE_SCHEMA
    assert records.column("value").to_pylist() == ["a", "b", "D7"]
    assert records.column("table").to_pylist() == ["patient", "patient", None]
    assert q.by_rule() == {"date_format": 2, "required": 1}
    assert len(q) == 3


def test_fail_fast_raises_at_the_first_record() -> None:
    q = Quarantine("fail-fast")
    with pytest.raises(DataError, match=r"f\.csv, row 1, column DDN: bad \(rule date_format"):
        q.add(table="patient", rows=working(X=["a"]), rule="date_format", message="bad",
              step="map", column="DDN")


def test_policy_names() -> None:
    assert OnError.parse("fail-fast") is OnError.FAIL_FAST
    with pytest.raises(ConfigError):
        OnError.parse("ignore")


def test_accounts_must_balance() -> None:
    a = Accounting()
    a.table("patient").input = 3
    a.quarantine("patient", 1)
    a.table("patient").loaded = 2
    a.check()
    a.table("patient").loaded = 1
    with pytest.raises(AssertionError, match="does not balance"):
        a.check()
