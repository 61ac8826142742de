"""What every OMOP writer does."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from pathlib import Path

import pyarrow as pa

__all__ = ["Writer"]


class Writer(ABC):
    #: Where the coverage report goes (None: only in the result).
    report_path: Path | None = None

    @abstractmethod
    def open(self) -> None: ...

    @abstractmethod
    def write_vocabulary(self, tables: Mapping[str, pa.Table]) -> None:
        """The vocabulary tables, which reference each other in a cycle: written together."""

    @abstractmethod
    def write(self, table: str, batch: pa.Table) -> None: ...

    def end_chunk(self) -> None:  # noqa: B027 - optional hook
        """Called after each chunk of patients: release what the target cached for it."""

    @abstractmethod
    def close(self) -> None: ...

    def abort(self) -> None:  # noqa: B027 - optional hook
        """Undo what can be undone after a failure."""
