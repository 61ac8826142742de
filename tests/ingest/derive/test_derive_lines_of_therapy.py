"""Lines of therapy on tricky sequences: each case is one patient's administrations (day offset,
ATC code) with the expected line of each, written out by hand from the documented rules."""

from __future__ import annotations

from typing import Any

import pytest
from derive_factory import REFERENCE, day, tables

from oncorwd.ingest.derive import DeriveParams, derive_tables

START = "2021-01-04"
FOLINATE, FU, OXALI, IRINO = "V03AF03", "L01BC02", "L01XA03", "L01CE02"
CIS, CARBO, VINO, PEMETREXED = "L01XA01", "L01XA02", "L01CA04", "L01BA04"
PEMBRO, PEMBRO_OLD = "L01FF02", "L01XC18"
TRASTU, PERTU, DOCE = "L01FD01", "L01FD02", "L01CD02"
CAPE, GEM, PACLI = "L01BC06", "L01BC05", "L01CD01"


def cycles(first: int, last: int, every: int, *codes: str) -> list[tuple[int, str]]:
    return [(d, c) for d in range(first, last + 1, every) for c in codes]


def run_lines(admin: list[tuple[int, str]], progressions: tuple[int, ...] = (),
              params: DeriveParams | None = None, **extra: Any) -> list[int | None]:
    """Lines of ``admin`` (in the given order) for a single-cancer patient."""
    rows = [{"drug_administration_id": f"D{i:04d}", "patient_id": "P1", "cancer_id": "C1",
             "atc_code": code, "administration_date": day(START, d)}
            for i, (d, code) in enumerate(admin)]
    data = tables(
        patient=[{"patient_id": "P1"}],
        cancer=[{"cancer_id": "C1", "patient_id": "P1", "cancer_order": 1,
                 "diagnosis_date": "2020-11-02"}],
        drug_administration=rows,
        progression=[{"patient_id": "P1", "cancer_id": "C1", "progression_date": day(START, d)}
                     for d in progressions],
        **extra)
    result = derive_tables(data, reference_date=REFERENCE, params=params or DeriveParams())
    lines = dict(zip(result.drug_administration.column("drug_administration_id").to_pylist(),
                     result.drug_administration.column("treatment_line").to_pylist(),
                     strict=True))
    return [lines[f"D{i:04d}"] for i in range(len(admin))]


def by_day(admin: list[tuple[int, str]], starts: dict[int, int],
           supportive: tuple[str, ...] = (FOLINATE,)) -> list[int | None]:
    """Expected line per administration: the line of the latest start day on or before it;
    supportive drugs have no line."""
    out: list[int | None] = []
    for d, code in admin:
        line = max((n for s, n in starts.items() if s <= d), default=None)
        out.append(None if code in supportive else line)
    return out


def test_folfox_then_folfiri_is_two_lines() -> None:
    admin = cycles(0, 70, 14, FU, OXALI, FOLINATE) + cycles(98, 168, 14, FU, IRINO, FOLINATE)
    assert run_lines(admin) == by_day(admin, {0: 1, 98: 2})


def test_carboplatin_cisplatin_switch_stays_in_line() -> None:
    admin = cycles(0, 42, 21, CIS, VINO) + cycles(63, 105, 21, CARBO, VINO)
    assert run_lines(admin) == [1] * len(admin)


def test_pembrolizumab_maintenance_after_chemo_immunotherapy_induction_stays_line_1() -> None:
    admin = cycles(0, 63, 21, CARBO, PEMETREXED, PEMBRO) + cycles(84, 420, 21, PEMETREXED, PEMBRO)
    assert run_lines(admin) == [1] * len(admin)


def test_docetaxel_stopped_after_trastuzumab_pertuzumab_docetaxel_stays_line_1() -> None:
    admin = cycles(0, 105, 21, TRASTU, PERTU, DOCE) + cycles(126, 399, 21, TRASTU, PERTU)
    assert run_lines(admin) == [1] * len(admin)


def test_same_drugs_after_a_six_month_gap_start_line_2() -> None:
    admin = cycles(0, 84, 21, PACLI, CARBO) + cycles(84 + 182, 84 + 182 + 63, 21, PACLI, CARBO)
    assert run_lines(admin) == by_day(admin, {0: 1, 266: 2})


def test_gap_rule_can_be_switched_off() -> None:
    admin = cycles(0, 84, 21, PACLI) + cycles(266, 329, 21, PACLI)
    params = DeriveParams(new_line_after_gap=False)
    assert run_lines(admin, params=params) == [1] * len(admin)


def test_drug_continued_beyond_progression_stays_in_line() -> None:
    admin = cycles(0, 210, 21, PEMBRO)
    assert run_lines(admin, progressions=(100,)) == [1] * len(admin)


def test_new_drug_after_progression_starts_line_2() -> None:
    admin = cycles(0, 84, 21, PEMBRO) + cycles(110, 194, 21, DOCE)
    assert run_lines(admin, progressions=(100,)) == by_day(admin, {0: 1, 110: 2})


