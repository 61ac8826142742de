"""Staging values of a TumorPathologyEvent: TNM, histological grade, stage, PS and G8.

OSIRIS RWD keeps one TNM per cancer, at diagnosis (guide 8.14-8.17). Candidates come from the
event's own T/N/M columns and from TNM rows pointing at it; the kept one is the first by type
(``tnm_type_priority``: p, then c, then y), then the highest T. The others are out of scope.
v1 grade and stage lists were never defined ("TO_BE_DEFINED"): the values are read through the
spellings of ``value_maps.csv`` (grades) and :func:`oncorwd.terminology.stage_group_to_osiris`.
Performance status: WHO/ECOG 0-4 as is, a Karnofsky index converted with the guide's table.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from oncorwd.errors import TerminologyError
from oncorwd.ingest.sources.osiris_v1_context import Context
from oncorwd.ingest.sources.osiris_v1_io import PartialDate, PivotRow
from oncorwd.terminology import get_code_system, karnofsky_to_ecog, m_to_flag, split_tnm
from oncorwd.terminology import stage_group_to_osiris as stage_to_osiris

__all__ = ["EVENT_TNM", "TNM_FILE", "TnmCandidate", "choose_tnm", "general_status", "grade",
           "number", "parse_tnm", "stage"]

_P = "TumorPathologyEvent_"
#: (T, N, M, type) columns of an event row and of a TNM row.
EVENT_TNM = (f"{_P}T", f"{_P}N", f"{_P}M", f"{_P}TNMType")
TNM_FILE = ("TNM_T", "TNM_N", "TNM_M", "TNM_Type")
_NUMBER = re.compile(r"[+-]?\d+(?:[.,]\d+)?")
_PREFIXES = "cpyrauCPYRAU"


@dataclass(frozen=True, slots=True)
class TnmCandidate:
    """One TNM read from a row; ``columns`` are where it was read (for notes)."""

    row: PivotRow
    columns: tuple[str, ...]
    inline: bool
    type: str | None
    t: str | None
    n: str | None
    m: str | None

    @property
    def usable(self) -> bool:
        return any(v is not None for v in (self.t, self.n, self.m))


def number(text: str | None) -> float | None:
    """A plain number (``12``, ``12,5``, ``30%``), else ``None``."""
    if text is None:
        return None
    clean = text.strip().rstrip("%").strip()
    return float(clean.replace(",", ".")) if _NUMBER.fullmatch(clean) else None


def _axis(ctx: Context, row: PivotRow, column: str, axis: str) -> tuple[str, str] | None:
    raw = ctx.text(row, column)
    if raw is None:
        return None
    text = raw if raw.lstrip(_PREFIXES)[:1].upper() == axis else axis + raw
    value = split_tnm(text)
    if (value is None or value.category[0] != axis
            or not get_code_system(f"tnm_{axis.lower()}").validate(value.category)):
        ctx.ledger.note(row, column, raw, "unknown_code", f"{raw!r} is not a UICC {axis} "
                        "category")
        return None
    return value.category, value.prefix


def parse_tnm(ctx: Context, row: PivotRow, columns: tuple[str, ...], *, inline: bool
              ) -> TnmCandidate:
    """The T, N, M (as the 0/1 flag) and type of one row."""
    t, n, m = (_axis(ctx, row, c, a) for c, a in zip(columns[:3], "TNM", strict=True))
    kind = ctx.value(row, columns[3], "tnm_type")
    if kind is None:
        prefix = next((p[1] for p in (t, n, m) if p is not None and p[1]), None)
        entry = ctx.decl.maps.lookup("tnm_type", prefix) if prefix else None
        kind = None if entry is None else entry.rwd
    flag = None if m is None else m_to_flag(m[0])
    return TnmCandidate(row, columns, inline, kind, None if t is None else t[0],
                        None if n is None else n[0], None if flag is None else str(flag))


def choose_tnm(ctx: Context, candidates: list[TnmCandidate]
               ) -> tuple[dict[str, str | None], tuple[PivotRow, ...]]:
    """The cancer's TNM fields and the TNM rows it came from; the others are out of scope."""
    if not candidates:
        return {}, ()
    priority = [str(p) for p in ctx.decl.config["tnm_type_priority"]]
    t_order = list(get_code_system("tnm_t").concepts)

    def rank(c: TnmCandidate) -> tuple[int, int]:
        kind = c.type or ""
        return (priority.index(kind) if kind in priority else len(priority),
                -(t_order.index(c.t) if c.t in t_order else -1))

    best = min(candidates, key=rank)
    why = (f"superseded by the TNM of {best.row.file} row {best.row.number}: OSIRIS RWD keeps "
           "one TNM per cancer (p, then c, then y; then the highest T)")
    for c in candidates:
        if c is best:
            continue
        if c.inline:
            ctx.drop(c.row, c.columns, why)
        else:
            ctx.ledger.out_of_scope(c.row, why)
    values = {"tnm_t": best.t, "tnm_n": best.n, "tnm_m": best.m, "tnm_type": best.type}
    return values, (() if best.inline else (best.row,))


