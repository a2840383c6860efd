"""Ranking: BM25F over the weighted fields, times a per-document prior stored at index time.

The prior (``doc_rank``, stored as a percentage, 25–100) lowers pages that mostly list other pages (home, tag and author
listings repeat every post's title and summary) and nearly empty READMEs, which BM25's length
normalisation would otherwise push up.
"""
from __future__ import annotations

import threading
from typing import Any

from indexer.storage import BM25F

#: BM25F parameters (B: length normalisation, K1: term-frequency saturation), tuned with `python -m eval.tune`.
BM25_B = 0.5
BM25_K1 = 2.0


class PriorBM25F(BM25F):  # type: ignore[misc]
    use_final = True

    def __init__(self, B: float = BM25_B, K1: float = BM25_K1, **field_b: float) -> None:
        super().__init__(B=B, K1=K1, **field_b)
        self._local = threading.local()

    def _priors(self, searcher: Any) -> Any:
        cache = getattr(self._local, "cache", None)
        reader = searcher.reader()
        if cache is None or cache[0] is not reader:
            column = reader.column_reader("doc_rank") if reader.has_column("doc_rank") else None
            cache = self._local.cache = (reader, column)
        return cache[1]

    def final(self, searcher: Any, docnum: int, score: float) -> float:
        column = self._priors(searcher)
        if column is None:
            return score
        prior = column[docnum]
        return score * prior / 100.0 if prior else score
