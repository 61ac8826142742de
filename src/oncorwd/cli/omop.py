"""``oncorwd export omop``: a site's data version to OMOP CDM 5.4 (files, DuckDB, PostgreSQL)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from oncorwd.cli._common import console, progress, render_error
from oncorwd.cli.export import app
from oncorwd.config import get_settings
from oncorwd.errors import OncorwdError

__all__ = ["export_omop_command"]


@app.command("omop")
def export_omop_command(
    site: Annotated[str, typer.Option(help="site name (its store is <home>/sites/<site>.duckdb)")],
    to: Annotated[str, typer.Option("--to", help="folder, a .duckdb file (path or "
                                                 "duckdb:///abs/path) or "
                                                 "postgresql://…?schema=name")],
    version: Annotated[int | None, typer.Option(help="data version (default: latest)")] = None,
    fmt: Annotated[str, typer.Option("--format", help="parquet or csv (folder targets)")
                   ] = "parquet",
    vocabulary: Annotated[Path | None, typer.Option(help="Athena vocabulary download folder")
                          ] = None,
    store: Annotated[str | None, typer.Option(help="store URL (overrides --site's store)")
                     ] = None,
) -> None:
    """Export a site's data version to OMOP CDM 5.4 with the oncology extension."""
    from oncorwd.convert.omop import export_omop

    try:
        url = store or get_settings().site_store_url(site)
        with progress() as bar:
            task = bar.add_task("vocabulary", total=None)

            def on_progress(stage: str, done: int, total: int) -> None:
                bar.update(task, description=stage, completed=done, total=total)

            result = export_omop(url, to, version=version, vocabulary=vocabulary,
                                 on_progress=on_progress, fmt=fmt)
    except OncorwdError as exc:
        render_error(exc)
        raise typer.Exit(1) from exc
    _summary(result)


def _summary(result: object) -> None:
    from oncorwd.convert.omop import OmopExportResult

    assert isinstance(result, OmopExportResult)
    table = Table(title=f"OMOP export of {result.site_id} v{result.version} → {result.target}")
    for col in ("table", "rows", "standard", "local", "concept 0"):
        table.add_column(col, justify="right" if col != "table" else "left")
    cov = result.coverage["tables"]
    for name, n in result.rows.items():
        c = cov.get(name, {})
        table.add_row(name, f"{n:,}", *(f"{c[k]:,}" if k in c else "" for k in
                                        ("standard", "local", "zero")))
    console.print(table)
    console.print(f"{result.persons:,} persons; {result.objectors_excluded} patient(s) objecting "
                  f"to reuse excluded; {result.seconds:.1f} s")
    for lost in result.unrepresented:
        console.print(f"[yellow]not representable:[/] {lost['rows']} {lost['source_table']} "
                      f"row(s) ({lost['reason']})")
    if result.report_path:
        console.print(f"coverage report: {result.report_path}")
