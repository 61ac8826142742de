"""Step ``lines_of_therapy``: drug_administration.treatment_line, the MDS computed item
"changement de traitement médical", by documented rules (annex "Les changements de traitement"
of the guide; parameters in :class:`~oncorwd.ingest.derive.params.DeriveParams`).

Rules, per cancer (rows attributed by the ``attribution`` step):

1. Only antineoplastic administrations count (the terminology's flag: L01, L02, IMiDs, BCG...;
   antiemetics, G-CSF, folinic acid, corticosteroids do not, and get no line). Codes are first
   normalised to the current ATC version (L01XC18 is pembrolizumab L01FF02), fixed combinations
   count as their components (pertuzumab/trastuzumab L01FY01 = L01FD02 + L01FD01) and
   equivalent drugs as one (cisplatin = carboplatin: a switch is an adaptation, not a change).
2. A line starts with the first administration; its regimen is every drug given within
   ``window_days`` (28) of its start, so drugs added within the window belong to the line.
3. A new line starts at the first administration, after the window, of a drug not in the
   regimen (rule a). Dropping drugs (A+B+C then A+B; maintenance with one drug of the induction)
   and re-giving regimen drugs never start a line.
4. A new line starts at a restart after more than ``gap_days`` (120) without any antineoplastic
   administration, even with the same drugs (rule b; ``new_line_after_gap``).
5. A new line starts at a restart after a documented progression (progression = Y, attributed
   to the cancer) that falls in an interruption longer than ``progression_restart_days`` (60)
   (rule c; ``new_line_after_progression``). Treatment continued through the progression at its
   usual rhythm stays in its line; a new drug after a progression is rule a.

How it runs (set-based, no per-patient loop): a drug at date d can only trigger rule a for a
line starting at s if the same drug class was not given in [s, d), i.e. if its previous
administration ``prev_c`` is before s. So the candidates are the first administrations of a class
and its re-administrations after a break longer than the window (few rows), plus the dated
restarts of rules b and c (window functions and an as-of join). Lines are then found one line
number at a time for all cancers at once: the next start after s is the earliest candidate with
``d > s`` and (a restart, or ``d > s + window`` and ``prev_c < s``). The number of iterations is
the largest number of lines of a cancer, each over the small candidate table. Each row's line is
then the number of its cancer's line starts on or before its date (a short list per cancer).
"""

from __future__ import annotations

import pyarrow as pa

from oncorwd.ingest.derive.context import DeriveContext, cur
from oncorwd.ingest.derive.metastatic import METASTATIC
from oncorwd.ingest.derive.params import DeriveParams

__all__ = ["DRUG_LINES", "DRUG_ROWS", "LINE_STARTS", "LINE_SUMMARY", "line_classes", "run"]

LINE_STARTS = "dv_line_starts"
LINE_SUMMARY = "dv_line_summary"
#: The attributed drug rows once, narrow (integer keys), for lines and the treatment variables:
#: ck (cancer key of dv_cancer_key), d, code_id (dv_lk_atc), in_facility, clinical_trial,
#: early_access, source_type.
DRUG_ROWS = "dv_drug_rows"
#: The published drug_administration, with treatment_line.
DRUG_LINES = "dv_drug_administration_lines"
_MAX_LINES = 10_000


def line_classes(codes: list[str], params: DeriveParams) -> pa.Table:
    """``code -> cls``: the drug class(es) of each current ATC code for the regimen comparison
    (a combination gives one row per component; equivalent drugs share a class)."""
    canonical = {c: group[0] for group in params.equivalent_drugs for c in group}
    parts = dict(params.combination_drugs)
    rows: list[tuple[str, str]] = []
    for code in codes:
        for part in parts.get(code, (code,)):
            rows.append((code, canonical.get(part, part)))
    names = sorted({name for _, name in rows})
    number = {name: i for i, name in enumerate(names)}
    return pa.table({"code": pa.array([c for c, _ in rows], pa.string()),
                     "cls": pa.array([number[n] for _, n in rows], pa.int32())})


