"""The index-time fast path: the terms the analyzers yield, as plain lists, without Token objects."""
from __future__ import annotations

from indexer.analysis.bigram import bigrams


def index_terms(value: str) -> tuple[list[str], list[int]]:
    """The texts and positions ``text_analyzer()(value, positions=True, mode="index")`` yields."""
    from indexer.analysis import text_analyzer

    texts: list[str] = []
    positions: list[int] = []
    for token in text_analyzer()(value, positions=True, mode="index"):
        texts.append(token.text)
        positions.append(token.pos)
    return texts, positions


def bigram_terms(value: str) -> list[str]:
    """The texts ``bigram_analyzer()(value)`` yields."""
    return [gram for gram, _, _ in bigrams(value)]
