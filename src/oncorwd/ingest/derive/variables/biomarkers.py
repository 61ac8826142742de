"""Category ``biomarkers``: receptor, HER2, PD-L1, Ki-67 and PSA results, gene alterations,
MSI/MMR, BRCA, HRD, and which tests were done (section 17).

Rows are attributed to the cancer (germline BRCA and serum PSA rows: any row of the patient) and
resolved to catalogue biomarkers by :mod:`.biomarker_rows`. Two reductions recur: "closest
contributive" (the POSITIVE/NEGATIVE row closest to a date, ties POSITIVE) and "any-positive"
(POSITIVE > NEGATIVE > NON_CONTRIBUTIVE > MISSING); NULL means no row.
"""

from __future__ import annotations

from oncorwd.ingest.derive.lookups import HRD
from oncorwd.ingest.derive.variables._sql import (
    BASE,
    FAR,
    VariableEnv,
    any_positive,
    closest_status,
    flag,
    in_list,
)
from oncorwd.ingest.derive.variables.biomarker_rows import (
    AMINO_ACID_RE,
    G12C_RE,
    T790M_RE,
    V600E_RE,
    egfr_class,
    rows_ctes,
)

__all__ = ["GENES", "MMR", "sql"]

#: Gene biomarkers with an any-positive status variable: catalogue name -> variable prefix.
GENES = {"EGFR": "egfr", "ALK": "alk", "ROS1": "ros1", "BRAF": "braf", "KRAS": "kras",
         "NRAS": "nras", "NTRK": "ntrk", "MET": "met", "RET": "ret", "PIK3CA": "pik3ca",
         HRD: "hrd", "BRCA1": "brca1", "BRCA2": "brca2"}
MMR = ("MMR", "MLH1", "MSH2", "MSH6", "PMS2")


def _rx(column: str, pattern: str) -> str:
    return f"regexp_matches({column}, '{pattern}')"


def _receptors() -> str:
    st = ("CASE WHEN status = 'POSITIVE' OR (status IS NULL AND value_numeric >= 1) "
          "THEN 'POSITIVE' WHEN status = 'NEGATIVE' OR (status IS NULL AND value_numeric < 1) "
          "THEN 'NEGATIVE' ELSE coalesce(status, 'MISSING') END")
    return f"""
        hr AS (
            SELECT cancer_id, bname, {closest_status("st", "result_date", "dx")} AS st
            FROM (SELECT *, {st} AS st FROM att WHERE bname IN ('ER', 'PR'))
            GROUP BY cancer_id, bname)"""


def _her2_status() -> str:
    key = f"{{'d': coalesce(abs(result_date - dx), {FAR}), 's': -CAST(left(score, 1) AS INT)}}"
    return f"""
        ihc AS (
            SELECT cancer_id, arg_min(score, {key}) AS score, arg_min(result_date, {key}) AS day
            FROM her2 WHERE score IS NOT NULL GROUP BY cancer_id),
        ish AS (
            SELECT h.cancer_id, bool_or(h.ish_status = 'POSITIVE') AS pos,
                   bool_or(h.ish_status = 'NEGATIVE') AS neg
            FROM her2 h LEFT JOIN ihc i USING (cancer_id)
            WHERE h.ish_status IN ('POSITIVE', 'NEGATIVE')
              AND (i.day IS NULL OR h.result_date IS NULL OR abs(h.result_date - i.day) <= 60)
            GROUP BY h.cancer_id),
        h2 AS (
            SELECT cancer_id, {closest_status("coalesce(status, 'MISSING')", "result_date", "dx")}
                   AS st
            FROM her2 GROUP BY cancer_id),
        her2_final AS (
            SELECT h2.cancer_id, ihc.score,
                   CASE WHEN ihc.score = '3+' OR ish.pos THEN 'POSITIVE'
                        WHEN ihc.score IN ('0', '1+')
                             OR (ish.neg AND coalesce(ihc.score, '2+') = '2+') THEN 'NEGATIVE'
                        WHEN ihc.score = '2+' THEN 'EQUIVOCAL'
                        WHEN h2.st IN ('POSITIVE', 'NEGATIVE') THEN h2.st
                        ELSE 'NON_CONTRIBUTIVE' END AS status
            FROM h2 LEFT JOIN ihc USING (cancer_id) LEFT JOIN ish USING (cancer_id))"""


