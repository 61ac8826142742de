"""The ``oncorwd.sentence_fix`` component: no sentence break inside ``p.V600E``.

eds.sentences ends a sentence at a full stop followed by a capital letter, which splits HGVS
protein notation (``BRAF p.V600E``) in two; this component, placed right after it, joins them
back so the variant stays in its gene's sentence.
"""


from edsnlp.core import registry
from edsnlp.pipes.base import BaseComponent
from spacy.tokens import Doc

__all__ = ["ProteinNotationSentenceFix"]


class ProteinNotationSentenceFix(BaseComponent):
    """Removes the sentence start after ``p.`` when the next token is glued to it."""

    def __init__(self, nlp: object = None, name: str = "oncorwd_sentence_fix") -> None:
        super().__init__(nlp=nlp, name=name)

    def __call__(self, doc: Doc) -> Doc:
        for token in doc[2:]:
            dot, p = token.nbor(-1), token.nbor(-2)
            if (dot.text == "." and p.lower_ == "p" and not p.whitespace_
                    and not dot.whitespace_ and token.is_sent_start):
                token.is_sent_start = False
        return doc


create_component = registry.factory.register(
    "oncorwd.sentence_fix", assigns=["token.is_sent_start"])(ProteinNotationSentenceFix)
