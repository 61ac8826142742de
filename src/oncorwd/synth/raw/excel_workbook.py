"""Shape ``excel_workbook``: a university hospital's data-warehouse extract for the tumour board.

One workbook ``extraction_rcp.xlsx``, one sheet per subject (Patients, Suivi, Antecedents,
Diagnostics, Evenements, Traitements, Chirurgie, Radiotherapie, Progressions, EtatGeneral,
Biomarqueurs, Observations, Mesures). Cancers carry the **PMSI ICD-10 code** of the stay
(``C50.4``, ``C34.1``; melanoma ``C43.x``, myeloma ``C90.0``) instead of the ICD-O-3 topography,
which the spec recovers with the ``icd10_to_icdo3_topography`` transcoder; drugs carry ATC codes,
pre-2022 administrations mostly with the retired codes (``L01XC18``) that ``atc_current``
updates. Dates are Excel date cells where the day is known, text (``03/2019``, ``2019``)
otherwise, and text ``dd/mm/yyyy`` in the comorbidity sheet. The extract leaves out patients with
a lymphoma (the haematology board has its own tool): no ICD-10 code maps back to a lymph-node
topography.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa

from oncorwd.errors import SynthError
from oncorwd.synth.raw import labels as lb
from oncorwd.synth.raw.model import Col, Shape, SourceDecl
from oncorwd.synth.raw.xlsx import XlsxWriter

__all__ = ["MAX_ROWS", "SHAPE", "ExcelWriter"]

MAX_ROWS = 1_048_575  # Excel's sheet limit, header excluded

ON = {"Y": "O", "N": "N"}
SEXE = {"M": "H", "F": "F"}
LIEU = {"IN": "CHU", "OUT": "Hors CHU"}
COTE = {"R": "Droite", "L": "Gauche", "NA": "Sans objet", "UN": "Inconnue"}


def _d(name: str, ref: str, required: bool = False, table: str | None = None,
       style: str = "excel", death: bool = False) -> Col:
    tag = "death" if death else ("date" if required else None)
    return Col(name, ref, "date", style=style, required=required, fault=tag,  # type: ignore[arg-type]
               table=table)


def _c(name: str, ref: str, required: bool = False, **kw: object) -> Col:
    return Col(name, ref, required=required, **kw)  # type: ignore[arg-type]


def _l(name: str, ref: str, labels: dict[str, str], required: bool = False,
       table: str | None = None) -> Col:
    return Col(name, ref, "label", labels=labels, required=required, table=table)


IPP, TUM = _c("IPP", "patient_id"), _c("ID_TUMEUR", "cancer_id")
NO = "non_opposition"

SOURCES = (
    SourceDecl("patients", "Patients", "patient", feeds=("patient", NO), join=(NO,), columns=(
        IPP, _c("FINESS", "facility_finess", True), _d("DATE_NAISSANCE", "birth_date", True),
        _l("SEXE", "sex", SEXE, True),
        _l("INFORMATION", f"{NO}.information", ON, True, NO),
        _d("DATE_INFORMATION", f"{NO}.information_date", table=NO),
        _l("NON_OPPOSITION", f"{NO}.non_opposition", ON, True, NO),
        _d("DATE_OPPOSITION", f"{NO}.opposition_date", table=NO))),
    SourceDecl("suivi", "Suivi", "vital_status", columns=(
        IPP, _l("STATUT_VITAL", "vital_status", lb.STATUT_VITAL, True),
        _c("SOURCE_STATUT", "vital_status_source", True), _d("DATE_MAJ", "update_date"),
        _d("DERNIERE_VENUE", "last_visit_date", True),
        _d("DERNIER_CONTACT", "last_contact_date"), _d("DATE_DECES", "death_date", death=True))),
    SourceDecl("antecedents", "Antecedents", "comorbidity", columns=(
        _c("ID_ANTECEDENT", "comorbidity_id"), IPP, _c("CIM10", "code", True, fault="icd10"),
        _d("DATE_DEBUT", "onset_date", True, style="fr"))),
    SourceDecl("diagnostics", "Diagnostics", "cancer", columns=(
        TUM, IPP, _c("RANG", "cancer_order", True, kind="integer"),
        _l("PRISE_EN_CHARGE", "care_in_facility", ON, True),
        _d("DATE_DIAGNOSTIC", "diagnosis_date", True),
        _c("BASE_DIAGNOSTIC", "diagnosis_method", True),
        _l("LIEU_DIAGNOSTIC", "diagnosis_in_facility", LIEU),
        _c("CIM10", "topography", True, kind="code", style="pmsi_icd10", fault="icd10",
           rule="transcode"),
        _c("MORPHOLOGIE_CIMO3", "morphology", True),
        _l("LATERALITE", "laterality", COTE, True), _c("TAILLE_MM", "tumor_size_mm", kind="number"),
        _d("DATE_TAILLE", "tumor_size_date"), _c("METHODE_TAILLE_SNOMED", "tumor_size_method"),
        _c("cT_pT", "tnm_t"), _c("cN_pN", "tnm_n"), _c("METASTATIQUE", "tnm_m"),
        _c("PREFIXE_TNM", "tnm_type"), _c("SYSTEME_STADE", "stage_type"), _c("STADE", "stage"),
        _c("SYSTEME_GRADE", "grade_type"), _c("GRADE", "grade"))),
    SourceDecl("evenements", "Evenements", "tumor_event", columns=(
        _c("ID_EVENEMENT", "tumor_event_id"), IPP, TUM, _c("TYPE", "event_type", True),
        _d("DATE_EVOCATION", "mention_date"), _d("DATE_HISTOLOGIE", "diagnosis_date"),
        _c("MORPHOLOGIE_CIMO3", "morphology"), _c("SITE_METASTASE", "metastasis_topography"),
        _d("DATE_METASTASE", "metastasis_date"), _c("BASE_DIAGNOSTIC", "diagnosis_method", True))),
    SourceDecl("traitements", "Traitements", "drug_administration", columns=(
        _c("ID_ADMINISTRATION", "drug_administration_id"), IPP, TUM,
        _c("ATC", "atc_code", True, kind="code", style="atc_pre2022", fault="drug",
           rule="code"),
        _c("MOLECULE", "drug_name", True), _l("LIEU", "in_facility", LIEU, True),
        _d("DATE_ADMINISTRATION", "administration_date", True),
        _l("ESSAI_CLINIQUE", "clinical_trial", ON), _l("ACCES_PRECOCE", "early_access", ON))),
    SourceDecl("chirurgie", "Chirurgie", "surgery", columns=(
        _c("ID_ACTE", "surgery_id"), IPP, TUM, _d("DATE_ACTE", "procedure_date", True),
        _c("LIBELLE", "procedure_group"), _c("CCAM", "procedure_code"),
        _l("LIEU", "in_facility", LIEU, True))),
    SourceDecl("radiotherapie", "Radiotherapie", "radiotherapy", columns=(
        _c("ID_RT", "radiotherapy_id"), IPP, TUM, _c("CCAM", "technique_code", True),
        _d("DATE_DEBUT", "start_date", True), _c("TOPOGRAPHIE_CIMO3", "irradiated_topography"),
        _l("LIEU", "in_facility", LIEU))),
    SourceDecl("progressions", "Progressions", "progression", columns=(
        _c("ID_PROGRESSION", "progression_id"), IPP, TUM,
        _l("PROGRESSION", "progression", ON, True),
        _d("DATE_PROGRESSION", "progression_date", True))),
    SourceDecl("etat_general", "EtatGeneral", "general_status", columns=(
        _c("ID_MESURE", "general_status_id"), IPP, _c("TYPE", "measure_type", True),
        _c("VALEUR", "value", True, kind="number"), _d("DATE_MESURE", "measure_date", True))),
    SourceDecl("biomarqueurs", "Biomarqueurs", "biomarker", columns=(
        _c("ID_RESULTAT", "biomarker_id"), IPP, TUM, _c("CLASSE", "biomarker_type"),
        _c("BIOMARQUEUR", "biomarker_name", True), _c("LOINC", "biomarker_code"),
        _c("TECHNIQUE", "technique"), _l("STATUT", "status", lb.RESULTAT),
        _c("DETAIL", "result_detail"), _c("VALEUR", "value_numeric", kind="number"),
        _c("UNITE", "unit"), _d("DATE_RESULTAT", "result_date"),
        _c("ECHANTILLON", "specimen_nature"))),
    SourceDecl("observations", "Observations", "observation", columns=(
        _c("ID_OBSERVATION", "observation_id"), IPP, _c("VARIABLE", "observation_type", True),
        _c("NOMENCLATURE", "nomenclature", True), _d("DATE", "observation_date", True),
        _c("VALEUR", "value", True), _c("RATTACHEMENT", "attached_table"))),
    SourceDecl("mesures", "Mesures", "measure", columns=(
        _c("ID_MESURE", "measure_id"), IPP, _c("VARIABLE", "measure_type", True),
        _c("UNITE", "unit", True), _d("DATE", "measure_date", True),
        _c("VALEUR", "value", True, kind="number"), _c("RATTACHEMENT", "attached_table"))),
)

SHAPE = Shape("excel_workbook", SOURCES, typed=True, scope="no_lymphoma")


class ExcelWriter:
    """Appends frames to the sheets of ``path`` (see :mod:`.xlsx`), saved by :meth:`close`."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.book = XlsxWriter(path, [s.file for s in SOURCES])
        self.rows: dict[str, int] = {}

    def write(self, source: SourceDecl, frame: pa.Table) -> None:
        self.rows[source.name] = self.rows.get(source.name, 0) + frame.num_rows
        if self.rows[source.name] > MAX_ROWS:
            raise SynthError(f"sheet {source.file}: more than {MAX_ROWS} rows",
                             hint="Excel caps a sheet at 1 048 576 rows: use the csv_dump shape "
                                  "for big sites")
        dates = {c.name for c in source.columns if c.kind == "date" and c.style == "excel"}
        data = frame.select([c for c in frame.column_names if not c.startswith("_")])
        self.book.append(source.file, data, dates)

    def close(self) -> dict[str, str]:
        """Save the workbook; source name -> ``<file>#<sheet>``."""
        path = self.book.close()
        sheets = {s.name: s.file for s in SOURCES}
        return {name: f"{path}#{sheets[name]}" for name in self.rows}
