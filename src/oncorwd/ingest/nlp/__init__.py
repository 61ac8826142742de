"""Reading French oncology reports with edsnlp: biomarkers, performance status, progression, TNM.

Public API::

    from oncorwd.ingest.nlp import Document, extract

    result = extract([Document("DOC1", "P1", text, date, source_type="4")])
    result.documents[0].facts        # typed facts with character spans
    result.pairs()                   # {document_id: {(field, value), ...}}
    out = result.tables()            # out.tables: biomarker, general_status, progression,
                                     # cancer_tnm (pyarrow, dictionary schemas); out.problems

The pipeline (:func:`build_pipeline`) is edsnlp's ``eds`` blank model with eds.normalizer,
eds.sentences, eds.tnm, eds.dates, the oncorwd rule components (``oncorwd.biomarkers``,
``oncorwd.performance_status``, ``oncorwd.progression``, ``oncorwd.tnm``, registered in edsnlp's
factory registry) and the qualifiers eds.negation, eds.hypothesis, eds.family and eds.history.
Rules are data tables (:mod:`.biomarker_rules`, :mod:`.clinical_rules`). ADICAP codes are not
transcoded to ICD-O-3: no transcoding table is shipped.
"""

from oncorwd.ingest.nlp.evaluate import FieldScore, score
from oncorwd.ingest.nlp.extract import (
    SOURCE_TYPES,
    Document,
    DocumentLike,
    ExtractionResult,
    extract,
    read_document,
)
from oncorwd.ingest.nlp.facts import (
    BiomarkerFact,
    Discarded,
    DocumentFacts,
    Fact,
    PartialDate,
    PerformanceStatusFact,
    ProgressionFact,
    TextSpan,
    TnmFact,
)
from oncorwd.ingest.nlp.pipeline import build_pipeline, default_pipeline
from oncorwd.ingest.nlp.tables import NlpTables, loinc_for, to_tables

__all__ = [
    "SOURCE_TYPES",
    "BiomarkerFact",
    "Discarded",
    "Document",
    "DocumentFacts",
    "DocumentLike",
    "ExtractionResult",
    "Fact",
    "FieldScore",
    "NlpTables",
    "PartialDate",
    "PerformanceStatusFact",
    "ProgressionFact",
    "TextSpan",
    "TnmFact",
    "build_pipeline",
    "default_pipeline",
    "extract",
    "loinc_for",
    "read_document",
    "score",
    "to_tables",
]