def _drug_rows_sql() -> str:
    return f"""
        SELECT k.ck, d.administration_date AS d, a.code_id, d.in_facility, d.clinical_trial,
               d.early_access, d.source_type
        FROM {cur("drug_administration")} d
        LEFT JOIN dv_lk_atc a ON a.code = d.atc_code
        LEFT JOIN dv_cancer_key k ON k.cancer_id = d.cancer_id"""


def _rows_sql(params: DeriveParams) -> str:
    """Antineoplastic administrations as (cancer key, date, code key): small integer columns."""
    metastatic = ""
    if params.metastatic_only:
        metastatic = (f"JOIN dv_cancer_key k USING (ck) JOIN {METASTATIC} m USING (cancer_id) "
                      f"WHERE r.d >= m.disease_date - {int(params.window_days)}")
    return f"""
        SELECT r.ck, r.d, r.code_id FROM (
            SELECT r.ck, r.d, r.code_id FROM {DRUG_ROWS} r
            JOIN dv_lk_atc a USING (code_id)
            WHERE a.antineoplastic AND r.ck IS NOT NULL AND r.d IS NOT NULL) r
        {metastatic}"""


def _new_classes_sql(window: int) -> str:
    """Days where a drug class is given for the first time, or again after a break longer than
    the window: the only days rule a can start a line (see the module docstring)."""
    return f"""
        pc AS (
            SELECT r.ck, r.d, lag(r.d) OVER (PARTITION BY r.ck, l.cls ORDER BY r.d) AS prev_c
            FROM dv_lot_rows r JOIN dv_lk_line_class l USING (code_id)),
        new_class AS (
            SELECT ck, d, min(coalesce(prev_c, DATE '0001-01-01')) AS prev_c,
                   FALSE AS gap_restart, FALSE AS prog_restart
            FROM pc WHERE prev_c IS NULL OR d - prev_c >= {window + 2} GROUP BY ck, d)"""


def _restarts_sql(params: DeriveParams) -> str:
    """Days after a pause (rule b) or after a progression within a pause (rule c). The lag over
    all rows of a cancer gives, on the first row of each day, the previous treatment day."""
    gap, pause = int(params.gap_days), int(params.progression_restart_days)
    gap_rule = f"d - prev > {gap}" if params.new_line_after_gap else "FALSE"
    prog_rule = (f"coalesce(pr.p >= prev AND d - prev > {pause}, FALSE)"
                 if params.new_line_after_progression else "FALSE")
    return f"""
        pauses AS (
            SELECT ck, d, prev FROM (
                SELECT ck, d, lag(d) OVER (PARTITION BY ck ORDER BY d) AS prev FROM dv_lot_rows)
            WHERE d - prev > {min(gap, pause)}),
        prog AS (
            SELECT k.ck, p.progression_date AS p FROM {cur("progression")} p
            JOIN dv_cancer_key k USING (cancer_id)
            WHERE p.progression = 'Y' AND p.progression_date IS NOT NULL),
        restarts AS (
            SELECT * FROM (
                SELECT s.ck, s.d, DATE '9999-12-31' AS prev_c, {gap_rule} AS gap_restart,
                       {prog_rule} AS prog_restart
                FROM pauses s ASOF LEFT JOIN prog pr ON pr.ck = s.ck AND s.d >= pr.p)
            WHERE gap_restart OR prog_restart)"""


def _candidates_sql(params: DeriveParams) -> str:
    return f"""
        WITH {_new_classes_sql(int(params.window_days))}, {_restarts_sql(params)}
        SELECT ck, d, min(prev_c) AS prev_c, bool_or(gap_restart) AS gap_restart,
               bool_or(prog_restart) AS prog_restart
        FROM (SELECT * FROM new_class UNION ALL SELECT * FROM restarts) GROUP BY ck, d"""


def _next_lines_sql(line: int, window: int) -> str:
    reason = ("CASE WHEN c.gap_restart THEN 'gap' WHEN c.prog_restart THEN 'progression' "
              "ELSE 'new_drug' END")
    return f"""
        INSERT INTO {LINE_STARTS}
        SELECT c.ck, {line + 1}, min(c.d), arg_min({reason}, c.d)
        FROM dv_lot_cand c JOIN {LINE_STARTS} s ON s.ck = c.ck AND s.line = {line}
        WHERE c.d > s.s AND (c.gap_restart OR c.prog_restart
                             OR (c.d > s.s + {window} AND c.prev_c < s.s))
        GROUP BY c.ck"""


