"""Step map: where, field rules, problems quarantined with the raw value, inputs counted."""

from __future__ import annotations

from pathlib import Path

from ingest_fixtures import context, make_spec

from oncorwd.ingest.steps import map as map_step
from oncorwd.ingest.steps import read
from oncorwd.ingest.steps.context import IngestContext


def _run(tmp_path: Path, text: str, tables: dict[str, object]) -> IngestContext:
    (tmp_path / "p.csv").write_text(text, "utf-8")
    spec = make_spec(tmp_path, {"p": {"format": "csv", "path": "p.csv"}}, tables)
    ctx = context(spec)
    read.run(ctx)
    map_step.run(ctx)
    return ctx


def test_fields_where_and_problems(tmp_path: Path) -> None:
    ctx = _run(tmp_path, "ID;D;S;T;K\n1;12/03/2020;OK; 7,5 ;a\n2;nope;OK;1;b\n3;2020;NO;2;c\n"
               "4;2021;OK;x;d\n", {
        "measure": {"from": "p", "where": {"column": "S", "equals": "OK"}, "fields": {
            "measure_id": {"template": "M-{ID}"}, "patient_id": "ID",
            "measure_type": {"value": "poids"}, "unit": {"value": "kg"},
            "measure_date": {"column": "D", "formats": ["%d/%m/%Y", "%Y"]},
            "value": {"column": "T", "decimal": ",", "multiply": 1000},
            "attached_table": {"column": "K", "upper": True}}}})
    table = ctx.tables["measure"]
    assert table.column("measure_id").to_pylist() == ["M-1"]
    assert table.column("measure_date_year").to_pylist() == ["2020"]
    assert table.column("value").to_pylist() == ["7500"]
    assert table.column("_raw_value").to_pylist() == [" 7,5 "]
    account = ctx.accounting.tables["measure"]
    assert (account.input, account.quarantined) == (3, 2)
    records = ctx.quarantine.records().to_pylist()
    assert [(r["row"], r["column"], r["value"], r["rule"]) for r in records] == [
        (2, "D", "nope", "date_format"), (4, "T", "x", "number_format")]


def test_source_system_defaults_to_the_sites(tmp_path: Path) -> None:
    (tmp_path / "p.csv").write_text("ID\n1\n", "utf-8")
    spec = make_spec(tmp_path, {"p": {"format": "csv", "path": "p.csv"}},
                     {"patient": {"from": "p", "fields": {"patient_id": "ID"}}})
    spec = spec.model_copy(update={"site": spec.site.model_copy(
        update={"source_system": "Crossway"})})
    ctx = context(spec)
    read.run(ctx)
    map_step.run(ctx)
    assert ctx.tables["patient"].column("source_system").to_pylist() == ["Crossway"]


def test_malformed_rows_have_no_table_and_are_not_input(tmp_path: Path) -> None:
    ctx = _run(tmp_path, "ID;X\n1;a\n2;b;c\n",
               {"patient": {"from": "p", "fields": {"patient_id": "ID"}}})
    assert ctx.accounting.tables["patient"].input == 1
    record = ctx.quarantine.records().to_pylist()[0]
    assert (record["table"], record["row"], record["value"], record["rule"]) == (
        None, 2, "2;b;c", "malformed_row")


def test_where_variants(tmp_path: Path) -> None:
    from ingest_fixtures import working

    from oncorwd.ingest.spec import Where

    rows = working(S=["A", "B", None, " A "])
    pick = lambda **w: map_step.apply_where(rows, Where(column="S", **w)).column(  # noqa: E731
        "_row").to_pylist()
    assert pick(equals="A") == [1, 4]
    assert pick(**{"in": ["A", "B"]}) == [1, 2, 4]
    assert pick(not_in=["A"]) == [2, 3]
    assert pick(not_empty=True) == [1, 2, 4]
