"""TumorPathologyEvent and TNM -> cancer, tumor_event, general_status (PS) and measure (G8).

v1 events form trees through ``TumorPathologyEvent_ParentRef``. Each tree whose top event is a
neoplasm, a primary tumour (or of unknown type) is one OSIRIS RWD cancer: its fields come from the
primary-tumour event (the top one, or the first primary under a "neoplasm" top event), completed
by the top event's cells. Recurrences and metastases in the tree are tumour events of that cancer
(9.1: 1 local recurrence, 2 metastasis, 3 relapse of a haematological malignancy). A recurrence or
metastasis without a parent is attached to the patient's cancer when there is exactly one.

Rules OSIRIS RWD adds: the diagnosis date is ``DiagnosisDate`` (else ``StartDate``); morphology
behaviour /6 and /9 is recoded /3 (guide 8.8); laterality is required (unknown: ``UN``);
``cancer_order`` ranks a patient's cancers by diagnosis date; ``diagnosis_method`` (ENCR basis)
comes from the event's analyses dated at most ``basis_window_days`` after its diagnosis, else 9.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from functools import partial

from oncorwd.ingest.sources.osiris_v1_context import Context, EventLink, Key
from oncorwd.ingest.sources.osiris_v1_io import PartialDate, PivotRow
from oncorwd.ingest.sources.osiris_v1_ledger import RowRejected
from oncorwd.ingest.sources.osiris_v1_staging import (
    EVENT_TNM,
    TNM_FILE,
    TnmCandidate,
    choose_tnm,
    general_status,
    grade,
    parse_tnm,
    stage,
)
from oncorwd.terminology import recode_behaviour

__all__ = ["map_tumours"]

_P = "TumorPathologyEvent_"
_CANCER_KINDS = frozenset({"neoplasm", "primary", "unknown"})
_DIAGNOSIS_ONLY = (*EVENT_TNM, f"{_P}HistologicalGradeType", f"{_P}HistologicalGradeValue",
                   f"{_P}StadeType", f"{_P}StadeValue")
Member = tuple[PivotRow, str]


class _Run:
    """One pass over the events of a migration (state shared by the helpers below)."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.tnm: dict[Key, list[PivotRow]] = {}
        for row in ctx.rows("TNM"):
            self.tnm.setdefault(ctx.key(row, f"{_P}Ref"), []).append(row)
        self.analyses: dict[Key, list[PivotRow]] = {}
        for row in ctx.analyses.values():
            self.analyses.setdefault(ctx.key(row, f"{_P}Ref"), []).append(row)
        self.used_tnm: set[tuple[str, int]] = set()
        self.cancers: dict[str, list[tuple[PartialDate, str, dict[str, object]]]] = {}

    # -- trees ---------------------------------------------------------------------------------

    def trees(self) -> list[list[Member]]:
        ctx = self.ctx
        kinds: dict[Key, Member] = {}
        for row in ctx.rows("TumorPathologyEvent"):
            kind = ctx.attempt(row, lambda r: ctx.value(r, f"{_P}Type", "event_kind",
                                                        required=True))
            if kind is not None:
                kinds[ctx.key(row)] = (row, kind)
        trees: dict[Key, list[Member]] = {}
        for member in kinds.values():
            root = ctx.attempt(member[0], lambda r: self._root(r, kinds))
            if root is not None:
                trees.setdefault(root, []).append(member)
        return [sorted(m, key=lambda x: ctx.key(x[0]) != root) for root, m in trees.items()]

    def _root(self, row: PivotRow, kinds: Mapping[Key, Member]) -> Key:
        ctx, current, seen = self.ctx, row, set()
        while True:
            key = ctx.key(current)
            if key in seen:
                raise RowRejected("parent_cycle", "TumorPathologyEvent_ParentRef loops back",
                                  column=f"{_P}ParentRef", value=row[f"{_P}ParentRef"])
            seen.add(key)
            ref = ctx.text(current, f"{_P}ParentRef")
            parent = None if ref is None else kinds.get((current.patient_id, ref))
            if parent is None:
                if ref is not None and current is row:
                    ctx.ledger.note(row, f"{_P}ParentRef", ref, "unknown_reference",
                                    f"no migrated parent event {ref}: read as a top event")
                return key
            current = parent[0]

    # -- cancers -------------------------------------------------------------------------------

    def cancer_tree(self, members: list[Member]) -> None:
        root, root_kind = members[0]
        primaries = [r for r, k in members[1:] if k == "primary"]
        defining = root if root_kind == "primary" or not primaries else primaries[0]
        rows = (root,) if defining is root else (root, defining)
        merged = PivotRow(defining.file, defining.number,
                          {**root.cells, **{k: v for k, v in defining.cells.items() if v}})
        try:
            cancer_id = self._cancer(merged, rows)
        except RowRejected as exc:
            for row in rows:
                self.ctx.ledger.reject(row, exc)
            cancer_id = None
        rest = [(r, k) for r, k in members if all(r is not x for x in rows)]
        self._relapses(rest, cancer_id, f"{root.file} row {root.number}")

    def _cancer(self, merged: PivotRow, rows: tuple[PivotRow, ...]) -> str:
        ctx = self.ctx
        diagnosis = self._diagnosis_date(merged)
        topography = ctx.code(merged, f"{_P}TopographyCode", "icdo3_topography", required=True)
        morphology = ctx.code(merged, f"{_P}MorphologyCode", "icdo3_morphology", required=True)
        assert diagnosis is not None and topography and morphology
        candidates: list[TnmCandidate] = []
        for row in rows:
            inline = parse_tnm(ctx, row, EVENT_TNM, inline=True)
            candidates += [inline] if inline.usable else []
            for tnm_row in self.tnm.get(ctx.key(row), []):
                self.used_tnm.add(tnm_row.key)
                candidates += filter(None, [ctx.attempt(tnm_row, self._tnm_row)])
        tnm, tnm_rows = choose_tnm(ctx, candidates)
        basis, analyses = self._basis(rows, diagnosis)
        grade_type, grade_value = grade(ctx, merged)
        stage_type, stage_value = stage(ctx, merged)
        cancer_id = ctx.record_id(rows[0], "C")
        values: dict[str, object] = {
            "cancer_id": cancer_id, "patient_id": merged.patient_id, "cancer_order": None,
            "care_in_facility": ctx.decl.defaults["care_in_facility"],
            "diagnosis_date": diagnosis, "diagnosis_method": basis, "topography": topography,
            "morphology": recode_behaviour(morphology),
            "laterality": ctx.value(merged, f"{_P}Laterality", "laterality") or "UN",
            **tnm, "stage_type": stage_type, "stage": stage_value, "grade_type": grade_type,
            "grade": grade_value}
        ctx.ledger.emit("cancer", values, *rows, *tnm_rows, *analyses)
        self.cancers.setdefault(merged.patient_id, []).append((diagnosis, cancer_id, values))
        for row in rows:
            ctx.events[ctx.key(row)] = EventLink(row, cancer_id, None)
            general_status(ctx, row, diagnosis, "cancer")
        return cancer_id

    def _tnm_row(self, row: PivotRow) -> TnmCandidate:
        candidate = parse_tnm(self.ctx, row, TNM_FILE, inline=False)
        if not candidate.usable:
            raise RowRejected("no_tnm", "no valid T, N or M category in this TNM row")
        return candidate

    def _diagnosis_date(self, row: PivotRow) -> PartialDate:
        found = self.ctx.date(row, f"{_P}DiagnosisDate")
        if found is not None:
            return found
        start = self.ctx.date(row, f"{_P}StartDate")
        if start is None:
            raise RowRejected("required", "neither DiagnosisDate nor StartDate is a date: "
                              "OSIRIS RWD needs the diagnosis date (8.3)",
                              column=f"{_P}DiagnosisDate", value=row[f"{_P}DiagnosisDate"])
        self.ctx.ledger.note(row, f"{_P}DiagnosisDate", row[f"{_P}DiagnosisDate"], "recoded",
                             "no DiagnosisDate: StartDate used as the diagnosis date")
        return start

    def _basis(self, rows: tuple[PivotRow, ...], date: PartialDate | None
               ) -> tuple[str, tuple[PivotRow, ...]]:
        """ENCR basis of diagnosis from the analyses of ``rows`` (see module doc)."""
        ctx, config = self.ctx, self.ctx.decl.config
        window = dt.timedelta(days=int(config["basis_window_days"]))
        found: list[tuple[str, PivotRow]] = []
        for row in rows:
            for analysis in self.analyses.get(ctx.key(row), []):
                entry = ctx.decl.maps.lookup("diagnosis_basis", analysis["Analysis_Type"])
                when = ctx.quiet_date(analysis["Analysis_Date"])
                if (entry is not None and entry.rwd and when is not None and date is not None
                        and when.earliest() <= date.earliest() + window):
                    found.append((entry.rwd, analysis))
        if not found:
            return ctx.decl.defaults["diagnosis_method"], ()
        priority = [str(p) for p in config["basis_priority"]]
        best = min((code for code, _ in found), key=priority.index)
        return best, tuple(a for code, a in found if code == best)

    # -- relapses ------------------------------------------------------------------------------

    def _relapses(self, members: list[Member], cancer_id: str | None, owner: str) -> None:
        ctx = self.ctx
        for row, kind in members:
            if cancer_id is None:
                exc = RowRejected("no_cancer", f"its cancer ({owner}) was not migrated")
            elif kind == "unknown":
                exc = RowRejected("unknown_event_type", "an event of unknown type under a "
                                  "cancer: neither a recurrence nor a metastasis",
                                  column=f"{_P}Type", value=row[f"{_P}Type"])
            elif kind in _CANCER_KINDS:
                exc = RowRejected("duplicate_primary", f"a second primary event under {owner}: "
                                  "OSIRIS RWD holds one primary per cancer (give it no "
                                  "ParentRef to make it a cancer of its own)",
                                  column=f"{_P}ParentRef", value=row[f"{_P}ParentRef"])
            else:
                ctx.attempt(row, partial(self._event, kind=kind, cancer_id=cancer_id))
                continue
            ctx.ledger.reject(row, exc)

    def orphan_tree(self, members: list[Member]) -> None:
        root = members[0][0]
        cancers = self.cancers.get(root.patient_id, [])
        if len(cancers) == 1:
            self.ctx.ledger.note(root, f"{_P}ParentRef", None, "recoded", "no ParentRef: "
                                 "attached to the patient's only cancer")
            self._relapses(members, cancers[0][1], "the patient's only cancer")
            return
        for row, _ in members:
            self.ctx.ledger.reject(row, RowRejected(
                "no_cancer", f"a relapse without ParentRef, and the patient has {len(cancers)}"
                " migrated cancers: its cancer cannot be told", column=f"{_P}ParentRef"))

    def _event(self, row: PivotRow, kind: str, cancer_id: str) -> None:
        ctx, config = self.ctx, self.ctx.decl.config
        morphology = ctx.code(row, f"{_P}MorphologyCode", "icdo3_morphology")
        event_type = config["tumor_event_types"][kind]
        low, high = config["haematological_morphology"]
        if kind == "recurrence" and morphology and low <= morphology[:4] <= high:
            event_type = config["tumor_event_types"]["haematological_recurrence"]
        mention = ctx.date(row, f"{_P}StartDate")
        diagnosis = ctx.date(row, f"{_P}DiagnosisDate")
        basis, analyses = self._basis((row,), diagnosis or mention)
        values: dict[str, object] = {
            "tumor_event_id": ctx.record_id(row, "E"), "patient_id": row.patient_id,
            "cancer_id": cancer_id, "event_type": str(event_type), "mention_date": mention,
            "diagnosis_date": diagnosis, "morphology": morphology, "diagnosis_method": basis}
        if kind == "metastasis":
            values["metastasis_topography"] = ctx.code(row, f"{_P}TopographyCode",
                                                       "icdo3_topography")
            values["metastasis_date"] = diagnosis or mention
            ctx.drop(row, (f"{_P}Laterality",), "OSIRIS RWD records no laterality for a "
                     "metastasis")
        else:
            ctx.drop(row, (f"{_P}TopographyCode", f"{_P}Laterality"), "OSIRIS RWD records "
                     "the site of the primary tumour, not of a recurrence")
        ctx.drop(row, _DIAGNOSIS_ONLY, "TNM, grade and stage are recorded at diagnosis only "
                 "(OSIRIS RWD 8.14-8.21)")
        ctx.ledger.emit("tumor_event", values, row, *analyses)
        ctx.events[ctx.key(row)] = EventLink(row, cancer_id, str(values["tumor_event_id"]))
        general_status(ctx, row, diagnosis or mention, "tumor_event")

    # -- end -----------------------------------------------------------------------------------

    def finish(self) -> None:
        for cancers in self.cancers.values():
            ranked = sorted(cancers, key=lambda c: (c[0].earliest(), c[1]))
            for order, (_, _, values) in enumerate(ranked, start=1):
                values["cancer_order"] = order
        for rows in self.tnm.values():
            for row in rows:
                if row.key not in self.used_tnm:
                    self._leftover_tnm(row)

    def _leftover_tnm(self, row: PivotRow) -> None:
        link = self.ctx.events.get(self.ctx.key(row, f"{_P}Ref"))
        if link is not None and link.tumor_event_id is not None:
            self.ctx.ledger.out_of_scope(row, "the TNM of a recurrence or metastasis: OSIRIS "
                                         "RWD records the TNM at diagnosis only")
        else:
            self.ctx.ledger.reject(row, RowRejected(
                "unknown_reference", f"no migrated TumorPathologyEvent {row[f'{_P}Ref']} for "
                f"patient {row.patient_id}", column=f"{_P}Ref", value=row[f"{_P}Ref"]))


def map_tumours(ctx: Context) -> None:
    """TumorPathologyEvent + TNM -> cancer, tumor_event, general_status, measure."""
    run = _Run(ctx)
    trees = run.trees()
    for members in trees:
        if members[0][1] in _CANCER_KINDS:
            run.cancer_tree(members)
    for members in trees:
        if members[0][1] not in _CANCER_KINDS:
            run.orphan_tree(members)
    run.finish()
