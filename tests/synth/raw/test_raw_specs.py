"""The example mapping specs load, cover the OSIRIS RWD tables, and agree with the generator:
every column they read exists, every local label has its map entry, the map files are current."""

from __future__ import annotations

import csv
import re
import string
from pathlib import Path

import pytest

from oncorwd.dictionary import load_dictionary
from oncorwd.ingest.spec import MappingSpec, ValueMap, load_spec
from oncorwd.synth.raw import SHAPES, RawExport, examples_dir, write_drug_map, write_label_maps
from oncorwd.synth.raw.export import DEMO_SCHEMA, shape
from oncorwd.synth.raw.model import Col, SourceDecl
from oncorwd.synth.spec import default_network

MINIMUM = {"patient", "non_opposition", "vital_status", "cancer", "drug_administration",
           "biomarker"}


def _spec(name: str) -> MappingSpec:
    return load_spec(examples_dir() / name / "mapping.yaml")


def _decl(spec: MappingSpec, source: str, shape_name: str) -> SourceDecl:
    config = spec.sources[source]
    target = getattr(config, "sheet", None) or Path(getattr(config, "path", "")).name
    if config.format == "sql":
        match = re.search(rf"FROM {DEMO_SCHEMA}\.(\w+)", config.query)  # type: ignore[union-attr]
        assert match, source
        target = match.group(1)
    return next(d for d in shape(shape_name).sources if d.file == target)  # type: ignore[arg-type]


def _pairs(spec: MappingSpec, vm: ValueMap) -> dict[str, str | None]:
    if vm.values is not None:
        return {k.upper(): v for k, v in vm.values.items()}
    assert vm.file and vm.from_ and vm.to
    with spec.resolve(vm.file).open(encoding="utf-8", newline="") as f:
        return {r[vm.from_].upper(): r[vm.to] for r in csv.DictReader(f)}


@pytest.mark.parametrize("name", SHAPES)
def test_spec_loads_and_covers_the_minimum(name: str) -> None:
    spec = _spec(name)
    assert set(spec.tables) >= MINIMUM
    assert all(not Path(getattr(s, "path", "x")).is_absolute() for s in spec.sources.values())
    text = (examples_dir() / name / "mapping.yaml").read_text("utf-8")
    assert len(re.findall(r'^site: \{site_id: "\d{9}", name: [\w-]+, ', text, re.M)) == 1


def test_every_osiris_table_is_covered() -> None:
    covered = set().union(*(_spec(name).tables for name in SHAPES))
    entities = {e.name for e in load_dictionary().entities if not e.derived}
    assert covered == entities


def test_demo_sites_match_the_specs() -> None:
    for spec, name in zip(default_network(3, 100, 42), SHAPES, strict=True):
        site = _spec(name).site
        assert (site.site_id, site.name) == (spec.site_id, spec.name)


@pytest.mark.parametrize("name", SHAPES)
def test_spec_columns_exist_and_labels_are_mapped(name: str) -> None:
    spec = _spec(name)
    for table, mapping in spec.tables.items():
        decl = _decl(spec, mapping.from_, name)
        cols = {c.name: c for c in decl.columns}
        if name == "postgres_warehouse":  # the queries rebuild dates and booleans by name
            cols.update({f"{c.name}_precision": c for c in decl.columns if c.kind == "date"})
        if mapping.where is not None:
            assert mapping.where.column in cols
        for field in mapping.fields:
            rule = mapping.rule(field)
            used = [rule.column] if rule.column else [
                f for _, f, _, _ in string.Formatter().parse(rule.template or "") if f]
            for column in used:
                assert column in cols, f"{name}: tables.{table}.fields.{field}: {column}"
                col: Col = cols[column]
                if rule.column and col.ref is not None:
                    assert col.ref.split(".")[-1] == field or col.ref.endswith(f".{field}"), \
                        f"{name}: {table}.{field} reads {column} ({col.ref})"
                if col.kind == "label" and col.labels is not None:
                    assert rule.map, f"{name}: {table}.{field} reads labels without a map"
                    pairs = _pairs(spec, spec.value_maps[rule.map])
                    for code, label in col.labels.items():
                        assert pairs.get(label.upper()) == code, (name, field, label)


def test_shipped_maps_are_current(tmp_path: Path) -> None:
    ex = examples_dir()
    write_drug_map(tmp_path / "medicaments.csv", "chimio")
    write_drug_map(tmp_path / "ucd_atc.csv", "ucd")
    write_label_maps(tmp_path)
    for shipped, fresh in ((ex / "csv_dump/maps/medicaments.csv", "medicaments.csv"),
                           (ex / "postgres_warehouse/maps/ucd_atc.csv", "ucd_atc.csv"),
                           (ex / "csv_dump/maps/lien_parente.csv", "lien_parente.csv"),
                           (ex / "csv_dump/maps/type_prelevement.csv", "type_prelevement.csv")):
        assert shipped.read_bytes() == (tmp_path / fresh).read_bytes(), \
            f"{shipped} is stale: regenerate it (see examples/README.md)"


def test_copied_spec_names_the_site(excel_export: RawExport) -> None:
    spec = load_spec(excel_export.spec_path)
    assert spec.site.site_id == excel_export.site.site_id
    assert spec.site.name == excel_export.site.name
    assert (excel_export.root / "maps").is_dir() or not (examples_dir() / "excel_workbook"
                                                         / "maps").is_dir()
    assert spec.resolve("data/extraction_rcp.xlsx").is_file()
