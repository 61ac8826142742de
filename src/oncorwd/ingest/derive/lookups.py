"""Step ``lookups``: small tables built from the terminology over the distinct codes present.

Terminology answers (IARC groups, current ATC codes, biomarker of a LOINC code...) are Python
functions; calling them per row would not scale, so this step asks the engine for the distinct
codes (a few hundred), answers in Python, and loads the answers as TEMP lookup tables that the
SQL of later steps joins. Lookups:

- ``dv_lk_topography(code, grp)``: IARC 2004 topography group as its summary code (C34.9 for
  C33-C34, C50.9 for a lone site C50);
- ``dv_lk_morphology(code, grp)``: IARC/Berg histology group '1'-'17' (NULL outside the groups);
- ``dv_lk_atc(code, current_code, inn, antineoplastic, <class flags>, code_id)`` (``code_id``: a
  small integer key, so the big drug scans hash integers, not strings);
- ``dv_lk_biomarker(code, name, technique)``: catalogue biomarker and technique of a LOINC code;
- ``dv_lk_gene(token, name)``: catalogue biomarker named by the first word of the result detail
  of a generic genomics row (69548-6 "EGFR exon 19 deletion" -> EGFR);
- ``dv_lk_ccam(code, grp)``: the terminology's group of a CCAM code (surgery, radiotherapy...).
"""

from __future__ import annotations

from collections.abc import Callable

import pyarrow as pa

from oncorwd.errors import TerminologyError
from oncorwd.ingest.derive.context import DeriveContext, cur, lit
from oncorwd.ingest.derive.drug_classes import DRUG_CLASSES, classify, is_antineoplastic
from oncorwd.terminology import (
    atc_current,
    biomarker_by_name,
    biomarker_of,
    ccam_group,
    get_code_system,
    morphology_group,
    topography_group,
)

__all__ = [
    "GENERIC_GENOMIC_CODES",
    "GENE_TOKEN_SQL",
    "HRD",
    "atc_lookup",
    "biomarker_lookup",
    "gene_lookup",
    "morphology_lookup",
    "run",
    "topography_lookup",
]

#: LOINC codes of generic genomics rows whose gene is named in the result detail.
GENERIC_GENOMIC_CODES = ("69548-6", "48018-6")
#: The first word of a result detail, upper-cased (the gene symbol of a generic genomics row).
GENE_TOKEN_SQL = "regexp_extract(upper(trim({col})), '^([A-Z0-9]+)', 1)"
#: Pseudo catalogue name for homologous recombination deficiency (no LOINC code in the subset).
HRD = "HRD"
_HRD_TOKENS = {"HRD": HRD, "GIS": HRD, "HOMOLOGOUS": HRD, "GENOMIC": HRD}


def _strings(values: list[str | None]) -> pa.Array:
    return pa.array(values, type=pa.string())


def topography_lookup(codes: list[str]) -> pa.Table:
    """``code -> grp``: the group's summary code, or the 3-character site followed by .9."""
    groups: list[str | None] = []
    for code in codes:
        try:
            g = topography_group(code)
        except TerminologyError:
            groups.append(None)
            continue
        groups.append(g.synchronous_code or f"{g.sites[0]}.9")
    return pa.table({"code": _strings(list(codes)), "grp": _strings(groups)})


def morphology_lookup(codes: list[str]) -> pa.Table:
    """``code -> grp``: IARC/Berg histology group number as text ('1'-'17'), NULL outside."""
    groups: list[str | None] = []
    for code in codes:
        try:
            g = morphology_group(code)
        except TerminologyError:
            g = None
        groups.append(None if g is None else str(g[0]))
    return pa.table({"code": _strings(list(codes)), "grp": _strings(groups)})


