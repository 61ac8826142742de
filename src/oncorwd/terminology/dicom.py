"""DICOM modalities (attribute Modality (0008,0060)), as found in PACS metadata of imaging."""

from __future__ import annotations

import re

from oncorwd.terminology._base import CodeSystem

__all__ = ["DicomModality"]


class DicomModality(CodeSystem):
    """DICOM defined terms for modality: ``CT``, ``MR``, ``PT``, ``RTSTRUCT``..."""

    name = "dicom_modality"
    title = "DICOM modality"
    pattern = re.compile(r"[A-Z0-9]{2,16}")
    example = "CT"
    data_file = "dicom_modality.csv"
