"""``oncorwd terminology``: look up and check codes against the shipped code systems."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from oncorwd.cli._common import console

app = typer.Typer(help="Code systems: ICD-O-3, ICD-10, ATC, CCAM, LOINC, TNM, DICOM…",
                  no_args_is_help=True)


@app.command()
def check(
    system: Annotated[str, typer.Argument(help="code system name, e.g. atc, icdo3_topography")],
    codes: Annotated[list[str], typer.Argument(help="codes to check")],
    lang: Annotated[str, typer.Option(help="label language: en or fr")] = "en",
) -> None:
    """Validate codes and show their labels; exit 1 if any is unknown."""
    from oncorwd.terminology import get_code_system

    cs = get_code_system(system)
    t = Table(title=system)
    for col in ("code", "normalised", "valid", "label"):
        t.add_column(col)
    unknown = 0
    for code in codes:
        norm = cs.normalize(code)
        ok = cs.validate(norm)
        unknown += not ok
        t.add_row(code, norm, "yes" if ok else "[red]no[/]", cs.label(norm, lang) if ok else "")
    console.print(t)
    if unknown:
        raise typer.Exit(1)


@app.command()
def systems() -> None:
    """List the code systems with their number of codes (shipped plus loaded files)."""
    from oncorwd.terminology import code_system_names, get_code_system

    t = Table(title="code systems")
    for col in ("name", "title", "codes", "kind"):
        t.add_column(col)
    for name in code_system_names():
        cs = get_code_system(name)
        kind = "local" if cs.local else ("open (format only)" if not cs.closed else "curated")
        t.add_row(name, cs.title, f"{len(cs.codes()):,}", kind)
    console.print(t)


@app.command(name="load")
def load_file(
    system: Annotated[str, typer.Argument(help="code system name to extend, e.g. ccam")],
    path: Annotated[str, typer.Argument(
        help="CSV file of a full terminology you are licensed for")],
    code_column: Annotated[str, typer.Option(help="column holding the codes")] = "code",
    label_column: Annotated[str, typer.Option(help="column holding the labels")] = "label",
    sep: Annotated[str, typer.Option(help="field separator")] = ",",
) -> None:
    """Check that a terminology file loads; to use it for every command, put it in
    $ONCORWD_TERMINOLOGY_DIR as <system>.csv."""
    from oncorwd.terminology import load_code_system_file

    n = load_code_system_file(system, path, code_column=code_column, label_column=label_column,
                              sep=sep)
    console.print(f"{n:,} codes read for {system} from {path}")
