"""The ``oncorwd`` command line: one sub-command group per package.

Errors raised on purpose (:class:`oncorwd.errors.OncorwdError`) are printed as a message and a
hint, never a traceback; the exit code is 1 (2 for usage errors, as click does).
"""

from __future__ import annotations

import typer

from oncorwd import __version__
from oncorwd.cli import (
    cohort,
    dictionary,
    export,
    imports,
    ingest,
    quality,
    store,
    synth,
    terminology,
    validate,
)
from oncorwd.cli import mcode as _mcode  # noqa: F401  (registers export/import mcode)
from oncorwd.cli import mcode_validate as _mcode_validate  # noqa: F401  (validate mcode)
from oncorwd.cli import omop as _omop  # noqa: F401  (registers export omop)
from oncorwd.cli._common import render_error
from oncorwd.errors import OncorwdError

__all__ = ["app", "main"]

app = typer.Typer(
    name="oncorwd",
    help="Oncology real-world data: OSIRIS RWD structuration, OMOP/mCODE conversion, "
    "federated research portal.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.add_typer(dictionary.app, name="dictionary")
app.add_typer(ingest.app, name="ingest")
app.add_typer(store.app, name="store")
app.add_typer(terminology.app, name="terminology")
app.add_typer(quality.app, name="quality")
app.command(name="synth")(synth.synth)
app.add_typer(cohort.app, name="cohort")
app.add_typer(export.app, name="export")
app.add_typer(imports.app, name="import")
app.add_typer(validate.app, name="validate")


def _version(value: bool) -> None:
    if value:
        typer.echo(f"oncorwd {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                 help="print the version and exit"),
) -> None:
    """oncorwd command line."""


def main() -> None:
    """Console entry point: run the app and render oncorwd errors for people."""
    try:
        app()
    except OncorwdError as exc:
        render_error(exc)
        raise SystemExit(1) from None
