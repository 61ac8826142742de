"""Every error oncorwd raises, under one root.

The tree::

    OncorwdError                      anything oncorwd raises on purpose
    ├── ConfigError                   a setting is missing or unsafe
    ├── DictionaryError               the OSIRIS RWD dictionary declarations are inconsistent
    ├── TerminologyError              unknown code system, malformed terminology file
    ├── DataError                     input data breaks the dictionary's rules
    │   └── ValidationFailed          a whole batch was refused; carries every ``Problem``
    ├── StoreError                    the site store cannot do what was asked
    │   ├── StoreLockedError          another process holds the store
    │   ├── StoreCorruptError         the store's files are not a readable store
    │   ├── SchemaVersionError        the store was written by a newer oncorwd
    │   ├── VersionNotFoundError      no such data version
    │   └── EngineUnavailableError    the engine's server or runtime cannot be reached
    ├── SynthError                    invalid synthetic-population parameters
    ├── ConversionError               a data version cannot be converted to OMOP or mCODE
    │   ├── VocabularyError           an OMOP vocabulary (Athena files, concept map) is unusable
    │   └── FhirError                 FHIR input or a FHIR package is unusable
    │       ├── FhirPackageError      the mCODE/FHIR package is missing or malformed
    │       └── FhirImportError       FHIR resources cannot be imported (carries every issue)
    └── CohortError                   a cohort definition cannot be compiled or run
        ├── CohortDefinitionError     the definition is invalid (JSON path + what is expected)
        └── UnsupportedCriterion      a criterion the target engine cannot run

Errors carry structured context (``table``, ``row``, ``field``, ``value``, ``rule``, ``path``…)
in ``.context`` so the CLI and, later, the API edge can render them; HTTP status codes are chosen
only at the API edge.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

__all__ = [
    "CohortDefinitionError",
    "CohortError",
    "ConfigError",
    "ConversionError",
    "DataError",
    "DictionaryError",
    "EngineUnavailableError",
    "FhirError",
    "FhirImportError",
    "FhirPackageError",
    "OncorwdError",
    "Problem",
    "SchemaVersionError",
    "StoreCorruptError",
    "StoreError",
    "StoreLockedError",
    "SynthError",
    "TerminologyError",
    "UnsupportedCriterion",
    "ValidationFailed",
    "VersionNotFoundError",
    "VocabularyError",
]


class OncorwdError(Exception):
    """Root of every oncorwd error; ``hint`` tells the user what to do next."""

    def __init__(self, message: str, *, hint: str | None = None, **context: Any) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.context = context

    def __str__(self) -> str:
        text = self.message
        if self.hint:
            text += f"\n  hint: {self.hint}"
        return text


class ConfigError(OncorwdError):
    """A setting is missing, malformed or unsafe."""


class DictionaryError(OncorwdError):
    """The dictionary declarations are inconsistent (a bug in oncorwd or a user extension)."""


class TerminologyError(OncorwdError):
    """Unknown code system or malformed terminology file."""


class DataError(OncorwdError):
    """Input data breaks a rule of the dictionary."""


@dataclass(frozen=True, slots=True)
class Problem:
    """One rule broken by one value: enough to find and fix it in the source."""

    table: str
    row: int | None
    field: str | None
    value: Any
    rule: str
    message: str
    file: str | None = None
    severity: str = "error"

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def __str__(self) -> str:
        where = f"{self.table}"
        if self.row is not None:
            where += f" row {self.row}"
        if self.field:
            where += f" field {self.field}"
        return f"{where}: {self.message} (rule {self.rule}, value {self.value!r})"


class ValidationFailed(DataError):
    """A batch was refused; ``problems`` lists every broken rule (not only the first)."""

    def __init__(self, problems: list[Problem], *, total: int | None = None) -> None:
        self.problems = problems
        self.total = total if total is not None else len(problems)
        shown = "\n".join(f"  - {p}" for p in problems[:20])
        more = f"\n  … and {self.total - 20} more" if self.total > 20 else ""
        super().__init__(
            f"{self.total} problem(s) found, nothing was loaded:\n{shown}{more}",
            hint="fix the source rows listed above (or quarantine them with `oncorwd ingest`)",
            problems=[p.as_dict() for p in problems],
        )


class StoreError(OncorwdError):
    """The site store cannot do what was asked."""


class StoreLockedError(StoreError):
    """Another process holds the store (DuckDB allows one writer process)."""


class StoreCorruptError(StoreError):
    """The store's files exist but are not a readable oncorwd store."""


class SchemaVersionError(StoreError):
    """The store was created by a newer oncorwd whose schema this version cannot read."""


class VersionNotFoundError(StoreError):
    """The requested data version does not exist (or was never committed)."""


class EngineUnavailableError(StoreError):
    """The engine's server or runtime (PostgreSQL, Java for Spark) cannot be reached."""


class SynthError(OncorwdError):
    """Invalid parameters for a synthetic population."""


class ConversionError(OncorwdError):
    """A site's data version cannot be converted to OMOP CDM or FHIR mCODE."""


class VocabularyError(ConversionError):
    """An OMOP vocabulary (Athena download, curated concept map) is missing or unusable."""


class FhirError(ConversionError):
    """FHIR input, or a FHIR package oncorwd validates against, is unusable."""


class FhirPackageError(FhirError):
    """The FHIR package (mCODE STU4) is missing from the cache or malformed."""


class FhirImportError(FhirError):
    """FHIR resources could not be imported; ``context["issues"]`` lists every problem with the
    resource id and the FHIRPath of the element."""


class CohortError(OncorwdError):
    """A cohort definition cannot be compiled or run."""


class CohortDefinitionError(CohortError):
    """The definition is invalid; ``context["path"]`` is the JSON path of the offending element
    and the message says what is expected there."""


class UnsupportedCriterion(CohortError):
    """A criterion the target engine cannot run: raised at compile time, never wrong SQL."""
