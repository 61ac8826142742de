"""Report layouts: anatomopathology, tumour board (RCP), consultation letter, imaging.

Each layout arranges sentences from :mod:`oncorwd.synth.reports.sentences` into sections and
collects their facts. Contracts the ground truth relies on: at most one progression stated per
report (so its date is unambiguous), each biomarker named once, and family, history and
hypothesis sentences kept apart from the patient's own results (a sentence is the scope of a
family or history mention).
"""

from __future__ import annotations

from collections.abc import Callable

from oncorwd.synth.reports import clinical_phrases as cp
from oncorwd.synth.reports.draws import Draws, spell_date
from oncorwd.synth.reports.model import Fact
from oncorwd.synth.reports.sentences import (
    Context,
    capitalise,
    marker_phrase,
    noise_sentence,
    performance_status_sentence,
    progression_sentence,
    tnm_sentence,
)

__all__ = ["LAYOUTS", "compose"]


class _Builder:
    def __init__(self) -> None:
        self.lines: list[str] = []
        self.truth: list[Fact] = []

    def add(self, text: str, facts: list[Fact] | tuple[Fact, ...] = ()) -> None:
        self.lines.append(text)
        self.truth.extend(facts)

    def result(self) -> tuple[str, list[Fact]]:
        return "\n".join(self.lines), list(dict.fromkeys(self.truth))


def _markers(names: list[str], header: str, d: Draws, out: _Builder) -> None:
    if not names:
        return
    rendered = [marker_phrase(name, d) for name in names]
    phrases = [text for text, _ in rendered]
    style = d.pick(("; ", ", ", ". ", "et", "list"))
    if style == "list":
        out.add(f"{header} :" if header else "Résultats :")
        for text, facts in rendered:
            out.add(f"- {text}", facts)
        return
    if style == ". ":
        body = " ".join(f"{capitalise(p)}." for p in phrases)
    elif style == "et" and len(phrases) > 1:
        body = ", ".join(phrases[:-1]) + " et " + phrases[-1] + "."
    else:
        body = (style if style != "et" else ", ").join(phrases) + "."
    out.add(f"{header} : {body}" if header else capitalise(body),
            [f for _, facts in rendered for f in facts])


def _panel(ctx: Context, d: Draws, key: str, low: int, high: int) -> list[str]:
    names: tuple[str, ...] = cp.CANCERS[ctx.cancer][key]  # type: ignore[assignment]
    return d.sample(names, d.integer(low, high))


def _date_line(ctx: Context, d: Draws, label: str) -> str:
    return f"{label} {spell_date(ctx.date, d, precise=True).text}"


def _maybe(d: Draws, p: float, pool: tuple[str, ...], ctx: Context, out: _Builder) -> None:
    if d.chance(p):
        out.add(noise_sentence(ctx, d, pool))


def _anapath(ctx: Context, d: Draws, out: _Builder) -> None:
    out.add(d.pick(("COMPTE RENDU ANATOMOPATHOLOGIQUE", "Anatomie et cytologie pathologiques",
                    "Compte rendu d'anatomie pathologique")))
    out.add(_date_line(ctx, d, d.pick(("Date :", "Prélèvement reçu le", "Compte rendu du"))))
    _maybe(d, 0.3, cp.HISTORY, ctx, out)
    out.add(f"Microscopie : {d.pick(ctx.histology)}. {noise_sentence(ctx, d)}")
    ihc = _panel(ctx, d, "ihc", 1, 4)
    _markers(ihc, d.pick(("Immunohistochimie", "Étude immunohistochimique", "IHC")), d, out)
    molecular = [n for n in _panel(ctx, d, "molecular", 0, 4) if n not in ihc]
    _markers(molecular, d.pick(("Biologie moléculaire", "Biologie moléculaire (NGS)",
                                "Analyse moléculaire")), d, out)
    _maybe(d, 0.2, cp.MARKER_HYPOTHESES, ctx, out)
    if d.chance(0.8):
        text, facts = tnm_sentence(ctx, ("p", "p", "yp"), d)
        out.add(f"Conclusion : {text}", facts)
    if d.chance(0.3):
        out.add(f"Code ADICAP : {d.pick(cp.ADICAP)}.")


