"""The cohort engine: definitions (typed AST + JSON Schema), compilation to SQL per engine,
execution on a site store, attrition and characterisation.

::

    from oncorwd.cohort import compile_cohort, load_definition, run_cohort

    d = load_definition("examples/cohorts/egfr_nsclc_osimertinib.yaml")
    print(compile_cohort(d).sql("postgres", pretty=True))
    with open_store(url) as store:
        result = run_cohort(store, d)        # count, attrition, patient list (stays at the site)
"""

from oncorwd.cohort.compiler import CompiledCohort, Step, compile_cohort
from oncorwd.cohort.model import CohortDefinition
from oncorwd.cohort.validate import check_definition, load_definition, parse_definition

__all__ = [
    "CohortDefinition",
    "CompiledCohort",
    "Step",
    "check_definition",
    "compile_cohort",
    "load_definition",
    "parse_definition",
]
