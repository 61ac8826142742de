"""``oncorwd cohort …``: validate, explain and run cohort definitions."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import orjson
import typer
from rich.table import Table

from oncorwd.cli._common import console, err_console
from oncorwd.cli.store import SiteOpt, StoreOpt, open_site_store
from oncorwd.errors import CohortDefinitionError, ConfigError

__all__ = ["app"]

app = typer.Typer(help="Cohort definitions: validate, explain (FR/EN + SQL), run at a site.",
                  no_args_is_help=True)

DefArg = Annotated[Path, typer.Argument(help="cohort definition (.yaml, .yml or .json)",
                                        exists=True, dir_okay=False)]
EngineOpt = Annotated[str | None, typer.Option(
    "--engine", help="duckdb, postgres or spark (explain: SQL dialect; run: must match the "
    "store)")]


@app.command()
def validate(definition: DefArg) -> None:
    """Check a definition against the language and the dictionary; list every problem."""
    from oncorwd.cohort import load_definition
    from oncorwd.cohort.support import features

    try:
        d = load_definition(definition)
    except CohortDefinitionError as e:
        for p in e.context.get("problems", []):
            err_console.print(f"[red]{p['path']}[/]: {p['message']}", highlight=False)
        raise
    console.print(f"valid: {d.name} — {len(d.inclusion)} inclusion, {len(d.exclusion)} "
                  f"exclusion rule(s); features: {', '.join(sorted(features(d)))}",
                  highlight=False)


@app.command()
def explain(definition: DefArg,
            lang: Annotated[str, typer.Option("--lang", help="fr or en")] = "en",
            engine: EngineOpt = None,
            sql: Annotated[bool, typer.Option("--sql/--no-sql", help="print the SQL")] = True
            ) -> None:
    """The definition in words (French or English) and the SQL that runs."""
    from oncorwd.cohort import compile_cohort, load_definition
    from oncorwd.cohort.explain import explain as render

    if lang not in ("fr", "en"):
        raise ConfigError(f"unknown language {lang!r}", hint="use --lang fr or --lang en")
    d = load_definition(definition)
    console.print(render(d, "fr" if lang == "fr" else "en"), highlight=False, markup=False)
    if sql:
        console.print(compile_cohort(d).sql(engine or "duckdb", pretty=True), highlight=False,
                      markup=False, soft_wrap=True)


@app.command()
def run(definition: DefArg, site: SiteOpt, store: StoreOpt = None, engine: EngineOpt = None,
        fmt: Annotated[str, typer.Option("--format", help="table or json")] = "table",
        by: Annotated[str | None, typer.Option("--by", help="characterise by this variable")
                      ] = None,
        version: Annotated[int | None, typer.Option("--version", help="data version")] = None
        ) -> None:
    """Count, attrition and characterisation of a definition on a site store (exact counts:
    privacy filtering happens at the site node)."""
    from oncorwd.cohort import compile_cohort, load_definition
    from oncorwd.cohort.characterise import characterise
    from oncorwd.cohort.execute import run_cohort

    compiled = compile_cohort(load_definition(definition))
    with open_site_store(site, store) as s:
        if engine is not None and engine != s.engine:
            raise ConfigError(f"the store of {site} runs on {s.engine}, not {engine}",
                              hint="give --store with a URL on that engine")
        result = run_cohort(s, compiled, version=version)
        table1 = characterise(s, compiled, by=by, version=result.data_version)
    if fmt == "json":
        out = result.as_dict() | {"characterisation": table1.as_dict()}
        typer.echo(orjson.dumps(out, option=orjson.OPT_INDENT_2).decode())
        return
    _print_tables(result, table1)


def _print_tables(result: object, table1: object) -> None:
    from oncorwd.cohort.characterise import NUMERIC, Characterisation
    from oncorwd.cohort.execute import CohortResult

    assert isinstance(result, CohortResult) and isinstance(table1, Characterisation)
    console.print(f"[bold]{result.name}[/] on {result.engine} (data version "
                  f"{result.data_version}): [bold]{result.count}[/] patient(s), "
                  f"{result.rows} row(s), {result.seconds:.3f} s", highlight=False)
    att = Table(title="attrition")
    for col in ("step", "kind", "patients", "removed"):
        att.add_column(col, justify="right" if col in ("patients", "removed") else "left")
    for a in result.attrition:
        att.add_row(a.step, a.kind, str(a.patients), str(a.removed))
    console.print(att)
    for group, summaries in table1.groups.items():
        t = Table(title=f"characterisation ({table1.by or 'all'} = {group})"
                  if table1.by else "characterisation")
        for col in ("variable", "value", "n (%) / median [IQR]", "missing"):
            t.add_column(col)
        for s in summaries.values():
            if s.type in NUMERIC:
                t.add_row(s.variable, "", f"{s.median} [{s.q1}–{s.q3}]", str(s.missing))
                continue
            for i, (level, n) in enumerate(s.levels.items()):
                t.add_row(s.variable if i == 0 else "", level, f"{n} ({s.pct(level):.1f}%)",
                          str(s.missing) if i == 0 else "")
        console.print(t)


