"""Put realistic faults into raw export frames at known rates, and record the ground truth.

Per chunk of whole patients, before any source: a share ``orphan`` of patients is left out of
the patient export (*absent*: their rows elsewhere are orphans), and a share of the deceased
gets a death date before birth (*dead before birth*). Then sources are processed parents first
(patient, cancer, sample, the rest):

1. a row whose patient is absent is an ``orphan``; a row whose patient, cancer or sample will
   not load, or a dated clinical row of a patient dead before birth (it is "after death"), is a
   ``cascade``; neither gets a fault of its own;
2. every other row draws at most one fault (one uniform number against the stacked rates):
   unparseable date, blanked mandatory value, unknown drug code, malformed ICD-10 code,
   duplicate, malformed CSV line; the vital-status rows of patients dead before birth get the
   early death date;
3. the chunk's rows are followed by the duplicates (the same rows exported again: the copy is
   the one ingest quarantines) and the cancelled copies (``where`` sources); rows are numbered
   1-based (header excluded), continued across chunks. Appending rather than interleaving
   keeps the frame's buffers as they are (no row shuffling of millions of rows).

Each quarantine carries the rule ingest reports (:data:`~oncorwd.synth.raw.truth.RULES`; a
cascade's rule is ``reference``, or ``chronology``/``plausibility`` for rows after a death before
birth); :class:`~oncorwd.synth.raw.truth.FaultLog` accumulates the truth.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from oncorwd.dictionary import load_dictionary
from oncorwd.synth.arrow import date_parts
from oncorwd.synth.raw.codes import UNKNOWN_CODES, invalid_icd10
from oncorwd.synth.raw.frames import AFTER_DEATH, BIRTH, DATED, render_date
from oncorwd.synth.raw.model import Col, FaultRates, SourceDecl
from oncorwd.synth.raw.truth import KINDS, RULES, FaultLog

__all__ = ["GARBAGE_DATES", "ChunkState", "corrupt_source"]

#: Dates no format of the example specs parses (impossible day or month, letters, placeholders).
GARBAGE_DATES = ("32/01/2020", "15/13/2018", "2019-13-45", "12/2O19", "??/??/????", "inconnu",
                 "NC", "31-31-2021")

_PARENTS = ("patient", "cancer", "sample")


def _np(mask: pa.Array | pa.ChunkedArray) -> np.ndarray:
    return np.asarray(pc.fill_null(mask, False).to_numpy(zero_copy_only=False), dtype=bool)


def _is_in(values: pa.Array | pa.ChunkedArray, keys: pa.Array) -> np.ndarray:
    if len(keys) == 0:
        return np.zeros(len(values), dtype=bool)
    return _np(pc.is_in(values, value_set=keys))


@dataclass
class ChunkState:
    """What one chunk's sources share: absent patients, patients dead before birth, and the keys
    of parent rows that will not load, per parent table."""

    absent: pa.Array
    dead: pa.Array
    bad: dict[str, list[pa.Array]] = field(default_factory=lambda: {p: [] for p in _PARENTS})

    def bad_keys(self, table: str) -> pa.Array:
        parts = [a.cast(pa.string()) for a in self.bad.get(table, [])]
        return pa.concat_arrays(parts) if parts else pa.array([], pa.string())


def _cascade(frame: pa.Table, table: str, state: ChunkState) -> np.ndarray:
    """Rows of ``table`` whose patient, cancer or sample will not load."""
    out = np.zeros(frame.num_rows, dtype=bool)
    for f in load_dictionary().entity(table).fields:
        parent = f.references.split(".")[0] if f.references else None
        if parent and parent != table and parent in state.bad:
            out |= _is_in(frame.column(f"_{f.name}"), state.bad_keys(parent))
    return out


def _key(frame: pa.Table, table: str) -> pa.Array:
    return frame.column(f"_{load_dictionary().entity(table).key}").combine_chunks()


def _set(frame: pa.Table, name: str, mask: np.ndarray, values: pa.Array) -> pa.Table:
    i = frame.schema.get_field_index(name)
    col = frame.column(i).combine_chunks()
    new = pc.if_else(pa.array(mask), values.cast(col.type), col)
    return frame.set_column(i, frame.schema.field(i), new)


def _death_before_birth(frame: pa.Table, col: Col, chosen: np.ndarray,
                        rng: np.random.Generator) -> pa.Table:
    """A death date 1 to 10 years before birth on the ``chosen`` rows."""
    y, m, d = (frame.column(b).combine_chunks() for b in BIRTH)
    text = pc.binary_join_element_wise(pc.cast(y, pa.string()), pc.if_else(
        pc.equal(m, "UN"), "01", m), pc.if_else(pc.equal(d, "UN"), "01", d), "-")
    birth = pc.cast(pc.cast(pc.strptime(text, format="%Y-%m-%d", unit="s", error_is_null=True),
                            pa.date32()), pa.int32())
    birth_days = np.asarray(pc.fill_null(birth, 0).to_numpy(zero_copy_only=False))
    days = np.where(chosen, birth_days - rng.integers(400, 3650, len(birth_days)), 0)
    for suffix, values in render_date(*date_parts(days), col.style).items():
        frame = _set(frame, col.name + suffix, chosen, values)
    return frame


@dataclass(frozen=True)
class _Slot:
    """One way a row can be faulty: a kind, on a column (empty for row faults), with the rule
    ingest should report and the OSIRIS table (view) it affects (empty: every view)."""

    kind: str
    column: str
    rule: str
    table: str


def _slots(source: SourceDecl, rates: FaultRates, csv: bool, n: int,
           log: FaultLog) -> list[tuple[str, float, list[_Slot]]]:
    """The faults this source can have, in drawing order, each with its slots."""
    out = []
    for kind, tag in KINDS:
        if kind == "missing_mandatory":
            cols = [c for c in source.columns if c.required]
        elif tag is not None:
            cols = [c for c in source.columns if c.fault == tag]
        else:
            cols = []
        if (tag or kind == "missing_mandatory") and not cols:
            continue
        if kind == "malformed_line" and not (csv and source.malformed):
            continue
        log.expose(kind, n)
        slots = [_Slot(kind, c.name, c.rule if c.rule and c.fault == tag else RULES[kind],
                       c.table or source.table) for c in cols] or \
            [_Slot(kind, "", RULES[kind], "")]
        out.append((kind, getattr(rates, kind), slots))
    return out


def _draw(kinds: list[tuple[str, float, list[_Slot]]], eligible: np.ndarray,
          rng: np.random.Generator) -> tuple[list[_Slot], np.ndarray]:
    """All slots and, per row, the index of its slot (-1: no fault). One uniform number per row
    against the stacked rates makes faults exclusive; the slot (column) is drawn uniformly."""
    n = len(eligible)
    u, pick = rng.random(n), rng.integers(0, 1 << 30, n)
    slot = np.full(n, -1, dtype=np.int16)
    slots: list[_Slot] = []
    low = 0.0
    for _, rate, kind_slots in kinds:
        hit = eligible & (u >= low) & (u < low + rate)
        slot[hit] = len(slots) + pick[hit] % len(kind_slots)
        slots.extend(kind_slots)
        low += rate
    return slots, slot


def _scatter(n: int, mask: np.ndarray, values: pa.Array) -> pa.Array:
    """``values`` (one per masked row) laid out over ``n`` rows, null elsewhere."""
    index = np.full(n, -1, dtype=np.int64)
    index[mask] = np.arange(int(mask.sum()))
    return pc.take(values, pa.array(index, mask=index < 0))


def _apply(source: SourceDecl, frame: pa.Table, slots: list[_Slot], slot: np.ndarray,
           rng: np.random.Generator) -> pa.Table:
    n, styles = frame.num_rows, {c.name: c.style for c in source.columns}
    for i, s in enumerate(slots):
        mask = slot == i
        k = int(mask.sum())
        if not s.column or k == 0:
            continue
        current = frame.column(s.column).combine_chunks()
        if s.kind == "bad_date":
            values = pa.array(rng.choice(GARBAGE_DATES, k))
        elif s.kind == "missing_mandatory":
            values = pa.nulls(k, current.type)
        elif s.kind == "unknown_drug_code":
            values = pa.array(UNKNOWN_CODES[styles[s.column]](k, rng))
        else:
            values = invalid_icd10(current.filter(pa.array(mask)).cast(pa.string()), rng)
        frame = _set(frame, s.column, mask, _scatter(n, mask, values))
        if f"{s.column}_precision" in frame.column_names:
            frame = _set(frame, f"{s.column}_precision", mask, pa.nulls(n, pa.string()))
    return frame


@dataclass
class _Status:
    """Per row of a source: orphan, dead before birth, its fault slot, and per view the
    cascaded rows with their rule."""

    absent: np.ndarray
    dead: np.ndarray
    slots: list[_Slot]
    slot: np.ndarray
    cascade: dict[str, np.ndarray] = field(default_factory=dict)
    cascade_rule: dict[str, np.ndarray] = field(default_factory=dict)

    def of_kind(self, *kinds: str) -> np.ndarray:
        ids = [i for i, s in enumerate(self.slots) if s.kind in kinds]
        return np.isin(self.slot, ids) if ids else np.zeros(len(self.slot), dtype=bool)

    def direct(self, table: str) -> np.ndarray:
        """Rows whose own fault keeps them out of ``table`` (duplicates: the copy only)."""
        ids = [i for i, s in enumerate(self.slots)
               if s.kind == "malformed_line" or (s.table == table and s.kind != "duplicate")]
        return np.isin(self.slot, ids) if ids else np.zeros(len(self.slot), dtype=bool)


def _after_death(frame: pa.Table, table: str, dead: np.ndarray) -> np.ndarray:
    if table not in AFTER_DEATH or DATED not in frame.column_names:
        return np.zeros(frame.num_rows, dtype=bool)
    return dead & _np(frame.column(DATED))


def corrupt_source(source: SourceDecl, frame: pa.Table, state: ChunkState, rates: FaultRates,
                   csv: bool, rng: np.random.Generator, log: FaultLog,
                   offset: int) -> pa.Table:
    """``frame`` with its faults, then its duplicates and cancelled copies appended (the export
    of a chunk ends with them); the truth goes to ``log`` (rows numbered from ``offset + 1``) and
    ``state`` learns the parent keys that will not load. Hidden columns are kept
    (``_malformed`` tells the CSV writer which lines to break)."""
    absent = _is_in(frame.column("_patient_id"), state.absent)
    if "patient" in source.tables:
        frame, absent = frame.filter(pa.array(~absent)), absent[~absent]
    dead = _is_in(frame.column("_patient_id"), state.dead)
    blocked = absent | dead
    for t in source.tables:
        blocked |= _cascade(frame, t, state)
    slots, slot = _draw(_slots(source, rates, csv, frame.num_rows, log), ~blocked, rng)
    frame = _apply(source, frame, slots, slot, rng)
    for col in (c for c in source.columns if c.fault == "death"):
        chosen = dead & _np(pc.is_valid(frame.column(col.name)))
        frame = _death_before_birth(frame, col, chosen, rng)
        slot[chosen] = len(slots)
        slots.append(_Slot("death_before_birth", col.name, col.rule or RULES[
            "death_before_birth"], col.table or source.table))
    st = _Status(absent, dead, slots, slot)
    _resolve(source, frame, state, st)
    return _finish(source, frame, rates, rng, log, offset, st)


def _resolve(source: SourceDecl, frame: pa.Table, state: ChunkState, st: _Status) -> None:
    """Which views of each row will not load and why; parents first, so that a child view of
    the same row (non-opposition of a patient row) sees its parent's fate."""
    malformed = st.of_kind("malformed_line")
    for t in sorted(source.tables, key=lambda t: _PARENTS.index(t) if t in _PARENTS else 9):
        direct = st.direct(t)
        late = _after_death(frame, t, st.dead) & ~direct & ~st.absent
        cascade = (late | _cascade(frame, t, state)) & ~direct & ~st.absent & ~malformed
        st.cascade[t] = cascade
        st.cascade_rule[t] = np.where(late, AFTER_DEATH.get(t, "reference"), RULES["cascade"])
        if t in _PARENTS:
            state.bad[t].append(_key(frame, t).filter(pa.array(direct | cascade | st.absent)))


