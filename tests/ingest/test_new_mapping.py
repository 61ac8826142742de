"""new-mapping: a commented starting spec that loads, with guesses and TODOs."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml
from ingest_fixtures import write_xlsx

from oncorwd.errors import ConfigError
from oncorwd.ingest.new_mapping import guess, new_mapping, normalise
from oncorwd.ingest.pipeline import run
from oncorwd.ingest.spec import load_spec

PATIENTS = ("IPP;Sexe;DDN;Date diag.;CODE_CIM10;Morpho;Latéralité;Commentaire\n"
            "1;1;12/03/1950;15/01/2020;C50.4;8500/3;G;x\n"
            "2;2;UN/05/1961;03/2021;C34.1;8140/3;D;\n"
            "3;9;1972;2019;C18.2;8140/3;I;\n")


@pytest.mark.parametrize(("column", "target"), [
    ("NIP", ("patient", "patient_id")), ("Num_Pat", ("patient", "patient_id")),
    ("Date de naissance", ("patient", "birth_date")), ("DDN", ("patient", "birth_date")),
    ("SEXE", ("patient", "sex")), ("DCI", ("drug_administration", "drug_name")),
    ("CODE_UCD", ("drug_administration", "atc_code")),
    ("Date admin", ("drug_administration", "administration_date")),
    ("DIAG", ("cancer", "topography")),
])
def test_guesses_from_french_names(column: str, target: tuple[str, str]) -> None:
    g = guess(column)
    assert g is not None and (g.table, g.field) == target
    assert normalise("Date diag.") == "DATE_DIAG"
    assert guess("Commentaire") is None


def test_spec_from_csv_and_xlsx_loads_and_runs(tmp_path: Path, home: Path) -> None:
    (tmp_path / "exports").mkdir()
    (tmp_path / "exports" / "patients.csv").write_bytes(PATIENTS.encode("latin-1"))
    write_xlsx(tmp_path / "exports" / "chimio.xlsx",
               [("1", dt.datetime(2020, 2, 1), "capecitabine", "L01BC06")],
               ("NIP", "DATE_ADMINISTRATION", "DCI", "CODE_ATC"), sheet="Feuil1")
    out = new_mapping([tmp_path / "exports" / "patients.csv",
                       tmp_path / "exports" / "chimio.xlsx"], tmp_path / "spec" / "m.yaml",
                      site_id="750000001", site_name="new-site")
    text = out.read_text("utf-8")
    spec = load_spec(out)
    assert spec.sources["patients"].path == "../exports/patients.csv"
    assert spec.tables["patient"].rule("birth_date").formats == ("%d/%m/%Y", "%Y")
    assert spec.tables["patient"].rule("sex").map == "sex"
    assert spec.value_maps["sex"].values == {"1": "M", "2": "F"}
    assert '# "9": "…"  # TODO: unknown local value' in text
    assert spec.tables["cancer"].rule("topography").transcode == "icd10_to_icdo3_topography"
    assert spec.tables["drug_administration"].rule("atc_code").transcode == "atc_current"
    assert "# care_in_facility" in text and "TODO" in text
    assert "Commentaire" in text  # listed among the source's columns
    raw = yaml.safe_load(text)
    assert raw["site"] == {"site_id": "750000001", "name": "new-site"}
    result = run(out, dry_run=True)
    assert all(a.input == a.loaded + a.quarantined for a in result.accounting)
    assert {a.table: a.loaded for a in result.accounting}["patient"] == 2


def test_unknown_extension(tmp_path: Path) -> None:
    (tmp_path / "x.dbf").write_text("x", "utf-8")
    with pytest.raises(ConfigError, match="cannot tell the format"):
        new_mapping([tmp_path / "x.dbf"], tmp_path / "m.yaml")
