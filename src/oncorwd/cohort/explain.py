"""A readable rendering of a definition, in French or English, that says exactly what runs.

Labels come from the dictionary (variables, value sets) and the event catalogue; every
operator, window, count and anchor is spelled out, including the rules the compiler adds
(eligible rows, non-objecting patients, index date known, follow-up).
"""

from __future__ import annotations

from typing import Any, Literal

from oncorwd.cohort.catalog import EVENTS, variables
from oncorwd.cohort.model import (
    AllOf,
    AnyOf,
    AtLeastOf,
    CohortDefinition,
    Condition,
    Criterion,
    EventAnchor,
    EventCriterion,
    NotOf,
    VariableAnchor,
    VariableCriterion,
    Window,
)
from oncorwd.dictionary import load_dictionary

__all__ = ["explain"]

Lang = Literal["fr", "en"]

_T: dict[str, tuple[str, str]] = {
    "eq": ("est {v}", "is {v}"), "ne": ("est connu et différent de {v}", "is known and not {v}"),
    "in": ("est l'un de {v}", "is one of {v}"),
    "not_in": ("est connu et n'est aucun de {v}", "is known and none of {v}"),
    "between": ("est compris entre {lo} et {hi} (inclus)", "is between {lo} and {hi} (inclusive)"),
    "gt": ("est > {v}", "is > {v}"), "ge": ("est ≥ {v}", "is ≥ {v}"),
    "lt": ("est < {v}", "is < {v}"), "le": ("est ≤ {v}", "is ≤ {v}"),
    "known": ("est renseigné", "is known"), "unknown": ("n'est pas renseigné", "is unknown"),
    "matches": ("correspond à {v} (* = tous les codes commençant par)",
                "matches {v} (* = every code starting with)"),
    "contains_any": ("contient au moins un de {v}", "contains at least one of {v}"),
    "contains_all": ("contient tous de {v}", "contains all of {v}"),
    "within": ("tombe {w}", "falls {w}"),
    "index": ("date index", "the index date"),
    "no_limit": ("sans limite", "no limit"),
    "all": ("toutes les conditions suivantes", "all of the following"),
    "any": ("au moins une des conditions suivantes", "at least one of the following"),
    "not": ("NON", "NOT"),
    "at_least_of": ("au moins {k} des conditions suivantes", "at least {k} of the following"),
    "inclusion": ("Critères d'inclusion", "Inclusion criteria"),
    "exclusion": ("Critères d'exclusion", "Exclusion criteria"),
    "excl_note": ("(les lignes qui satisfont le critère sont exclues)",
                  "(rows that satisfy the criterion are excluded)"),
}


def _t(key: str, lang: Lang, **kw: Any) -> str:
    return _T[key][0 if lang == "fr" else 1].format(**kw)


def _label(obj: Any, lang: Lang) -> str:
    return str(getattr(obj, f"label_{lang}"))


def _values(values: list[Any], value_set: str | None, lang: Lang) -> str:
    labels: dict[str, str] = {}
    if value_set is not None:
        labels = {e.code: _label(e, lang) for e in load_dictionary().value_set(value_set).values}
    shown = []
    for v in values:
        if isinstance(v, bool):
            shown.append(("vrai" if v else "faux") if lang == "fr" else str(v).lower())
        else:
            shown.append(f"{v!s}" + (f" ({labels[str(v)]})" if str(v) in labels else ""))
    return ", ".join(f"« {s} »" if lang == "fr" else f"'{s}'" for s in shown)


def _window(w: Window, lang: Lang, ids: dict[str, EventCriterion]) -> str:
    ref = w.relative_to
    if ref == "index":
        anchor = _t("index", lang)
    elif isinstance(ref, VariableAnchor):
        anchor = _label(variables()[ref.variable], lang)
    else:
        assert isinstance(ref, EventAnchor)
        target = ids.get(ref.event)
        which = ("le dernier" if lang == "fr" else "the last") if target is not None and \
            target.occurrence == "last" else ("le premier" if lang == "fr" else "the first")
        anchor = (f"{which} évènement « {ref.event} »" if lang == "fr"
                  else f"{which} event '{ref.event}'")
    lo = "−∞" if w.start_days is None else f"{w.start_days:+d}"
    hi = "+∞" if w.end_days is None else f"{w.end_days:+d}"
    if lang == "fr":
        return f"entre J{lo} et J{hi} par rapport à : {anchor} (bornes incluses)"
    return f"between day {lo} and day {hi} relative to {anchor} (inclusive)"


def _condition(subject: str, c: Condition, value_set: str | None, lang: Lang,
               ids: dict[str, EventCriterion]) -> str:
    lo = "−∞" if c.min is None else str(c.min)
    hi = "+∞" if c.max is None else str(c.max)
    v = _values([c.value] if c.value is not None else list(c.values or []), value_set, lang)
    w = _window(c.window, lang, ids) if c.window is not None else ""
    return f"{subject} {_t(c.op, lang, v=v, lo=lo, hi=hi, w=w)}"