def _finish(source: SourceDecl, frame: pa.Table, rates: FaultRates, rng: np.random.Generator,
            log: FaultLog, offset: int, st: _Status) -> pa.Table:
    n = frame.num_rows
    dup = st.of_kind("duplicate")
    parts = [frame, frame.filter(pa.array(dup))]
    n_cancelled = 0
    if source.where is not None and rates.cancelled > 0:
        cancelled = rng.random(n) < rates.cancelled
        n_cancelled = int(cancelled.sum())
        parts.append(_cancelled_copies(source, frame.filter(pa.array(cancelled))))
    total = sum(p.num_rows for p in parts)
    rows = offset + 1 + np.arange(total, dtype=np.int64)
    _record(source, frame, st, rows[:n], rows[n:n + int(dup.sum())], log)
    malformed = st.of_kind("malformed_line")
    for t in source.tables:
        log.view(t, source.name, total - int(malformed.sum()), n_cancelled)
    code = np.zeros(total, dtype=np.int8)
    code[:n][malformed] = rng.integers(1, 3, int(malformed.sum()))
    out = pa.concat_tables([p.combine_chunks() for p in parts if p.num_rows or p is frame])
    return out.append_column("_malformed", pa.array(code))


def _cancelled_copies(source: SourceDecl, copies: pa.Table) -> pa.Table:
    """Rows the spec's ``where`` filters out: status set to the filtered value, id suffixed."""
    assert source.where is not None
    every = np.ones(copies.num_rows, dtype=bool)
    column, _, value = source.where
    copies = _set(copies, column, every, pa.array([value] * copies.num_rows, pa.string()))
    if source.id_column:
        ids = pc.binary_join_element_wise(copies.column(source.id_column), "ANN", "-")
        copies = _set(copies, source.id_column, every, ids)
    return copies


