"""Value maps: local codes → standard codes, inline in the spec or from a CSV file.

Keys are compared stripped and, unless ``case_sensitive``, upper-cased; two keys that become
equal with different targets are a :class:`ConfigError` (the map would be ambiguous). A target
left empty (``"9": null`` or an empty cell) maps to null on purpose. A value absent from the
map follows ``unmapped``: ``quarantine`` (rule ``unmapped_value``, the default), ``keep`` (the
value goes on unchanged, to be checked by the dictionary) or ``null``. Lookups are one
``pyarrow.compute.index_in`` over the column.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from oncorwd.errors import ConfigError
from oncorwd.ingest.spec import MappingSpec, ValueMap

__all__ = ["CompiledMap", "ValueMaps", "compile_map"]


@dataclass(frozen=True)
class CompiledMap:
    name: str
    keys: pa.Array
    targets: pa.Array
    config: ValueMap

    def apply(self, values: pa.Array) -> tuple[pa.Array, np.ndarray]:
        """``(mapped values, unmapped mask)``; see the module docstring for ``unmapped``."""
        probe = pc.utf8_trim_whitespace(values)
        if not self.config.case_sensitive:
            probe = pc.utf8_upper(probe)
        index = pc.index_in(probe, value_set=self.keys)
        out = pc.take(self.targets, index)
        unmapped = pc.fill_null(pc.and_(pc.is_valid(values), pc.is_null(index)), False)
        mask = np.asarray(unmapped.to_numpy(zero_copy_only=False), dtype=bool)
        if self.config.unmapped == "keep":
            out = pc.if_else(unmapped, values, out)
        if self.config.unmapped != "quarantine":
            mask = np.zeros(len(values), dtype=bool)
        return out, mask


def _pairs(spec: MappingSpec, name: str, vm: ValueMap) -> list[tuple[str, str | None]]:
    if vm.values is not None:
        return [(str(k), None if v is None else str(v)) for k, v in vm.values.items()]
    from oncorwd.ingest.sources.csv import read_csv_table

    assert vm.file is not None and vm.from_ is not None and vm.to is not None
    path = spec.resolve(vm.file)
    if not path.is_file():
        raise ConfigError(f"value map {name}: file {path} not found",
                          hint="paths are relative to the spec file", path=str(path))
    table = read_csv_table(path, vm.sep)
    missing = [c for c in (vm.from_, vm.to) if c not in table.column_names]
    if missing:
        raise ConfigError(f"value map {name}: {path} has no column(s) {', '.join(missing)}",
                          hint="columns: " + ", ".join(table.column_names), path=str(path))
    return list(zip(table.column(vm.from_).to_pylist(), table.column(vm.to).to_pylist(),
                    strict=True))


def compile_map(spec: MappingSpec, name: str) -> CompiledMap:
    vm = spec.value_maps[name]
    seen: dict[str, str | None] = {}
    for raw_key, target in _pairs(spec, name, vm):
        if raw_key is None or not str(raw_key).strip():
            continue
        key = str(raw_key).strip() if vm.case_sensitive else str(raw_key).strip().upper()
        target = None if target is None or not str(target).strip() else str(target).strip()
        if key in seen and seen[key] != target:
            raise ConfigError(f"value map {name}: {raw_key!r} maps to both {seen[key]!r} and "
                              f"{target!r}", hint="keys are compared case-insensitively unless "
                              "case_sensitive: true")
        seen[key] = target
    return CompiledMap(name, pa.array(list(seen), pa.string()),
                       pa.array(list(seen.values()), pa.string()), vm)


class ValueMaps:
    """The spec's value maps, compiled on first use."""

    def __init__(self, spec: MappingSpec) -> None:
        self.spec = spec
        self._compiled: dict[str, CompiledMap] = {}

    def __getitem__(self, name: str) -> CompiledMap:
        if name not in self._compiled:
            self._compiled[name] = compile_map(self.spec, name)
        return self._compiled[name]
