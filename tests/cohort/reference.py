"""An independent evaluator of cohort definitions in plain pandas: the oracle the compiled SQL
is checked against. It shares only the model (the AST) with the engine, and spells out the
documented semantics directly on dataframes: every row of ``cohort_variables`` gets a boolean
per criterion, events are merged and counted with ``groupby``."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd

from oncorwd.cohort.model import (
    AllOf,
    AnyOf,
    AtLeastOf,
    CohortDefinition,
    Condition,
    EventAnchor,
    EventCriterion,
    NotOf,
    VariableAnchor,
    VariableCriterion,
    Window,
)

DATE_VARS_SUFFIX = ("_date",)

# event kind -> (table, date columns, fixed filters, {field: column})
EVENTS: dict[str, tuple[str, list[str], dict[str, str], dict[str, str]]] = {
    "diagnosis": ("cancer", ["diagnosis_date"], {}, {
        "topography": "topography", "morphology": "morphology",
        "morphology_group": "morphology_group", "cancer_order": "cancer_order"}),
    "drug": ("drug_administration", ["administration_date"], {}, {
        "atc": "atc_code", "line": "treatment_line", "in_facility": "in_facility",
        "clinical_trial": "clinical_trial", "early_access": "early_access"}),
    "surgery": ("surgery", ["procedure_date"], {}, {
        "ccam": "procedure_code", "group": "procedure_group", "in_facility": "in_facility"}),
    "radiotherapy": ("radiotherapy", ["start_date"], {}, {
        "technique": "technique_code", "topography": "irradiated_topography",
        "in_facility": "in_facility"}),
    "biomarker": ("biomarker", ["result_date"], {}, {
        "name": "biomarker_name", "status": "status", "detail": "result_detail",
        "value": "value_numeric", "technique": "technique"}),
    "progression": ("progression", ["progression_date"], {"progression": "Y"}, {}),
    "metastasis": ("tumor_event", ["mention_date", "diagnosis_date", "metastasis_date"],
                   {"event_type": "2"}, {"topography": "metastasis_topography"}),
    "recurrence": ("tumor_event", ["mention_date", "diagnosis_date", "metastasis_date"],
                   {"event_type": "1"}, {}),
    "performance_status": ("general_status", ["measure_date"], {"measure_type": "PS"},
                           {"value": "value"}),
    "comorbidity": ("comorbidity", ["onset_date"], {}, {"icd10": "code"}),
    "sample": ("sample", ["sampling_date"], {}, {
        "type": "sample_type", "nature": "sample_nature", "topography": "sample_topography"}),
    "imaging": ("imaging", ["exam_date"], {}, {"modality": "modality"}),
}


def _dates(s: pd.Series) -> pd.Series:
    return pd.to_datetime(s).dt.normalize()


def _value(v: Any) -> Any:
    if isinstance(v, dt.date):
        return pd.Timestamp(v)
    if isinstance(v, str) and len(v) == 10 and v[4] == "-":
        try:
            return pd.Timestamp(dt.date.fromisoformat(v))
        except ValueError:
            return v
    return v


def _prefix(s: pd.Series, pattern: str) -> pd.Series:
    s = s.astype(object)
    if pattern.endswith("*"):
        stem = pattern[:-1]
        return s.map(lambda x: isinstance(x, str) and x.startswith(stem))
    return s.map(lambda x: x == pattern)


def _contains(s: pd.Series, element: str) -> pd.Series:
    def one(x: Any) -> bool:
        if not isinstance(x, str):
            return False
        parts = x.split("+")
        if element.endswith("*"):
            return any(p.startswith(element[:-1]) for p in parts)
        return element in parts
    return s.map(one)


def condition(s: pd.Series, c: Condition, anchor: pd.Series | None = None) -> pd.Series:
    """The boolean of ``c`` on the values ``s`` (NULL matches only 'unknown')."""
    known = s.notna()
    if c.op == "known":
        return known
    if c.op == "unknown":
        return ~known
    if c.op == "within":
        assert anchor is not None and c.window is not None
        return in_window(s, anchor, c.window)
    ops = {
        "eq": lambda: s == _value(c.value), "ne": lambda: s != _value(c.value),
        "gt": lambda: s > _value(c.value), "ge": lambda: s >= _value(c.value),
        "lt": lambda: s < _value(c.value), "le": lambda: s <= _value(c.value),
        "in": lambda: s.isin([_value(v) for v in c.values or []]),
        "not_in": lambda: ~s.isin([_value(v) for v in c.values or []]),
        "between": lambda: ((s >= _value(c.min)) if c.min is not None else True)
        & ((s <= _value(c.max)) if c.max is not None else True),
        "matches": lambda: np.logical_or.reduce([_prefix(s, v) for v in c.values or []]),
        "contains_any": lambda: np.logical_or.reduce([_contains(s, v) for v in c.values or []]),
        "contains_all": lambda: np.logical_and.reduce([_contains(s, v)
                                                        for v in c.values or []]),
    }
    result = pd.Series(ops[c.op](), index=s.index).astype(bool)
    return known & result


def in_window(date: pd.Series, anchor: pd.Series, w: Window) -> pd.Series:
    ok = date.notna() & anchor.notna()
    if w.start_days is not None:
        ok &= date >= anchor + pd.Timedelta(days=w.start_days)
    if w.end_days is not None:
        ok &= date <= anchor + pd.Timedelta(days=w.end_days)
    return ok.fillna(False).astype(bool)


class Reference:
    """Evaluate definitions on the site's tables (pandas frames by entity name)."""

    def __init__(self, tables: dict[str, pd.DataFrame]) -> None:
        self.t = tables
        cv = tables["cohort_variables"].copy()
        for col in cv.columns:
            if col.endswith("_date"):
                cv[col] = _dates(cv[col])
        self.cv = cv.set_index("cancer_id", drop=False)
        no = tables["non_opposition"]
        self.objectors = set(no.loc[no.non_opposition == "N", "patient_id"])

    # --- events ------------------------------------------------------------------------

    def events(self, kind: str) -> pd.DataFrame:
        if kind == "line":
            d = self.t["drug_administration"]
            d = d[d.treatment_line.notna() & d.cancer_id.notna()].copy()
            d["administration_date"] = _dates(d.administration_date)
            return d
        table, dates, fixed, _ = EVENTS[kind]
        e = self.t[table].copy()
        for col, val in fixed.items():
            e = e[e[col] == val]
        e["event_date"] = pd.concat([_dates(e[c]) for c in dates], axis=1).min(axis=1)
        if "cancer_id" not in e.columns:
            e["cancer_id"] = None
        return e

    def matching(self, c: EventCriterion) -> pd.DataFrame:
        """patient_id, cancer_id, event_date of the events matching ``c.where``."""
        e = self.events(c.event)
        if c.event == "line":
            keep = pd.Series(True, index=e.index)
            for w in c.where:
                if w.field == "number":
                    keep &= condition(e.treatment_line, w)
            e = e[keep]
            groups = e.groupby(["patient_id", "cancer_id", "treatment_line"])
            lines = groups.administration_date.min().rename("event_date").reset_index()
            for w in c.where:
                if w.field == "atc":
                    hit = e.assign(h=condition(e.atc_code, w)).groupby(
                        ["patient_id", "cancer_id", "treatment_line"]).h.any().reset_index()
                    lines = lines.merge(hit, on=["patient_id", "cancer_id", "treatment_line"])
                    lines = lines[lines.h].drop(columns="h")
            return lines[["patient_id", "cancer_id", "event_date"]]
        fields = EVENTS[c.event][3]
        keep = pd.Series(True, index=e.index)
        for w in c.where:
            keep &= condition(e[fields[w.field]], w)
        return e.loc[keep, ["patient_id", "cancer_id", "event_date"]]

    # --- anchors -------------------------------------------------------------------------

    def anchor(self, w: Window, rows: pd.DataFrame) -> pd.Series:
        ref = w.relative_to
        if ref == "index":
            return rows["index_date"]
        if isinstance(ref, VariableAnchor):
            return rows[ref.variable]
        assert isinstance(ref, EventAnchor)
        return self.event_date_of(self.ids[ref.event], rows)

    def event_date_of(self, c: EventCriterion, rows: pd.DataFrame) -> pd.Series:
        """Per row: the date an event criterion stands for (its first matching event in
        the window; the first/last matching event for occurrence first/last)."""
        if c.occurrence != "any":
            return self._first_last(c, rows)
        return self._in_window(c, rows).groupby("cancer_id").event_date.min().reindex(
            rows.index)

    def _link(self, c: EventCriterion) -> str:
        return "cancer_id" if c.scope == "cancer" else "patient_id"

    def _in_window(self, c: EventCriterion, rows: pd.DataFrame) -> pd.DataFrame:
        link = self._link(c)
        ev = self.matching(c)
        ev = ev[ev[link].notna()]
        base = rows[["cancer_id", "patient_id"]].reset_index(drop=True)
        if c.window is not None:
            base = base.assign(anchor=self.anchor(c.window, rows).to_numpy())
        pairs = base.merge(ev.drop(columns=[x for x in ("cancer_id", "patient_id")
                                            if x != link]), on=link)
        if c.window is not None:
            pairs = pairs[in_window(pairs.event_date, pairs.anchor, c.window)]
        return pairs

    def _first_last(self, c: EventCriterion, rows: pd.DataFrame) -> pd.Series:
        link = self._link(c)
        ev = self.matching(c)
        ev = ev[ev[link].notna() & ev.event_date.notna()]
        agg = ev.groupby(link).event_date
        d = agg.max() if c.occurrence == "last" else agg.min()
        return rows[link].map(d)

    # --- criteria ------------------------------------------------------------------------

    def criterion(self, c: Any, rows: pd.DataFrame) -> pd.Series:
        if isinstance(c, VariableCriterion):
            anchor = self.anchor(c.window, rows) if c.window is not None else None
            return condition(rows[c.variable], c, anchor)
        if isinstance(c, EventCriterion):
            return self.event(c, rows)
        if isinstance(c, AllOf):
            return np.logical_and.reduce([self.criterion(x, rows) for x in c.all])
        if isinstance(c, AnyOf):
            return np.logical_or.reduce([self.criterion(x, rows) for x in c.any])
        if isinstance(c, NotOf):
            return ~self.criterion(c.not_, rows)
        assert isinstance(c, AtLeastOf)
        return sum(self.criterion(x, rows).astype(int) for x in c.of) >= c.at_least

    def event(self, c: EventCriterion, rows: pd.DataFrame) -> pd.Series:
        if c.occurrence != "any":
            d = self._first_last(c, rows)
            if c.window is None:
                return d.notna()
            return in_window(d, self.anchor(c.window, rows), c.window)
        n = self._in_window(c, rows).groupby("cancer_id").size().reindex(rows.index).fillna(0)
        cnt = c.count
        if cnt is None:
            return n >= 1
        if cnt.at_least is not None:
            return n >= cnt.at_least
        if cnt.at_most is not None:
            return n <= cnt.at_most
        return n == cnt.exactly

    # --- the cohort ----------------------------------------------------------------------

    def index_date(self, d: CohortDefinition, rows: pd.DataFrame) -> pd.Series:
        ix = d.index_date
        if ix.kind == "diagnosis":
            return rows.diagnosis_date
        if ix.kind == "first_metastasis":
            return rows.metastatic_disease_date
        drugs = self.t["drug_administration"].copy()
        drugs["administration_date"] = _dates(drugs.administration_date)
        if ix.kind == "line_start":
            drugs = drugs[drugs.treatment_line == ix.line]
        else:
            hit = np.logical_or.reduce([_prefix(drugs.atc_code, a) for a in ix.atc or []])
            drugs = drugs[hit]
        return rows.cancer_id.map(drugs.groupby("cancer_id").administration_date.min())

    def evaluate(self, d: CohortDefinition) -> tuple[set[tuple[str, str]], list[int]]:
        """(members as (patient_id, cancer_id), distinct patients after each step)."""
        self.ids = {}
        self._collect_ids(d)
        rows = self.cv.copy()
        rows["index_date"] = self.index_date(d, rows)
        keep = [~rows.patient_id.isin(self.objectors)
                & ((rows.is_index_cancer == True) if d.cancer == "index"  # noqa: E712
                   else True)]
        keep.append(rows.index_date.notna())
        if d.follow_up_days is not None:
            end = rows.death_date.fillna(rows.last_known_alive_date)
            keep.append(end.notna() & (end >= rows.index_date
                                       + pd.Timedelta(days=d.follow_up_days)))
        keep += [self.criterion(r.criterion, rows) for r in d.inclusion]
        keep += [~self.criterion(r.criterion, rows) for r in d.exclusion]
        counts, mask = [], pd.Series(True, index=rows.index)
        for k in keep:
            mask = mask & pd.Series(k, index=rows.index).fillna(False).astype(bool)
            counts.append(rows.loc[mask, "patient_id"].nunique())
        members = set(zip(rows.loc[mask, "patient_id"], rows.loc[mask, "cancer_id"],
                          strict=True))
        return members, counts

    def _collect_ids(self, d: CohortDefinition) -> None:
        from oncorwd.cohort.validate import walk

        for r in (*d.inclusion, *d.exclusion):
            for node, _, _ in walk(r.criterion, ""):
                if isinstance(node, EventCriterion) and node.id:
                    self.ids[node.id] = node
