"""Precision and recall per field, comparing facts read with a ground truth.

Both sides are sets of ``(field, value)`` pairs per document (the vocabulary of
:mod:`oncorwd.ingest.nlp.facts`): a pair read and in the truth is a true positive, read and not
in the truth a false positive, in the truth and not read a false negative. Scores are micro
averages over documents; ``all`` pools every field.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

__all__ = ["FieldScore", "score"]

Pair = tuple[str, str]


@dataclass(frozen=True, slots=True)
class FieldScore:
    """Counts and scores of one field (an empty side scores 1.0: nothing to miss or invent)."""

    field: str
    tp: int
    fp: int
    fn: int

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict[str, float | int]:
        return {"support": self.tp + self.fn, "tp": self.tp, "fp": self.fp, "fn": self.fn,
                "precision": round(self.precision, 4), "recall": round(self.recall, 4),
                "f1": round(self.f1, 4)}


def score(predicted: Mapping[str, Iterable[Pair]],
          truth: Mapping[str, Iterable[Pair]]) -> dict[str, FieldScore]:
    """Scores per field (sorted) plus ``all``; documents missing on one side count as empty."""
    counts: dict[str, Counter[str]] = {"tp": Counter(), "fp": Counter(), "fn": Counter()}
    for doc_id in set(predicted) | set(truth):
        got, want = set(predicted.get(doc_id, ())), set(truth.get(doc_id, ()))
        for name, pairs in (("tp", got & want), ("fp", got - want), ("fn", want - got)):
            counts[name].update(field for field, _ in pairs)
    fields = sorted(set().union(*counts.values()))
    out = {f: FieldScore(f, counts["tp"][f], counts["fp"][f], counts["fn"][f]) for f in fields}
    out["all"] = FieldScore("all", *(sum(counts[k].values()) for k in ("tp", "fp", "fn")))
    return out
