"""``generate_reports``: many varied French oncology reports with their ground truth.

Per-report attributes (kind, patient, date) and every uniform number a report's wording needs are
drawn with numpy in a few vectorised calls; the text is then assembled report by report from the
phrase tables. Same ``(n, seed)`` → the same reports, byte for byte.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from oncorwd.synth.reports import clinical_phrases as cp
from oncorwd.synth.reports.compose import compose
from oncorwd.synth.reports.draws import Draws
from oncorwd.synth.reports.model import REPORT_KINDS, SyntheticReport
from oncorwd.synth.reports.sentences import Context

__all__ = ["DRAWS_PER_REPORT", "KIND_WEIGHTS", "generate_reports"]

#: Uniform numbers drawn per report (a report needing more reuses them, shifted).
DRAWS_PER_REPORT = 192
#: Share of each report kind.
KIND_WEIGHTS = {"anapath": 0.3, "rcp": 0.25, "consultation": 0.3, "imaging": 0.15}
_FIRST_DAY = dt.date(2015, 1, 1)
_DAYS = (dt.date(2024, 12, 31) - _FIRST_DAY).days
_REPORTS_PER_PATIENT = 3


def generate_reports(n: int, seed: int) -> list[SyntheticReport]:
    """``n`` reports (about three per patient) with the facts a perfect reader would extract."""
    if n < 0:
        raise ValueError("n must be >= 0")
    rng = np.random.default_rng(seed)
    cancers = list(cp.CANCERS)
    weights = np.array([float(cp.CANCERS[c]["weight"]) for c in cancers])  # type: ignore[arg-type]
    n_patients = max(1, -(-n // _REPORTS_PER_PATIENT))
    patient_cancer = rng.choice(len(cancers), n_patients, p=weights / weights.sum())
    patient_female = rng.random(n_patients) < 0.5
    patient_age = rng.integers(35, 86, n_patients)
    patient_of = rng.integers(0, n_patients, n)
    kind_p = np.array([KIND_WEIGHTS[k] for k in REPORT_KINDS])
    kinds = rng.choice(len(REPORT_KINDS), n, p=kind_p / kind_p.sum())
    days = rng.integers(0, _DAYS, n)
    uniforms = rng.random((n, DRAWS_PER_REPORT))
    reports = []
    for i in range(n):
        p = int(patient_of[i])
        cancer = cancers[int(patient_cancer[p])]
        sex = str(cp.CANCERS[cancer]["sex"] or ("F" if patient_female[p] else "M"))
        date = _FIRST_DAY + dt.timedelta(days=int(days[i]))
        ctx = Context(cancer, sex, date, int(patient_age[p]))
        kind = REPORT_KINDS[int(kinds[i])]
        text, truth = compose(kind, ctx, Draws(uniforms[i].tolist()))
        reports.append(SyntheticReport(f"RPT-{i:06d}", f"PAT-{p:06d}", kind, date, text, truth))
    return reports
