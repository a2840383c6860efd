"""Storage: how an index lies on disk, and its generations.

The schema and the codec (posting blocks packed as arrays, field lengths read once), the segment
writer rebuilds use, reading posting lists and per-document columns as arrays, the generation folders
with their atomic switch and leases, the live generation a reader follows, and the SQLite lookup files
a generation carries. Every use of Whoosh's private internals goes through
:mod:`indexer.storage.whoosh_internals`, which lists what it assumes.

May use: :mod:`indexer.analysis` (the schema names its analyzers; the segment writer takes their fast
path) and :mod:`indexer.errors`. Used by every other room.
"""
from __future__ import annotations

from indexer.storage.bulkwriter import BulkWriter
from indexer.storage.doctable import DocTable
from indexer.storage.generations import (
    check_versions,
    clean_old_generations,
    current_generation,
    link_generation,
    new_generation_dir,
    open_generation,
    publish,
    read_meta,
    write_meta,
)
from indexer.storage.live import OPEN_ERRORS, READ_ERRORS, Generation, LiveIndex
from indexer.storage.postings import Positions, PostingCache, Postings
from indexer.storage.readers import ThreadSearchers
from indexer.storage.schema import (
    BIGRAM_WEIGHTS,
    FIELD_WEIGHTS,
    PHRASE_FIELDS,
    SCHEMA_VERSION,
    build_schema,
    index_codec,
)
from indexer.storage.sqlitefiles import FileMismatch, ThreadConnections, finish_database, open_stored, replace_file
from indexer.storage.whoosh_internals import (
    BM25F,
    FieldFacet,
    check_whoosh,
    segment_id,
    segment_ids,
)

__all__ = [
    "BIGRAM_WEIGHTS",
    "BM25F",
    "FIELD_WEIGHTS",
    "OPEN_ERRORS",
    "PHRASE_FIELDS",
    "READ_ERRORS",
    "SCHEMA_VERSION",
    "BulkWriter",
    "DocTable",
    "FieldFacet",
    "FileMismatch",
    "Generation",
    "LiveIndex",
    "Positions",
    "PostingCache",
    "Postings",
    "ThreadConnections",
    "ThreadSearchers",
    "build_schema",
    "check_versions",
    "check_whoosh",
    "clean_old_generations",
    "current_generation",
    "finish_database",
    "index_codec",
    "link_generation",
    "new_generation_dir",
    "open_generation",
    "open_stored",
    "publish",
    "read_meta",
    "replace_file",
    "segment_id",
    "segment_ids",
    "write_meta",
]
