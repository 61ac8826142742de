"""Analysis, Biomarker, Variant, Fusion, CopyNumber, Expression and Annotation pivot files.

- Analysis rows are context: the date (17.8), technique (17.3), sample and cancer of the results
  pointing at them, and the basis of diagnosis of their event. An analysis no migrated result or
  event uses is out of scope.
- Biomarker -> ``biomarker`` with the catalogue name of ``biomarker_codes.csv`` (or of the
  catalogue's aliases); a numeric value goes to 17.6/17.7, a word to the status (value maps) and
  the raw text to 17.5. Laboratory tests (haemoglobin...) -> ``measure``.
- Variant / Fusion / CopyNumber -> ``biomarker`` when the gene (from the Annotation rows of the
  alteration) is in the catalogue and a status can be derived (pathogenicity; a fusion is
  positive; amplification and homozygous deletion are positive), else out of scope. Expression
  values give no status: out of scope.
- Annotation -> ``observation`` (type ``OSIRIS_V1_ANNOTATION``, its non-empty cells as
  ``name=value``), dated at its alteration's analysis.
"""

from __future__ import annotations

from functools import partial

from oncorwd.ingest.sources.osiris_v1_context import Context, Key
from oncorwd.ingest.sources.osiris_v1_io import PivotRow
from oncorwd.ingest.sources.osiris_v1_ledger import OUT_OF_SCOPE, RowRejected
from oncorwd.ingest.sources.osiris_v1_staging import number
from oncorwd.terminology import Biomarker, biomarker_by_name

__all__ = ["map_alterations", "map_analyses", "map_annotations", "map_biomarkers"]

_ALTERATION_FILES = ("Variant", "Fusion", "CopyNumber", "Expression")
_A = "Annotation_"
Annotations = dict[tuple[str, str, str], list[PivotRow]]


def map_analyses(ctx: Context) -> None:
    """Register analyses (before the events, whose basis of diagnosis they give)."""
    for row in ctx.rows("Analysis"):
        ctx.analyses[ctx.key(row)] = row
        ctx.mapped(row, "Analysis_Type", "diagnosis_basis")
        ctx.date(row, "Analysis_Date")
        ctx.mapped(row, "Technology_TechnicalProtocol", "technique")
        ctx.ledger.out_of_scope(row, "analysis context no migrated result or event uses")


def _context(ctx: Context, row: PivotRow) -> tuple[dict[str, object], tuple[PivotRow, ...]]:
    """Fields a result takes from its analysis (date, technique, sample, cancer)."""
    analysis = ctx.linked(row, "Analysis_Ref", ctx.analyses, "Analysis")
    if analysis is None:
        return {}, ()
    maps = ctx.decl.maps
    technique = next((e.rwd for e in (
        maps.lookup("technique", analysis["Technology_TechnicalProtocol"]),
        maps.lookup("technique", analysis["Analysis_Type"])) if e is not None and e.rwd), None)
    event = ctx.events.get(ctx.key(analysis, "TumorPathologyEvent_Ref"))
    return {
        "result_date": ctx.quiet_date(analysis["Analysis_Date"]),
        "technique": technique,
        "sample_id": ctx.samples.get(ctx.key(analysis, "BiologicalSample_Ref")),
        "cancer_id": None if event is None else event.cancer_id,
    }, (analysis,)


def _kind(ctx: Context, marker: Biomarker) -> str | None:
    entry = ctx.decl.maps.lookup("catalogue_kind", marker.kind)
    return None if entry is None else entry.rwd


def map_biomarkers(ctx: Context) -> None:
    """Biomarker -> biomarker (or measure for laboratory tests)."""
    ctx.each("Biomarker", lambda row: _biomarker(ctx, row))


def _biomarker(ctx: Context, row: PivotRow) -> None:
    raw = row["Biomarker_Code"]
    declared = ctx.decl.biomarker_code(raw)
    if declared is not None and declared.target == OUT_OF_SCOPE:
        raise RowRejected(OUT_OF_SCOPE, declared.note, column="Biomarker_Code", value=raw,
                          out_of_scope=True)
    name = declared.name if declared is not None else None
    marker = biomarker_by_name(name or raw)
    if declared is None and marker is None:
        raise RowRejected("unknown_code", f"{raw!r} is neither an OSIRIS v1 biomarker code "
                          "nor a catalogue biomarker", column="Biomarker_Code", value=raw)
    fields, sources = _context(ctx, row)
    value, unit = ctx.text(row, "Biomarker_Value"), ctx.text(row, "Biomarker_Unit")
    numeric = number(value)
    if value is not None and value.strip().endswith("%") and numeric is not None:
        unit = unit or "%"
    if declared is not None and declared.target == "measure":
        _lab_measure(ctx, row, declared.name, numeric, unit, fields, sources)
        return
    assert marker is not None
    ctx.ledger.emit("biomarker", {
        "biomarker_id": ctx.record_id(row, "BM"), "patient_id": row.patient_id,
        **fields, "biomarker_type": _kind(ctx, marker), "biomarker_name": marker.name,
        "biomarker_code": marker.loinc[0] if marker.loinc else None,
        "status": None if value is None or numeric is not None else _status(ctx, marker, value),
        "result_detail": value if numeric is None else None, "value_numeric": numeric,
        "unit": unit if numeric is not None else None}, row, *sources)


