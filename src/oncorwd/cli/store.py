"""``oncorwd store``: create, load and inspect a site store."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import orjson
import typer
from rich.table import Table

from oncorwd.cli._common import console, progress
from oncorwd.config import get_settings
from oncorwd.dictionary import load_dictionary
from oncorwd.errors import ConfigError

if TYPE_CHECKING:
    from oncorwd.store import Store, VersionInfo
    from oncorwd.store.prepare import TableSource

app = typer.Typer(help="The site store: OSIRIS RWD tables, versioned, on DuckDB, PostgreSQL "
                  "or Spark.", no_args_is_help=True)

SiteOpt = Annotated[str, typer.Option("--site", "-s", help="site name (store file name)")]
StoreOpt = Annotated[str | None, typer.Option(
    "--store", help="store URL: duckdb:///path.duckdb, postgresql://…?schema=…, spark:///dir "
    "(default: ONCORWD_STORE_URL, else <ONCORWD_HOME>/sites/<site>.duckdb)")]


def site_store_url(site: str, store: str | None) -> str:
    return store or get_settings().site_store_url(site)


def open_site_store(site: str, store: str | None = None) -> Store:
    from oncorwd.store import open_store

    return open_store(site_store_url(site, store))


@app.command()
def init(site: SiteOpt, store: StoreOpt = None) -> None:
    """Create the store's schema, or upgrade it to this version of oncorwd."""
    with open_site_store(site, store) as s:
        s.init()
        console.print(f"store ready: {s.info()['location']}")


def parquet_tables(directory: Path) -> dict[str, Path]:
    """Map table name -> Parquet file or directory found in ``directory``."""
    if not directory.is_dir():
        raise ConfigError(f"{directory} is not a directory",
                          hint="give the folder holding one Parquet dataset per table")
    names = {e.name for e in load_dictionary().entities}
    found: dict[str, Path] = {}
    for child in sorted(directory.iterdir()):
        name = child.name.removesuffix(".parquet")
        if name in names:
            found[name] = child
        elif not child.name.startswith((".", "_")):
            raise ConfigError(f"{child.name}: not an OSIRIS RWD table",
                              hint="tables are: " + ", ".join(sorted(names)))
    if not found:
        raise ConfigError(f"no OSIRIS RWD table in {directory}",
                          hint="expected e.g. patient/ or patient.parquet")
    return found


def load_with_progress(s: Store, tables: Mapping[str, TableSource], site_id: str,
                       note: str | None) -> VersionInfo:
    with progress() as p:
        task = p.add_task("loading", total=len(load_dictionary().entities))

        def on_progress(table: str, rows: int) -> None:
            p.update(task, advance=1, description=f"{table}: {rows:,} rows")

        return s.load(tables, site_id=site_id, note=note, on_progress=on_progress)


@app.command()
def load(
    directory: Annotated[Path, typer.Argument(help="folder with one Parquet dataset per table")],
    site: SiteOpt,
    site_id: Annotated[str, typer.Option(help="the site's FINESS number (site_id column)")],
    store: StoreOpt = None,
    note: Annotated[str | None, typer.Option(help="a note recorded with the version")] = None,
) -> None:
    """Load a new data version atomically: every table or none."""
    tables = parquet_tables(directory)
    with open_site_store(site, store) as s:
        s.init()
        info = load_with_progress(s, tables, site_id, note)
    console.print(f"[green]loaded version {info.version}[/] ({sum(info.row_counts.values()):,} "
                  f"rows, fingerprint {info.fingerprint[:12]})")


@app.command()
def versions(site: SiteOpt, store: StoreOpt = None) -> None:
    """List the committed data versions."""
    with open_site_store(site, store) as s:
        t = Table(title=f"data versions of {site}")
        for col in ("version", "created (UTC)", "site_id", "rows", "fingerprint", "note"):
            t.add_column(col)
        for v in s.versions():
            t.add_row(str(v.version), v.created_at.strftime("%Y-%m-%d %H:%M:%S"), v.site_id,
                      f"{sum(v.row_counts.values()):,}", v.fingerprint[:12], v.note or "")
        console.print(t)


@app.command()
def info(
    site: SiteOpt,
    store: StoreOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="print JSON")] = False,
) -> None:
    """Engine, location, schema version and the row counts of the latest version."""
    with open_site_store(site, store) as s:
        data = s.info()
    if as_json:
        typer.echo(orjson.dumps(data, default=str, option=orjson.OPT_INDENT_2).decode())
        return
    console.print(f"engine: {data['engine']}   location: {data['location']}   "
                  f"schema version: {data['schema_version']}")
    t = Table(title=f"latest version: {data.get('latest_version')}")
    t.add_column("table")
    t.add_column("rows", justify="right")
    for name, n in (data.get("row_counts") or {}).items():
        t.add_row(name, f"{n:,}")
    console.print(t)
