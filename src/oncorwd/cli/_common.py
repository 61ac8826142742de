"""Shared CLI plumbing: one console, error rendering, progress bars."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)

from oncorwd.errors import OncorwdError, ValidationFailed

__all__ = ["console", "err_console", "progress", "render_error"]

#: Outside a terminal (logs, CI, pipes) rich would wrap at 80 columns; tables need more.
_WIDTH = None if sys.stdout.isatty() else 140
console = Console(width=_WIDTH)
err_console = Console(stderr=True, width=None if sys.stderr.isatty() else 140)


def render_error(exc: OncorwdError) -> None:
    """Print an oncorwd error for a person: what went wrong, where, and what to do next."""
    err_console.print("[bold red]error:[/]", end=" ")
    err_console.print(exc.message, highlight=False, markup=False)
    if isinstance(exc, ValidationFailed):
        err_console.print(f"  ({exc.total} problem(s) in total)")
    if exc.hint:
        err_console.print("[yellow]hint:[/]", end=" ")
        err_console.print(exc.hint, highlight=False, markup=False)


@contextmanager
def progress() -> Iterator[Progress]:
    """A rich progress display (on stderr, so JSON on stdout stays clean)."""
    with Progress(
        SpinnerColumn(),
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err_console,
        transient=False,
    ) as p:
        yield p
