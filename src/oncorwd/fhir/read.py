"""Read FHIR resources from files: NDJSON (Bulk Data), Bundle JSON, single resources, folders.

Yields ``(source, resource)`` pairs where ``source`` says where the resource came from
(``Patient.ndjson:12``), so a validation issue can point at a line. Unreadable JSON is not an
exception here: it is yielded as a :class:`ValidationIssue` so one bad line does not hide the
rest of a site export.
"""

from __future__ import annotations

import gzip
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import orjson

from oncorwd.fhir.issues import Severity, ValidationIssue

__all__ = ["iter_files", "iter_resources"]

_SUFFIXES = (".ndjson", ".ndjson.gz", ".json", ".json.gz")


def iter_files(paths: Iterable[Path]) -> Iterator[tuple[Path, bool]]:
    """``(file, found_in_a_folder)`` for the FHIR files named or found (recursively, sorted)
    in the folders named."""
    for path in paths:
        if path.is_dir():
            yield from ((p, True) for p in sorted(path.rglob("*")) if p.is_file()
                        and p.name.endswith(_SUFFIXES))
        else:
            yield path, False


def _open_text(path: Path) -> bytes:
    data = path.read_bytes()
    return gzip.decompress(data) if path.name.endswith(".gz") else data


def _bad(source: str, message: str, severity: Severity = "error") -> ValidationIssue:
    return ValidationIssue("Unknown", None, "", severity, "parse", message, None, source)


def iter_resources(paths: Iterable[Path]) -> Iterator[tuple[str, dict[str, Any] |
                                                            ValidationIssue]]:
    """``(source, resource)`` for every resource of every file; unreadable input is yielded
    as a parse-layer issue instead. A JSON file found in a folder that is not a FHIR resource
    (an export report next to the NDJSON files) is skipped with a warning."""
    for path, in_folder in iter_files(paths):
        try:
            data = _open_text(path)
        except OSError as exc:
            yield str(path), _bad(str(path), f"cannot read file: {exc}")
            continue
        if ".ndjson" in path.name:
            for n, line in enumerate(data.splitlines(), start=1):
                if line.strip():
                    yield from _one(f"{path}:{n}", line)
        else:
            yield from _one(str(path), data, in_folder)


def _one(source: str, raw: bytes,
         in_folder: bool = False) -> Iterator[tuple[str, dict[str, Any] | ValidationIssue]]:
    try:
        value = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        yield source, _bad(source, f"not valid JSON: {exc}")
        return
    if not isinstance(value, dict):
        yield source, _bad(source, "not a FHIR resource (a JSON object is expected)")
        return
    if in_folder and "resourceType" not in value:
        yield source, _bad(source, "not a FHIR resource (no resourceType): skipped", "warning")
        return
    yield source, value
