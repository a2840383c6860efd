"""The indexer: corpus → Whoosh index generations, and the search API over the live one.

Data flows ``corpus → indexer → web``; the indexer never imports the crawler or the web app.
"""
from __future__ import annotations

from indexer.build import BuildReport, rebuild
from indexer.errors import BuildError, IndexerError, IndexLocked, IndexNotFound, SchemaMismatch
from indexer.related import DocSummary, LabSummary
from indexer.searching import Hit, SearchIndex, SearchResults
from indexer.suggest import Suggestion
from indexer.update import UpdateReport, update
from indexer.verify import VerifyReport, verify

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
