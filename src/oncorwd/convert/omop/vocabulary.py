"""Resolve source codes to concepts and build the vocabulary tables of the export.

Resolution order for one ``(source vocabulary, code)``:

1. an Athena download is given and holds the code → its standard concept (itself if standard,
   else its ``Maps to`` target); ``source_concept_id`` = the Athena source concept (``standard``);
2. the curated map (:mod:`oncorwd.terminology.omop_concepts`) holds it → that concept
   (``standard``);
3. the code is valid in oncorwd's terminology → a deterministic local concept in vocabulary
   ``OncoRWD`` (``local``);
4. otherwise concept 0, the source value kept (``unmapped``) and reported.

The CONCEPT rows written are exactly the concepts the export uses, closed over what the
vocabulary tables reference (each domain, vocabulary, class and relationship has its own concept).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import pyarrow as pa

from oncorwd.convert.omop import ddl
from oncorwd.convert.omop.athena import AthenaVocabulary
from oncorwd.convert.omop.sources import VOCABULARIES
from oncorwd.terminology import get_code_system
from oncorwd.terminology.omop_concepts import LOCAL_VOCABULARY, curated, local_concept_id

__all__ = ["ConceptMap", "ConceptRow", "constant", "resolve"]

_START, _END = dt.date(1970, 1, 1), dt.date(2099, 12, 31)


@dataclass(frozen=True, slots=True)
class ConceptRow:
    concept_id: int
    concept_name: str
    domain_id: str
    vocabulary_id: str
    concept_class_id: str
    standard_concept: str | None
    concept_code: str


def constant(key: str) -> int:
    """A curated concept id by key (``type:ehr``, ``field:measurement_id``…)."""
    return curated()[key].concept_id


@dataclass
class ConceptMap:
    """The resolved codes and every concept row the export needs."""

    rows: dict[tuple[str, str], tuple[int, int, str]] = field(default_factory=dict)
    concepts: dict[int, ConceptRow] = field(default_factory=dict)
    ancestors: set[tuple[int, int, int]] = field(default_factory=set)
    athena_used: bool = False
    collisions: int = 0

    def cmap(self) -> pa.Table:
        """(vocabulary, code, concept_id, source_concept_id, status) for the chunk SQL."""
        keys = list(self.rows)
        return pa.table({
            "vocabulary": [k[0] for k in keys], "code": [k[1] for k in keys],
            "concept_id": pa.array([self.rows[k][0] for k in keys], pa.int32()),
            "source_concept_id": pa.array([self.rows[k][1] for k in keys], pa.int32()),
            "status": [self.rows[k][2] for k in keys]})

    def add(self, row: ConceptRow) -> None:
        self.concepts.setdefault(row.concept_id, row)


def _local(cm: ConceptMap, vocab: str, code: str, name: str | None, domain: str,
           klass: str) -> int:
    salt = 0
    while True:
        cid = local_concept_id(vocab, code, salt)
        existing = cm.concepts.get(cid)
        if existing is None or (existing.concept_code == code[:50]
                                and existing.concept_class_id == klass[:20]):
            break
        salt += 1
        cm.collisions += 1
    cm.add(ConceptRow(cid, (name or code)[:255], domain, LOCAL_VOCABULARY, klass[:20], "S",
                      code[:50]))
    return cid


def _curated_row(key: str) -> ConceptRow:
    c = curated()[key]
    return ConceptRow(c.concept_id, c.concept_name, c.domain_id, c.vocabulary_id,
                      c.concept_class_id, c.standard_concept, c.concept_code)


def resolve(codes: Iterable[tuple[str, str]], athena: AthenaVocabulary | None = None
            ) -> ConceptMap:
    """Resolve distinct ``(source vocabulary, code)`` pairs (see the module docstring)."""
    cm = ConceptMap(athena_used=athena is not None)
    for key in curated():
        cm.add(_curated_row(key))
    wanted = sorted(set(codes))
    found = athena.lookup(wanted) if athena is not None else {}
    for vocab, code in wanted:
        cm.rows[(vocab, code)] = _resolve_one(cm, vocab, code, found, athena)
    _ancestors(cm)
    if athena is not None:
        used = {c for c in cm.concepts if c < 2_000_000_000}
        used |= {i for target, source, _ in cm.rows.values() for i in (target, source)}
        for row in athena.concept_rows(used):
            cm.concepts[row.concept_id] = row
    _close_metadata(cm, athena)
    return cm


def _resolve_one(cm: ConceptMap, vocab: str, code: str,
                 found: dict[tuple[str, str], tuple[int, int]],
                 athena: AthenaVocabulary | None) -> tuple[int, int, str]:
    if (vocab, code) in found:
        target, source = found[(vocab, code)]
        return target, source, "standard"
    key = f"{vocab}:{code}"
    if key in curated():
        cid = curated()[key].concept_id
        return cid, cid, "standard"
    spec = VOCABULARIES[vocab]
    if not spec.valid(code):
        return 0, 0, "unmapped"
    cid = _local(cm, vocab, code, spec.label(code), spec.domain, spec.concept_class)
    return cid, cid, "local"


def _ancestors(cm: ConceptMap) -> None:
    """Self rows for every concept, plus what oncorwd knows of the hierarchies: ATC classes
    above each drug, and each ICD-O-3 histology and 3-character site above each cancer."""
    for cid in list(cm.concepts):
        cm.ancestors.add((cid, cid, 0))
    atc = get_code_system("atc")
    for (vocab, code), (cid, _src, status) in list(cm.rows.items()):
        if status != "local":
            continue
        if vocab == "ATC":
            for level, parent in enumerate(atc.ancestors(code), start=1):
                label = atc.label(parent, "en")
                pid = _local(cm, "ATC", parent, label, "Drug", f"ATC {len(parent)}")
                cm.ancestors.update({(pid, pid, 0), (pid, cid, level)})
        elif vocab == "ICDO3":
            morph, _, topo = code.partition("-")
            for src, part in (("ICDO3-M", morph), ("ICDO3-T", topo[:3])):
                spec = VOCABULARIES[src]
                pid = _local(cm, src, part, spec.label(part), "Condition", spec.concept_class)
                cm.ancestors.update({(pid, pid, 0), (pid, cid, 1)})


def _close_metadata(cm: ConceptMap, athena: AthenaVocabulary | None) -> None:
    """Every domain, vocabulary and concept class used gets a row, whose own concept exists."""
    for _ in range(3):
        for kind, attr in (("Domain", "domain_id"), ("Vocabulary", "vocabulary_id"),
                           ("Concept Class", "concept_class_id")):
            for value in {getattr(r, attr) for r in list(cm.concepts.values())}:
                meta_concept(cm, kind, value, athena)
        for rel in RELATIONSHIPS:
            meta_concept(cm, "Relationship", rel, athena)


def meta_concept(cm: ConceptMap, kind: str, value: str,
                 athena: AthenaVocabulary | None = None) -> int:
    """The concept of a domain/vocabulary/class/relationship: Athena's when given, else local."""
    if athena is not None:
        cid = athena.meta_concept_id(kind, value)
        if cid is not None and cid not in cm.concepts:
            for row in athena.concept_rows({cid}):
                cm.add(row)
        if cid is not None and cid in cm.concepts:
            return cid
    return _local(cm, f"meta:{kind}", value, value, "Metadata", kind)


