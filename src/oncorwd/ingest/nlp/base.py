"""What every oncorwd rule component shares: its span group, extensions and discard list.

Components write their spans to ``doc.spans["oncorwd"]`` (kept in document order: edsnlp's
qualifiers walk spans and clause boundaries together and miss spans out of order), the fact in
``span._.oncorwd_fact``, and mentions they could not use to ``doc.spans["oncorwd_discarded"]``
with ``span._.oncorwd_reason``.
"""


from collections.abc import Iterable

from edsnlp.pipes.base import BaseNERComponent, SpanSetterArg
from spacy.tokens import Doc, Span

__all__ = ["DISCARDED", "SPAN_GROUP", "OncorwdComponent", "set_fact_extensions"]

SPAN_GROUP = "oncorwd"
DISCARDED = "oncorwd_discarded"


def set_fact_extensions() -> None:
    """Declare the span extensions every oncorwd component writes."""
    for extension in ("oncorwd_fact", "oncorwd_reason"):
        if not Span.has_extension(extension):
            Span.set_extension(extension, default=None)


def _extend(doc: Doc, group: str, spans: Iterable[Span]) -> None:
    current = list(doc.spans[group]) if group in doc.spans else []
    doc.spans[group] = sorted([*current, *spans], key=lambda s: (s.start, s.end))


class OncorwdComponent(BaseNERComponent):
    """Base of the oncorwd components: ``publish`` kept spans, ``discard`` the others."""

    def __init__(self, nlp: object = None, name: str = "oncorwd", *,
                 span_setter: SpanSetterArg = {SPAN_GROUP: True}) -> None:  # noqa: B006
        super().__init__(nlp=nlp, name=name, span_setter=span_setter)

    def set_extensions(self) -> None:
        super().set_extensions()
        set_fact_extensions()

    def publish(self, doc: Doc, kept: list[Span], lost: list[Span]) -> Doc:
        """Add ``kept`` to the oncorwd span group and ``lost`` to the discarded group."""
        if kept:
            _extend(doc, SPAN_GROUP, kept)
        if lost:
            _extend(doc, DISCARDED, lost)
        return doc
