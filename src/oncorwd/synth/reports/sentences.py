"""One sentence (or phrase) at a time: its text and the facts its words state.

Every function takes the report's :class:`~oncorwd.synth.reports.draws.Draws` and returns
``(text, facts)``; :mod:`oncorwd.synth.reports.compose` arranges them into reports.
"""

from __future__ import annotations

import datetime as dt

from oncorwd.synth.reports import clinical_phrases as cp
from oncorwd.synth.reports.biomarker_phrases import FAMILIES, NAMES, SHORT, VARIANTS, Outcome
from oncorwd.synth.reports.draws import Draws, spell_date
from oncorwd.synth.reports.model import Fact

__all__ = [
    "Context",
    "capitalise",
    "marker_phrase",
    "noise_sentence",
    "number",
    "performance_status_sentence",
    "progression_sentence",
    "tnm_sentence",
]

Rendered = tuple[str, list[Fact]]


class Context:
    """What a report is about: its patient's cancer and sex, its date, an age."""

    __slots__ = ("age", "cancer", "date", "sex")

    def __init__(self, cancer: str, sex: str, date: dt.date, age: int) -> None:
        self.cancer, self.sex, self.date, self.age = cancer, sex, date, age

    @property
    def histology(self) -> tuple[str, ...]:
        return cp.CANCERS[self.cancer]["histology"]  # type: ignore[return-value]


def number(value: float) -> str:
    """Canonical spelling of a value in facts (``90``, ``12.5``)."""
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.3f}".rstrip("0").rstrip(".")


def _french(value: float, d: Draws) -> str:
    text = number(value)
    return text.replace(".", ",") if d.chance(0.6) else text


def capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


def _value(outcome: Outcome, d: Draws) -> float | None:
    if outcome.value is None:
        return None
    low, high, step = outcome.value
    return round(low + step * d.integer(0, round((high - low) / step)), 3)


def marker_phrase(name: str, d: Draws) -> Rendered:
    """A biomarker result as a phrase (``RE positifs à 90 %``) and its facts."""
    outcomes = FAMILIES[name]
    outcome = d.weighted([(o, o.weight) for o in outcomes])
    tpl = d.weighted([(t, t.weight) for t in outcome.templates])
    spelled = d.pick(NAMES.get(name, (name,)))
    variant_text, variant = d.pick(VARIANTS[name]) if outcome.variant else ("", None)
    value = _value(outcome, d)
    text = tpl.text.format(
        name=spelled, short=d.pick(SHORT.get(name, (spelled,))), pct=d.pick((" %", "%")),
        v="" if value is None else _french(value, d), var=variant_text, unit=outcome.unit,
        x=d.integer(5, 60))
    facts = []
    if "s" in tpl.fields and outcome.status:
        facts.append(Fact("biomarker_status", f"{name}:{outcome.status}"))
    detail = tpl.detail or outcome.detail or variant
    if "d" in tpl.fields and detail:
        facts.append(Fact("biomarker_detail", f"{name}:{detail}"))
    if "c" in tpl.fields and outcome.comparator:
        facts.append(Fact("biomarker_detail", f"{name}:{outcome.comparator}"))
    if "v" in tpl.fields and value is not None:
        unit = f" {outcome.unit}" if outcome.unit else ""
        facts.append(Fact("biomarker_value", f"{name}:{number(value)}{unit}"))
    return text, facts


def _patient(ctx: Context) -> dict[str, str]:
    return {"pt": "Patiente", "e": "e"} if ctx.sex == "F" else {"pt": "Patient", "e": ""}


