"""Exceptions of the indexer.

IndexerError
 ├── IndexNotFound      no index has been built at that path yet
 ├── SchemaMismatch     the index was built by another schema/analysis version: rebuild needed
 ├── IndexLocked        another writer holds the index lock past the timeout
 ├── BuildError         building failed (disk full, read-only folder …); the live index is untouched
 └── WhooshMismatch     the installed Whoosh is not the release the storage format was written against
"""
from __future__ import annotations


class IndexerError(Exception):
    """Base class for indexer failures."""


class IndexNotFound(IndexerError):
    pass


class SchemaMismatch(IndexerError):
    pass


class IndexLocked(IndexerError):
    pass


class BuildError(IndexerError):
    pass


class WhooshMismatch(IndexerError):
    pass
