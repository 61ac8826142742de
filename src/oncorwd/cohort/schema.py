"""The published JSON Schema of cohort definitions (``schema/cohort.schema.json``, generated)."""

from __future__ import annotations

import orjson

from oncorwd.cohort.model import CohortDefinition

__all__ = ["cohort_schema"]


def cohort_schema() -> str:
    """The JSON Schema text, stable (sorted keys) so the generated file diffs cleanly."""
    schema = CohortDefinition.model_json_schema(by_alias=True)
    schema["$comment"] = ("GENERATED from oncorwd.cohort.model.CohortDefinition; do not edit "
                          "by hand (oncorwd dictionary generate).")
    schema["title"] = "oncorwd cohort definition"
    return orjson.dumps(schema, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS).decode() + "\n"
