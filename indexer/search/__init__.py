"""Search: a query from the text a user typed to ranked, highlighted, faceted results.

:class:`SearchIndex` follows the live generation and answers searches, suggestions, related documents and
lab listings. A search parses the text (:mod:`~indexer.search.query`), corrects it (:mod:`indexer.spelling`),
expands it across languages (:mod:`~indexer.search.expand`), scores it over whole posting lists
(:mod:`~indexer.search.scorer`, BM25F with a prior: :mod:`~indexer.search.scoring`), cuts snippets
(:mod:`~indexer.search.snippets`) and caches the finished page (:mod:`~indexer.search.cache`).

May use: :mod:`indexer.analysis`, :mod:`indexer.storage`, :mod:`indexer.spelling`, :mod:`indexer.suggest`.
Used by the package's public API only.
"""
from __future__ import annotations

from indexer.search.index import SearchIndex
from indexer.search.query import query_terms
from indexer.search.related import DocSummary, LabSummary
from indexer.search.results import Hit, SearchResults

__all__ = ["DocSummary", "Hit", "LabSummary", "SearchIndex", "SearchResults", "query_terms"]
