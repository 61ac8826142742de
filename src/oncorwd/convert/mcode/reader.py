"""Read FHIR resources for the import: NDJSON files (one resource or Bundle per line), JSON
files (a Bundle or one resource) or folders of them, bundles expanded to their entries.

Every problem is an :class:`ImportIssue` with the resource type and id when known and the
FHIRPath of the element (``$`` for a line that is not JSON at all); the reader never stops at
the first one. ``fhir.resources`` (R4B) checks each resource's structure, so a wrong type or an
unknown element is reported with its path.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import orjson

__all__ = ["ImportIssue", "Resource", "read_resources", "structure_issues"]

#: Resource types the import reads (Organization and BodyStructure are read and skipped).
KNOWN_TYPES = frozenset({"Patient", "Condition", "Observation", "MedicationAdministration",
                         "Procedure", "Specimen", "Organization", "BodyStructure", "Bundle"})


@dataclass(frozen=True)
class ImportIssue:
    """One problem in the FHIR input: where (resource and FHIRPath) and what."""

    resource_type: str | None
    resource_id: str | None
    path: str
    message: str
    source: str
    severity: str = "error"

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def __str__(self) -> str:
        who = f"{self.resource_type or '?'}/{self.resource_id or '?'}"
        return f"{self.source}: {who} at {self.path}: {self.message}"


@dataclass(frozen=True)
class Resource:
    """A resource and the document it came from (``file#Type/id``, the imported rows'
    ``source_document``)."""

    data: dict[str, Any]
    source: str

    @property
    def type(self) -> str:
        return str(self.data.get("resourceType"))

    @property
    def id(self) -> str | None:
        value = self.data.get("id")
        return str(value) if value is not None else None

    @property
    def document(self) -> str:
        return f"{self.source}#{self.type}/{self.id}"


def _files(paths: Iterable[str | Path]) -> Iterator[Path]:
    for p in map(Path, paths):
        if p.is_dir():
            yield from sorted(f for f in p.rglob("*") if f.suffix in (".ndjson", ".json")
                              and f.name != "mcode-report.json")
        else:
            yield p


def _documents(path: Path) -> Iterator[tuple[str, Any]]:
    """(source label, parsed JSON or the exception) per document of ``path``."""
    if path.suffix == ".ndjson":
        with path.open("rb") as f:
            for n, line in enumerate(f, 1):
                if line.strip():
                    yield f"{path.name}:{n}", _loads(line)
        return
    yield path.name, _loads(path.read_bytes())


def _loads(text: bytes) -> Any:
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError as e:
        return e


def read_resources(paths: Iterable[str | Path],
                   issues: list[ImportIssue]) -> Iterator[Resource]:
    """Every resource of ``paths`` (bundles expanded); problems are appended to ``issues``."""
    for path in _files(paths):
        if not path.exists():
            issues.append(ImportIssue(None, None, "$", "file not found", str(path)))
            continue
        for source, doc in _documents(path):
            yield from _expand(doc, source, issues)


def _expand(doc: Any, source: str, issues: list[ImportIssue]) -> Iterator[Resource]:
    if isinstance(doc, Exception):
        issues.append(ImportIssue(None, None, "$", f"not valid JSON: {doc}", source))
        return
    if not isinstance(doc, dict):
        issues.append(ImportIssue(None, None, "$", "a FHIR resource must be a JSON object",
                                  source))
        return
    rtype, rid = doc.get("resourceType"), doc.get("id")
    if rtype not in KNOWN_TYPES:
        what = "missing" if rtype is None else f"{rtype!r} is not a resource type oncorwd imports"
        issues.append(ImportIssue(rtype, rid, "resourceType", f"resourceType {what}", source))
        return
    if rtype != "Bundle":
        yield Resource(doc, source)
        return
    for i, entry in enumerate(doc.get("entry") or []):
        res = entry.get("resource") if isinstance(entry, dict) else None
        if res is None:
            issues.append(ImportIssue("Bundle", rid, f"Bundle.entry[{i}].resource",
                                      "entry without a resource", source))
            continue
        yield from _expand(res, f"{source}#Bundle/{rid}", issues)


def structure_issues(resource: Resource) -> list[ImportIssue]:
    """Structural errors found by ``fhir.resources`` (R4B), with the FHIRPath of each."""
    from fhir.resources.R4B import get_fhir_model_class
    from pydantic import ValidationError

    try:
        get_fhir_model_class(resource.type).model_validate(resource.data)
    except ValidationError as e:
        return [ImportIssue(resource.type, resource.id, _fhirpath(resource.type, err["loc"]),
                            err["msg"], resource.source) for err in e.errors()]
    return []


def _fhirpath(rtype: str, loc: tuple[Any, ...]) -> str:
    path = rtype
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        elif part not in ("__root__",):
            path += f".{part}"
    return path