def performance_status_sentence(ctx: Context, d: Draws) -> Rendered:
    """ECOG/WHO grade, a range (the worse counts) or a Karnofsky index (converted)."""
    grade = d.weighted([(0, 3), (1, 4), (2, 2.5), (3, 1), (4, 0.4)])
    style = d.weighted([("ecog", 6), ("range", 1), ("karnofsky", 3)])
    if style == "range" and grade > 0:
        ps = d.pick(cp.PS_RANGE_TPL).format(lo=grade - 1, g=grade)
    elif style == "karnofsky":
        k = d.pick(cp.KARNOFSKY_BY_ECOG[grade])
        ps = d.pick(cp.KARNOFSKY_TPL).format(k=k, pct=d.pick((" %", "%")))
    else:
        ps = d.pick(cp.PS_TPL).format(g=grade)
    fit = "good" if grade <= 1 else "poor"
    frames = [f for f, kind in cp.PS_FRAMES if kind in ("any", fit)]
    text = d.pick(frames).format(ps=ps, w=d.integer(45, 95), **_patient(ctx))
    return capitalise(text), [Fact("performance_status", str(grade))]


def progression_sentence(ctx: Context, d: Draws, kind: str | None = None) -> Rendered:
    """A progression (``kind`` ``dated`` or ``undated``: the report's date is its date) or a
    sentence with no progression (``none``); drawn when ``kind`` is None."""
    drug = d.pick(cp.DRUGS[ctx.cancer])
    when = ctx.date - dt.timedelta(days=d.integer(0, 90))
    spelled = spell_date(when, d)
    earlier = spell_date(when - dt.timedelta(days=d.integer(60, 400)), d)
    word = d.pick(cp.PROGRESSION_WORDS)
    since = f"depuis {'le ' if earlier.le == 'le' else ''}{earlier.text}"
    fields = {"w": word, "W": capitalise(word), "d": spelled.text, "le": spelled.le,
              "du": spelled.du, "since": since, "drug": drug, "n": d.integer(4, 30)}
    kind = kind or d.weighted([("dated", 4), ("undated", 2), ("none", 3)])
    if kind == "none":
        return capitalise(d.pick(cp.NO_PROGRESSION).format(**fields)), []
    if kind == "dated":
        text = d.pick(cp.PROGRESSION_DATED).format(**fields)
        return text, [Fact("progression", "Y"), Fact("progression_date", spelled.iso)]
    text = d.pick(cp.PROGRESSION_UNDATED).format(**fields)
    return text, [Fact("progression", "Y"), Fact("progression_date", ctx.date.isoformat())]


def tnm_sentence(ctx: Context, prefixes: tuple[str, ...], d: Draws) -> Rendered:
    """A TNM classification with one of ``prefixes`` (``c``, ``p``, ``yp``)."""
    prefix = d.pick(prefixes)
    t, n, m = d.pick(cp.TNM_T), d.pick(cp.TNM_N), d.pick(cp.TNM_M)
    if prefix == "yp" and d.chance(0.3):
        t = "T0"
    layout = d.pick(cp.TNM_FORMATS)
    text = layout.format(p=prefix, t=t, n=n, m=m)
    facts = [Fact("tnm_t", t), Fact("tnm_n", n)]
    if "{m}" in layout and m != "Mx":
        facts.append(Fact("tnm_m", "0" if m == "M0" else "1"))
    facts.append(Fact("tnm_type", "y" if "y" in prefix else prefix))
    frame = d.pick(cp.TNM_FRAMES)
    return capitalise(frame.format(tnm=text, hist=d.pick(ctx.histology))), facts


def noise_sentence(ctx: Context, d: Draws, pool: tuple[str, ...] = cp.NOISE) -> str:
    """A sentence with no fact to extract."""
    when = spell_date(ctx.date - dt.timedelta(days=d.integer(30, 900)), d)
    return capitalise(d.pick(pool).format(
        age=ctx.age, w=d.integer(45, 95), h=d.integer(150, 190), c=d.integer(20, 90),
        s=d.integer(5, 60), y=ctx.date.year - d.integer(3, 15), drug=d.pick(cp.DRUGS[ctx.cancer]),
        d=when.text, le=when.le, du=when.du, **_patient(ctx)))
