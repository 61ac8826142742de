"""Biomarker rows, resolved: which catalogue biomarker a row measures, and how a result detail
reads (HER2 IHC score, EGFR variant class, named variants such as BRAF V600E).

A row's biomarker (``bname``) is, first match wins: the ``biomarker_name`` column when the input
has it; the catalogue biomarker of its LOINC code (``dv_lk_biomarker``); for a generic genomics
row (69548-6 / 48018-6), the biomarker named by the first word of its result detail
(``dv_lk_gene``: "EGFR exon 19 deletion" -> EGFR, "NTRK1 fusion" -> NTRK). Regular expressions
here run on the upper-cased detail (``u``).
"""

from __future__ import annotations

from oncorwd.ingest.derive.context import cur
from oncorwd.ingest.derive.lines_of_therapy import LINE_SUMMARY
from oncorwd.ingest.derive.lookups import GENE_TOKEN_SQL, GENERIC_GENOMIC_CODES
from oncorwd.ingest.derive.variables._sql import BASE, VariableEnv, in_list

__all__ = [
    "AMINO_ACID_RE",
    "EGFR_CLASSES",
    "G12C_RE",
    "T790M_RE",
    "V600E_RE",
    "egfr_class",
    "her2_score",
    "rows_ctes",
]

#: EGFR variant classes of the egfr_variant_class value set, first match wins.
EGFR_CLASSES: tuple[tuple[str, str], ...] = (
    ("EX19DEL", r"(EXON|EX)\s*19.*DEL|DEL.*(EXON|EX)\s*19|DEL\s*19|19\s*DEL|E746|L747"),
    ("L858R", r"L858R|LEU858ARG|2573T>G"),
    ("EX20INS", r"(EXON|EX)\s*20.*INS|INS.*(EXON|EX)\s*20|INS\s*20|20\s*INS"),
    ("T790M", r"T790M|THR790MET|2369C>T"),
    ("OTHER", r"[A-Z][0-9]{2,4}[A-Z*]|P\.[A-Z]{3}[0-9]+"),
)
T790M_RE = r"T790M|THR790MET|2369C>T"
V600E_RE = r"V600E|VAL600GLU|1799T>A"
G12C_RE = r"G12C|GLY12CYS|34G>T"
#: A detail that names the variant (an amino-acid change, a c./p. notation, an indel or
#: fusion); 'V600' or 'G12X' alone do not.
AMINO_ACID_RE = (r"[ACDEFGHIKLMNPQRSTVWY][0-9]+[ACDEFGHIKLMNPQRSTVWY*]"
                 r"|P\.[A-Z]{3}[0-9]+[A-Z]{3}|C\.[0-9]+[ACGT]>[ACGT]|DEL|INS|DUP|FUSION")
_ISH_NEGATIVE_RE = r"NON[ -]?AMPLIFI|NOT AMPLIFIED|PAS D.AMPLIFICATION|NON-AMPLIFIED"
_ISH_POSITIVE_RE = r"AMPLIFI"


def _quote(pattern: str) -> str:
    return "'" + pattern.replace("'", "''") + "'"


def egfr_class(detail: str) -> str:
    """SQL: the EGFR variant class of an upper-cased detail (UNSPECIFIED when none matches)."""
    cases = " ".join(f"WHEN regexp_matches({detail}, {_quote(rx)}) THEN '{name}'"
                     for name, rx in EGFR_CLASSES)
    return f"CASE {cases} ELSE 'UNSPECIFIED' END"


def her2_score() -> str:
    """SQL: the HER2 IHC score ('0', '1+', '2+', '3+') of a row, from its detail ('3+',
    'score 2', 'ultralow' = 0) or its numeric value 0-3; NULL when unreadable."""
    digit = (r"coalesce(nullif(regexp_extract(u, '(^|[^A-Z0-9])([0-3])\s*\+', 2), ''), "
             r"nullif(regexp_extract(u, 'SCORE\s*:?\s*([0-3])', 1), ''), "
             r"CASE WHEN regexp_matches(u, 'ULTRA.?LOW') THEN '0' END, "
             r"nullif(regexp_extract(u, '^\s*([0-3])\s*$', 1), ''), "
             "CASE WHEN value_numeric IN (0, 1, 2, 3) "
             "THEN CAST(CAST(value_numeric AS INTEGER) AS VARCHAR) END)")
    return f"CASE {digit} WHEN '0' THEN '0' ELSE {digit} || '+' END"


def _resolved(env: VariableEnv) -> str:
    name = "r.biomarker_name, " if env.biomarker_name else ""
    token = GENE_TOKEN_SQL.format(col="r.result_detail")
    return f"""
        bm AS (
            SELECT r.biomarker_id, r.patient_id, r.cancer_id, r.biomarker_type,
                   r.biomarker_code, r.technique, r.status, r.value_numeric, r.unit,
                   r.result_date, upper(coalesce(r.result_detail, '')) AS u,
                   coalesce({name}lk.name, g.name) AS bname, lk.technique AS code_technique
            FROM {cur("biomarker")} r
            LEFT JOIN dv_lk_biomarker lk ON lk.code = r.biomarker_code
            LEFT JOIN dv_lk_gene g
              ON {in_list("r.biomarker_code", GENERIC_GENOMIC_CODES)} AND g.token = {token})"""


def _her2() -> str:
    ish = ("technique IN ('FISH', 'CISH') OR (technique IS NULL AND code_technique = 'FISH')")
    return f"""
        her2 AS (
            SELECT *, CASE WHEN is_ihc THEN {her2_score()} END AS score,
                   CASE WHEN is_ish THEN status
                        WHEN is_ihc AND regexp_matches(u, {_quote(_ISH_NEGATIVE_RE)})
                            THEN 'NEGATIVE'
                        WHEN is_ihc AND regexp_matches(u, {_quote(_ISH_POSITIVE_RE)})
                            THEN 'POSITIVE' END AS ish_status
            FROM (SELECT *, coalesce({ish}, FALSE) AS is_ish,
                         NOT coalesce({ish}, FALSE)
                         AND coalesce(technique = 'IHC' OR code_technique = 'IHC', FALSE)
                             AS is_ihc
                  FROM att WHERE bname = 'HER2'))"""


def rows_ctes(env: VariableEnv) -> str:
    """The CTEs ``bm`` (every row, resolved), ``att`` (rows attributed to a cohort cancer, with
    its diagnosis date ``dx`` and line-1 start ``l1``), ``pt`` (the PSA and germline BRCA rows of
    the cancer's patient, whatever their cancer) and ``her2`` (HER2 rows with IHC score and ISH
    status)."""
    return f"""
        {_resolved(env)},
        att AS (
            SELECT b.cancer_id, b.dx, l.line1_start AS l1, bm.* EXCLUDE (cancer_id, patient_id)
            FROM {BASE} b JOIN bm USING (cancer_id) LEFT JOIN {LINE_SUMMARY} l USING (cancer_id)),
        pt AS (
            SELECT b.cancer_id, b.dx, bm.* EXCLUDE (cancer_id, patient_id)
            FROM {BASE} b JOIN bm USING (patient_id)
            WHERE bm.bname = 'PSA' OR (bm.biomarker_type = 'GERMLINE'
                                       AND bm.bname IN ('BRCA1', 'BRCA2'))),
        {_her2()}"""
