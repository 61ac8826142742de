"""Shape ``csv_dump``: a comprehensive cancer centre's DPI (electronic record) dump.

One ``;``-separated, **latin-1**, CRLF, unquoted CSV per subject (``patients.csv``,
``tumeurs.csv``, ``chimio.csv``, ...), French column names, dates ``dd/mm/yyyy`` with
``00/mm/yyyy`` or ``yyyy`` when partly unknown, decimal commas, French labels (``Oui``/``Non``,
``Droit``/``Gauche``, sex ``1``/``2``), drug products as the chemotherapy software's local codes
(``CHIMIO-0420``, mapped to ATC by ``maps/medicaments.csv``), tumour size in centimetres, M of
TNM as ``M0``/``M1``, and cancelled administrations (``STATUT=ANNULE``) the spec filters out.
Malformed lines (a field missing or one too many) appear only here.
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv

from oncorwd.synth.raw import labels as lb
from oncorwd.synth.raw.model import Col, Shape, SourceDecl

__all__ = ["SHAPE", "CsvDumpWriter"]


def _d(name: str, ref: str, required: bool = False, table: str | None = None,
       style: str = "fr", fault: bool | str = True) -> Col:
    """A date column; ``required`` ones can also be unparseable (``fault``)."""
    tag = "death" if fault == "death" else ("date" if required and fault else None)
    return Col(name, ref, "date", style=style, required=required, fault=tag,  # type: ignore[arg-type]
               table=table)


def _l(name: str, ref: str, labels: dict[str, str], required: bool = False,
       table: str | None = None) -> Col:
    return Col(name, ref, "label", labels=labels, required=required, table=table)


def _t(name: str, ref: str, required: bool = False, **kw: object) -> Col:
    return Col(name, ref, required=required, **kw)  # type: ignore[arg-type]


PAT, TUM = _t("NUM_PAT", "patient_id"), _t("ID_TUMEUR", "cancer_id")
NO = "non_opposition"

SOURCES = (
    SourceDecl("patients", "patients.csv", "patient", feeds=("patient", NO), join=(NO,), columns=(
        PAT, _t("ETAB", "facility_finess", True), _d("DATE_NAISS", "birth_date", True),
        _l("SEXE", "sex", lb.SEXE, True),
        _l("INFO_PATIENT", f"{NO}.information", lb.OUI_NON, True, NO),
        _d("DATE_INFO", f"{NO}.information_date", table=NO),
        _l("NON_OPPOSITION", f"{NO}.non_opposition", lb.OUI_NON, True, NO),
        _d("DATE_OPPOSITION", f"{NO}.opposition_date", table=NO))),
    SourceDecl("suivi", "suivi.csv", "vital_status", columns=(
        PAT, _l("STATUT_VITAL", "vital_status", lb.STATUT_VITAL, True),
        _l("SOURCE_INFO", "vital_status_source", lb.SOURCE_VITAL, True),
        _d("DATE_MAJ", "update_date"), _d("DATE_DERNIERE_VENUE", "last_visit_date", True),
        _d("DATE_DERNIER_CONTACT", "last_contact_date"),
        _d("DATE_DECES", "death_date", fault="death"))),
    SourceDecl("facteurs_risque", "facteurs_risque.csv", "risk_factor", columns=(
        PAT, *(_l(name, field, lb.OUI_NON_INCONNU) for name, field in (
            ("TABAC", "smoking"), ("ALCOOL", "alcohol"), ("SURPOIDS", "overweight"),
            ("ALIMENTATION", "unbalanced_diet"), ("SEDENTARITE", "sedentary_lifestyle"),
            ("HORMONES", "hormone"), ("ALLAITEMENT", "inadequate_breastfeeding"),
            ("INFECTIONS", "infectious_disease"), ("RAYONS_IONISANTS", "ionising_radiation"),
            ("POLLUTION", "pollution"), ("UV", "uv_radiation"),
            ("EXPO_PRO", "occupational_exposure"), ("EXPO_CHIMIQUE", "chemical_exposure"))))),
    SourceDecl("antecedents_familiaux", "antecedents_familiaux.csv", "family_history", columns=(
        _t("ID_ATCD", "family_history_id"), PAT, _t("TOPOGRAPHIE", "topography", True),
        _l("LIEN", "relationship", lb.LIEN))),
    SourceDecl("comorbidites", "comorbidites.csv", "comorbidity", columns=(
        _t("ID_COMORB", "comorbidity_id"), PAT,
        _t("CODE_CIM10", "code", True, fault="icd10"), _d("DATE_DEBUT", "onset_date", True))),
    SourceDecl("tumeurs", "tumeurs.csv", "cancer", columns=(
        TUM, PAT, _t("RANG", "cancer_order", True, kind="integer"),
        _l("PEC_ETAB", "care_in_facility", lb.OUI_NON, True),
        _d("DATE_DIAG", "diagnosis_date", True),
        _t("METHODE_DIAG", "diagnosis_method", True),
        _l("LIEU_DIAG", "diagnosis_in_facility", lb.INTERNE),
        _t("TOPOGRAPHIE", "topography", True), _t("MORPHOLOGIE", "morphology", True),
        _l("LATERALITE", "laterality", lb.LATERALITE, True),
        _t("TAILLE_CM", "tumor_size_mm", kind="number", scale=0.1),
        _d("DATE_TAILLE", "tumor_size_date"),
        _l("METHODE_TAILLE", "tumor_size_method", lb.TAILLE_METHODE),
        _t("T", "tnm_t"), _t("N", "tnm_n"), _t("M", "tnm_m", kind="code", style="tnm_m"),
        _t("TYPE_TNM", "tnm_type"), _t("TYPE_STADE", "stage_type"), _t("STADE", "stage"),
        _t("TYPE_GRADE", "grade_type"), _t("GRADE", "grade"))),
    SourceDecl("anapath", "anapath.csv", "sample", columns=(
        _t("ID_PRELEVEMENT", "sample_id"), PAT, TUM,
        _l("LIEU_CONSERVATION", "storage_location", lb.INTERNE),
        _d("DATE_PRELEVEMENT", "sampling_date"),
        _l("TYPE_PRELEVEMENT", "sample_type", lb.TYPE_PRELEVEMENT),
        _l("NATURE", "sample_nature", lb.NATURE), _t("TOPOGRAPHIE", "sample_topography"))),
    SourceDecl("evenements", "evenements.csv", "tumor_event", columns=(
        _t("ID_EVT", "tumor_event_id"), PAT, TUM, _t("TYPE_EVT", "event_type", True),
        _d("DATE_EVOCATION", "mention_date"), _d("DATE_DIAG_EVT", "diagnosis_date"),
        _t("MORPHO_EVT", "morphology"), _t("TOPO_META", "metastasis_topography"),
        _d("DATE_META", "metastasis_date"), _t("METHODE_DIAG", "diagnosis_method", True))),
    SourceDecl("etat_general", "etat_general.csv", "general_status", columns=(
        _t("ID_MESURE", "general_status_id"), PAT,
        _l("TYPE_MESURE", "measure_type", lb.MESURE, True),
        _t("VALEUR", "value", True, kind="number"), _d("DATE_MESURE", "measure_date", True))),
    SourceDecl("chirurgie", "chirurgie.csv", "surgery", columns=(
        _t("ID_ACTE", "surgery_id"), PAT, TUM, _d("DATE_ACTE", "procedure_date", True),
        _t("LIBELLE_ACTE", "procedure_group"), _t("CODE_CCAM", "procedure_code"),
        _l("LIEU", "in_facility", lb.INTERNE, True))),
    SourceDecl("chimio", "chimio.csv", "drug_administration",
               where=("STATUT", "ADMINISTRE", "ANNULE"), malformed=True, id_column="ID_ADM",
               columns=(
        _t("ID_ADM", "drug_administration_id"), PAT, TUM,
        _t("CODE_PRODUIT", "atc_code", True, kind="code", style="chimio", fault="drug"),
        _t("DCI", "drug_name", True, style="upper"), _l("LIEU", "in_facility", lb.INTERNE, True),
        _d("DATE_ADM", "administration_date", True), _l("ESSAI", "clinical_trial", lb.OUI_NON),
        _l("ACCES_PRECOCE", "early_access", lb.OUI_NON), Col("STATUT", kind="const",
                                                             value="ADMINISTRE"))),
    SourceDecl("radiotherapie", "radiotherapie.csv", "radiotherapy", columns=(
        _t("ID_RT", "radiotherapy_id"), PAT, TUM, _t("CODE_CCAM", "technique_code", True),
        _d("DATE_DEBUT", "start_date", True), _t("TOPO_IRRADIEE", "irradiated_topography"),
        _l("LIEU", "in_facility", lb.INTERNE), _t("LIEN_RTPLAN", "rt_dataset_link"))),
    SourceDecl("progression", "progression.csv", "progression", columns=(
        _t("ID_PROG", "progression_id"), PAT, TUM,
        _l("PROGRESSION", "progression", lb.OUI_NON, True),
        _d("DATE_PROGRESSION", "progression_date", True))),
    SourceDecl("imagerie", "imagerie.csv", "imaging", malformed=True, columns=(
        _t("ID_EXAMEN", "imaging_id"), PAT, TUM,
        _d("DATE_EXAMEN", "exam_date", True, style="fr_time"), _t("MODALITE", "modality", True),
        _t("ORGANES", "examined_sites"), _l("LIEU", "in_facility", lb.INTERNE),
        _t("LIEN_PACS", "dicom_study_link"))),
    SourceDecl("biologie", "biologie.csv", "biomarker", malformed=True, columns=(
        _t("ID_RESULTAT", "biomarker_id"), PAT, TUM, _t("ID_PRELEVEMENT", "sample_id"),
        _l("TYPE", "biomarker_type", lb.BIOMARKER_TYPE), _t("MARQUEUR", "biomarker_name", True),
        _t("CODE_LOINC", "biomarker_code"), _t("TECHNIQUE", "technique"),
        _l("RESULTAT", "status", lb.RESULTAT), _t("PRECISION", "result_detail"),
        _t("VALEUR", "value_numeric", kind="number"), _t("UNITE", "unit"),
        _d("DATE_RESULTAT", "result_date"), _t("NATURE_ECHANTILLON", "specimen_nature"))),
    SourceDecl("observations", "observations.csv", "observation", columns=(
        _t("ID_OBS", "observation_id"), PAT, _t("TYPE_OBS", "observation_type", True),
        _t("NOMENCLATURE", "nomenclature", True), _d("DATE_OBS", "observation_date", True),
        _t("VALEUR", "value", True), _t("RATTACHEMENT", "attached_table"))),
    SourceDecl("mesures", "mesures.csv", "measure", malformed=True, columns=(
        _t("ID_MES", "measure_id"), PAT, _t("TYPE_MES", "measure_type", True),
        _t("UNITE", "unit", True), _d("DATE_MES", "measure_date", True),
        _t("VALEUR", "value", True, kind="number"), _t("RATTACHEMENT", "attached_table"))),
)

SHAPE = Shape("csv_dump", SOURCES, typed=False)

#: Characters latin-1 cannot hold, spelled as a French DPI would; and the separator and quote,
#: which would break an unquoted dump.
_REPLACE = (("œ", "oe"), ("Œ", "OE"), ("’", "'"), ("–", "-"), ("—", "-"), ("…", "..."),
            ("≥", ">="), ("≤", "<="), (";", ","), ('"', "'"))


_SPECIAL = "[" + "".join(old for old, _ in _REPLACE) + "]"


def _clean(table: pa.Table) -> pa.Table:
    """String columns made writable as unquoted latin-1 (vectorised, before encoding; one scan
    per column, replacements only where a special character occurs)."""
    cols = []
    for c in table.columns:
        if pc.any(pc.match_substring_regex(c, _SPECIAL)).as_py():
            for old, new in _REPLACE:
                c = pc.replace_substring(c, old, new)
        cols.append(c)
    return pa.Table.from_arrays(cols, names=table.column_names)


def _encode(text: str) -> bytes:
    return text.replace("\n", "\r\n").encode("latin-1", errors="replace")


def _broken_line(row: list[str | None], code: int) -> str:
    """A line with one field missing (code 1) or one too many (code 2: an unquoted ';' in a
    free-text comment)."""
    cells = ["" if v is None else v for v in row]
    cells = cells[:-1] if code == 1 else [*cells, "commentaire; voir dossier"]
    return ";".join(cells) + "\n"


class CsvDumpWriter:
    """Appends frames to ``<folder>/<source file>``, header first, in latin-1."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self.paths: dict[str, Path] = {}

    def write(self, source: SourceDecl, frame: pa.Table) -> None:
        broken = frame.column("_malformed").to_numpy(zero_copy_only=False)
        data = _clean(frame.select([c for c in frame.column_names if not c.startswith("_")]))
        out = io.StringIO()
        if source.name not in self.paths:
            out.write(";".join(data.column_names) + "\n")
            self.paths[source.name] = self.folder / source.file
        start = 0
        for i in [*np.flatnonzero(broken).tolist(), data.num_rows]:
            if i > start:
                buf = io.BytesIO()
                pcsv.write_csv(data.slice(start, i - start), buf, pcsv.WriteOptions(
                    include_header=False, delimiter=";", quoting_style="none"))
                out.write(buf.getvalue().decode("utf-8"))
            if i < data.num_rows:
                row = list(data.slice(i, 1).to_pylist()[0].values())
                out.write(_broken_line(row, int(broken[i])))
            start = i + 1
        with self.paths[source.name].open("ab") as f:
            f.write(_encode(out.getvalue()))

    def close(self) -> dict[str, str]:
        """Source name -> file written."""
        return {name: str(path) for name, path in self.paths.items()}
