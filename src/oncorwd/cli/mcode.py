"""``oncorwd export mcode`` and ``oncorwd import mcode``: FHIR R4 mCODE STU4 both ways.

Registered on :data:`oncorwd.cli.export.app` and :data:`oncorwd.cli.imports.app` when imported
(``oncorwd.cli`` imports this module; it also imports ``cli/mcode_validate.py`` so that
``oncorwd validate mcode`` is registered with them).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from oncorwd.cli import mcode_validate as _validate  # noqa: F401  (registers validate mcode)
from oncorwd.cli._common import console, progress
from oncorwd.cli.export import app as export_app
from oncorwd.cli.imports import app as import_app
from oncorwd.cli.store import open_site_store
from oncorwd.errors import ConfigError

__all__ = ["export_mcode_command", "import_mcode_command"]

SiteOpt = Annotated[str, typer.Option("--site", "-s", help="site name (its store is "
                                      "<ONCORWD_HOME>/sites/<site>.duckdb)")]
StoreOpt = Annotated[str | None, typer.Option("--store", help="store URL (overrides --site's)")]


@export_app.command("mcode")
def export_mcode_command(
    site: SiteOpt,
    to: Annotated[Path, typer.Option("--to", help="output folder")],
    fmt: Annotated[str, typer.Option("--format", help="ndjson (Bulk Data, one file per "
                                     "resource type) or bundles (one Bundle per patient)")
                   ] = "ndjson",
    version: Annotated[int | None, typer.Option(help="data version (default: latest)")] = None,
    chunk: Annotated[int, typer.Option(help="patients per batch (memory vs speed)")] = 5_000,
    store: StoreOpt = None,
) -> None:
    """Export a site's data version to FHIR mCODE STU4 (objecting patients excluded)."""
    from oncorwd.convert.mcode import export_mcode

    if fmt not in ("ndjson", "bundles"):
        raise ConfigError(f"unknown format {fmt!r}", hint="use --format ndjson or bundles")
    with open_site_store(site, store) as s, progress() as p:
        task = p.add_task("mCODE export", total=None)

        def on_progress(done: int, total: int) -> None:
            p.update(task, completed=done, total=total, description=f"patients: {done:,}")

        result = export_mcode(s, to, format=fmt, version=version,  # type: ignore[arg-type]
                              chunk_patients=chunk, on_progress=on_progress)
    table = Table(title=f"mCODE export of {site} (version {result.version}, {fmt})")
    table.add_column("resource type")
    table.add_column("resources", justify="right")
    for rtype, n in sorted(result.resources.items()):
        table.add_row(rtype, f"{n:,}")
    console.print(table)
    console.print(f"patients exported: {result.patients:,}; objecting patients excluded: "
                  f"{result.excluded_objecting:,}; rows not representable: "
                  f"{result.unrepresented:,}", highlight=False)
    if result.bundles:
        console.print(f"patient bundles: {result.bundles:,}", highlight=False)
    console.print(f"unmapped-codes report: {result.report_path}", highlight=False)


@import_app.command("mcode")
def import_mcode_command(
    files: Annotated[list[Path], typer.Argument(help="NDJSON or Bundle JSON files, or folders")],
    site: Annotated[str, typer.Option("--site", "-s", help="site name; the FINESS is taken "
                                      "from --finess, else from the store's latest version")],
    finess: Annotated[str | None, typer.Option(help="site FINESS number")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="read and validate only")] = False,
    fail_fast: Annotated[bool, typer.Option("--fail-fast", help="stop at the first problem")
                         ] = False,
    store: StoreOpt = None,
) -> None:
    """Import mCODE bundles or NDJSON into the site's store through the ingest pipeline: bad
    resources quarantined, the rest validated, derived and loaded as a new data version."""
    from oncorwd.cli.ingest import show_result
    from oncorwd.cli.store import site_store_url
    from oncorwd.convert.mcode.importer import import_mcode

    if finess is None:
        with open_site_store(site, store) as s:
            finess = _site_finess(s)
    result = import_mcode(site_store_url(site, store), files, site=site, site_id=finess,
                          dry_run=dry_run, on_error="fail_fast" if fail_fast else "collect")
    show_result(result, dry_run=dry_run)
    done = ("nothing loaded (dry run)" if dry_run or result.version is None
            else f"loaded as data version {result.version.version}")
    console.print(f"{sum(s.rows for s in result.sources):,} resources read; {done}",
                  highlight=False)


def _site_finess(store: object) -> str:
    latest = store.latest()  # type: ignore[attr-defined]
    if latest is None:
        raise ConfigError("the store has no data version to take the site's FINESS from",
                          hint="give it with --finess")
    return str(latest.site_id)
