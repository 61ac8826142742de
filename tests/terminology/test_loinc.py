

def test_biomarker_catalogue_is_a_code_system():
    from oncorwd.terminology import get_code_system

    names = get_code_system("biomarker")
    assert names.validate("EGFR")
    assert names.normalize("ERBB2") == "HER2"
    assert names.normalize("her-2") == "HER2"
    assert not names.validate("NOT-A-MARKER")
    assert list(names.validate_many(["EGFR", "CA 15-3", "x"])) == [True, True, False]
    assert names.label("PSA", "fr") == "Antigène prostatique spécifique"
