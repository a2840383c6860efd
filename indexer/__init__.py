"""The indexer: corpus → Whoosh index generations, and the search API over the live one.

Data flows ``corpus → indexer → web``; the indexer never imports the crawler or the web app.
"""
from __future__ import annotations

from indexer.errors import BuildError, IndexerError, IndexLocked, IndexNotFound, SchemaMismatch
from indexer.operations.rebuild import BuildReport, rebuild
from indexer.operations.update import UpdateReport, update
from indexer.operations.verify import VerifyReport, verify
from indexer.search.index import Hit, SearchIndex, SearchResults
from indexer.search.related import DocSummary, LabSummary
from indexer.suggest.complete import Suggestion

__all__ = [
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
    "rebuild",
    "update",
    "verify",
]
