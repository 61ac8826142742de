"""faults.json is a consistent ground truth: counts add up against the clean tables, rates are
near the configured ones, the faulty values are what they claim, and exports are deterministic."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import pyarrow.compute as pc
import pytest
from raw_helpers import SEED

from oncorwd.synth import SyntheticSite, default_network
from oncorwd.synth.raw import FaultRates, RawExport, chimio_catalogue, write_raw_exports
from oncorwd.terminology import get_code_system

KINDS = ("bad_date", "missing_mandatory", "unknown_drug_code", "invalid_icd10", "duplicate",
         "malformed_line", "death_before_birth")


def _site(sites: list[SyntheticSite], export: RawExport) -> SyntheticSite:
    return next(s for s in sites if s.spec.site_id == export.site.site_id)


def _count(export: RawExport, table: str, kind: str) -> int:
    return sum(len(e["rows"]) for e in export.faults["rows"]
               if e["table"] == table and e["kind"] == kind)


@pytest.mark.parametrize("which", ["csv", "excel"])
def test_accounting_adds_up_against_the_clean_tables(which: str, csv_export: RawExport,
                                                    excel_export: RawExport,
                                                    sites: list[SyntheticSite]) -> None:
    """input = clean rows - patients left out - malformed lines + duplicates; loaded = input -
    quarantined; and every quarantine has a recorded row."""
    export = csv_export if which == "csv" else excel_export
    site, truth = _site(sites, export), export.faults
    excluded = truth["scope"]["excluded_patients"]
    for table, e in truth["expected"].items():
        clean = site.tables[table]
        if truth["scope"]["rule"]:
            lymph = site.tables["cancer"].filter(pc.starts_with(
                site.tables["cancer"].column("topography"), "C77")).column("patient_id")
            clean = clean.filter(pc.invert(pc.is_in(clean.column("patient_id"),
                                                    value_set=pc.unique(lymph))))
        source = truth["sources"][e["source"]]
        absent = truth["faults"]["orphan"]["absent_patients"] if "patient" in source["tables"] \
            else 0
        malformed = sum(len(x["rows"]) for x in truth["rows"]
                        if x["kind"] == "malformed_line" and x["source"] == e["source"])
        assert e["input"] == (clean.num_rows - absent - malformed
                              + _count(export, table, "duplicate")), table
        assert e["loaded"] == e["input"] - sum(e["quarantined"].values())
        recorded = sum(len(x["rows"]) for x in truth["rows"] if x["table"] == table)
        assert recorded == sum(e["quarantined"].values())
    assert (excluded > 0) == (which == "excel")


@pytest.mark.parametrize("kind", KINDS)
def test_rates_are_near_the_configured_ones(kind: str, csv_export: RawExport) -> None:
    f = csv_export.faults["faults"][kind]
    rate, n = f["rate"], f["exposed_rows"]
    assert n > 1000
    observed = f["source_rows"] / n
    slack = 4 * math.sqrt(rate * (1 - rate) / n) + 0.15 * rate
    assert abs(observed - rate) <= slack, (kind, observed, rate)


def test_every_kind_of_fault_happens(csv_export: RawExport, excel_export: RawExport) -> None:
    for export in (csv_export, excel_export):
        happened = {e["kind"] for e in export.faults["rows"]}
        expected = set(KINDS) | {"orphan", "cascade"}
        if export.shape != "csv_dump":
            expected -= {"malformed_line"}
        assert expected <= happened, export.shape


def test_fault_values(csv_export: RawExport, excel_export: RawExport,
                      sites: list[SyntheticSite]) -> None:
    icd10 = get_code_system("icd10")
    atc = get_code_system("atc")
    local = {d.code for d in chimio_catalogue()}
    for export in (csv_export, excel_export):
        for e in export.faults["rows"]:
            if e["kind"] == "invalid_icd10":
                assert not any(icd10.validate(v) for v in e["values"])
            if e["kind"] == "unknown_drug_code":
                assert not (set(e["values"]) & local)
                assert not any(atc.validate(v) for v in e["values"])
            if e["kind"] == "missing_mandatory":
                assert set(e["values"]) == {None}
    site = _site(sites, csv_export)
    births = dict(zip(site.tables["patient"].column("patient_id").to_pylist(),
                      site.tables["patient"].column("birth_date_year").to_pylist(), strict=True))
    deaths = [e for e in csv_export.faults["rows"] if e["kind"] == "death_before_birth"]
    assert deaths
    for e in deaths:
        for key, value in zip(e["keys"], e["values"], strict=True):
            assert dt.datetime.strptime(value, "%d/%m/%Y").year <= births[key]


def test_clean_rates_give_a_clean_export(tmp_path: Path) -> None:
    spec = default_network(3, 1000, SEED)[0]
    export = write_raw_exports(spec, SEED, tmp_path, "csv_dump", FaultRates.none())
    assert export.faults["rows"] == []
    for table, e in export.faults["expected"].items():
        assert e["quarantined"] == {} and e["filtered"] == 0, table


@pytest.mark.parametrize("shape", ["csv_dump", "excel_workbook"])
def test_deterministic(shape: str, tmp_path: Path) -> None:
    spec = default_network(3, 1000, SEED)[0]
    outputs = []
    for name, seed in (("a", SEED), ("b", SEED), ("c", SEED + 1)):
        export = write_raw_exports(spec, seed, tmp_path / name, shape)  # type: ignore[arg-type]
        files = [*sorted((export.root / "data").iterdir()), export.faults_path]
        outputs.append([p.read_bytes() for p in files])
    assert outputs[0] == outputs[1]
    assert outputs[0] != outputs[2]


def test_demo_network_pairs_sites_with_shapes(tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    from oncorwd.synth.raw import export as export_module

    calls: list[tuple[str, str]] = []
    monkeypatch.setattr(export_module, "write_raw_exports",
                        lambda spec, seed, out, shape, *a: calls.append((spec.name, shape)))
    export_module.demo_raw_network(tmp_path, n_patients=100, seed=42)
    assert calls == [("clcc-paris-01", "csv_dump"), ("chu-lyon-02", "excel_workbook"),
                     ("chu-marseille-03", "postgres_warehouse")]
