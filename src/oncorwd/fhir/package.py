"""Locate and load a cached FHIR package (mCODE STU4 by default).

The package is fetched once at set-up (``make install`` runs ``scripts/fetch-fhir-packages.sh``,
``npm pack hl7.fhir.us.mcode@4.0.0``) and unpacked into the FHIR cache: ``$ONCORWD_FHIR_CACHE``
or ``<repo>/.cache/fhir``. It is never committed, so a missing package is an ordinary user error
(:class:`~oncorwd.errors.FhirPackageError` with the command to run), not a crash.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from oncorwd.errors import FhirPackageError

__all__ = [
    "DEFAULT_PACKAGE",
    "FhirPackage",
    "fhir_cache_dir",
    "load_package",
]

#: The package oncorwd exports and validates against.
DEFAULT_PACKAGE = ("hl7.fhir.us.mcode", "4.0.0")
_REPO_ROOT = Path(__file__).resolve().parents[3]
_HINT = ("run `make install` (or `scripts/fetch-fhir-packages.sh`) to fetch it, or point "
         "ONCORWD_FHIR_CACHE at the directory holding <name>-<version>/package/")


def fhir_cache_dir() -> Path:
    """The FHIR package cache: ``$ONCORWD_FHIR_CACHE`` (relative paths are taken from the
    repository root, as the fetch script does) or ``<repo>/.cache/fhir``."""
    env = os.environ.get("ONCORWD_FHIR_CACHE")
    if env:
        path = Path(env).expanduser()
        return path if path.is_absolute() else _REPO_ROOT / path
    return _REPO_ROOT / ".cache" / "fhir"


@dataclass(frozen=True)
class FhirPackage:
    """The conformance resources of one FHIR package, indexed by canonical URL."""

    name: str
    version: str
    root: Path
    structure_definitions: dict[str, dict[str, Any]] = field(repr=False)
    value_sets: dict[str, dict[str, Any]] = field(repr=False)
    code_systems: dict[str, dict[str, Any]] = field(repr=False)

    @property
    def example_dir(self) -> Path:
        """Where the package's official examples live (``package/example``)."""
        return self.root / "example"

    def example_paths(self) -> list[Path]:
        """The official example files, sorted by name."""
        return sorted(self.example_dir.glob("*.json"))

    def iter_examples(self) -> Iterator[tuple[Path, dict[str, Any]]]:
        """Each official example as ``(path, parsed JSON)``."""
        for path in self.example_paths():
            yield path, json.loads(path.read_bytes())

    def profile(self, url: str) -> dict[str, Any] | None:
        """The StructureDefinition for a canonical URL (``|version`` suffix ignored)."""
        return self.structure_definitions.get(url.split("|", 1)[0])

    def value_set(self, url: str) -> dict[str, Any] | None:
        """The ValueSet for a canonical URL (``|version`` suffix ignored)."""
        return self.value_sets.get(url.split("|", 1)[0])


def _read(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_bytes())
    except (OSError, ValueError) as exc:
        raise FhirPackageError(f"cannot read FHIR package file {path}: {exc}",
                               hint=_HINT, path=str(path)) from exc
    if not isinstance(data, dict):
        raise FhirPackageError(f"FHIR package file {path} is not a JSON object",
                               hint=_HINT, path=str(path))
    return data


@cache
def _load(root: Path, name: str, version: str) -> FhirPackage:
    by_type: dict[str, dict[str, dict[str, Any]]] = {
        "StructureDefinition": {}, "ValueSet": {}, "CodeSystem": {}}
    for path in sorted(root.glob("*.json")):
        kind = path.name.split("-", 1)[0]
        if kind in by_type:
            data = _read(path)
            by_type[kind][data["url"]] = data
    if not by_type["StructureDefinition"]:
        raise FhirPackageError(f"FHIR package {name}#{version} at {root} has no "
                               "StructureDefinition", hint=_HINT, path=str(root))
    return FhirPackage(name, version, root, by_type["StructureDefinition"],
                       by_type["ValueSet"], by_type["CodeSystem"])


def load_package(name: str = DEFAULT_PACKAGE[0], version: str = DEFAULT_PACKAGE[1], *,
                 cache_dir: Path | None = None) -> FhirPackage:
    """Load ``<cache>/<name>-<version>/package/`` (loaded once per process).

    Raises :class:`~oncorwd.errors.FhirPackageError` when the package is not in the cache.
    """
    root = (cache_dir or fhir_cache_dir()) / f"{name}-{version}" / "package"
    if not (root / "package.json").is_file():
        raise FhirPackageError(f"FHIR package {name}#{version} not found in {root.parent.parent}",
                               hint=_HINT, path=str(root))
    return _load(root.resolve(), name, version)
