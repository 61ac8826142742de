"""Typed parameters of the synthetic population, loaded from ``synth/data/*.yaml``.

The YAML files hold every number and code (case mix, histologies, stages, biomarker prevalences,
regimens, survival model, planted effects, site profiles); this module only checks them (types,
cross-references) so a typo fails when the parameters load, not deep inside a vectorised draw.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from oncorwd.errors import SynthError

__all__ = [
    "STAGES",
    "Cancer",
    "Condition",
    "Effect",
    "Params",
    "Phase",
    "Rule",
    "load_params",
]

#: True stage groups, in the order of every per-stage array (OSIRIS item 8.19 values).
STAGES = ("0", "I", "II", "III", "IV", "UK")

Prob = float | dict[str, float]


class _M(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Histology(_M):
    code: str
    w: float
    tags: tuple[str, ...] = ()
    topography: str | None = None


class Survival(_M):
    shape: float
    os: dict[str, float]
    pfs: float
    pfs_shape: float = 1.0
    recurrence: dict[str, float] = {}
    local_share: float = 0.3
    first_progression: float | None = None


class Procedures(_M):
    p: dict[str, float]
    codes: list[tuple[str | None, float, str]]


class Radiotherapy(_M):
    p: dict[str, float]
    codes: list[tuple[str, float]]


class Imaging(_M):
    workup: list[str]
    followup: str
    advanced: str


class Grade(_M):
    type: str
    values: dict[str, float]


class Cancer(_M):
    key: str
    label: str
    kind: Literal["solid", "haem"]
    incidence: float
    p_male: float
    age: tuple[float, float, float]
    smoking: float
    topography: list[tuple[str, float, Literal["LR", "R", "L", "NA"]]]
    histology: list[Histology]
    in_situ: str | None = None
    stage: dict[str, float]
    m1_share: float = 1.0
    advanced_stages: list[str] = []
    stage_type: dict[str, float] = {}
    tnm: str | None = None
    grade: Grade | None = None
    size: bool = False
    method: dict[str, float]
    survival: Survival
    metastasis: list[tuple[str, float]] = []
    surgery: Procedures
    radiotherapy: Radiotherapy
    imaging: Imaging
    treat_at_diagnosis: float = 1.0
    transformation: float = 0.0

    @field_validator("histology", mode="before")
    @classmethod
    def _rows(cls, v: Any) -> Any:
        keys = ("code", "w", "tags", "topography")
        return [dict(zip(keys, row, strict=False)) if isinstance(row, list) else row for row in v]


class Condition(_M):
    """When a rule or an effect applies (see regimens.yaml for the meaning of each key)."""

    pos: tuple[str, ...] = ()
    any_pos: tuple[str, ...] = ()
    neg: tuple[str, ...] = ()
    not_pos: tuple[str, ...] = ()
    latent_pos: tuple[str, ...] = ()
    latent_neg: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    topo: tuple[str, ...] = ()
    arm: str | None = None
    control: str | None = None
    from_year: int | None = None
    to_year: int | None = None
    min_age: float | None = None
    max_age: float | None = None
    max_ps: int | None = None
    after: str | None = None
    m1: bool | None = None


class Rule(_M):
    when: Condition = Condition()
    p: Prob | None = None
    use: dict[str, float]
    rt: bool = False
    line: int | None = None
    lines: tuple[int, ...] = ()

    def applies_to_line(self, k: int) -> bool:
        return self.line == k or k in self.lines


class Phase(_M):
    p: Prob | None = None
    rules: list[Rule]


class Advanced(_M):
    treat: float
    next: tuple[float, float, float]
    rules: list[Rule]


class Treatment(_M):
    neoadjuvant: Phase | None = None
    definitive: Phase | None = None
    adjuvant: Phase | None = None
    maintenance: Phase | None = None
    advanced: Advanced | None = None


class RegimenDrug(_M):
    drug: str
    interval: int
    cycles: int
    days: tuple[int, ...] = (0,)
    offset: int = 0


class Regimens(_M):
    drugs: dict[str, tuple[str, Literal["iv", "oral", "sc", "im"]]]
    regimens: dict[str, list[RegimenDrug]]
    treatment: dict[str, Treatment]

    @field_validator("regimens", mode="before")
    @classmethod
    def _rows(cls, v: Any) -> Any:
        keys = ("drug", "interval", "cycles", "days", "offset")
        return {k: [dict(zip(keys, row, strict=False)) for row in rows] for k, rows in v.items()}


class MarkerDef(_M):
    loinc: str
    #: catalogue name (``biomarker`` code system) when the key is not one of its aliases
    name: str | None = None
    type: Literal["TUMOR", "GERMLINE", "SERUM"]
    technique: dict[str, float]
    unit: str | None = None
    specimen: str | None = None


class ValueRange(_M):
    pos: tuple[float, float]
    neg: tuple[float, float]
    fmt: str | None = None


class Serum(_M):
    median: float
    median_advanced: float
    sigma: float
    normal_max: float


class PanelEntry(_M):
    marker: str
    tags: tuple[str, ...] = ()
    advanced: bool = False
    tested: Prob
    prevalence: Prob | None = None
    given: dict[str, tuple[float, float]] | None = None
    exclusive: str | None = None
    pos: list[tuple[str, float] | tuple[str, float, str]] = []
    neg: list[tuple[str, float]] = []
    value: ValueRange | None = None
    flags_from_value: dict[str, float] = {}
    serum: Serum | None = None


class Biomarkers(_M):
    derived_flags: dict[str, tuple[str, ...]]
    markers: dict[str, MarkerDef]
    panels: dict[str, list[PanelEntry]]


class Adoption(_M):
    year: int
    before: float
    after: float


class Effect(_M):
    name: str
    kind: Literal["treatment", "biomarker"]
    cancer: str
    description: str
    when: Condition
    adoption: Adoption | None = None
    os_hr: float
    pfs_hr: float


class Effects(_M):
    covariates: dict[str, dict[str, float]]
    copula_theta: float
    later_line_pfs_factor: float
    effects: list[Effect]
    censoring: dict[str, float]


class Profile(_M):
    description: str
    multipliers: dict[str, float]


class Sites(_M):
    profiles: dict[str, Profile]
    templates: list[dict[str, Any]]


class Params(_M):
    """Everything the generator needs, checked and cross-referenced."""

    cancers: tuple[Cancer, ...]
    background: dict[str, Any]
    biomarkers: Biomarkers
    regimens: Regimens
    effects: Effects
    sites: Sites

    def cancer_index(self, key: str) -> int:
        for i, c in enumerate(self.cancers):
            if c.key == key:
                return i
        raise SynthError(f"unknown cancer type {key!r}",
                         hint="see oncorwd/synth/data/cancers.yaml", cancer=key)

    def effect(self, name: str) -> Effect:
        for e in self.effects.effects:
            if e.name == name:
                return e
        raise SynthError(f"unknown planted effect {name!r}", effect=name)


def _read(name: str) -> Any:
    text = resources.files("oncorwd.synth").joinpath("data", name).read_text("utf-8")
    return yaml.safe_load(text)


def _rules(t: Treatment) -> list[Rule]:
    phases = [t.neoadjuvant, t.definitive, t.adjuvant, t.maintenance, t.advanced]
    return [r for ph in phases if ph is not None for r in ph.rules]


def _check(p: Params) -> None:
    problems: list[str] = []
    keys = {c.key for c in p.cancers}
    regs, drugs = p.regimens.regimens, p.regimens.drugs
    effects = {e.name for e in p.effects.effects}
    for name, rows in regs.items():
        problems += [f"regimen {name}: unknown drug {r.drug}" for r in rows if r.drug not in drugs]
    for cancer, t in p.regimens.treatment.items():
        if cancer not in keys:
            problems.append(f"treatment for unknown cancer {cancer}")
        for r in _rules(t):
            problems += [f"{cancer}: unknown regimen {u}" for u in r.use if u not in regs]
            for arm in (r.when.arm, r.when.control):
                if arm and arm not in effects:
                    problems.append(f"{cancer}: unknown effect {arm}")
    for cancer, entries in p.biomarkers.panels.items():
        if cancer not in keys:
            problems.append(f"panel for unknown cancer {cancer}")
        problems += [f"{cancer}: unknown marker {e.marker}" for e in entries
                     if e.marker not in p.biomarkers.markers]
    problems += [f"effect {e.name}: unknown cancer {e.cancer}" for e in p.effects.effects
                 if e.cancer not in keys]
    for name, prof in p.sites.profiles.items():
        problems += [f"profile {name}: unknown cancer {k}" for k in prof.multipliers
                     if k not in keys]
    families = p.background["tnm"]
    problems += [f"{c.key}: unknown TNM family {c.tnm}" for c in p.cancers
                 if c.tnm and c.tnm not in families]
    if problems:
        raise SynthError("inconsistent synthetic-population parameters: " + "; ".join(problems),
                         hint="fix oncorwd/synth/data/*.yaml")


@cache
def load_params() -> Params:
    """The declared parameters (cached: they are immutable)."""
    try:
        params = Params(
            cancers=tuple(Cancer.model_validate(c) for c in _read("cancers.yaml")),
            background=_read("background.yaml"),
            biomarkers=Biomarkers.model_validate(_read("biomarkers.yaml")),
            regimens=Regimens.model_validate(_read("regimens.yaml")),
            effects=Effects.model_validate(_read("effects.yaml")),
            sites=Sites.model_validate(_read("sites.yaml")),
        )
    except ValidationError as exc:
        raise SynthError(f"invalid synthetic-population parameters: {exc}",
                         hint="fix oncorwd/synth/data/*.yaml") from exc
    _check(params)
    return params