def _record(source: SourceDecl, frame: pa.Table, st: _Status, rows: np.ndarray,
            dup_rows: np.ndarray, log: FaultLog) -> None:
    for kind in {s.kind for s in st.slots}:
        log.count(kind, int(st.of_kind(kind).sum()))
    log.count("orphan", int(st.absent.sum()))
    log.count("cascade", int(np.logical_or.reduce([*st.cascade.values(),
                                                   np.zeros(len(rows), bool)]).sum()))
    keys = {t: _key(frame, t) for t in source.tables}
    for i, s in enumerate(st.slots):
        m = st.slot == i
        if not m.any() or s.kind == "duplicate":
            continue
        values = frame.column(s.column).combine_chunks().filter(pa.array(m)) if s.column \
            else None
        if s.kind == "malformed_line":
            log.malformed[source.name] = log.malformed.get(source.name, 0) + int(m.sum())
            log.add(s.kind, s.rule, source.name, "", "", rows[m],
                    keys[source.table].filter(pa.array(m)))
        else:
            log.add(s.kind, s.rule, source.name, s.table, s.column, rows[m],
                    keys[s.table].filter(pa.array(m)), values)
    dup = st.of_kind("duplicate")
    for t in source.tables:
        log.add("duplicate", RULES["duplicate"], source.name, t, "", dup_rows,
                keys[t].filter(pa.array(dup)))
        log.add("orphan", RULES["orphan"], source.name, t, "", rows[st.absent],
                keys[t].filter(pa.array(st.absent)))
        for rule in sorted(set(st.cascade_rule[t][st.cascade[t]].tolist())):
            m = st.cascade[t] & (st.cascade_rule[t] == rule)
            log.add("cascade", rule, source.name, t, "", rows[m], keys[t].filter(pa.array(m)))
