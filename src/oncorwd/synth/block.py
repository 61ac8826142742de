"""One block of patients, from the draws to the 18 OSIRIS RWD tables and the per-patient truth.

A block is the unit of randomness: its generators derive from (seed, site, block number), so a
site's output depends only on the seed, the spec and the block size, never on the chunking.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from oncorwd.dictionary import load_dictionary
from oncorwd.synth.catalog import catalog
from oncorwd.synth.conditions import Context
from oncorwd.synth.course import draw_course
from oncorwd.synth.draw import STREAMS, rng_for
from oncorwd.synth.emit import Emitter
from oncorwd.synth.markers import draw_markers
from oncorwd.synth.population import draw_population
from oncorwd.synth.spec import SiteSpec
from oncorwd.synth.state import Block
from oncorwd.synth.survival import draw_survival
from oncorwd.synth.tables import biology, cancer, followup, history, patient, treatment
from oncorwd.synth.truth import truth_table
from oncorwd.synth.tumour import draw_second_primaries, draw_tumours

__all__ = ["BlockOutput", "draw_block", "generate_block", "mds_tables"]


def mds_tables() -> list[str]:
    """The OSIRIS RWD tables synth emits: every entity of the dictionary except the derived
    ones (such as the cohort variables, computed at ingest), in dictionary order."""
    return [e.name for e in load_dictionary().entities if not getattr(e, "derived", False)]


@dataclass
class BlockOutput:
    tables: dict[str, pa.Table]
    truth: pa.Table


def draw_block(spec: SiteSpec, seed: int, cutoff: int, weights: np.ndarray, block: int,
               first: int, n: int) -> Block:
    """All the draws of one block (no table built yet)."""
    cat = catalog()
    rng = {s: rng_for(seed, spec.site_id, block, s) for s in STREAMS}
    pop = draw_population(rng["population"], cat, weights, spec.first_year, cutoff, first, n)
    index = draw_tumours(rng["tumour"], cat, np.arange(n), np.ones(n, np.int64), pop.cancer,
                         pop.stage, pop.m1, pop.diag)
    tags = cat.hist_tags[index.hist]
    markers = draw_markers(rng["markers"], cat, pop.cancer, tags, pop.m1)
    base = Context(cat, pop.cancer, tags, index.topo, pop.year, pop.age, pop.ps, pop.m1,
                   latent=markers.latent)
    ctx_dx = base.with_known(markers.known_dx, markers.neg_dx)
    surv = draw_survival(rng["survival"], cat, pop, ctx_dx, cutoff,
                         spec.missingness.lost_to_follow_up)
    ctx_dx.arms = surv.exposure
    ctx_adv = base.with_known(markers.known_adv, markers.neg_adv)
    ctx_adv.arms = surv.exposure
    tl = draw_course(rng["course"], cat, pop, surv, ctx_dx, ctx_adv)
    second = draw_second_primaries(rng["second"], cat, weights, pop.male, pop.birth, pop.diag,
                                   surv.end)
    emit = Emitter(spec, rng["missing"], pop.number, cat.params.background["partial_dates"])
    return Block(spec, cat, cutoff, pop, index, second, markers, surv, tl, emit, ctx_dx, ctx_adv,
                 rng)


def generate_block(spec: SiteSpec, seed: int, cutoff: int, weights: np.ndarray, block: int,
                   first: int, n: int) -> BlockOutput:
    """The 18 tables (dictionary order) and the truth of patients ``first+1 .. first+n``."""
    b = draw_block(spec, seed, cutoff, weights, block, first, n)
    out = {
        "cancer": cancer.cancer(b), "tumor_event": cancer.tumor_event(b),
        "progression": cancer.progression(b), "surgery": treatment.surgery(b),
        "drug_administration": treatment.drug_administration(b),
        "radiotherapy": treatment.radiotherapy(b), "general_status": followup.general_status(b),
        "imaging": followup.imaging(b),
    }
    out["sample"], links = biology.sample(b)
    out["biomarker"] = biology.biomarker(b, links)
    out["comorbidity"] = history.comorbidity(b)
    out["family_history"] = history.family_history(b)
    out["observation"] = history.observation(b)
    out["measure"] = history.measure(b)
    out["risk_factor"] = patient.risk_factor(b)
    out["non_opposition"], objectors = patient.non_opposition(b)
    out["vital_status"] = patient.vital_status(b)
    out["patient"] = patient.patient(b)
    result = BlockOutput({name: out[name] for name in mds_tables()}, truth_table(b, objectors))
    del b, out
    pa.default_memory_pool().release_unused()  # this thread's freed temporaries, back to the OS
    return result
