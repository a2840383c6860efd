"""The corpus: crawled documents on disk, shared by the crawler (writer) and the indexer (reader).

Data flows ``crawler → corpus ← indexer``; this package imports neither of them.
"""
from __future__ import annotations

from corpus.errors import CorpusError, RecordError
from corpus.record import KINDS, Document, content_hash, normalize_text
from corpus.store import Corpus, ReadReport

__all__ = [
    "KINDS",
    "Corpus",
    "CorpusError",
    "Document",
    "ReadReport",
    "RecordError",
    "content_hash",
    "normalize_text",
]
