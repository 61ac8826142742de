"""``oncorwd ingest new-mapping``: a commented starting spec from a hospital's exports.

Given export files (CSV, XLSX, Parquet) or a SQL URL and query, it reads a sample of each
source, lists its columns, and guesses what it can: target table and field from common French
column names (:data:`GUESSES`: ``NIP``/``IPP``/``NUM_PAT`` → ``patient_id``, ``DDN`` →
``birth_date``, ``SEXE`` → ``sex``, ``CODE_CIM10`` → ``cancer.topography`` through the ICD-10
transcoder, ``DCI``/``UCD``/``CODE_ATC`` → drug fields…), date formats from sampled values,
value maps for coded fields from the distinct values seen (with the usual French codes filled
in: ``1``/``2`` → ``M``/``F``, ``G``/``D`` → ``L``/``R``…), and record identifiers as templates.
What it cannot guess is a ``# TODO`` comment: a required field without a column, an unknown
local code, dates no format reads. The spec it writes always loads (checked with
:func:`oncorwd.ingest.spec.load_spec` before returning).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from oncorwd.dictionary import load_dictionary
from oncorwd.ingest import mapping_text as text
from oncorwd.ingest.mapping_text import Proposal, SourceSample
from oncorwd.ingest.spec import load_spec

__all__ = ["GUESSES", "KNOWN_VALUES", "Guess", "guess", "new_mapping", "normalise", "propose",
           "sample_sources"]

_SAMPLE_ROWS = 1000


@dataclass(frozen=True)
class Guess:
    """Source columns whose normalised name matches ``pattern`` feed ``table.field``."""

    pattern: str
    table: str
    field: str
    transcode: str | None = None
    note: str | None = None


GUESSES: tuple[Guess, ...] = (
    Guess(r"(NIP|IPP|NUM_?PAT(IENT)?|N_?PAT(IENT)?|NO_?PAT|ID_?PAT(IENT)?|PATIENT_?ID"
          r"|NUMERO_PATIENT)", "patient", "patient_id"),
    Guess(r"(DATE_?(DE_)?NAISS(ANCE)?|DDN|DT_?NAISS(ANCE)?|NAISSANCE)", "patient", "birth_date"),
    Guess(r"(SEXE|SEX|GENRE)", "patient", "sex"),
    Guess(r"(NUM_?)?FINESS(_GEO)?", "patient", "facility_finess"),
    Guess(r"(DATE_?(DE_|DU_)?DECES|DT_?DECES|DDC)", "vital_status", "death_date"),
    Guess(r"(DATE_?(DERN(IERE)?_?)?(VENUE|VISITE)|DDV)", "vital_status", "last_visit_date"),
    Guess(r"(DATE_?(DERN(IER)?_?)?(CONTACT|NOUVELLES)|DDN_?CONTACT)", "vital_status",
          "last_contact_date"),
    Guess(r"(STATUT_?VITAL|DECEDE|ETAT_?VITAL)", "vital_status", "vital_status"),
    Guess(r"(CODE_?CIM_?10|CIM_?10|DIAG|DP|CODE_?DIAG(NOSTIC)?)", "cancer", "topography",
          "icd10_to_icdo3_topography", "ICD-10 code: transcoded to ICD-O-3 topography"),
    Guess(r"(TOPO(GRAPHIE)?|CODE_?TOPO(GRAPHIE)?|CIMO_?T(OPO)?)", "cancer", "topography",
          "normalize_code"),
    Guess(r"(MORPHO(LOGIE)?|CODE_?MORPHO(LOGIE)?|HISTO(LOGIE)?|CIMO_?M(ORPHO)?)", "cancer",
          "morphology", "icdo3_recode_behaviour"),
    Guess(r"(CODE_?)?ADICAP", "cancer", "morphology", "adicap_to_icdo3",
          "ADICAP needs a transcoding table (ONCORWD_ADICAP_TABLE)"),
    Guess(r"(DATE_?(DE_|DU_)?DIAG(NOSTIC)?|DT_?DIAG)", "cancer", "diagnosis_date"),
    Guess(r"(LAT(ERALITE)?|COTE)", "cancer", "laterality"),
    Guess(r"(STADE|STAGE)(_?(TNM|AJCC|FIGO))?", "cancer", "stage", "stage_to_osiris"),
    Guess(r"(TNM_?T|T_?TNM|CT|PT)", "cancer", "tnm_t", "normalize_code"),
    Guess(r"(TNM_?N|N_?TNM|CN|PN)", "cancer", "tnm_n", "normalize_code"),
    Guess(r"(TNM_?M|M_?TNM|CM|PM)", "cancer", "tnm_m", "tnm_m_flag"),
    Guess(r"(TAILLE_?TUM(EUR)?|TAILLE_?MM)", "cancer", "tumor_size_mm"),
    Guess(r"(DCI|LIBELLE_?MEDICAMENT|NOM_?MEDICAMENT|MEDICAMENT|MOLECULE)",
          "drug_administration", "drug_name"),
    Guess(r"(CODE_?ATC|ATC)", "drug_administration", "atc_code", "atc_current"),
    Guess(r"(UCD|CODE_?UCD|CODE_?MEDICAMENT|CIP)", "drug_administration", "atc_code", None,
          "local drug codes: map them to ATC with a value map (TODO)"),
    Guess(r"(DATE_?ADM(IN(ISTRATION)?)?|DT_?ADM(IN)?|DATE_?CURE)", "drug_administration",
          "administration_date"),
    Guess(r"(ESSAI(_?CLINIQUE)?)", "drug_administration", "clinical_trial"),
    Guess(r"(ATU|ACCES_?PRECOCE|AP)", "drug_administration", "early_access"),
    Guess(r"(CODE_?CCAM|CCAM|CODE_?ACTE|ACTE)", "surgery", "procedure_code", "normalize_code"),
    Guess(r"(DATE_?(ACTE|INTERVENTION|CHIR(URGIE)?))", "surgery", "procedure_date"),
    Guess(r"(DATE_?DEBUT_?(RT|RADIO(THERAPIE)?))", "radiotherapy", "start_date"),
    Guess(r"(OMS|ECOG|PS|PERF(ORMANCE)?_?STATUS)", "general_status", "value"),
    Guess(r"(KARNOFSKY|IK)", "general_status", "value", "karnofsky_to_ecog"),
    Guess(r"(DATE_?(OMS|ECOG|PS|MESURE|CONSULT(ATION)?))", "general_status", "measure_date"),
)

#: Usual French local codes for coded fields, by value set.
KNOWN_VALUES: dict[str, dict[str, str]] = {
    "sex": {"1": "M", "2": "F", "M": "M", "F": "F", "H": "M", "HOMME": "M", "FEMME": "F",
            "MASCULIN": "M", "FEMININ": "F"},
    "laterality": {"G": "L", "GAUCHE": "L", "D": "R", "DROIT": "R", "DROITE": "R", "L": "L",
                   "R": "R", "NA": "NA", "SANS OBJET": "NA", "I": "UN", "INCONNU": "UN",
                   "INCONNUE": "UN"},
    "yes_no": {"O": "Y", "OUI": "Y", "Y": "Y", "1": "Y", "N": "N", "NON": "N", "0": "N"},
    "vital_status": {"V": "0", "VIVANT": "0", "0": "0", "D": "1", "DCD": "1", "DECEDE": "1",
                     "1": "1"},
    "in_out": {"IN": "IN", "OUT": "OUT", "INTERNE": "IN", "EXTERNE": "OUT"},
    "yes_no_unknown": {"O": "Y", "OUI": "Y", "N": "N", "NON": "N", "I": "UN", "INCONNU": "UN"},
}

_DATE_CANDIDATES = ("%d/%m/%Y", "%Y-%m-%d", "%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M",
                    "%Y-%m-%d %H:%M:%S", "%Y%m%d", "%d/%m/%y", "%d-%m-%Y", "%m/%Y", "%Y-%m",
                    "%Y")


def normalise(name: str) -> str:
    """``Date naiss.`` → ``DATE_NAISS``: upper case, no accents, ``_`` between words."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Z0-9]+", "_", plain.upper()).strip("_")


