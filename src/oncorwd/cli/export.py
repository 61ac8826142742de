"""``oncorwd export …``: convert a site's data version to OMOP CDM 5.4 or FHIR mCODE STU4.

The group only; the commands live beside their converters' CLI modules (``cli/omop.py``,
``cli/mcode.py``) and register themselves on :data:`app`.
"""

from __future__ import annotations

import typer

__all__ = ["app"]

app = typer.Typer(help="Export a site's data version to OMOP CDM 5.4 or FHIR R4 mCODE STU4.",
                  no_args_is_help=True)