def atc_lookup(codes: list[str]) -> pa.Table:
    """``code -> current_code, inn, antineoplastic`` and one boolean column per drug class."""
    system = get_code_system("atc")
    rows: dict[str, list[object]] = {"code": [], "current_code": [], "inn": [],
                                     "antineoplastic": []}
    rows.update({c: [] for c in DRUG_CLASSES})
    for code in codes:
        now = atc_current(code)
        concept = system.concept(now)
        inn = concept.label_en if concept else None
        flagged = None if concept is None else concept.attributes.get("antineoplastic") == "1"
        classes = classify(now, inn)
        for key, value in (("code", code), ("current_code", now), ("inn", inn),
                           ("antineoplastic", is_antineoplastic(now, flagged))):
            rows[key].append(value)
        for c in DRUG_CLASSES:
            rows[c].append(c in classes)
    types = {"code": pa.string(), "current_code": pa.string(), "inn": pa.string()}
    table = pa.table({k: pa.array(v, type=types.get(k, pa.bool_())) for k, v in rows.items()})
    return table.append_column("code_id", pa.array(range(len(codes)), pa.int32()))


def biomarker_lookup(codes: list[str]) -> pa.Table:
    """``code -> name, technique``: the catalogue biomarker a LOINC code measures, and the
    technique LOINC builds into the code (IHC, FISH...), both NULL when unknown."""
    system = get_code_system("loinc")
    names: list[str | None] = []
    techniques: list[str | None] = []
    for code in codes:
        b = biomarker_of(code)
        concept = system.concept(code)
        names.append(None if b is None else b.name)
        techniques.append((concept.attributes.get("technique") or None) if concept else None)
    return pa.table({"code": _strings(list(codes)), "name": _strings(names),
                     "technique": _strings(techniques)})


def gene_lookup(tokens: list[str]) -> pa.Table:
    """``token -> name``: catalogue biomarker of a gene symbol or alias (NTRK1 -> NTRK)."""
    names: list[str | None] = []
    for token in tokens:
        if token in _HRD_TOKENS:
            names.append(_HRD_TOKENS[token])
            continue
        b = biomarker_by_name(token)
        names.append(None if b is None or b.kind not in ("tumour", "germline") else b.name)
    return pa.table({"token": _strings(list(tokens)), "name": _strings(names)})


def ccam_lookup(codes: list[str]) -> pa.Table:
    return pa.table({"code": _strings(list(codes)),
                     "grp": _strings([ccam_group(c) for c in codes])})


def _distinct(ctx: DeriveContext, expr: str, table: str, where: str = "TRUE") -> list[str]:
    rows = ctx.con.execute(
        f"SELECT DISTINCT {expr} AS v FROM {table} WHERE ({where}) AND {expr} IS NOT NULL "
        "ORDER BY v").fetchall()
    return [r[0] for r in rows if r[0] != ""]


_LOOKUPS: tuple[tuple[str, str, str, str, Callable[[list[str]], pa.Table]], ...] = (
    ("dv_lk_topography", "topography", "cancer", "TRUE", topography_lookup),
    ("dv_lk_morphology", "morphology", "cancer", "TRUE", morphology_lookup),
    ("dv_lk_atc", "atc_code", "drug_administration", "TRUE", atc_lookup),
    ("dv_lk_biomarker", "biomarker_code", "biomarker", "TRUE", biomarker_lookup),
    ("dv_lk_gene", GENE_TOKEN_SQL.format(col="result_detail"), "biomarker",
     f"biomarker_code IN ({', '.join(map(lit, GENERIC_GENOMIC_CODES))})", gene_lookup),
    ("dv_lk_ccam", "procedure_code", "surgery", "TRUE", ccam_lookup),
)


def run(ctx: DeriveContext) -> None:
    """Build the terminology lookups (IARC groups, current ATC codes and drug classes,
    biomarker of LOINC codes and gene symbols, CCAM groups) over the distinct codes present."""
    for name, expr, entity, where, build in _LOOKUPS:
        ctx.load_arrow(name, build(_distinct(ctx, expr, cur(entity), where)))
