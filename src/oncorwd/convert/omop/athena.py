"""Read an Athena vocabulary download (the files athena.ohdsi.org gives a licensed user).

The folder holds tab-separated ``CONCEPT.csv``, ``CONCEPT_RELATIONSHIP.csv`` and optionally
``CONCEPT_ANCESTOR.csv``, ``VOCABULARY.csv``, ``DOMAIN.csv``, ``CONCEPT_CLASS.csv``,
``RELATIONSHIP.csv`` (dates as ``YYYYMMDD``, no quoting). DuckDB scans them in place: nothing is
loaded into Python but the few rows of the codes an export uses, so a full download (millions of
concepts) costs one scan per lookup, not memory.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb
import pyarrow as pa

from oncorwd.convert.omop.sources import VOCABULARIES
from oncorwd.errors import VocabularyError

if TYPE_CHECKING:
    from oncorwd.convert.omop.vocabulary import ConceptRow

__all__ = ["AthenaVocabulary"]

_REQUIRED = ("CONCEPT.csv", "CONCEPT_RELATIONSHIP.csv")
_META = {"Domain": ("DOMAIN.csv", "domain_id", "domain_concept_id"),
         "Vocabulary": ("VOCABULARY.csv", "vocabulary_id", "vocabulary_concept_id"),
         "Concept Class": ("CONCEPT_CLASS.csv", "concept_class_id", "concept_class_concept_id"),
         "Relationship": ("RELATIONSHIP.csv", "relationship_id", "relationship_concept_id")}


class AthenaVocabulary:
    """An Athena download in ``folder``; raises :class:`VocabularyError` when unusable."""

    def __init__(self, folder: str | Path) -> None:
        self.folder = Path(folder)
        missing = [f for f in _REQUIRED if not (self.folder / f).is_file()]
        if missing:
            raise VocabularyError(
                f"{self.folder} is not an Athena vocabulary folder (missing {', '.join(missing)})",
                hint="download the vocabularies from athena.ohdsi.org, unzip them and pass the "
                     "folder holding CONCEPT.csv", path=str(self.folder))
        self._con = duckdb.connect()
        try:
            for name in ("CONCEPT", "CONCEPT_RELATIONSHIP", *(m[0][:-4] for m in _META.values())):
                path = self.folder / f"{name}.csv"
                if path.is_file():
                    literal = "'" + str(path).replace("'", "''") + "'"
                    self._con.execute(
                        f"CREATE VIEW {name.lower()} AS SELECT * FROM read_csv({literal}, "
                        "delim='\t', header=true, quote='', escape='', all_varchar=true)")
            self._con.execute("SELECT concept_id, vocabulary_id, concept_code, standard_concept "
                              "FROM concept LIMIT 1").fetchall()
        except duckdb.Error as e:
            raise VocabularyError(f"cannot read the Athena files in {self.folder}: {e}",
                                  hint="pass the unzipped, tab-separated Athena download",
                                  path=str(self.folder)) from e

    def lookup(self, codes: Iterable[tuple[str, str]]) -> dict[tuple[str, str], tuple[int, int]]:
        """``(source vocabulary, code)`` → (standard concept, source concept) for the codes
        Athena knows: the concept itself when standard, else its valid ``Maps to`` target."""
        pairs = [(v, c, a) for v, c in codes for a in VOCABULARIES[v].athena]
        if not pairs:
            return {}
        wanted = pa.table({"src": [p[0] for p in pairs], "code": [p[1] for p in pairs],
                           "vocabulary_id": [p[2] for p in pairs]})
        self._con.register("wanted", wanted)
        rows = self._con.execute("""
            SELECT w.src, w.code, CAST(c.concept_id AS INTEGER) AS source_id,
                   CAST(CASE WHEN c.standard_concept = 'S' THEN c.concept_id
                        ELSE t.concept_id END AS INTEGER) AS target_id
            FROM wanted w
            JOIN concept c ON c.vocabulary_id = w.vocabulary_id AND c.concept_code = w.code
            LEFT JOIN concept_relationship r ON r.concept_id_1 = c.concept_id
                 AND r.relationship_id = 'Maps to' AND coalesce(r.invalid_reason, '') = ''
            LEFT JOIN concept t ON t.concept_id = r.concept_id_2 AND t.standard_concept = 'S'
            ORDER BY w.src, w.code, target_id NULLS LAST""").fetchall()
        self._con.unregister("wanted")
        out: dict[tuple[str, str], tuple[int, int]] = {}
        for src, code, source_id, target_id in rows:
            if target_id is not None and (src, code) not in out:
                out[(src, code)] = (int(target_id), int(source_id))
        return out

    def concept_rows(self, ids: set[int]) -> list[ConceptRow]:
        """The Athena CONCEPT rows of ``ids`` (those it has)."""
        from oncorwd.convert.omop.vocabulary import ConceptRow

        if not ids:
            return []
        self._con.register("ids", pa.table({"id": sorted(ids)}))
        rows = self._con.execute(
            "SELECT CAST(concept_id AS INTEGER), concept_name, domain_id, vocabulary_id, "
            "concept_class_id, nullif(standard_concept, ''), concept_code FROM concept "
            "WHERE CAST(concept_id AS INTEGER) IN (SELECT id FROM ids)").fetchall()
        self._con.unregister("ids")
        return [ConceptRow(int(r[0]), r[1][:255], r[2], r[3], r[4], r[5], r[6][:50])
                for r in rows]

    def meta_concept_id(self, kind: str, value: str) -> int | None:
        """The concept id Athena gives a domain/vocabulary/class/relationship, if it has one."""
        file, key, column = _META[kind]
        if not (self.folder / file).is_file():
            return None
        found = self._con.execute(f"SELECT {column} FROM {file[:-4].lower()} WHERE {key} = ?",
                                  [value]).fetchall()
        return int(found[0][0]) if found else None

    def close(self) -> None:
        self._con.close()
