"""``oncorwd ingest``: from a hospital's exports to a validated OSIRIS RWD store.

``run`` loads (quarantining bad rows), ``check`` does everything but load, ``new-mapping``
writes a commented starting spec from export files or a SQL query.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.progress import Progress, TaskID
from rich.table import Table

from oncorwd.cli._common import console, progress

if TYPE_CHECKING:
    from oncorwd.ingest.pipeline import IngestResult
    from oncorwd.ingest.spec import MappingSpec
    from oncorwd.ingest.steps.context import ProgressCallback

app = typer.Typer(help="Structure a hospital's exports into the OSIRIS RWD store, with "
                  "quarantine and accounting.", no_args_is_help=True)

MappingOpt = Annotated[Path, typer.Option("--mapping", "-m", help="the mapping spec (YAML)")]
SiteOpt = Annotated[str | None, typer.Option(
    "--site", "-s", help="site name (store file and output folder); default: the spec's")]
StoreOpt = Annotated[str | None, typer.Option(
    "--store", help="store URL (default: ONCORWD_STORE_URL, else "
    "<ONCORWD_HOME>/sites/<site>.duckdb)")]
OnErrorOpt = Annotated[str, typer.Option(
    "--on-error", help="collect: quarantine bad rows and load the others; fail-fast: stop at "
    "the first problem")]


def _spec(mapping: Path, site: str | None) -> MappingSpec:
    from oncorwd.ingest.spec import load_spec

    spec = load_spec(mapping)
    if site:
        spec = spec.model_copy(update={"site": spec.site.model_copy(update={"name": site})})
    return spec


@contextmanager
def _progress_callback() -> Iterator[ProgressCallback]:
    with progress() as p:
        tasks: dict[str, TaskID] = {}

        def on_progress(step: str, detail: str, done: int, total: int | None) -> None:
            if step not in tasks:
                tasks[step] = p.add_task(step, total=total)
            p.update(tasks[step], completed=done, total=total,
                     description=f"{step}: {detail}")

        yield on_progress
        _finish(p, tasks)


def _finish(p: Progress, tasks: dict[str, TaskID]) -> None:
    for task in tasks.values():
        current = p.tasks[task]
        if current.total is None:
            p.update(task, total=max(current.completed, 1), completed=max(current.completed, 1))


def _accounts(result: IngestResult) -> Table:
    t = Table(title="accounting: every input row loaded, quarantined or merged")
    for col in ("table", "input", "loaded", "quarantined", "merged"):
        t.add_column(col, justify="left" if col == "table" else "right")
    for a in result.accounting:
        style = "yellow" if a.quarantined else None
        t.add_row(a.table, f"{a.input:,}", f"{a.loaded:,}", f"{a.quarantined:,}",
                  f"{a.merged:,}", style=style)
    for name, rows in result.derived.items():
        t.add_row(f"{name} (derived)", "", f"{rows:,}", "", "")
    return t


def _sources(result: IngestResult) -> Table:
    t = Table(title="sources")
    for col in ("source", "format", "files", "rows read", "malformed"):
        t.add_column(col, justify="left" if col in ("source", "format") else "right")
    for s in result.sources:
        t.add_row(s.source, s.format, str(len(s.files)), f"{s.rows:,}", f"{s.malformed:,}",
                  style="yellow" if s.malformed else None)
    return t


def show_result(result: IngestResult, dry_run: bool) -> None:
    console.print(_sources(result))
    console.print(_accounts(result))
    if result.problems_by_rule:
        rules = Table(title="quarantine records by rule")
        rules.add_column("rule")
        rules.add_column("records", justify="right")
        for rule, n in result.problems_by_rule.items():
            rules.add_row(rule, f"{n:,}")
        console.print(rules)
    for note in result.notes:
        console.print(f"note: {note}", highlight=False)
    if dry_run:
        console.print("[cyan]check only: nothing was loaded[/]")
    elif result.version is not None:
        v = result.version
        console.print(f"[green]data version {v.version}[/] (fingerprint {v.fingerprint[:12]})")
    console.print(f"accounting: {result.run_dir / 'accounting.json'}", highlight=False)
    console.print(f"quarantine: {result.run_dir / 'quarantine.csv'} "
                  f"({result.quarantine.num_rows:,} records)", highlight=False)


@app.command("run")
def run_command(mapping: MappingOpt, site: SiteOpt = None, store: StoreOpt = None,
                on_error: OnErrorOpt = "collect") -> None:
    """Read, map, code, validate, derive and load a new data version (atomically)."""
    from oncorwd.ingest.pipeline import run

    spec = _spec(mapping, site)
    with _progress_callback() as callback:
        result = run(spec, store_url=store, on_error=on_error, progress=callback)
    show_result(result, dry_run=False)


@app.command("check")
def check_command(mapping: MappingOpt, site: SiteOpt = None,
                  on_error: OnErrorOpt = "collect") -> None:
    """Dry run: read, map, code, validate and report; load nothing."""
    from oncorwd.ingest.pipeline import run

    spec = _spec(mapping, site)
    with _progress_callback() as callback:
        result = run(spec, dry_run=True, on_error=on_error, progress=callback)
    show_result(result, dry_run=True)


@app.command("new-mapping")
def new_mapping_command(
    sources: Annotated[list[Path] | None, typer.Argument(
        help="export files (.csv, .xlsx, .parquet)")] = None,
    out: Annotated[Path, typer.Option("--out", "-o", help="spec file to write")] = Path(
        "mapping.yaml"),
    url: Annotated[str | None, typer.Option(help="SQLAlchemy URL of a SQL source")] = None,
    query: Annotated[str | None, typer.Option(help="SELECT of the SQL source")] = None,
    site_id: Annotated[str | None, typer.Option(help="the site's FINESS number")] = None,
    site: Annotated[str | None, typer.Option(help="site name")] = None,
    force: Annotated[bool, typer.Option(help="overwrite an existing file")] = False,
) -> None:
    """Write a commented starting spec: source columns, guessed fields, TODOs."""
    from oncorwd.errors import ConfigError
    from oncorwd.ingest.new_mapping import new_mapping

    if not sources and not (url and query):
        raise ConfigError("give export files, or --url and --query for a SQL source")
    if out.exists() and not force:
        raise ConfigError(f"{out} exists", hint="choose another --out, or --force")
    path = new_mapping(list(sources or []), out, sql_url=url, sql_query=query,
                       site_id=site_id, site_name=site)
    console.print(f"wrote {path}: review it, fill the TODOs, then "
                  f"`oncorwd ingest check --mapping {path}`", highlight=False)
