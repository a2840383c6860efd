"""The indexer: corpus → Whoosh index generations, and the search API over the live one.

Data flows ``corpus → indexer → web``; the indexer never imports the crawler or the web app, and the
web app and the benchmarks use only the names below. Inside, one room per job, each using only the
rooms below it (``tests/test_architecture.py`` holds them to it)::

    operations/   rebuild, update, verify: corpus → generations      ┐
    search/       a query → ranked, highlighted results              ├─ top: use the rooms below
    suggest/      completions as you type (and their file)           ┐
    spelling/     typos and keyboard slips (and the vocabulary file) ├─ middle: use storage, analysis
    storage/      the on-disk format, generations, Whoosh's internals ── uses analysis
    analysis/     text → terms (Korean morphemes, English stems, bigrams)
"""
from __future__ import annotations

from indexer.analysis import ANALYSIS_VERSION, bigram_analyzer, text_analyzer
from indexer.errors import BuildError, IndexerError, IndexLocked, IndexNotFound, SchemaMismatch
from indexer.operations import (
    BuildReport,
    UpdateReport,
    VerifyReport,
    index_fields,
    rebuild,
    update,
    verify,
)
from indexer.search import DocSummary, Hit, LabSummary, SearchIndex, SearchResults, query_terms
from indexer.suggest import Suggestion

__all__ = [
    "ANALYSIS_VERSION",
    "BuildError",
    "BuildReport",
    "DocSummary",
    "Hit",
    "IndexLocked",
    "IndexNotFound",
    "IndexerError",
    "LabSummary",
    "SchemaMismatch",
    "SearchIndex",
    "SearchResults",
    "Suggestion",
    "UpdateReport",
    "VerifyReport",
    "bigram_analyzer",
    "index_fields",
    "query_terms",
    "rebuild",
    "text_analyzer",
    "update",
    "verify",
]
