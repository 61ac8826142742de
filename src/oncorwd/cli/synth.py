"""``oncorwd synth``: generate synthetic centres (and optionally load them into site stores)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.progress import TaskID
from rich.table import Table

from oncorwd.cli._common import console, progress
from oncorwd.cli.store import load_with_progress, open_site_store, parquet_tables

if TYPE_CHECKING:
    from oncorwd.synth import SiteSpec
    from oncorwd.synth.raw import RawExport


def synth(
    sites: Annotated[int, typer.Option(min=1, max=50, help="number of sites")] = 3,
    patients: Annotated[int, typer.Option(
        min=10, max=10_000_000, help="patients per site")] = 5000,
    seed: Annotated[int, typer.Option(help="random seed (same seed, same data)")] = 42,
    out: Annotated[Path, typer.Option(help="output folder")] = Path(".oncorwd/synth"),
    chunk_size: Annotated[int, typer.Option(min=1000, help="patients per chunk")] = 200_000,
    load: Annotated[bool, typer.Option(
        "--load/--no-load", help="load each site into its store (<ONCORWD_HOME>/sites/)")] = False,
    raw: Annotated[bool, typer.Option(
        "--raw", help="write raw hospital exports instead (3 sites in 3 shapes: latin-1 CSV "
        "dump, Excel workbook, PostgreSQL warehouse), each with its mapping spec and the "
        "ground truth of the faults planted in it")] = False,
    postgres_url: Annotated[str, typer.Option(
        envvar="ONCORWD_DWH_URL", help="PostgreSQL database for the warehouse shape (--raw)")] = (
        "postgresql://postgres@127.0.0.1:5432/test"),
) -> None:
    """Generate realistic synthetic French cancer centres as OSIRIS RWD Parquet tables, with a
    ground-truth file of the planted effects (or, with --raw, as raw hospital exports)."""
    if raw:
        _raw(out, patients, seed, postgres_url)
        return
    from oncorwd.synth import default_network, write_site

    network = default_network(sites, patients, seed)
    written: list[tuple[SiteSpec, Path]] = []
    with progress() as p:
        for spec in network:
            task = p.add_task(f"{spec.name}", total=spec.n_patients)

            def advance(done: int, task: TaskID = task) -> None:
                p.update(task, completed=done)

            path = write_site(spec, seed, out, chunk_size=chunk_size, progress=advance)
            written.append((spec, path))
    for spec, path in written:
        console.print(f"{spec.name}: {path}")
    if load:
        _load_all(written)


def _expected_quarantine(export: RawExport) -> int:
    total = 0
    for table in export.faults.get("expected", {}):
        q = export.expected(table).get("quarantined", 0)
        total += sum(q.values()) if isinstance(q, dict) else int(q)
    return total


def _raw(out: Path, patients: int, seed: int, postgres_url: str) -> None:
    from oncorwd.synth.raw import demo_raw_network

    with progress() as p:
        task = p.add_task("raw exports (3 sites, 3 shapes)", total=None)
        exports = demo_raw_network(out, n_patients=patients, seed=seed,
                                   postgres_url=postgres_url)
        p.update(task, total=1, completed=1)
    t = Table(title="raw hospital exports")
    for col in ("site", "shape", "mapping spec", "rows expected in quarantine"):
        t.add_column(col)
    for e in exports:
        t.add_row(e.site.name, e.shape, str(e.spec_path), f"{_expected_quarantine(e):,}")
    console.print(t)
    console.print("ingest each with `oncorwd ingest run --mapping <mapping spec>`")


_SUMMARY_SQL = (
    "SELECT (SELECT count(*) FROM patient) AS patients, "
    "(SELECT count(*) FROM cancer) AS cancers, "
    "(SELECT count(*) FROM non_opposition WHERE non_opposition = 'N') AS objectors, "
    "(SELECT count(*) FROM vital_status WHERE vital_status = '1') AS deceased, "
    "(SELECT count(*) FROM drug_administration) AS drug_rows"
)


def _load_all(written: list[tuple[SiteSpec, Path]]) -> None:
    summary = Table(title="site stores (latest version)")
    for col in ("site", "FINESS", "version", "patients", "cancers", "objectors", "deceased",
                "drug rows", "rows"):
        summary.add_column(col, justify="left" if col in ("site", "FINESS") else "right")
    locations = []
    for spec, path in written:
        site = spec.name
        with open_site_store(site) as s:
            s.init()
            tables = parquet_tables(path / "osiris")
            info = load_with_progress(s, tables, spec.site_id, "synthetic")
            row = s.query(_SUMMARY_SQL).to_pylist()[0]
            summary.add_row(site, spec.site_id, str(info.version),
                            *(f"{row[k]:,}" for k in ("patients", "cancers", "objectors",
                                                      "deceased", "drug_rows")),
                            f"{sum(info.row_counts.values()):,}")
            locations.append(f"{site}: {s.info()['location']}")
    console.print(summary)
    for line in locations:
        console.print(line, highlight=False)
