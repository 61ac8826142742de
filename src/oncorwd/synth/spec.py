"""What one synthetic site is: :class:`SiteSpec`, and the default multi-centre network.

A site has its own FINESS number, case mix (a profile of ``sites.yaml`` or explicit weights),
data cut-off, first year of data, and missingness (rates of empty optional fields, unknown date
parts, undocumented risk factors, unknown stage, loss to follow-up, biobank sampling).
"""

from __future__ import annotations

import datetime as dt
import unicodedata

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, field_validator

from oncorwd.errors import SynthError
from oncorwd.synth.params import Params, load_params

__all__ = ["Missingness", "SiteSpec", "default_network", "finess_number"]


class Missingness(BaseModel):
    """Per-site data-quality knobs (rates are probabilities, ``date_unknown`` a multiplier)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    optional: float = Field(default=0.12, ge=0, le=1,
                            description="share of optional fields left empty")
    date_unknown: float = Field(default=1.0, ge=0, le=5,
                                description="multiplier of the declared unknown-date-part rates")
    risk_factor_unknown: float = Field(default=0.4, ge=0, le=1,
                                       description="risk factors left UN")
    stage_unknown: float = Field(default=0.1, ge=0, le=1, description="stage recorded as UK")
    lost_to_follow_up: float = Field(default=0.05, ge=0, le=1,
                                     description="patients lost to follow-up")
    sample_rate: float = Field(default=0.5, ge=0, le=1,
                               description="patients with a pathology/biobank sample")

class SiteSpec(BaseModel):
    """One synthetic centre. ``code`` prefixes every identifier ('S01-P00000001')."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    site_id: str = Field(description="FINESS number (9 characters)")
    code: str = Field(pattern=r"^[A-Z][A-Z0-9]{1,5}$")
    name: str = Field(pattern=r"^[A-Za-z0-9_-]+$",
                      description="short machine name (store and folder names)")
    label: str = Field(default="", description="human-readable name of the centre")
    n_patients: int = Field(ge=1, le=10_000_000)
    case_mix: str | dict[str, float] = "national"
    cutoff: dt.date
    first_year: int = Field(default=2012, ge=1990, le=2100)
    missingness: Missingness = Missingness()
    objection_rate: float = Field(default=0.02, ge=0, le=1)
    observations: tuple[str, ...] | None = Field(
        default=None, description="facility-defined observation keys recorded (None: all declared)")
    measures: tuple[str, ...] | None = Field(
        default=None, description="facility-defined measure keys recorded (None: all declared)")
    block_size: int = Field(default=50_000, ge=1_000, le=1_000_000,
                            description="patients per random block (part of the seed contract)")
    source_system: str | None = Field(default=None,
                                      description="technical source_system (None: empty)")

    @field_validator("site_id")
    @classmethod
    def _finess(cls, v: str) -> str:
        if len(v) != 9 or not (v[:2].isdigit() or v[:2] in ("2A", "2B")) or not v[2:].isdigit():
            raise ValueError(f"not a FINESS number: {v!r}")
        return v

    def weights(self, params: Params | None = None) -> np.ndarray:
        """Normalised case-mix weights in the order of ``params.cancers``."""
        p = params or load_params()
        base = np.array([c.incidence for c in p.cancers])
        if isinstance(self.case_mix, str):
            if self.case_mix not in p.sites.profiles:
                raise SynthError(f"unknown case-mix profile {self.case_mix!r}",
                                 hint="profiles: " + ", ".join(p.sites.profiles))
            mult = p.sites.profiles[self.case_mix].multipliers
            w = base * np.array([mult.get(c.key, 1.0) for c in p.cancers])
        else:
            w = np.array([self.case_mix.get(c.key, 0.0) for c in p.cancers], dtype=float)
            for k in self.case_mix:
                p.cancer_index(k)
        if not np.isfinite(w).all() or w.min() < 0 or w.sum() <= 0:
            raise SynthError(f"site {self.code}: case-mix weights must be >= 0 with a positive sum")
        return w / w.sum()


def _luhn_digit(body: str) -> str:
    total = 0
    for i, ch in enumerate(reversed(body)):
        d = int(ch) * (2 if i % 2 == 0 else 1)
        total += d - 9 if d > 9 else d
    return str((10 - total % 10) % 10)


def finess_number(departement: int, serial: int) -> str:
    """A realistic-looking FINESS: département, category digit 0, serial, Luhn key."""
    body = f"{departement:02d}0{serial % 100_000:05d}"
    return body + _luhn_digit(body)


def _slug(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch if ch.isalnum() else "-" for ch in plain.lower()).strip("-")


def default_network(n_sites: int, n_patients: int, seed: int) -> list[SiteSpec]:
    """``n_sites`` centres of ``n_patients`` each, cycling through the declared site templates
    (comprehensive cancer centre, university hospital, thoracic/haematology centre, ...);
    sites beyond the templates get their missingness jittered deterministically from ``seed``."""
    if n_sites < 1:
        raise SynthError("a network needs at least one site")
    p = load_params()
    templates, depts = p.sites.templates, p.background["departements"]
    rng = np.random.default_rng([seed & 0xFFFFFFFF, 7])
    out = []
    for i in range(n_sites):
        t = templates[i % len(templates)]
        dept, city = depts[i % len(depts)]
        miss = dict(t["missingness"])
        if i >= len(templates):
            miss = {k: float(np.clip(v * rng.uniform(0.7, 1.3), 0, 1 if k != "date_unknown" else 5))
                    for k, v in miss.items()}
        out.append(SiteSpec(
            site_id=finess_number(int(dept), 1000 + 37 * i + seed % 5000),
            code=f"S{i + 1:02d}",
            name=f"{t['short']}-{_slug(city)}-{i + 1:02d}",
            label=f"{t['kind']} de {city} (synthétique)",
            n_patients=n_patients,
            case_mix=t["profile"],
            cutoff=dt.date.fromisoformat(t["cutoff"]),
            first_year=int(t["first_year"]),
            missingness=Missingness(**miss),
            observations=t.get("observations"),
            measures=t.get("measures"),
        ))
    return out