def _event(c: EventCriterion, lang: Lang, ids: dict[str, EventCriterion]) -> str:
    src = EVENTS[c.event]
    what = _label(src, lang)
    who = {("fr", "patient"): "du patient", ("fr", "cancer"): "de ce cancer",
           ("en", "patient"): "of the patient", ("en", "cancer"): "of this cancer"}[
        (lang, c.scope)]
    if c.occurrence == "any":
        n = c.count
        if n is None or n.at_least is not None:
            k = 1 if n is None or n.at_least is None else n.at_least
            head = f"au moins {k}" if lang == "fr" else f"at least {k}"
        elif n.at_most is not None:
            head = f"au plus {n.at_most}" if lang == "fr" else f"at most {n.at_most}"
        else:
            head = f"exactement {n.exactly}" if lang == "fr" else f"exactly {n.exactly}"
        text = f"{head} × {what} {who}"
    else:
        first = c.occurrence == "first"
        text = (("le premier" if first else "le dernier") + f" évènement {what} {who}"
                if lang == "fr" else ("the first" if first else "the last") + f" {what} {who}")
    conds = [_condition(_label(src.fields[x.field], lang), x, src.fields[x.field].value_set,
                        lang, ids) for x in c.where]
    if conds:
        text += (" où " if lang == "fr" else " where ") + " ; ".join(conds)
    if c.window is not None:
        text += ", " + _window(c.window, lang, ids)
    if c.id:
        text += f" [id: {c.id}]"
    return text


def _criterion(c: Criterion, lang: Lang, ids: dict[str, EventCriterion], indent: int
               ) -> list[str]:
    pad = "  " * indent
    if isinstance(c, VariableCriterion):
        info = variables()[c.variable]
        return [pad + _condition(f"{_label(info, lang)} [{c.variable}]", c, info.value_set,
                                 lang, ids)]
    if isinstance(c, EventCriterion):
        return [pad + _event(c, lang, ids)]
    if isinstance(c, NotOf):
        return [pad + _t("not", lang) + ":", *_criterion(c.not_, lang, ids, indent + 1)]
    if isinstance(c, AllOf | AnyOf):
        key, items = ("all", c.all) if isinstance(c, AllOf) else ("any", c.any)
    else:
        assert isinstance(c, AtLeastOf)
        key, items = "at_least_of", c.of
    head = _t(key, lang, k=getattr(c, "at_least", 0))
    return [pad + head + ":", *[ln for x in items for ln in _criterion(x, lang, ids,
                                                                       indent + 1)]]


def _preamble(d: CohortDefinition, lang: Lang) -> list[str]:
    ix = d.index_date
    fr = lang == "fr"
    index = {"diagnosis": ("date de diagnostic du cancer", "diagnosis date of the cancer"),
             "line_start": (f"début de la ligne {ix.line} de ce cancer",
                            f"start of line {ix.line} of this cancer"),
             "first_drug": ("première administration de " + ", ".join(ix.atc or []),
                            "first administration of " + ", ".join(ix.atc or [])),
             "first_metastasis": ("date de passage au stade métastatique",
                                  "date the cancer became metastatic")}[ix.kind][0 if fr else 1]
    rows = ("le cancer index de chaque patient" if d.cancer == "index" else "chaque cancer"
            ) if fr else ("each patient's index cancer" if d.cancer == "index"
                          else "every cancer of each patient")
    out = [f"{'Cohorte' if fr else 'Cohort'} : {d.name}" if fr else f"Cohort: {d.name}"]
    if d.description:
        out.append(d.description)
    out.append(f"Lignes : {rows} ; patients opposés à la réutilisation exclus." if fr else
                f"Rows: {rows}; patients who object to reuse are excluded.")
    out.append(f"Date index : {index} (lignes sans date index exclues)." if fr else
                f"Index date: {index} (rows without one are excluded).")
    if d.follow_up_days is not None:
        out.append(f"Suivi requis : au moins {d.follow_up_days} jours après la date index "
                    "(décès ou dernières nouvelles)." if fr else
                    f"Required follow-up: at least {d.follow_up_days} days after the index "
                    "date (death or last news).")
    return out


def explain(d: CohortDefinition, lang: Lang = "en") -> str:
    """The definition as text in ``lang`` (``fr`` or ``en``)."""
    from oncorwd.cohort.validate import walk

    ids = {n.id: n for r in (*d.inclusion, *d.exclusion)
           for n, _, _ in walk(r.criterion, "") if isinstance(n, EventCriterion) and n.id}
    lines = _preamble(d, lang)
    for kind in ("inclusion", "exclusion"):
        rules = getattr(d, kind)
        if not rules:
            continue
        lines.append("")
        lines.append(_t(kind, lang) + (" " + _t("excl_note", lang) if kind == "exclusion"
                                        else "") + ":")
        for i, rule in enumerate(rules, 1):
            lines.append(f"{i}. {rule.name}")
            lines += _criterion(rule.criterion, lang, ids, 2)
    return "\n".join(lines) + "\n"