#: relationship_id → (name, is_hierarchical, defines_ancestry, reverse)
RELATIONSHIPS: dict[str, tuple[str, str, str, str]] = {
    "Maps to": ("Non-standard to Standard map (OMOP)", "0", "0", "Mapped from"),
    "Mapped from": ("Standard to Non-standard map (OMOP)", "0", "0", "Maps to"),
    "Is a": ("Is a", "1", "1", "Subsumes"),
    "Subsumes": ("Subsumes", "1", "1", "Is a"),
}


def vocabulary_tables(cm: ConceptMap, vocabulary_version: str,
                      athena: AthenaVocabulary | None = None) -> dict[str, pa.Table]:
    """CONCEPT, DOMAIN, VOCABULARY, CONCEPT_CLASS, RELATIONSHIP, CONCEPT_RELATIONSHIP,
    CONCEPT_ANCESTOR and SOURCE_TO_CONCEPT_MAP, typed as the official DDL."""
    rows = sorted(cm.concepts.values(), key=lambda r: r.concept_id)
    out = {"concept": _table("concept", {
        "concept_id": [r.concept_id for r in rows], "concept_name": [r.concept_name for r in rows],
        "domain_id": [r.domain_id for r in rows], "vocabulary_id": [r.vocabulary_id for r in rows],
        "concept_class_id": [r.concept_class_id for r in rows],
        "standard_concept": [r.standard_concept for r in rows],
        "concept_code": [r.concept_code for r in rows],
        "valid_start_date": [_START] * len(rows), "valid_end_date": [_END] * len(rows),
        "invalid_reason": [None] * len(rows)})}
    out.update(_meta_tables(cm, rows, vocabulary_version, athena))
    out["concept_relationship"] = _relationships(cm)
    anc = sorted(cm.ancestors)
    out["concept_ancestor"] = _table("concept_ancestor", {
        "ancestor_concept_id": [a for a, _, _ in anc],
        "descendant_concept_id": [d for _, d, _ in anc],
        "min_levels_of_separation": [n for _, _, n in anc],
        "max_levels_of_separation": [n for _, _, n in anc]})
    out["source_to_concept_map"] = _source_to_concept(cm)
    return out