def _pdl1_ki67_psa() -> str:
    tps = ("value_numeric IS NOT NULL AND coalesce(trim(unit), '%') = '%' "
           "AND NOT regexp_matches(u, '(^|[^A-Z])(CPS|IC)([^A-Z]|$)')")
    target = "coalesce(l1, dx)"
    near = "{'d': coalesce(abs(result_date - %s), %d), 'v': -value_numeric}"
    psa_unit = "(unit IS NULL OR lower(replace(unit, 'µ', 'u')) IN ('ng/ml', 'ug/l'))"
    return f"""
        pd AS (
            SELECT cancer_id, arg_min(value_numeric, {near % (target, FAR)})
                       FILTER (WHERE {tps}) AS tps,
                   {closest_status("coalesce(status, 'MISSING')", "result_date", target)} AS st
            FROM att WHERE bname = 'PD-L1' GROUP BY cancer_id),
        ki AS (
            SELECT cancer_id, arg_min(value_numeric, {near % ("dx", FAR)}) AS pct
            FROM att WHERE bname = 'Ki-67' AND value_numeric BETWEEN 0 AND 100
            GROUP BY cancer_id),
        psa AS (
            SELECT cancer_id, arg_min(value_numeric, {{'d': abs(result_date - dx),
                                                       'day': result_date}}) AS value
            FROM pt WHERE bname = 'PSA' AND value_numeric IS NOT NULL AND {psa_unit}
              AND result_date BETWEEN dx - 180 AND dx + 30
            GROUP BY cancer_id)"""


def _positive_flag(condition: str) -> str:
    """TRUE if a POSITIVE row of the group meets ``condition`` (regular expressions only run on
    positive rows)."""
    return flag(f"CASE WHEN status = 'POSITIVE' THEN {condition} ELSE FALSE END")


def _genes() -> str:
    earliest = ("{'nd': result_date IS NULL, 'd': coalesce(result_date, DATE '9999-12-31'), "
                "'id': biomarker_id}")
    cols = "cancer_id, bname, status, u, biomarker_code, result_date, biomarker_id, biomarker_type"
    germline_brca = "biomarker_type = 'GERMLINE' AND bname IN ('BRCA1', 'BRCA2')"
    rows = f"""
        SELECT {cols} FROM att WHERE NOT coalesce({germline_brca}, FALSE)
        UNION ALL
        SELECT {cols} FROM pt WHERE {germline_brca}"""
    v600e = f"biomarker_code = '58415-1' OR {_rx('u', V600E_RE)}"
    return f"""
        gene AS (
            SELECT cancer_id, bname, {any_positive("status")} AS st,
                   arg_min(u, {earliest}) FILTER (WHERE status = 'POSITIVE') AS first_positive,
                   {_positive_flag(_rx('u', T790M_RE))} AS t790m,
                   {_positive_flag(v600e)} AS v600e,
                   {_positive_flag(_rx('u', G12C_RE))} AS g12c,
                   {_positive_flag(f"biomarker_code = '58415-1' OR {_rx('u', AMINO_ACID_RE)}")}
                       AS named,
                   {flag("status = 'POSITIVE'")} AS any_pos,
                   count(*) FILTER (WHERE biomarker_type = 'GERMLINE') AS n_germline,
                   {flag("status = 'POSITIVE' AND biomarker_type = 'GERMLINE'")}
                       AS germline_pos
            FROM ({rows}) WHERE {in_list("bname", GENES)} GROUP BY cancer_id, bname)"""


def _msi() -> str:
    msi_text = _rx("u", r"MSI-?H|MSI[ -]?HIGH|INSTABLE|HIGH")
    mmr_text = _rx("u", r"DMMR|LOSS|PERTE|DEFICIEN|ABSEN")
    positive = (f"status = 'POSITIVE' OR (status IS DISTINCT FROM 'NEGATIVE' AND "
                f"((bname = 'MSI' AND {msi_text}) OR (bname <> 'MSI' AND {mmr_text})))")
    return f"""
        msi AS (
            SELECT cancer_id, {flag(positive)} AS pos,
                   {flag(f"status IN ('POSITIVE', 'NEGATIVE') OR {positive}")} AS contributive
            FROM att WHERE {in_list("bname", ("MSI", *MMR))} GROUP BY cancer_id),
        tested AS (
            SELECT cancer_id, {flag("bname = 'PD-L1'")} AS pdl1,
                   {flag(in_list("bname", ("MSI", *MMR)))} AS msi_mmr,
                   {flag("technique = 'NGS'")} AS ngs
            FROM att GROUP BY cancer_id)"""


