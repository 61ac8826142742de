"""Every generated file of the repository, from every package that generates one.

The dictionary generates the DDL, the OSIRIS RWD JSON Schema and the data-dictionary page; ingest
publishes the mapping-spec JSON Schema. ``oncorwd dictionary generate`` writes them all and a test
regenerates them and fails on any difference.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import orjson

from oncorwd.dictionary.generate import GENERATED_FILES as DICTIONARY_FILES

__all__ = ["GENERATED_FILES", "render_all", "write_all"]


def _mapping_schema() -> str:
    from oncorwd.ingest.spec import MappingSpec

    schema = MappingSpec.model_json_schema(by_alias=True)
    schema["$comment"] = "GENERATED from oncorwd.ingest.spec.MappingSpec; do not edit by hand."
    schema["title"] = "oncorwd mapping specification"
    return orjson.dumps(schema, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS).decode() + "\n"


def _cohort_schema() -> str:
    from oncorwd.cohort.schema import cohort_schema

    return cohort_schema()


#: Repository-relative path -> producer of its text.
GENERATED_FILES: dict[str, Callable[[], str]] = {
    **DICTIONARY_FILES,
    "schema/mapping.schema.json": _mapping_schema,
    "schema/cohort.schema.json": _cohort_schema,
}


def render_all() -> dict[str, str]:
    return {path: produce() for path, produce in GENERATED_FILES.items()}


def write_all(root: Path) -> list[Path]:
    """Write every generated file under ``root`` (the repository); returns what changed."""
    changed = []
    for rel, text in render_all().items():
        path = root / rel
        if path.exists() and path.read_text("utf-8") == text:
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, "utf-8")
        changed.append(path)
    return changed
