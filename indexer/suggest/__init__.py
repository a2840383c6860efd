"""Suggestions as you type: titles, labs, repositories and frequent terms, matched by prefix.

What can be suggested is gathered at index time (:mod:`~indexer.suggest.terms`, :mod:`~indexer.suggest.entries`)
and written to each generation's ``suggest.sqlite`` (:mod:`~indexer.suggest.store`); an opened
generation's suggester reads that file in place (:func:`suggester_for`), matching Korean as it is typed
(jamo and 초성 keys, :mod:`~indexer.suggest.keys`).

May use: :mod:`indexer.analysis` and :mod:`indexer.storage`. Used by :mod:`indexer.search` (answering)
and :mod:`indexer.operations` (writing and patching the file).
"""
from __future__ import annotations

from indexer.suggest.complete import complete
from indexer.suggest.entries import Suggestion
from indexer.suggest.keys import choseong, is_choseong_query
from indexer.suggest.store import patch_suggestions, read_sources, read_stats, write_suggestions
from indexer.suggest.suggester import suggester_for
from indexer.suggest.terms import DocSource, SuggestionData, TermStats, document_terms, gather, term_text, with_terms

__all__ = [
    "DocSource",
    "Suggestion",
    "SuggestionData",
    "TermStats",
    "choseong",
    "complete",
    "document_terms",
    "gather",
    "is_choseong_query",
    "patch_suggestions",
    "read_sources",
    "read_stats",
    "suggester_for",
    "term_text",
    "with_terms",
    "write_suggestions",
]