def test_restart_after_progression_and_interruption_starts_line_2() -> None:
    admin = cycles(0, 84, 21, PEMBRO) + cycles(170, 233, 21, PEMBRO)
    assert run_lines(admin, progressions=(100,)) == by_day(admin, {0: 1, 170: 2})
    assert run_lines(admin) == [1] * len(admin)  # no progression: an 86-day pause only


def test_oral_drug_with_monthly_prescriptions_is_one_line() -> None:
    admin = [(d, CAPE) for d in (0, 30, 61, 95, 124, 160, 190, 221, 255, 290, 320, 351)]
    assert run_lines(admin) == [1] * len(admin)


@pytest.mark.parametrize(("added_on", "starts"), [(20, {0: 1}), (35, {0: 1, 35: 2})])
def test_drug_added_within_or_after_the_28_day_window(added_on: int,
                                                      starts: dict[int, int]) -> None:
    admin = sorted(cycles(0, 126, 21, GEM) + cycles(added_on, added_on + 84, 21, CARBO))
    assert run_lines(admin) == by_day(admin, starts)


def test_old_atc_code_is_treated_as_its_current_code() -> None:
    admin = cycles(0, 42, 21, PEMBRO_OLD) + cycles(63, 126, 21, PEMBRO)
    assert run_lines(admin) == [1] * len(admin)


def test_supportive_drugs_get_no_line() -> None:
    admin = cycles(0, 42, 21, CIS, "A04AA01", "H02AB02") + cycles(63, 84, 21, CIS)
    assert run_lines(admin) == by_day(admin, {0: 1}, supportive=("A04AA01", "H02AB02"))


def test_fixed_combination_equals_its_components() -> None:
    admin = cycles(0, 63, 21, TRASTU, PERTU) + cycles(84, 210, 21, "L01FY01")
    assert run_lines(admin) == [1] * len(admin)


def test_new_drug_of_a_third_line_and_return_to_an_old_drug() -> None:
    # A (line 1) -> B at day 100 (line 2) -> A again at day 200: A is not in line 2's regimen.
    admin = cycles(0, 63, 21, GEM) + cycles(100, 163, 21, DOCE) + cycles(200, 263, 21, GEM)
    assert run_lines(admin) == by_day(admin, {0: 1, 100: 2, 200: 3})


def test_two_cancers_have_separate_lines() -> None:
    drugs = [
        # cancer C1 (breast 2015): letrozole, then palbociclib added late
        *({"cancer_id": "C1", "atc_code": "L02BG04", "administration_date": day("2015-06-01", d)}
          for d in range(0, 360, 30)),
        {"cancer_id": "C1", "atc_code": "L01EF01", "administration_date": "2015-12-01"},
        # cancer C2 (lung 2021): cisplatin + pemetrexed, one row without cancer_id
        *({"cancer_id": "C2", "atc_code": CIS, "administration_date": day("2021-03-01", d)}
          for d in (0, 21, 42)),
        {"cancer_id": None, "atc_code": PEMETREXED, "administration_date": "2021-03-01"},
    ]
    rows = [{"drug_administration_id": f"D{i:03d}", "patient_id": "P1", **r}
            for i, r in enumerate(drugs)]
    data = tables(
        patient=[{"patient_id": "P1"}],
        cancer=[{"cancer_id": "C1", "patient_id": "P1", "cancer_order": 1,
                 "diagnosis_date": "2015-05-10"},
                {"cancer_id": "C2", "patient_id": "P1", "cancer_order": 2,
                 "diagnosis_date": "2021-02-10", "topography": "C34.1", "morphology": "8140/3",
                 "laterality": "R"}],
        drug_administration=rows)
    out = derive_tables(data, reference_date=REFERENCE).drug_administration.to_pylist()
    got = {(r["cancer_id"], r["atc_code"], str(r["administration_date"])): r["treatment_line"]
           for r in out}
    assert got[("C1", "L02BG04", "2015-06-01")] == 1
    assert got[("C1", "L01EF01", "2015-12-01")] == 2
    assert got[("C1", "L02BG04", day("2015-06-01", 300))] == 2
    assert {v for (c, _, _), v in got.items() if c == "C2"} == {1}
    assert got[("C2", PEMETREXED, "2021-03-01")] == 1


def test_metastatic_only_numbers_lines_from_the_metastatic_phase() -> None:
    admin = cycles(0, 105, 21, DOCE) + cycles(400, 463, 21, CAPE)
    events = [{"patient_id": "P1", "cancer_id": "C1", "event_type": "2",
               "metastasis_date": day(START, 390), "metastasis_topography": "C22.0"}]
    params = DeriveParams(metastatic_only=True)
    lines = run_lines(admin, params=params, tumor_event=events)
    assert lines == by_day(admin, {400: 1})