def grade(ctx: Context, row: PivotRow) -> tuple[str | None, str | None]:
    """(grade_type, grade) of a primary tumour event."""
    kind = ctx.value(row, f"{_P}HistologicalGradeType", "grade_type")
    if ctx.text(row, f"{_P}HistologicalGradeValue") is None:
        return kind, None
    generic = [str(g) for g in ctx.decl.config["generic_grade_types"]]
    domain = "grade:GENERIC" if (kind or "") in generic else f"grade:{kind}"
    return kind, ctx.value(row, f"{_P}HistologicalGradeValue", domain)


def stage(ctx: Context, row: PivotRow) -> tuple[str | None, str | None]:
    """(stage_type, stage); a stage without its system gets the guide's ``UK`` type."""
    kind = ctx.value(row, f"{_P}StadeType", "stage_type")
    raw = ctx.text(row, f"{_P}StadeValue")
    if raw is None:
        return kind, None
    try:
        value = stage_to_osiris(raw)
    except TerminologyError:
        ctx.ledger.note(row, f"{_P}StadeValue", raw, "unknown_code", f"{raw!r} is not a stage "
                        "OSIRIS RWD can record (0, I-IV)")
        return kind, None
    return kind or "UK", value


def _ecog(text: str) -> int | None:
    clean = text.strip().rstrip("%").strip()
    if not clean.isdigit():
        return None
    value = int(clean)
    if value <= 4:
        return value
    try:
        ecog = karnofsky_to_ecog(value)
    except TerminologyError:
        return None
    return ecog if ecog <= 4 else None


def general_status(ctx: Context, row: PivotRow, date: PartialDate | None, attached: str
                   ) -> None:
    """PerformanceStatus -> general_status (PS); G8 -> measure (G8 score), dated at the event."""
    raw = ctx.text(row, f"{_P}PerformanceStatus")
    if raw is not None:
        ecog = _ecog(raw)
        if ecog is None:
            ctx.ledger.note(row, f"{_P}PerformanceStatus", raw, "unknown_code",
                            "not a WHO/ECOG performance status (0-4) nor a Karnofsky index")
        elif date is None:
            ctx.ledger.note(row, f"{_P}PerformanceStatus", raw, "required",
                            "the event has no date to date the performance status with")
        else:
            ctx.ledger.emit("general_status", {
                "general_status_id": ctx.record_id(row, "PS"), "patient_id": row.patient_id,
                "measure_type": "PS", "value": float(ecog), "measure_date": date}, row)
    raw = ctx.text(row, f"{_P}G8")
    if raw is None:
        return
    score = number(raw)
    if score is None or not 0 <= score <= 17:
        ctx.ledger.note(row, f"{_P}G8", raw, "unknown_code", "not a G8 score (0-17)")
    elif date is None:
        ctx.ledger.note(row, f"{_P}G8", raw, "required", "the event has no date to date the "
                        "G8 score with")
    else:
        ctx.ledger.emit("measure", {
            "measure_id": ctx.record_id(row, "G8"), "patient_id": row.patient_id,
            "measure_type": "G8", "unit": "{score}", "measure_date": date, "value": score,
            "attached_table": attached}, row)
