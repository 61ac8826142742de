"""``oncorwd validate …``: check files against the official specifications.

The group only; ``cli/mcode.py`` registers ``validate mcode`` on :data:`app`.
"""

from __future__ import annotations

import typer

__all__ = ["app"]

app = typer.Typer(help="Validate exported files against the official specifications.",
                  no_args_is_help=True)
