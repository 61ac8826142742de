"""The cohort variables, one module per dictionary category, each a SQL builder.

``CATEGORIES`` maps a category name (as in ``variables.yaml``) to a function
``sql(env) -> str`` returning one row per cohort cancer: ``cancer_id`` and exactly the
variables of that category, computed as their ``derivation`` text says. The
``cohort_variables`` step materialises each and joins them on ``cancer_id``.
"""

from __future__ import annotations

from collections.abc import Callable

from oncorwd.ingest.derive.variables import (
    biomarkers,
    comorbidities,
    data_availability,
    demographics,
    diagnosis,
    disease_course,
    general_status,
    outcomes,
    risk_factors,
    staging,
    treatments,
)
from oncorwd.ingest.derive.variables._sql import VariableEnv

__all__ = ["CATEGORIES", "VariableEnv"]

CATEGORIES: dict[str, Callable[[VariableEnv], str]] = {
    "demographics": demographics.sql,
    "diagnosis": diagnosis.sql,
    "staging": staging.sql,
    "general_status": general_status.sql,
    "risk_factors": risk_factors.sql,
    "comorbidities": comorbidities.sql,
    "biomarkers": biomarkers.sql,
    "treatments": treatments.sql,
    "disease_course": disease_course.sql,
    "outcomes": outcomes.sql,
    "data_availability": data_availability.sql,
}
