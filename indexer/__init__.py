"""The indexer: corpus → Whoosh index generations, and the search API over the live one.

Data flows ``corpus → indexer → web``; the indexer never imports the crawler or the web app.
"""
from __future__ import annotations

from indexer.build import BuildReport, rebuild
from indexer.errors import BuildError, IndexerError, IndexLocked, IndexNotFound, SchemaMismatch
from indexer.searching import Hit, SearchIndex, SearchResults

__all__ = [
    "BuildError",
    "BuildReport",
    "Hit",
    "IndexLocked",
    "IndexNotFound",
    "IndexerError",
    "SchemaMismatch",
    "SearchIndex",
    "SearchResults",
    "rebuild",
]
