"""Code systems for oncology real-world data: curated subsets shipped, full terminologies loadable.

Every terminology OSIRIS RWD, OMOP and mCODE rely on is a :class:`CodeSystem` registered by name::

    >>> from oncorwd.terminology import get_code_system
    >>> topo = get_code_system("icdo3_topography")
    >>> topo.normalize("C504"), topo.validate("C50.4"), topo.label("C50.4", "fr")
    ('C50.4', True, 'Quadrant supéro-externe du sein')
    >>> get_code_system("atc").is_a("L01XC18", "L01F*")  # pembrolizumab, old code, new class
    True

Names: ``icdo3_topography``, ``icdo3_morphology``, ``icd10``, ``atc``, ``ccam``, ``loinc``,
``oncorwd_technique`` (local), ``tnm_t``, ``tnm_n``, ``tnm_m``, ``dicom_modality``,
``snomed_oncology`` and ``finess``. Each answers ``validate``, ``normalize``, ``label``, ``is_a``,
``children`` and, for whole columns, ``validate_many`` / ``normalize_many``.

Shipped lists are curated subsets of what may be redistributed (see ``data/README.md``). A site
licensed for a full terminology loads it with :func:`load_code_system_file`, or sets the
environment variable ``ONCORWD_TERMINOLOGY_DIR`` to a directory where each ``<name>.csv`` (columns
``code`` and optionally ``label`` and ``label_fr``) is loaded the first time that system is used.
"""

from oncorwd.terminology._base import CodeSystem, Concept
from oncorwd.terminology.atc import current as atc_current
from oncorwd.terminology.atc import is_antineoplastic
from oncorwd.terminology.ccam import ccam_group
from oncorwd.terminology.iarc import (
    HistologyGroup,
    TopographyGroup,
    morphology_group,
    same_histology_group,
    same_topography_group,
    topography_group,
)
from oncorwd.terminology.icd10 import icd10_to_icdo3_topography
from oncorwd.terminology.icdo3 import behaviour, recode_behaviour
from oncorwd.terminology.loinc import Biomarker, biomarker_by_name, biomarker_of, biomarkers
from oncorwd.terminology.performance import ecog_to_karnofsky_range, karnofsky_to_ecog
from oncorwd.terminology.registry import (
    TERMINOLOGY_DIR_ENV,
    code_system_names,
    get_code_system,
    load_code_system_file,
    register_code_system,
    reset_code_systems,
)
from oncorwd.terminology.snomed import TUMOUR_SIZE_METHODS, snomed_codes_in
from oncorwd.terminology.tnm import (
    OSIRIS_STAGE_GROUPS,
    TnmValue,
    m_to_flag,
    parse_tnm,
    split_tnm,
    stage_group_to_osiris,
)

__all__ = [
    "OSIRIS_STAGE_GROUPS",
    "TERMINOLOGY_DIR_ENV",
    "TUMOUR_SIZE_METHODS",
    "Biomarker",
    "CodeSystem",
    "Concept",
    "HistologyGroup",
    "TnmValue",
    "TopographyGroup",
    "atc_current",
    "behaviour",
    "biomarker_by_name",
    "biomarker_of",
    "biomarkers",
    "ccam_group",
    "code_system_names",
    "ecog_to_karnofsky_range",
    "get_code_system",
    "icd10_to_icdo3_topography",
    "is_antineoplastic",
    "karnofsky_to_ecog",
    "load_code_system_file",
    "m_to_flag",
    "morphology_group",
    "parse_tnm",
    "recode_behaviour",
    "register_code_system",
    "reset_code_systems",
    "same_histology_group",
    "same_topography_group",
    "snomed_codes_in",
    "split_tnm",
    "stage_group_to_osiris",
    "topography_group",
]
