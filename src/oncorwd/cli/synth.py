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


def synth(
    sites: Annotated[int, typer.Option(min=1, max=50, help="number of sites")] = 3,
    patients: Annotated[int, typer.Option(
        min=10, max=10_000_000, help="patients per site")] = 5000,
    seed: Annotated[int, typer.Option(help="random seed (same seed, same data)")] = 42,
    out: Annotated[Path, typer.Option(help="output folder")] = Path(".oncorwd/synth"),
    chunk_size: Annotated[int, typer.Option(min=1000, help="patients per chunk")] = 200_000,
    load: Annotated[bool, typer.Option(
        "--load/--no-load", help="load each site into its store (<ONCORWD_HOME>/sites/)")] = False,
) -> None:
    """Generate realistic synthetic French cancer centres as OSIRIS RWD Parquet tables, with a
    ground-truth file of the planted effects."""
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