def _meta_tables(cm: ConceptMap, rows: list[ConceptRow], version: str,
                 athena: AthenaVocabulary | None) -> dict[str, pa.Table]:
    domains = sorted({r.domain_id for r in rows})
    vocabs = sorted({r.vocabulary_id for r in rows})
    classes = sorted({r.concept_class_id for r in rows})
    rels = sorted(RELATIONSHIPS)
    return {
        "domain": _table("domain", {
            "domain_id": domains, "domain_name": domains,
            "domain_concept_id": [meta_concept(cm, "Domain", d, athena) for d in domains]}),
        "vocabulary": _table("vocabulary", {
            "vocabulary_id": vocabs,
            "vocabulary_name": ["oncorwd local concepts" if v == LOCAL_VOCABULARY else v
                                for v in vocabs],
            "vocabulary_reference": ["https://github.com/oncorwd" if v == LOCAL_VOCABULARY
                                     else None for v in vocabs],
            "vocabulary_version": [version if v == LOCAL_VOCABULARY else None for v in vocabs],
            "vocabulary_concept_id": [meta_concept(cm, "Vocabulary", v, athena)
                                      for v in vocabs]}),
        "concept_class": _table("concept_class", {
            "concept_class_id": classes, "concept_class_name": classes,
            "concept_class_concept_id": [meta_concept(cm, "Concept Class", c, athena)
                                         for c in classes]}),
        "relationship": _table("relationship", {
            "relationship_id": rels, "relationship_name": [RELATIONSHIPS[r][0] for r in rels],
            "is_hierarchical": [RELATIONSHIPS[r][1] for r in rels],
            "defines_ancestry": [RELATIONSHIPS[r][2] for r in rels],
            "reverse_relationship_id": [RELATIONSHIPS[r][3] for r in rels],
            "relationship_concept_id": [meta_concept(cm, "Relationship", r, athena)
                                        for r in rels]}),
    }


def _relationships(cm: ConceptMap) -> pa.Table:
    pairs = {(s, t, "Maps to") for s, t, _ in
             ((v[1], v[0], v[2]) for v in cm.rows.values()) if s and t and s != t}
    pairs |= {(t, s, "Mapped from") for s, t, _ in list(pairs)}
    pairs |= {(d, a, "Is a") for a, d, n in cm.ancestors if n == 1}
    pairs |= {(a, d, "Subsumes") for a, d, n in cm.ancestors if n == 1}
    ordered = sorted(pairs)
    n = len(ordered)
    return _table("concept_relationship", {
        "concept_id_1": [p[0] for p in ordered], "concept_id_2": [p[1] for p in ordered],
        "relationship_id": [p[2] for p in ordered], "valid_start_date": [_START] * n,
        "valid_end_date": [_END] * n, "invalid_reason": [None] * n})


def _source_to_concept(cm: ConceptMap) -> pa.Table:
    keys = sorted(k for k, v in cm.rows.items() if v[0])
    n = len(keys)
    return _table("source_to_concept_map", {
        "source_code": [k[1][:50] for k in keys],
        "source_concept_id": [cm.rows[k][1] for k in keys],
        "source_vocabulary_id": [LOCAL_VOCABULARY] * n,
        "source_code_description": [f"{k[0]} {k[1]}"[:255] for k in keys],
        "target_concept_id": [cm.rows[k][0] for k in keys],
        "target_vocabulary_id": [cm.concepts[cm.rows[k][0]].vocabulary_id for k in keys],
        "valid_start_date": [_START] * n, "valid_end_date": [_END] * n,
        "invalid_reason": [None] * n})


def _table(name: str, columns: dict[str, Sequence[object]]) -> pa.Table:
    schema = ddl.arrow_schema(name)
    return pa.table({f.name: pa.array(columns[f.name], f.type) for f in schema}, schema=schema)
