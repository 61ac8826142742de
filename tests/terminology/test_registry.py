from __future__ import annotations

from pathlib import Path

import pytest

from oncorwd.errors import TerminologyError
from oncorwd.terminology import (
    TERMINOLOGY_DIR_ENV,
    CodeSystem,
    code_system_names,
    get_code_system,
    load_code_system_file,
    register_code_system,
)

NAMES = [
    "atc",
    "biomarker",
    "ccam",
    "dicom_modality",
    "finess",
    "icd10",
    "icdo3_morphology",
    "icdo3_topography",
    "loinc",
    "oncorwd_technique",
    "snomed_oncology",
    "tnm_m",
    "tnm_n",
    "tnm_t",
]


def test_names_and_shared_instances():
    assert code_system_names() == NAMES
    assert get_code_system("ATC ") is get_code_system("atc")
    for name in NAMES:
        system = get_code_system(name)
        assert isinstance(system, CodeSystem) and system.name == name
        assert system.example and system.pattern.fullmatch(system.normalize(system.example))


def test_unknown_system_lists_the_known_names():
    with pytest.raises(TerminologyError) as caught:
        get_code_system("icdo3")
    assert "icdo3_topography" in str(caught.value)
    assert caught.value.context["known"] == NAMES


def test_unknown_label_language_is_refused():
    with pytest.raises(TerminologyError):
        get_code_system("icd10").label("C50", "de")


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_load_extends_the_curated_list(tmp_path):
    path = _write(
        tmp_path / "morpho.csv",
        'code,label\n8000/0,"Neoplasm, benign"\n8004/3,Malignant tumor, spindle\n',
    )
    with pytest.raises(TerminologyError) as caught:  # unquoted comma: 3 fields on line 3
        load_code_system_file("icdo3_morphology", path)
    assert "line 3" in str(caught.value) and caught.value.context["line"] == 3
    _write(path, 'code,label\n8000/0,"Neoplasm, benign"\n9999/3,Made-up type for the test\n')
    morpho = get_code_system("icdo3_morphology")
    assert not morpho.validate("9999/3")
    assert load_code_system_file("icdo3_morphology", path) == 2
    assert morpho.validate("9999/3")
    assert morpho.label("8000/0") == "Neoplasm, benign"
    assert morpho.label("8140/3") == "Adenocarcinoma, NOS"  # shipped codes kept


def test_load_keeps_shipped_labels_and_can_replace(tmp_path):
    path = _write(
        tmp_path / "ccam.csv",
        "# full export\nCODE;LIBELLE\nQEFA019;Mastectomie totale\nABCD001;Acte inventé\n",
    )
    load_code_system_file(
        "ccam", path, code_column="CODE", label_column=None, label_fr_column="LIBELLE", sep=";"
    )
    ccam = get_code_system("ccam")
    assert ccam.validate("ABCD001") and ccam.concept("QEFA019").attributes["group"] == "surgery"
    load_code_system_file(
        "ccam",
        path,
        code_column="CODE",
        label_column=None,
        label_fr_column="LIBELLE",
        sep=";",
        replace=True,
    )
    assert ccam.codes() == ["ABCD001", "QEFA019"]


def test_malformed_code_names_file_line_and_format(tmp_path):
    path = _write(tmp_path / "topo.csv", "code,label\nC50.9,Breast\nC5X.1,Oops\n")
    topo = get_code_system("icdo3_topography")
    before = len(topo)
    with pytest.raises(TerminologyError) as caught:
        load_code_system_file("icdo3_topography", path)
    message = str(caught.value)
    assert str(path) in message and "line 3" in message and "C50.4" in message
    assert caught.value.context["value"] == "C5X.1"
    assert len(topo) == before  # nothing loaded


def test_missing_column_and_missing_file(tmp_path):
    path = _write(tmp_path / "atc.csv", "atc_code,name\nL01XA01,cisplatin\n")
    with pytest.raises(TerminologyError) as caught:
        load_code_system_file("atc", path)
    assert "'code'" in str(caught.value) and "line 1" in str(caught.value)
    with pytest.raises(TerminologyError):
        load_code_system_file("atc", tmp_path / "absent.csv")


def test_athena_concept_file_with_where_filter(tmp_path):
    lines = [
        "concept_id\tconcept_name\tdomain_id\tvocabulary_id\tconcept_class_id\tconcept_code",
        '1\tAdenocarcinoma, "NOS"\tObservation\tICDO3\tICDO Histology\t8140/3',
        "2\tBreast, NOS\tSpec Anatomic Site\tICDO3\tICDO Topography\tC50.9",
        "3\tSomething\tCondition\tICDO3\tICDO Condition\t8140/3-C50.9",
        "4\tCarcinoma, made up\tObservation\tICDO3\tICDO Histology\t9998/3",
    ]
    path = _write(tmp_path / "CONCEPT.csv", "\n".join(lines) + "\n")
    count = load_code_system_file(
        "icdo3_morphology",
        path,
        code_column="concept_code",
        label_column="concept_name",
        sep="\t",
        quoting=False,
        where={"vocabulary_id": "ICDO3", "concept_class_id": "ICDO Histology"},
    )
    assert count == 2
    assert get_code_system("icdo3_morphology").validate("9998/3")


def test_terminology_directory_is_loaded_on_first_use(tmp_path, monkeypatch):
    _write(tmp_path / "loinc.csv", "code,label,label_fr\n99999-9,Made-up test,Test inventé\n")
    monkeypatch.setenv(TERMINOLOGY_DIR_ENV, str(tmp_path))
    loinc = get_code_system("loinc")
    assert loinc.validate("99999-9") and loinc.label("99999-9", "fr") == "Test inventé"
    assert loinc.validate("16112-5")


def test_malformed_file_in_the_directory_fails_every_time(tmp_path, monkeypatch):
    _write(tmp_path / "icd10.csv", "code,label\nnot a code,x\n")
    monkeypatch.setenv(TERMINOLOGY_DIR_ENV, str(tmp_path))
    for _ in range(2):
        with pytest.raises(TerminologyError):
            get_code_system("icd10")


def test_register_a_site_local_system():
    class LocalSite(CodeSystem):
        name = "site_local"
        title = "Site codes"
        pattern = __import__("re").compile(r"X\d")
        example = "X1"
        closed = False

    register_code_system("site_local", LocalSite)
    assert get_code_system("site_local").validate("x1")
