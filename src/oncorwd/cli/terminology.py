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