def _status(ctx: Context, marker: Biomarker, value: str) -> str | None:
    maps = ctx.decl.maps
    entry = (maps.lookup(f"biomarker_value:{marker.name}", value)
             or maps.lookup("biomarker_value", value))
    return None if entry is None else entry.rwd


def _lab_measure(ctx: Context, row: PivotRow, name: str, value: float | None, unit: str | None,
                 fields: dict[str, object], sources: tuple[PivotRow, ...]) -> None:
    if value is None:
        raise RowRejected("required", "a laboratory measure needs a numeric value (19.4)",
                          column="Biomarker_Value", value=row["Biomarker_Value"])
    if unit is None:
        raise RowRejected("required", "a laboratory measure needs its unit (19.2)",
                          column="Biomarker_Unit")
    if fields.get("result_date") is None:
        raise RowRejected("required", "a laboratory measure needs a date (19.3): its Analysis "
                          "has none", column="Analysis_Ref", value=row["Analysis_Ref"])
    ctx.ledger.emit("measure", {
        "measure_id": ctx.record_id(row, "LAB"), "patient_id": row.patient_id,
        "measure_type": name, "unit": unit, "measure_date": fields["result_date"],
        "value": value}, row, *sources)


# -- alterations ---------------------------------------------------------------------------------


def _annotations(ctx: Context) -> Annotations:
    index: Annotations = {}
    for row in ctx.rows("Annotation"):
        entry = ctx.decl.maps.lookup("alteration_file", row["AlterationOnSample_AlterationType"])
        if entry is not None and entry.rwd:
            index.setdefault((row.patient_id, entry.rwd, row["Alteration_Ref"]), []).append(row)
    return index


def _gene(annotations: list[PivotRow], prefer: str | None = None
          ) -> tuple[Biomarker, str, list[str]]:
    """The catalogue biomarker of the alteration's gene (``prefer``: 5 or 3 for fusions)."""
    symbols = list(dict.fromkeys(a["GenomeEntity_Symbol"] for a in annotations
                                 if a["GenomeEntity_Symbol"]))
    if not symbols:
        raise RowRejected(OUT_OF_SCOPE, "no Annotation row names the gene of this alteration: "
                          "the genomic detail is not held by OSIRIS RWD", out_of_scope=True)
    ordered = sorted(symbols, key=lambda s: s != prefer) if prefer else symbols
    for symbol in ordered:
        marker = biomarker_by_name(symbol)
        if marker is not None:
            return marker, symbol, symbols
    raise RowRejected(OUT_OF_SCOPE, f"gene {', '.join(symbols)} is not in the oncorwd biomarker "
                      "catalogue", column="GenomeEntity_Symbol", value=symbols[0],
                      out_of_scope=True)


def _emit_alteration(ctx: Context, row: PivotRow, prefix: str, marker: Biomarker, status: str,
                     detail: str | None, annotations: list[PivotRow],
                     biomarker_type: str | None = None) -> None:
    fields, sources = _context(ctx, row)
    ctx.ledger.emit("biomarker", {
        "biomarker_id": ctx.record_id(row, prefix), "patient_id": row.patient_id, **fields,
        "biomarker_type": biomarker_type or _kind(ctx, marker), "biomarker_name": marker.name,
        "biomarker_code": ctx.decl.config["genomic_loinc"], "status": status,
        "result_detail": detail}, row, *sources, *annotations)


def _variant(ctx: Context, row: PivotRow, annotations: list[PivotRow]) -> None:
    entry = ctx.mapped(row, "AlterationOnSample_Pathogenicity", "variant_status")
    if entry is not None and entry.rule == OUT_OF_SCOPE:
        raise RowRejected(OUT_OF_SCOPE, entry.note, column="AlterationOnSample_Pathogenicity",
                          value=row["AlterationOnSample_Pathogenicity"], out_of_scope=True)
    status = entry.rwd if entry is not None else None
    if ctx.text(row, "AlterationOnSample_Pathogenicity") is None:
        status = ctx.decl.defaults["variant_status"]
    if status is None:
        raise RowRejected(OUT_OF_SCOPE, "no biomarker status can be derived from this "
                          "pathogenicity", out_of_scope=True)
    marker, symbol, _ = _gene(annotations)
    change = next((a[f"{_A}AminoAcidChange"] or a[f"{_A}DNASequenceVariation"]
                   for a in annotations if a[f"{_A}AminoAcidChange"]
                   or a[f"{_A}DNASequenceVariation"]), None)
    detail = " ".join(filter(None, (symbol if symbol != marker.name else None, change)))
    kind = ctx.value(row, "VariantInSample_GenomicSourceClass", "biomarker_type")
    _emit_alteration(ctx, row, "VAR", marker, status, detail or None, annotations, kind)