def _gene_columns() -> str:
    return ",\n".join(f"g_{p}.st AS {p}_status" for p in GENES.values())


def _gene_joins() -> str:
    return "\n".join(f"LEFT JOIN gene g_{p} ON g_{p}.cancer_id = b.cancer_id "
                     f"AND g_{p}.bname = '{name}'" for name, p in GENES.items())


def _named_variant(alias: str, flag_col: str) -> str:
    return (f"CASE WHEN {alias}.st IS NULL THEN NULL WHEN {alias}.{flag_col} THEN TRUE "
            f"WHEN {alias}.any_pos AND NOT {alias}.named THEN NULL ELSE FALSE END")


def _germline() -> str:
    count = "coalesce(g_brca1.n_germline, 0) + coalesce(g_brca2.n_germline, 0)"
    return (f"CASE WHEN {count} = 0 THEN NULL ELSE coalesce(g_brca1.germline_pos, FALSE) "
            f"OR coalesce(g_brca2.germline_pos, FALSE) END")


def sql(env: VariableEnv) -> str:
    return f"""
        WITH {rows_ctes(env)}, {_receptors()}, {_her2_status()}, {_pdl1_ki67_psa()},
        {_genes()}, {_msi()}
        SELECT b.cancer_id, er.st AS er_status, pr.st AS pr_status,
               hf.score AS her2_ihc_score, hf.status AS her2_status,
               CASE WHEN hf.status = 'NEGATIVE' AND hf.score IN ('1+', '2+') THEN TRUE
                    WHEN hf.status = 'POSITIVE' OR (hf.status = 'NEGATIVE' AND hf.score = '0')
                    THEN FALSE END AS her2_low,
               pd.tps AS pdl1_tps,
               CASE WHEN pd.tps >= 1 THEN 'POSITIVE' WHEN pd.tps < 1 THEN 'NEGATIVE'
                    ELSE pd.st END AS pdl1_status,
               CASE WHEN pd.tps < 1 THEN 'LT1' WHEN pd.tps < 50 THEN '1_49'
                    WHEN pd.tps >= 50 THEN 'GE50' END AS pdl1_tps_class,
               ki.pct AS ki67_pct, psa.value AS psa_at_diagnosis,
               {_gene_columns()},
               CASE WHEN g_egfr.st = 'POSITIVE' THEN {egfr_class("g_egfr.first_positive")}
                    END AS egfr_mutation_type,
               CASE WHEN g_egfr.st IS NOT NULL THEN g_egfr.t790m END AS egfr_t790m,
               {_named_variant("g_braf", "v600e")} AS braf_v600e,
               {_named_variant("g_kras", "g12c")} AS kras_g12c,
               CASE WHEN msi.pos THEN TRUE WHEN msi.contributive THEN FALSE
                    END AS msi_high_or_dmmr,
               {_germline()} AS brca_germline_mutation,
               g_egfr.st IS NOT NULL AS egfr_tested, g_alk.st IS NOT NULL AS alk_tested,
               g_kras.st IS NOT NULL AS kras_tested, coalesce(tested.pdl1, FALSE) AS pdl1_tested,
               coalesce(tested.msi_mmr, FALSE) AS msi_mmr_tested,
               g_brca1.st IS NOT NULL OR g_brca2.st IS NOT NULL AS brca_tested,
               coalesce(tested.ngs, FALSE) AS ngs_performed
        FROM {BASE} b
        LEFT JOIN hr er ON er.cancer_id = b.cancer_id AND er.bname = 'ER'
        LEFT JOIN hr pr ON pr.cancer_id = b.cancer_id AND pr.bname = 'PR'
        LEFT JOIN her2_final hf ON hf.cancer_id = b.cancer_id
        LEFT JOIN pd ON pd.cancer_id = b.cancer_id LEFT JOIN ki ON ki.cancer_id = b.cancer_id
        LEFT JOIN psa ON psa.cancer_id = b.cancer_id
        LEFT JOIN msi ON msi.cancer_id = b.cancer_id
        LEFT JOIN tested ON tested.cancer_id = b.cancer_id
        {_gene_joins()}"""
