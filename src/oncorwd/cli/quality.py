"""``oncorwd quality``: the data-quality report of a site's data version (HTML + JSON)."""

from __future__ import annotations

import datetime as dt
import webbrowser
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from oncorwd.cli._common import console
from oncorwd.config import get_settings

__all__ = ["app", "report", "run_dir"]

app = typer.Typer(help="Data quality: the report of a site's data version.",
                  no_args_is_help=True)

SiteOpt = Annotated[str, typer.Option("--site", "-s", help="site name (store file name)")]
StoreOpt = Annotated[str | None, typer.Option(
    "--store", help="store URL (default: ONCORWD_STORE_URL, else "
    "<ONCORWD_HOME>/sites/<site>.duckdb)")]


def run_dir(site: str, version: int) -> Path:
    """Where the ingest run of ``version`` keeps its files, and the report goes by default:
    ``<ONCORWD_HOME>/sites/<site>/versions/<n>/`` (the convention of
    :func:`oncorwd.ingest.pipeline.run_dir_for`, not imported: it pulls in the whole
    pipeline)."""
    return (get_settings().home / "sites" / site / "versions" / str(version)).resolve()


def _summary_table(data: dict[str, Any]) -> Table:
    t = Table(title=f"{data['header']['site']} — data version {data['header']['version']}")
    for col in ("Kahn category", "subcategory", "checks", "pass", "fail", "n/a"):
        t.add_column(col, justify="right" if col in ("checks", "pass", "fail", "n/a") else "left")
    for c in data["checks"]["categories"]:
        fail = f"[bold red]{c['fail']}[/]" if c["fail"] else "0"
        t.add_row(c["category"], c["subcategory"], str(c["checks"]), str(c["pass"]), fail,
                  str(c["n/a"]))
    return t


def _print_summary(data: dict[str, Any]) -> None:
    s = data["summary"]
    console.print(_summary_table(data))
    console.print(f"patients {s['patients']:,} · cancers {s['cancers']:,} · "
                  f"rows {s['total_rows']:,} · built in {data['build_seconds']:.2f} s")
    if s["failing_checks"]:
        console.print("[red]failing checks:[/] " + ", ".join(s["failing_checks"]))
    console.print(f"required fields below 100 %: {s['required_below_100']}")
    if s["accounting_balanced"] is None:
        console.print("accounting: [dim]no accounting.json (store loaded directly)[/]")
    else:
        state = "[green]balanced[/]" if s["accounting_balanced"] else "[red]does not balance[/]"
        console.print(f"accounting: {state}; quarantine problems: {s['quarantined']}")
    if s["flagged_shifts"] is not None:
        console.print(f"distribution shifts flagged since v"
                      f"{data['changes']['previous_version']}: {s['flagged_shifts']}")


@app.command()
def report(
    site: SiteOpt,
    store: StoreOpt = None,
    version: Annotated[int | None, typer.Option(help="data version (default: latest)")] = None,
    out: Annotated[Path | None, typer.Option(
        help="output folder (default: <ONCORWD_HOME>/sites/<site>/versions/<n>/)")] = None,
    ingest_dir: Annotated[Path | None, typer.Option(
        "--run-dir", help="ingest run folder with accounting.json and quarantine.parquet "
        "(default: <ONCORWD_HOME>/sites/<site>/versions/<n>/)")] = None,
    cutoff: Annotated[dt.datetime | None, typer.Option(
        formats=["%Y-%m-%d"], help="data cut-off date (default: latest vital-status update)")
    ] = None,
    open_: Annotated[bool, typer.Option("--open", help="open the HTML page in a browser")
                     ] = False,
) -> None:
    """Write quality.html and quality.json for one data version and print a summary."""
    from oncorwd.ingest.quality import build_report, write_report
    from oncorwd.store import open_store

    url = store or get_settings().site_store_url(site)
    if version is None:
        with open_store(url) as s:
            version = s.version_info().version
    runs = ingest_dir or run_dir(site, version)
    built = build_report(url, version=version, run_dir=runs if runs.is_dir() else None,
                         site=site, cutoff=cutoff.date() if cutoff else None)
    html, js = write_report(built, out or run_dir(site, version))
    _print_summary(built.data)
    console.print(f"[green]wrote[/] {html}\n[green]wrote[/] {js}", highlight=False)
    if open_:
        webbrowser.open(html.resolve().as_uri())
