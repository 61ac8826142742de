"""Import mCODE (bundles or NDJSON) back into OSIRIS RWD.

Steps: read and expand the files (:mod:`.reader`), check each resource's structure with
``fhir.resources``, turn resources into OSIRIS rows (:mod:`.parse`, :mod:`.parse_clinical`),
build Arrow tables, validate them with the dictionary's rules (``validate_batch``, the
validation the store and ingest run), then load them as a new data version of the site store.

Every imported row gets ``source_type`` 3 (external structured source: the dictionary's
technical field) and ``source_document`` = ``<file>#<Type>/<id>`` of the resource it came from.

Error policy (``on_error``): ``"collect"`` (default) reads everything and raises one
:class:`~oncorwd.errors.FhirImportError` listing every issue, nothing loaded; ``"raise"`` stops at
the first. Each issue names the resource type, id and the FHIRPath of the element.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import pyarrow as pa

import oncorwd.convert.mcode.parse_clinical  # noqa: F401  (registers the clinical parsers)
from oncorwd.convert.mcode.parse import PARSERS, Ids, Missing
from oncorwd.convert.mcode.reader import ImportIssue, Resource, read_resources, structure_issues
from oncorwd.dictionary import load_dictionary
from oncorwd.dictionary.physical import arrow_schema
from oncorwd.dictionary.validate import validate_batch
from oncorwd.errors import FhirImportError

__all__ = ["ImportResult", "import_mcode", "read_mcode"]

OnError = Literal["collect", "raise"]
SOURCE_TYPE = "3"   # external structured source (value set source_type)
SOURCE_SYSTEM = "fhir-mcode"


@dataclass
class ImportResult:
    """What an import read: OSIRIS tables (Arrow), counts, and the version it loaded."""

    tables: dict[str, pa.Table]
    resources: int
    rows: dict[str, int]
    version: Any = None
    issues: list[ImportIssue] = field(default_factory=list)


class _Issues:
    def __init__(self, on_error: OnError) -> None:
        self.on_error = on_error
        self.items: list[ImportIssue] = []

    def add(self, issue: ImportIssue) -> None:
        self.items.append(issue)
        if self.on_error == "raise":
            raise _error([issue])

    def extend(self, issues: Iterable[ImportIssue]) -> None:
        for issue in issues:
            self.add(issue)


def _error(issues: list[ImportIssue]) -> FhirImportError:
    shown = "\n".join(f"  - {i}" for i in issues[:20])
    more = f"\n  … and {len(issues) - 20} more" if len(issues) > 20 else ""
    return FhirImportError(f"{len(issues)} problem(s) in the FHIR input, nothing was imported:"
                           f"\n{shown}{more}", hint="fix the resources listed (resource id and "
                           "FHIRPath of each element)", issues=[i.as_dict() for i in issues])


def _rows(resources: list[Resource], ids: Ids, issues: _Issues
          ) -> dict[str, list[dict[str, Any]]]:
    tables: dict[str, list[dict[str, Any]]] = {}
    parts: list[tuple[Resource, dict[str, Any]]] = []
    for res in resources:
        found = structure_issues(res)
        if found:
            issues.extend(found)
            continue
        try:
            pairs = PARSERS[res.type](res.data, ids)
        except Missing as m:
            issues.add(ImportIssue(res.type, res.id, m.path, m.message, res.source))
            continue
        except (KeyError, TypeError, ValueError) as e:
            issues.add(ImportIssue(res.type, res.id, res.type, f"cannot read: {e!r}", res.source))
            continue
        for table, row in pairs:
            row.update(_doc=res.document, _res=res)
            if table == "cancer" and "patient_id" not in row:
                parts.append((res, row))   # staging / size: merged into its cancer below
            else:
                tables.setdefault(table, []).append(row)
    _merge_cancer_parts(tables.setdefault("cancer", []), parts, issues)
    return tables


def _merge_cancer_parts(cancers: list[dict[str, Any]], parts: list[tuple[Resource, dict[str,
                        Any]]], issues: _Issues) -> None:
    by_id = {row["cancer_id"]: row for row in cancers}
    for res, part in parts:
        target = by_id.get(part["cancer_id"])
        if target is None:
            issues.add(ImportIssue(res.type, res.id, "Observation.focus",
                                   f"refers to Condition {part['cancer_id']!r}, not in the input",
                                   res.source))
            continue
        target["_paths"].update(part.pop("_paths"))
        target.update({k: v for k, v in part.items() if not k.startswith("_")})


def _arrow(name: str, rows: list[dict[str, Any]], site_id: str) -> pa.Table:
    schema = arrow_schema(load_dictionary().entity(name))
    columns: dict[str, pa.Array] = {}
    for f in schema:
        values = [row.get(f.name) for row in rows]
        if f.name == "site_id":
            values = [site_id] * len(rows)
        elif f.name == "source_type":
            values = [SOURCE_TYPE] * len(rows)
        elif f.name == "source_document":
            values = [row["_doc"] for row in rows]
        elif f.name == "source_system":
            values = [SOURCE_SYSTEM] * len(rows)
        if any(v is not None for v in values):
            columns[f.name] = _column(values)
    return pa.table(columns) if columns else schema.empty_table()


def _column(values: list[Any]) -> pa.Array:
    try:
        return pa.array(values)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return pa.array([None if v is None else str(v) for v in values], pa.string())


def _validate(name: str, table: pa.Table, rows: list[dict[str, Any]], site_id: str,
              issues: _Issues) -> pa.Table:
    typed, _, problems = validate_batch(name, table, site_id=site_id)
    for p in problems.to_pylist():
        row = rows[p["index"]] if p["index"] is not None else None
        res: Resource | None = row["_res"] if row else None
        field_ = p["field"] or ""
        path = (row["_paths"].get(field_) if row else None) or \
            f"{res.type if res else name}.extension(osiris-source).{field_}"
        issues.add(ImportIssue(res.type if res else None, res.id if res else None, path,
                               f"{p['message']} (OSIRIS {name}.{field_}, rule {p['rule']}, "
                               f"value {p['value']!r})", res.source if res else name))
    return typed


def read_mcode(paths: Iterable[str | Path], *, site_id: str,
               on_error: OnError = "collect") -> ImportResult:
    """Read mCODE files into validated OSIRIS RWD Arrow tables (nothing is loaded)."""
    issues = _Issues(on_error)
    resources = list(read_resources(paths, issues.items))
    if issues.items and on_error == "raise":
        raise _error(issues.items[:1])
    ids = Ids(site_id)
    for res in resources:
        ids.add(res.data)
    rows = _rows(resources, ids, issues)
    tables: dict[str, pa.Table] = {}
    for name, table_rows in rows.items():
        if table_rows:
            tables[name] = _validate(name, _arrow(name, table_rows, site_id), table_rows,
                                     site_id, issues)
    if issues.items:
        raise _error(issues.items)
    return ImportResult(tables, len(resources), {k: v.num_rows for k, v in tables.items()})


def import_mcode(store: Any, paths: Iterable[str | Path], *, site_id: str,
                 on_error: OnError = "collect", dry_run: bool = False) -> ImportResult:
    """Read mCODE files and load them into ``store`` as a new data version of ``site_id``
    (``dry_run``: read and validate only). The store checks the cross-table rules."""
    result = read_mcode(paths, site_id=site_id, on_error=on_error)
    if not dry_run:
        result.version = store.load(result.tables, site_id=site_id, note="mCODE import")
    return result
