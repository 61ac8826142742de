"""Import mCODE (bundles or NDJSON) back into OSIRIS RWD.

Steps: read and expand the files (:mod:`.reader`), check each resource's structure with
``fhir.resources``, turn resources into OSIRIS rows (:mod:`.parse`, :mod:`.parse_clinical`),
build Arrow tables (:func:`mcode_rows`, no validation), then locate the dictionary's rule
violations on their resource and FHIRPath (:func:`check_table`, ``validate_batch``).

:func:`import_mcode` loads through the ingest pipeline (source format ``mcode``,
:mod:`oncorwd.ingest.sources.mcode`): bad resources and rows are quarantined with their reason,
the rest is checked for integrity and plausibility, derived (lines of therapy, cohort
variables…) and loaded, and the run files (accounting, quarantine) are written.
:func:`read_mcode` stays all or nothing: it returns validated tables or raises.

Every imported row gets ``source_type`` 3 (external structured source: the dictionary's
technical field) and ``source_document`` = ``<file>#<Type>/<id>`` of the resource it came from.

Error policy of :func:`read_mcode` (``on_error``): ``"collect"`` (default) reads everything and
raises one :class:`~oncorwd.errors.FhirImportError` listing every issue; ``"raise"`` stops at the
first. Each issue names the resource type, id and the FHIRPath of the element. The rules of the
issues (:data:`RULES`) are the quarantine rules of an import.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pyarrow as pa

import oncorwd.convert.mcode.parse_clinical  # noqa: F401  (registers the clinical parsers)
from oncorwd.convert.mcode.parse import PARSERS, Ids, Missing
from oncorwd.convert.mcode.reader import ImportIssue, Resource, read_resources, structure_issues
from oncorwd.dictionary import load_dictionary
from oncorwd.dictionary.physical import arrow_schema
from oncorwd.dictionary.validate import validate_batch
from oncorwd.errors import FhirImportError

if TYPE_CHECKING:
    from oncorwd.ingest.pipeline import IngestResult

__all__ = ["RULES", "ImportResult", "McodeRows", "RowIssue", "check_table", "import_mcode",
           "mcode_rows", "read_mcode"]

OnError = Literal["collect", "raise"]
#: Quarantine rules of problems found before the dictionary's rules.
RULES = {"read": "fhir_read", "structure": "fhir_structure", "element": "fhir_element",
         "reference": "fhir_reference"}
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


@dataclass
class McodeRows:
    """Resources turned into OSIRIS rows, not validated: per table, the Arrow table (values as
    the parsers gave them) and its row dicts (``_res``: the resource, ``_paths``: FHIRPath per
    field); ``issues`` are the resources that gave no row, with their rule (:data:`RULES`)."""

    tables: dict[str, pa.Table]
    rows: dict[str, list[dict[str, Any]]]
    issues: list[tuple[str, ImportIssue]]
    resources: int


@dataclass
class RowIssue:
    """A row broken by a dictionary rule, located on its resource and FHIRPath."""

    index: int | None
    rule: str
    field: str | None
    value: Any
    issue: ImportIssue


class _Issues:
    def __init__(self, on_error: OnError) -> None:
        self.on_error = on_error
        self.items: list[ImportIssue] = []
        self.rules: list[str] = []

    def add(self, issue: ImportIssue, rule: str = RULES["structure"]) -> None:
        self.items.append(issue)
        self.rules.append(rule)
        if self.on_error == "raise":
            raise _error([issue])

    def extend(self, issues: Iterable[ImportIssue], rule: str = RULES["structure"]) -> None:
        for issue in issues:
            self.add(issue, rule)


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
            issues.add(ImportIssue(res.type, res.id, m.path, m.message, res.source),
                       RULES["element"])
            continue
        except (KeyError, TypeError, ValueError) as e:
            issues.add(ImportIssue(res.type, res.id, res.type, f"cannot read: {e!r}",
                                   res.source), RULES["element"])
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
                                   res.source), RULES["reference"])
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


def check_table(name: str, table: pa.Table, rows: list[dict[str, Any]], site_id: str, *,
                check_keys: bool = True) -> tuple[pa.Table, np.ndarray, list[RowIssue]]:
    """Validate one table read by :func:`mcode_rows` (``validate_batch``): the typed table,
    the mask of bad rows, and each problem located on its resource and FHIRPath."""
    typed, bad, problems = validate_batch(name, table, site_id=site_id, check_keys=check_keys)
    found = []
    for p in problems.to_pylist():
        row = rows[p["index"]] if p["index"] is not None else None
        res: Resource | None = row["_res"] if row else None
        field_ = p["field"] or ""
        path = (row["_paths"].get(field_) if row else None) or \
            f"{res.type if res else name}.extension(osiris-source).{field_}"
        issue = ImportIssue(res.type if res else None, res.id if res else None, path,
                            f"{p['message']} (OSIRIS {name}.{field_}, rule {p['rule']}, "
                            f"value {p['value']!r})", res.source if res else name)
        found.append(RowIssue(p["index"], p["rule"], p["field"], p["value"], issue))
    return typed, bad, found


def _read(paths: Iterable[str | Path], site_id: str, issues: _Issues
          ) -> tuple[dict[str, list[dict[str, Any]]], int]:
    resources = list(read_resources(paths, issues.items))
    issues.rules.extend([RULES["read"]] * (len(issues.items) - len(issues.rules)))
    if issues.items and issues.on_error == "raise":
        raise _error(issues.items[:1])
    ids = Ids(site_id)
    for res in resources:
        ids.add(res.data)
    rows = _rows(resources, ids, issues)
    return {name: r for name, r in rows.items() if r}, len(resources)


def mcode_rows(paths: Iterable[str | Path], *, site_id: str) -> McodeRows:
    """Read mCODE files into OSIRIS rows without validating them; resources that give no row
    are returned as issues, never raised (the ingest source quarantines them)."""
    issues = _Issues("collect")
    rows, count = _read(paths, site_id, issues)
    tables = {name: _arrow(name, r, site_id) for name, r in rows.items()}
    return McodeRows(tables, rows, list(zip(issues.rules, issues.items, strict=True)), count)


def read_mcode(paths: Iterable[str | Path], *, site_id: str,
               on_error: OnError = "collect") -> ImportResult:
    """Read mCODE files into validated OSIRIS RWD Arrow tables (nothing is loaded); any issue
    raises :class:`~oncorwd.errors.FhirImportError`."""
    issues = _Issues(on_error)
    rows, count = _read(paths, site_id, issues)
    tables: dict[str, pa.Table] = {}
    for name, table_rows in rows.items():
        typed, _, found = check_table(name, _arrow(name, table_rows, site_id), table_rows,
                                      site_id)
        tables[name] = typed
        for f in found:
            issues.add(f.issue, f.rule)
    if issues.items:
        raise _error(issues.items)
    return ImportResult(tables, count, {k: v.num_rows for k, v in tables.items()})


def import_mcode(store_url: str, paths: Iterable[str | Path], *, site: str, site_id: str,
                 on_error: str = "collect", dry_run: bool = False) -> IngestResult:
    """Import mCODE files into the store at ``store_url`` as a new data version of ``site_id``
    through the ingest pipeline (one ``mcode`` source): bad resources are quarantined, the
    rest validated, derived and loaded; the run files go under ``<home>/sites/<site>/``.
    ``on_error``: ``collect`` (default) or ``fail_fast`` (``raise``): the first problem raises
    :class:`~oncorwd.errors.DataError`, nothing loaded. ``dry_run``: check only."""
    from oncorwd.ingest.pipeline import run
    from oncorwd.ingest.spec import MappingSpec, McodeSource, SiteInfo

    source = McodeSource(format="mcode", path=tuple(str(Path(p).resolve()) for p in paths))
    spec = MappingSpec(site=SiteInfo(site_id=site_id, name=site, source_system=SOURCE_SYSTEM),
                       sources={"mcode": source}, tables={})
    return run(spec, store_url=store_url, dry_run=dry_run,
               on_error="fail_fast" if on_error == "raise" else on_error)
