"""``oncorwd dictionary``: show, export and regenerate the OSIRIS RWD dictionary."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import orjson
import typer
import yaml
from rich.table import Table

from oncorwd.cli._common import console
from oncorwd.dictionary import load_dictionary
from oncorwd.dictionary.generate import export as export_dictionary
from oncorwd.errors import ConfigError
from oncorwd.generated import render_all, write_all

app = typer.Typer(help="The OSIRIS RWD dictionary: tables, fields, value sets, cohort variables.",
                  no_args_is_help=True)


class ExportFormat(StrEnum):
    json = "json"
    yaml = "yaml"


@app.command()
def export(
    fmt: Annotated[ExportFormat, typer.Option("--format", "-f", help="output format")] = (
        ExportFormat.json),
) -> None:
    """Print the whole dictionary (entities with fields and item numbers, value sets,
    cohort variables) on standard output."""
    data = export_dictionary()
    if fmt is ExportFormat.json:
        typer.echo(orjson.dumps(data, option=orjson.OPT_INDENT_2).decode())
    else:
        typer.echo(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))


@app.command()
def show(
    name: Annotated[str | None, typer.Argument(
        help="a table (e.g. cancer), a value set (e.g. laterality) or 'variables'")] = None,
    lang: Annotated[str, typer.Option(help="label language: en or fr")] = "en",
) -> None:
    """Show the tables, one table's fields, a value set, or the cohort variables."""
    d = load_dictionary()
    if name is None:
        _show_tables(lang)
    elif name == "variables":
        _show_variables(lang)
    elif name in {e.name for e in d.entities}:
        _show_entity(name, lang)
    elif name in {v.name for v in d.value_sets}:
        _show_value_set(name, lang)
    else:
        raise ConfigError(f"unknown table or value set {name!r}",
                          hint="run `oncorwd dictionary show` to list the tables")


def _label(obj: object, lang: str) -> str:
    return str(getattr(obj, "label_fr" if lang == "fr" else "label_en"))


def _show_tables(lang: str) -> None:
    d = load_dictionary()
    t = Table(title=f"{d.version}: {len(d.entities)} tables, {len(d.items)} MDS items, "
              f"{len(d.variables)} cohort variables")
    for col in ("section", "table", "label", "fields", "items"):
        t.add_column(col)
    for e in d.entities:
        items = sorted({f.item for f in e.fields if f.item})
        t.add_row(e.section, e.name, _label(e, lang), str(len(e.fields)), ", ".join(items))
    console.print(t)


def _show_entity(name: str, lang: str) -> None:
    e = load_dictionary().entity(name)
    t = Table(title=f"{e.section}. {_label(e, lang)} ({e.name})", caption=e.description)
    for col in ("item", "field", "label", "type", "values", "status"):
        t.add_column(col)
    for f in e.fields:
        values = f.value_set or f.code_system or f.unit or ""
        t.add_row(f.item or "", f.name, _label(f, lang), f.type, values,
                  "mandatory" if f.required else "optional")
    console.print(t)


def _show_value_set(name: str, lang: str) -> None:
    vs = load_dictionary().value_set(name)
    t = Table(title=f"{vs.name}: {vs.description}", caption=vs.source)
    t.add_column("code")
    t.add_column("label")
    for v in vs.values:
        t.add_row(v.code, _label(v, lang))
    console.print(t)


def _show_variables(lang: str) -> None:
    d = load_dictionary()
    t = Table(title=f"{len(d.variables)} cohort variables")
    for col in ("variable", "category", "type", "label", "MDS items"):
        t.add_column(col)
    for v in d.variables:
        t.add_row(v.name, v.category, v.type, _label(v, lang), ", ".join(v.source_items))
    console.print(t)


@app.command()
def generate(
    root: Annotated[Path, typer.Option(help="repository root to write into")] = Path("."),
    check: Annotated[bool, typer.Option(
        "--check", help="only check the files are up to date; exit 1 if not")] = False,
) -> None:
    """Regenerate the DDL per engine, the JSON Schemas and docs/data-dictionary.md."""
    if check:
        stale = [rel for rel, text in render_all().items()
                 if not (root / rel).exists() or (root / rel).read_text("utf-8") != text]
        for rel in stale:
            console.print(f"[red]out of date:[/] {rel}")
        if stale:
            console.print("run `oncorwd dictionary generate` and commit the result")
            raise typer.Exit(1)
        console.print("generated files are up to date")
        return
    for path in write_all(root):
        console.print(f"wrote {path}")
