"""The one record every validation layer produces.

A flat, frozen record (not an exception) so a validator can collect every problem of a whole
site export in one pass, sort and count them, and render them as a table or JSON. ``path`` is a
FHIRPath-like location *inside the resource* (``Observation.component[0].code``) so that a
person can find the element; the resource itself is identified by type and id.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Literal

__all__ = ["Layer", "Severity", "ValidationIssue"]

Severity = Literal["error", "warning"]
Layer = Literal["parse", "profile", "invariant"]


@dataclass(frozen=True, slots=True)
class ValidationIssue:
    """One problem found in one resource by one layer.

    ``profile`` is the canonical URL of the profile whose rule failed (``None`` for the base
    specification, e.g. a parse error); ``source`` optionally says where the resource came from
    (``file.ndjson:12``), filled by the CLI.
    """

    resource_type: str
    resource_id: str | None
    path: str
    severity: Severity
    layer: Layer
    message: str
    profile: str | None = None
    source: str | None = None

    @property
    def is_error(self) -> bool:
        """True for errors (warnings never make an export invalid)."""
        return self.severity == "error"

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (the CLI's ``--format json``)."""
        return asdict(self)