def _fusion(ctx: Context, row: PivotRow, annotations: list[PivotRow]) -> None:
    ends: dict[str, str | None] = {}
    for a in annotations:
        entry = ctx.decl.maps.lookup("prime_end", a[f"{_A}FusionPrimeEnd"])
        ends[a["GenomeEntity_Symbol"]] = None if entry is None else entry.rwd
    three = next((s for s, e in ends.items() if e == "3"), None)
    marker, _, symbols = _gene(annotations, prefer=three)
    partners = sorted(symbols, key=lambda s: ends.get(s) == "3")  # 5' partner first
    detail = f"{'-'.join(partners)} fusion"
    if ctx.value(row, "Fusion_InFrame", "boolean") == "N":
        detail += " (not in frame)"
    _emit_alteration(ctx, row, "FUS", marker, "POSITIVE", detail, annotations)


def _copy_number(ctx: Context, row: PivotRow, annotations: list[PivotRow]) -> None:
    entry = ctx.mapped(row, "CNV_SegmentGenomicStatus", "cnv_status", required=True)
    assert entry is not None
    if entry.rule == OUT_OF_SCOPE or entry.rwd is None:
        raise RowRejected(OUT_OF_SCOPE, entry.note or "no biomarker status can be derived",
                          column="CNV_SegmentGenomicStatus",
                          value=row["CNV_SegmentGenomicStatus"], out_of_scope=True)
    marker, symbol, _ = _gene(annotations)
    copies = ctx.text(row, "CNV_CopyNumber")
    detail = " ".join(filter(None, (symbol if symbol != marker.name else None,
                                    entry.label.lower())))
    if copies is not None:
        detail += f" ({copies} copies)"
    _emit_alteration(ctx, row, "CNV", marker, entry.rwd, detail, annotations)


def _expression(row: PivotRow, annotations: list[PivotRow]) -> None:
    raise RowRejected(OUT_OF_SCOPE, "gene expression values give no OSIRIS RWD biomarker status",
                      column="GeneExpression_Value", value=row["GeneExpression_Value"],
                      out_of_scope=True)


_ALTERATION_MAPPERS = {"Variant": _variant, "Fusion": _fusion, "CopyNumber": _copy_number}


def map_alterations(ctx: Context) -> None:
    """Variant, Fusion, CopyNumber, Expression -> biomarker (or out of scope)."""
    index = _annotations(ctx)
    for name in _ALTERATION_FILES:
        mapper = _ALTERATION_MAPPERS.get(name)
        for row in ctx.rows(name):
            found = index.get((row.patient_id, name, row.instance), [])
            if mapper is None:
                ctx.attempt(row, partial(_expression, annotations=found))
            else:
                ctx.attempt(row, partial(mapper, ctx, annotations=found))


def map_annotations(ctx: Context) -> None:
    """Annotation -> observation, dated at the analysis of its alteration."""
    alterations: dict[tuple[str, str, str], PivotRow] = {
        (r.patient_id, name, r.instance): r for name in _ALTERATION_FILES
        for r in ctx.rows(name)}
    ctx.each("Annotation", lambda row: _annotation(ctx, row, alterations))


def _annotation(ctx: Context, row: PivotRow, alterations: dict[tuple[str, str, str], PivotRow]
                ) -> None:
    kind = ctx.value(row, "AlterationOnSample_AlterationType", "alteration_file",
                     required=True)
    alteration = alterations.get((row.patient_id, str(kind), row["Alteration_Ref"]))
    if alteration is None:
        raise RowRejected("unknown_reference", f"no {kind} row {row['Alteration_Ref']!r} for "
                          f"patient {row.patient_id}", column="Alteration_Ref",
                          value=row["Alteration_Ref"])
    analysis_key: Key = ctx.key(alteration, "Analysis_Ref")
    analysis = ctx.analyses.get(analysis_key)
    date = None if analysis is None else ctx.quiet_date(analysis["Analysis_Date"])
    if date is None:
        raise RowRejected("required", "no date: the analysis of its alteration has no "
                          "Analysis_Date (OSIRIS RWD 18.3 is mandatory)", column="Alteration_Ref",
                          value=row["Alteration_Ref"])
    columns = ctx.decl.files["Annotation"].content_columns
    value = "; ".join(f"{c}={row[c]}" for c in columns if row[c])
    ctx.ledger.emit("observation", {
        "observation_id": ctx.record_id(row, "ANN"), "patient_id": row.patient_id,
        "observation_type": "OSIRIS_V1_ANNOTATION", "nomenclature": "LOCAL",
        "observation_date": date, "value": value, "attached_table": "biomarker"}, row)
