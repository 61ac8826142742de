"""Generated files are in sync with the declarations, and each product works."""

from __future__ import annotations

from pathlib import Path

import duckdb
import jsonschema
import orjson
import pytest

from oncorwd.dictionary import load_dictionary
from oncorwd.dictionary.ddl import schema_ddl
from oncorwd.dictionary.generate import json_schema
from oncorwd.generated import GENERATED_FILES, render_all

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("rel", sorted(GENERATED_FILES))
def test_generated_file_is_up_to_date(rel: str) -> None:
    path = ROOT / rel
    assert path.exists(), f"{rel} missing: run `oncorwd dictionary generate`"
    assert path.read_text("utf-8") == render_all()[rel], (
        f"{rel} is out of date: run `oncorwd dictionary generate`")


def test_generated_files_say_so() -> None:
    for rel, text in render_all().items():
        assert "GENERATED" in text[:400], rel


def test_duckdb_ddl_creates_every_table() -> None:
    con = duckdb.connect()
    con.execute(schema_ddl("duckdb"))
    tables = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables")
              .fetchall()}
    assert tables == {e.name for e in load_dictionary().entities}


def test_json_schema_is_valid_and_discriminates() -> None:
    schema = json_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    patient = {"patient_id": "P1", "facility_finess": "750000001", "birth_date_year": 1950,
               "birth_date_month": "03", "birth_date_day": "UN", "sex": "F",
               "site_id": "750000001", "data_version": 1}
    assert not list(validator.iter_errors({"patient": [patient]}))
    bad = {**patient, "sex": "X", "birth_date_month": "13"}
    messages = [e.message for e in validator.iter_errors({"patient": [bad]})]
    assert len(messages) == 2
    missing = {k: v for k, v in patient.items() if k != "sex"}
    assert list(validator.iter_errors({"patient": [missing]}))


def test_json_schema_file_round_trips() -> None:
    text = render_all()["schema/osiris_rwd.schema.json"]
    assert orjson.loads(text) == orjson.loads(orjson.dumps(json_schema()))


def test_docs_page_lists_every_item_and_value() -> None:
    text = render_all()["docs/data-dictionary.md"]
    for item in load_dictionary().items:
        assert f"| {item} |" in text, item
    for vs in load_dictionary().value_sets:
        for v in vs.values:
            assert v.label_en.replace("|", "\\|") in text, (vs.name, v.code)