def _rcp(ctx: Context, d: Draws, out: _Builder) -> None:
    out.add(_date_line(ctx, d, d.pick(("Réunion de concertation pluridisciplinaire du",
                                       "Fiche RCP -", "RCP d'oncologie du"))))
    out.add(f"{'Patiente' if ctx.sex == 'F' else 'Patient'} de {ctx.age} ans.")
    _maybe(d, 0.3, cp.HISTORY, ctx, out)
    if d.chance(0.7):
        out.add(*tnm_sentence(ctx, ("c", "c", "p"), d))
    _markers(_panel(ctx, d, "ihc", 0, 2) + _panel(ctx, d, "molecular", 0, 2),
             d.pick(("Biomarqueurs", "Biologie", "")), d, out)
    if d.chance(0.7):
        out.add(*performance_status_sentence(ctx, d))
    if d.chance(0.6):
        out.add(*progression_sentence(ctx, d))
    _maybe(d, 0.25, cp.FAMILY, ctx, out)
    _maybe(d, 0.15, cp.MARKER_HYPOTHESES, ctx, out)
    out.add(d.pick(("Proposition : poursuite du traitement.", "Proposition : surveillance.",
                    "Proposition : discussion d'une seconde ligne.")))


def _consultation(ctx: Context, d: Draws, out: _Builder) -> None:
    out.add(_date_line(ctx, d, d.pick(("Consultation du", "Lettre de consultation -"))))
    out.add(d.pick(("Cher confrère,", "Chère consœur,")))
    who = "Mme X, {} ans, suivie" if ctx.sex == "F" else "M. X, {} ans, suivi"
    out.add(f"Je revois ce jour {who.format(ctx.age)} pour un {d.pick(ctx.histology)}.")
    _maybe(d, 0.2, cp.HISTORY, ctx, out)
    if d.chance(0.85):
        out.add(*performance_status_sentence(ctx, d))
    if d.chance(0.7):
        out.add(*progression_sentence(ctx, d))
    serum = _panel(ctx, d, "serum", 0, 1)
    if serum and d.chance(0.6):
        _markers(serum, "Biologie", d, out)
    _maybe(d, 0.3, cp.DRUG_MENTIONS, ctx, out)
    _maybe(d, 0.2, cp.FAMILY, ctx, out)
    for _ in range(d.integer(1, 3)):
        out.add(noise_sentence(ctx, d))
    out.add("Bien confraternellement.")


def _imaging(ctx: Context, d: Draws, out: _Builder) -> None:
    out.add(d.pick(("Compte rendu de scanner thoraco-abdomino-pelvien", "TEP-TDM au 18F-FDG",
                    "IRM hépatique", "Scanner TAP injecté")))
    out.add(_date_line(ctx, d, "Examen du"))
    out.add(f"Indication : bilan d'évaluation sous {d.pick(cp.DRUGS[ctx.cancer])}.")
    out.add(f"Résultats : {noise_sentence(ctx, d)}")
    if d.chance(0.25):
        out.add(*tnm_sentence(ctx, ("c",), d))
    kind = d.weighted([("dated", 3), ("undated", 4), ("none", 3)])
    text, facts = progression_sentence(ctx, d, kind)
    lead = text[:1].lower() if text[1:2].islower() else text[:1]
    out.add(f"Conclusion : {lead}{text[1:]}", facts)
    if kind != "none" and d.chance(0.3):
        out.add(progression_sentence(ctx, d, "none")[0])


#: Report kind → layout.
LAYOUTS: dict[str, Callable[[Context, Draws, _Builder], None]] = {
    "anapath": _anapath, "rcp": _rcp, "consultation": _consultation, "imaging": _imaging,
}


def compose(kind: str, ctx: Context, d: Draws) -> tuple[str, list[Fact]]:
    """The text of a ``kind`` report and its facts (distinct, in text order)."""
    out = _Builder()
    LAYOUTS[kind](ctx, d, out)
    return out.result()