def guess(column: str) -> Guess | None:
    """The first guess whose pattern matches the whole normalised column name."""
    key = normalise(column)
    return next((g for g in GUESSES if re.fullmatch(g.pattern, key)), None)


def sample_sources(paths: list[Path], out: Path, *, sql_url: str | None = None,
                   sql_query: str | None = None) -> list[SourceSample]:
    """Open each source the way ``ingest run`` will and keep a sample of its values."""
    from oncorwd.ingest.mapping_text import read_sample

    samples = [read_sample(path, out.parent) for path in paths]
    if sql_url and sql_query:
        samples.append(read_sample(None, out.parent, sql_url=sql_url, sql_query=sql_query))
    names: set[str] = set()
    for s in samples:
        while s.name in names:
            s.name += "_2"
        names.add(s.name)
    return samples


@dataclass
class _Found:
    table: str
    fields: dict[str, tuple[str, Guess]] = field(default_factory=dict)


def _found_tables(sample: SourceSample) -> dict[str, _Found]:
    found: dict[str, _Found] = {}
    patient = None
    for column in sample.columns:
        g = guess(column)
        if g is None:
            continue
        if g.field == "patient_id" and patient is None:
            patient = column
        target = found.setdefault(g.table, _Found(g.table))
        target.fields.setdefault(g.field, (column, g))
    if patient is not None:
        for table, target in found.items():
            if "patient_id" in {f.name for f in load_dictionary().entity(table).fields}:
                target.fields.setdefault("patient_id", (patient, GUESSES[0]))
    return {t: f for t, f in found.items() if set(f.fields) - {"patient_id"} or t == "patient"}


def propose(samples: list[SourceSample], site_id: str | None = None) -> Proposal:
    """Tables, fields and value maps guessed from the samples (first source wins a table)."""
    proposal = Proposal(samples, site_id=site_id)
    for sample in samples:
        for table, found in _found_tables(sample).items():
            if table in proposal.tables:
                proposal.tables[table].todos.append(
                    f"source {sample.name} also has {table} columns: "
                    + ", ".join(c for c, _ in found.fields.values()))
                continue
            proposal.tables[table] = text.table_proposal(proposal, sample, table, {
                name: (column, g.transcode, g.note) for name, (column, g) in
                found.fields.items()})
    return proposal


def new_mapping(sources: list[Path], out: Path, *, sql_url: str | None = None,
                sql_query: str | None = None, site_id: str | None = None,
                site_name: str | None = None) -> Path:
    """Write a starting spec for ``sources`` to ``out`` and check that it loads."""
    out.parent.mkdir(parents=True, exist_ok=True)
    samples = sample_sources(sources, out, sql_url=sql_url, sql_query=sql_query)
    proposal = propose(samples, site_id)
    out.write_text(text.render(proposal, site_id=site_id, site_name=site_name), "utf-8")
    load_spec(out)
    return out
