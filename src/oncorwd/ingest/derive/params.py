"""The tunable rules of the derive step, in one frozen object with documented defaults.

Every threshold a derived value depends on lives here so that a site (or a study) can say which
rules produced its lines of therapy and multiple-primary merges, and so that tests can pin them.
The defaults follow the OSIRIS RWD implementation guide (annex "Les changements de traitement"
and the multiple-primary rules of section 8) and the cohort-variable derivations.
"""

from __future__ import annotations

from dataclasses import dataclass

from oncorwd.errors import ConfigError

__all__ = ["DeriveParams"]


@dataclass(frozen=True, slots=True)
class DeriveParams:
    """Parameters of the derive step.

    Lines of therapy (``drug_administration.treatment_line``):

    - ``window_days``: a line's regimen is the set of antineoplastic drugs given within this many
      days of the line start (inclusive); adding a drug inside the window never starts a line.
    - ``gap_days`` / ``new_line_after_gap``: a restart after more than ``gap_days`` days without
      any antineoplastic administration starts a new line, even with the same drugs.
    - ``progression_restart_days`` / ``new_line_after_progression``: when a documented
      progression falls in an interruption longer than this, the restart starts a new line
      (treatment continued through a progression at its usual rhythm stays in its line).
    - ``equivalent_drugs``: groups of current ATC codes that substitute for one another without
      changing the regimen (default: cisplatin and carboplatin).
    - ``combination_drugs``: fixed combinations counted as their components, so switching between
      the combination and its separate components does not change the regimen.
    - ``metastatic_only``: number lines only from the metastatic phase (administrations from
      ``window_days`` before the metastatic disease date); default False numbers every treatment
      change from the first antineoplastic administration, as the MDS computed item does.

    Diagnosis and multiple primaries:

    - ``metastatic_window_days``: a metastasis found within this many days after diagnosis is
      synchronous ("at diagnosis").
    - ``merge_multiple_primaries``: merge cancer rows of a patient that the IARC 2004 rules say
      are one cancer (otherwise they are only reported in the notes).
    - ``laterality_exempt_topography`` / ``laterality_exempt_morphology``: sites (3-character
      ICD-O-3) and histologies (4-digit types) where a bilateral tumour is still one cancer
      (guide: ovary, skin, Wilms tumour, retinoblastoma).
    - ``exclude_objecting_patients``: patients with non_opposition = N get no cohort row.
    """

    window_days: int = 28
    gap_days: int = 120
    new_line_after_gap: bool = True
    progression_restart_days: int = 60
    new_line_after_progression: bool = True
    equivalent_drugs: tuple[tuple[str, ...], ...] = (("L01XA01", "L01XA02"),)
    combination_drugs: tuple[tuple[str, tuple[str, ...]], ...] = (
        ("L01FY01", ("L01FD01", "L01FD02")),
        ("L01XY01", ("L01BC01", "L01DB02")),
    )
    metastatic_only: bool = False
    metastatic_window_days: int = 90
    merge_multiple_primaries: bool = True
    laterality_exempt_topography: tuple[str, ...] = ("C44", "C56")
    laterality_exempt_morphology: tuple[str, ...] = ("8960", "9510", "9511", "9512", "9513")
    exclude_objecting_patients: bool = True

    def __post_init__(self) -> None:
        if self.window_days < 0 or self.metastatic_window_days < 0:
            raise ConfigError("derive windows must be >= 0 days",
                              window_days=self.window_days)
        # A restart must fall after the window of the line it interrupts, otherwise the regimen
        # of that line would include the restart (see lines_of_therapy).
        for name in ("gap_days", "progression_restart_days"):
            if getattr(self, name) <= self.window_days:
                raise ConfigError(f"{name} must be greater than window_days",
                                  hint="a restart cannot lie inside the regimen window",
                                  **{name: getattr(self, name)})
        codes = [c for group in self.equivalent_drugs for c in group]
        codes += [c for combo, parts in self.combination_drugs for c in (combo, *parts)]
        codes += list(self.laterality_exempt_topography) + list(self.laterality_exempt_morphology)
        bad = [c for c in codes if not c.isalnum()]
        if bad:
            raise ConfigError("derive parameters hold codes only (letters and digits)",
                              value=bad)
