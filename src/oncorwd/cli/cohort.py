"""``oncorwd cohort …``: validate, explain and run cohort definitions (being written)."""

from __future__ import annotations

import typer

__all__ = ["app"]

app = typer.Typer(help="Cohort definitions: validate, explain (FR/EN + SQL), run at a site.",
                  no_args_is_help=True)
