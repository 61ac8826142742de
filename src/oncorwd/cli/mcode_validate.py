"""``oncorwd validate mcode FILES…``: check FHIR files against mCODE STU4, three layers.

Registered on :data:`oncorwd.cli.validate.app` when imported (``oncorwd.cli`` imports it).
Accepts NDJSON (Bulk Data), Bundle JSON, single-resource JSON files and folders of them. Prints
a table of issues and a summary (or JSON with ``--format json``); exits 1 when there are errors.
"""

from __future__ import annotations

import dataclasses
import time
from collections import Counter
from pathlib import Path
from typing import Annotated, Any

import orjson
import typer
from rich.table import Table

from oncorwd.cli._common import console
from oncorwd.cli.validate import app
from oncorwd.errors import ConfigError
from oncorwd.fhir import ValidationIssue, Validator
from oncorwd.fhir.read import iter_resources

__all__ = ["validate_mcode"]

_LAYERS = {"parse": "parse", "profiles": "profile", "profile": "profile",
           "invariants": "invariant", "invariant": "invariant"}


def _layers(text: str) -> set[str]:
    chosen = {p.strip() for p in text.split(",") if p.strip()}
    unknown = chosen - set(_LAYERS)
    if unknown or not chosen:
        raise ConfigError(f"unknown validation layer(s): {', '.join(sorted(unknown)) or '-'}",
                          hint="use a comma-separated subset of parse,profiles,invariants")
    return {_LAYERS[p] for p in chosen}


def _run(files: list[Path], layers: set[str]) -> tuple[list[ValidationIssue], Validator, int]:
    validator = Validator(parse="parse" in layers, profiles="profile" in layers,
                          invariants="invariant" in layers)
    issues: list[ValidationIssue] = []
    count = 0
    for source, item in iter_resources(files):
        if isinstance(item, ValidationIssue):
            issues.append(item)
            continue
        count += 1
        issues += [dataclasses.replace(i, source=source)
                   for i in validator.validate_resource(item)]
    return issues, validator, count


def _table(issues: list[ValidationIssue], limit: int) -> Table:
    t = Table(title=f"mCODE validation issues (first {min(limit, len(issues))} of "
                    f"{len(issues)})", show_lines=False)
    for col in ("resource", "path", "layer", "severity", "message"):
        t.add_column(col, overflow="fold")
    for i in issues[:limit]:
        sev = "[red]error[/]" if i.is_error else "[yellow]warning[/]"
        t.add_row(f"{i.resource_type}/{i.resource_id or '?'}", i.path, i.layer, sev, i.message)
    return t


def _kinds(counts: dict[str, int]) -> Table:
    """Warnings grouped by message: a whole export repeats a few kinds thousands of times."""
    t = Table(title="warnings by kind (most frequent)")
    t.add_column("warnings", justify="right")
    t.add_column("message", overflow="fold")
    for message, n in counts.items():
        t.add_row(f"{n:,}", message)
    return t


def _summary(issues: list[ValidationIssue], validator: Validator, count: int,
             seconds: float) -> dict[str, Any]:
    by = Counter((i.layer, i.severity) for i in issues)
    return {
        "resources": count,
        "seconds": round(seconds, 3),
        "errors": sum(1 for i in issues if i.is_error),
        "warnings": sum(1 for i in issues if not i.is_error),
        "by_layer": {f"{layer}/{sev}": n for (layer, sev), n in sorted(by.items())},
        "warnings_by_message": dict(Counter(
            i.message for i in issues if not i.is_error).most_common(10)),
        "coverage": validator.coverage.to_dict(),
    }


@app.command("mcode")
def validate_mcode(
    files: Annotated[list[Path], typer.Argument(
        help="NDJSON, Bundle or resource JSON files, or folders of them", exists=True)],
    layers: Annotated[str, typer.Option(
        help="comma-separated layers to run: parse,profiles,invariants")
    ] = "parse,profiles,invariants",
    fmt: Annotated[str, typer.Option("--format", help="table or json")] = "table",
    max_issues: Annotated[int, typer.Option(
        "--max-issues", help="issues shown in the table / listed in JSON")] = 50,
) -> None:
    """Validate FHIR files against mCODE STU4 (parse, profiles, invariants)."""
    if fmt not in ("table", "json"):
        raise ConfigError(f"unknown format {fmt!r}", hint="use --format table or json")
    start = time.perf_counter()
    issues, validator, count = _run(files, _layers(layers))
    issues.sort(key=lambda i: (not i.is_error, i.source or "", i.path))
    summary = _summary(issues, validator, count, time.perf_counter() - start)
    if fmt == "json":
        summary["issues"] = [i.to_dict() for i in issues[:max_issues]]
        typer.echo(orjson.dumps(summary, option=orjson.OPT_INDENT_2).decode())
    else:
        if issues:
            console.print(_table(issues, max_issues))
        if summary["warnings_by_message"]:
            console.print(_kinds(summary["warnings_by_message"]))
        cov = summary["coverage"]
        console.print(
            f"{count:,} resources in {summary['seconds']:.2f} s · "
            f"[{'red' if summary['errors'] else 'green'}]{summary['errors']} error(s)[/] · "
            f"{summary['warnings']} warning(s) · required bindings checked "
            f"{cov['bindings_checked']:,} (not expandable: "
            f"{sum(cov['unexpandable_value_sets'].values()):,}) · invariants evaluated "
            f"{cov['invariants_checked']:,} (skipped: {sum(cov['skipped_invariants'].values()):,})")
    if summary["errors"]:
        raise typer.Exit(1)
