"""Helpers for the NLP tests: read one text with the shared pipeline."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from oncorwd.ingest.nlp import Document, DocumentFacts, extract

DOC_DATE = dt.date(2021, 3, 12)


def read(text: str, date: dt.date | None = DOC_DATE, source_type: str = "4") -> DocumentFacts:
    return extract([Document("D1", "P1", text, date, source_type)]).documents[0]


@pytest.fixture
def read_doc() -> Callable[..., DocumentFacts]:
    """``read_doc(text, date=2021-03-12, source_type="4")`` → the document's facts."""
    return read


@pytest.fixture
def pairs() -> Callable[[str], set[tuple[str, str]]]:
    """The (field, value) pairs read in a text dated 2021-03-12."""
    return lambda text: read(text).pairs()
