"""``oncorwd import …``: read international formats back into OSIRIS RWD.

The group only; ``cli/mcode.py`` registers ``import mcode`` on :data:`app`.
"""

from __future__ import annotations

import typer

__all__ = ["app"]

app = typer.Typer(help="Import FHIR mCODE bundles or NDJSON back into an OSIRIS RWD store.",
                  no_args_is_help=True)
