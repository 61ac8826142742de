"""Patient-level tables: patient, non_opposition, risk_factor and vital_status."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from oncorwd.synth.arrow import codes, constant, vocabulary
from oncorwd.synth.draw import uniform_days
from oncorwd.synth.state import Block

__all__ = ["non_opposition", "patient", "risk_factor", "vital_status"]

SEX = vocabulary(["M", "F"])
YNU = vocabulary(["Y", "N", "UN"])
VITAL = vocabulary(["0", "1"])
VITAL_SOURCES = vocabulary(["INSEE", "FACILITY", "MEDICAL_RECORD"])
RISK_FACTORS = ("alcohol", "overweight", "unbalanced_diet", "sedentary_lifestyle", "hormone",
                "inadequate_breastfeeding", "infectious_disease", "ionising_radiation",
                "pollution", "uv_radiation", "occupational_exposure", "chemical_exposure")


def patient(b: Block) -> pa.Table:
    n, e = b.n, b.emit
    cols = {"patient_id": e.patient_ids, "facility_finess": constant(b.spec.site_id, n),
            "sex": codes(SEX, np.where(b.pop.male, 0, 1)), "source_type": e.source([97, 3], n)}
    cols |= e.dates("birth_date", b.pop.birth, "birth_date")
    return e.table("patient", cols, n)


def non_opposition(b: Block) -> tuple[pa.Table, np.ndarray]:
    """The table and the objectors (non_opposition = N, ~2 %)."""
    rng, n, e = b.rng("background"), b.n, b.emit
    objects = rng.random(n) < b.spec.objection_rate
    informed = rng.random(n) < 0.96
    info_day = np.maximum(b.pop.diag - uniform_days(rng, 0, 30, n), b.pop.birth + 1)
    info_day = np.minimum(info_day, b.end)
    span = np.maximum(b.end - b.pop.diag, 0)
    opposed = b.pop.diag + np.floor(rng.random(n) * (span + 1)).astype(np.int64)
    cols = {"patient_id": e.patient_ids, "information": e.yes(informed),
            "non_opposition": e.yes(~objects), "source_type": e.source([90, 8, 0, 2, 0], n)}
    cols |= e.dates("information_date", info_day, null=~informed | e.missing(n))
    cols |= e.dates("opposition_date", opposed, null=~objects)
    return e.table("non_opposition", cols, n), objects


def risk_factor(b: Block) -> pa.Table:
    rng, n, e, cat = b.rng("background"), b.n, b.emit, b.cat
    decl = cat.params.background["risk_factors"]
    unknown = b.spec.missingness.risk_factor_unknown
    cols: dict[str, pa.Array] = {"patient_id": e.patient_ids}
    smoke = np.where(b.pop.smoker, 0, 1)
    cols["smoking"] = codes(YNU, np.where(rng.random(n) < unknown * 0.5, 2, smoke))
    for name in RISK_FACTORS:
        p = np.array([decl["by_cancer"].get(k, {}).get(name, decl["base"][name])
                      for k in cat.keys])[b.pop.cancer]
        value = np.where(rng.random(n) < p, 0, 1)
        if name in decl["female_only"]:
            value = np.where(b.pop.male, 1, value)
        cols[name] = codes(YNU, np.where(rng.random(n) < unknown, 2, value))
    cols["source_type"] = e.source([60, 10, 0, 30, 0], n)
    return e.table("risk_factor", cols, n)


def vital_status(b: Block) -> pa.Table:
    """Vital status at the cut-off: deaths observed before censoring; last visit after every
    facility event, within a few months of the end of observation."""
    rng, n, e, s = b.rng("background"), b.n, b.emit, b.surv
    died = s.died
    window = b.cat.params.effects.censoring
    back = np.where(died, uniform_days(rng, 0, window["death_visit_window_days"], n),
                    uniform_days(rng, 0, window["last_visit_window_days"], n))
    last_visit = np.maximum(np.maximum(s.end - back, b.pop.diag), b.last_event)
    last_visit = np.minimum(last_visit, s.end)
    contact = np.minimum(last_visit + uniform_days(rng, 0, 120, n), s.end)
    update = np.where(died, np.maximum(s.death, b.cutoff - uniform_days(rng, 0, 40, n)),
                      b.cutoff - uniform_days(rng, 0, 20, n))
    update = np.maximum(update, contact)
    source = np.where(died, np.searchsorted([0.55, 0.8], rng.random(n)),
                      np.searchsorted([0.1, 0.8], rng.random(n)))
    cols = {"patient_id": e.patient_ids, "vital_status": codes(VITAL, died.astype(np.int8)),
            "vital_status_source": codes(VITAL_SOURCES, source),
            "source_type": e.source([85, 10, 5, 0, 0], n)}
    cols |= e.dates("update_date", update, "structured")
    cols |= e.dates("last_visit_date", last_visit, "structured")
    cols |= e.dates("last_contact_date", contact, null=e.missing(n))
    cols |= e.dates("death_date", s.death, "structured", null=~died)
    return e.table("vital_status", cols, n)
