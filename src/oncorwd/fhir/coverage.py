"""What the validator could not check, counted: the honest half of a validation report.

A required binding to SNOMED CT by filter, a slice recognised by ``resolve()``, an extension
whose definition is not in the package, an invariant fhirpathpy cannot evaluate: each is
counted here (never silently passed) so the CLI and the docs can say how much was checked.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Coverage"]


@dataclass
class Coverage:
    """Counters of checks done and checks that were not possible, by reason."""

    resources: int = 0
    bindings_checked: int = 0
    invariants_checked: int = 0
    unexpandable_value_sets: Counter[str] = field(default_factory=Counter)
    uncheckable_slicings: Counter[str] = field(default_factory=Counter)
    external_profiles: Counter[str] = field(default_factory=Counter)
    skipped_invariants: Counter[str] = field(default_factory=Counter)
    unknown_profiles: Counter[str] = field(default_factory=Counter)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready summary (counters as plain dicts, most frequent first)."""
        out: dict[str, Any] = {}
        for key, value in self.__dict__.items():
            out[key] = dict(value.most_common()) if isinstance(value, Counter) else value
        return out