def _find_lines(ctx: DeriveContext) -> None:
    ctx.create_table(LINE_STARTS, "SELECT ck, 1 AS line, min(d) AS s, 'first' AS reason "
                                  "FROM dv_lot_rows GROUP BY ck")
    for line in range(1, _MAX_LINES):
        row = ctx.con.execute(_next_lines_sql(line, int(ctx.params.window_days))).fetchone()
        if not row or not row[0]:
            return


def _summary_sql() -> str:
    """Per cancer: line 1 start and last administration, line 2 start, number of lines, and the
    line-1 regimen (distinct current codes: aggregated per code first, then joined)."""
    return f"""
        WITH st AS (
            SELECT ck, max(line) AS n_lines, min(s) FILTER (WHERE line = 1) AS s1,
                   min(s) FILTER (WHERE line = 2) AS s2
            FROM {LINE_STARTS} GROUP BY ck),
        codes AS (
            SELECT r.ck, r.code_id, max(r.d) AS last FROM dv_lot_rows r JOIN st USING (ck)
            WHERE st.s2 IS NULL OR r.d < st.s2 GROUP BY r.ck, r.code_id),
        l1 AS (
            SELECT c.ck, max(c.last) AS line1_end,
                   string_agg(DISTINCT a.current_code, '+' ORDER BY a.current_code)
                       AS first_line_regimen
            FROM codes c JOIN dv_lk_atc a USING (code_id) GROUP BY c.ck)
        SELECT k.cancer_id, st.s1 AS line1_start, l1.line1_end, st.s2 AS line2_start,
               st.n_lines, l1.first_line_regimen
        FROM st JOIN dv_cancer_key k USING (ck) LEFT JOIN l1 USING (ck)"""


def _published_sql() -> str:
    """The drug table with treatment_line = the number of line starts of its cancer on or before
    the administration (a short list per cancer: a hash join, no sort of the wide rows)."""
    line = "len(list_filter(l.starts, lambda x: x <= d.administration_date))"
    return f"""
        WITH l AS (
            SELECT k.cancer_id, list(s.s ORDER BY s.line) AS starts
            FROM {LINE_STARTS} s JOIN dv_cancer_key k USING (ck) GROUP BY k.cancer_id)
        SELECT d.* REPLACE (CAST(CASE WHEN a.antineoplastic THEN nullif({line}, 0) END
                                 AS INTEGER) AS treatment_line)
        FROM {cur("drug_administration")} d
        LEFT JOIN dv_lk_atc a ON a.code = d.atc_code
        LEFT JOIN l ON l.cancer_id = d.cancer_id"""


def run(ctx: DeriveContext) -> None:
    """Number the lines of therapy of each cancer (new drug after the 28-day regimen window,
    restart after a 120-day gap, restart after a progression; cisplatin = carboplatin;
    de-escalation and maintenance stay in the line) into drug_administration.treatment_line."""
    codes = [r[0] for r in ctx.con.execute(
        "SELECT DISTINCT current_code FROM dv_lk_atc WHERE antineoplastic").fetchall()]
    ctx.load_arrow("dv_lk_line_class", line_classes(codes, ctx.params))
    ctx.create_table("dv_lk_line_class", "SELECT a.code_id, l.cls FROM dv_lk_atc a "
                                         "JOIN dv_lk_line_class l ON l.code = a.current_code")
    ctx.create_table("dv_cancer_key", f"SELECT cancer_id, CAST(row_number() OVER () AS INTEGER) "
                                      f"AS ck FROM {cur('cancer')}")
    ctx.create_table(DRUG_ROWS, _drug_rows_sql())
    ctx.create_table("dv_lot_rows", _rows_sql(ctx.params))
    ctx.create_table("dv_lot_cand", _candidates_sql(ctx.params))
    _find_lines(ctx)
    ctx.create_table(LINE_SUMMARY, _summary_sql())
    ctx.sql("DROP TABLE dv_lot_cand; DROP TABLE dv_lot_rows")
    ctx.create_view(DRUG_LINES, _published_sql())
