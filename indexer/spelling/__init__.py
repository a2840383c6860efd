"""Spelling: typos and keyboard-mode slips, corrected from the index's own vocabulary.

Each generation carries its vocabulary as ``spelling.sqlite`` (document frequencies and edit-distance
buckets, :mod:`~indexer.spelling.lexicon`), written at index time by :func:`write_lexicon_file`;
:func:`check` turns the words a user typed into the words to search and a "did you mean"
(:mod:`~indexer.spelling.corrections`).

May use: :mod:`indexer.analysis` and :mod:`indexer.storage`. Used by :mod:`indexer.search` (corrections)
and :mod:`indexer.operations` (writing the file).
"""
from __future__ import annotations

from indexer.spelling.corrections import Check, check, lexicon_for
from indexer.spelling.lexicon import LEXICON_FIELDS, write_lexicon_file

__all__ = ["LEXICON_FIELDS", "Check", "check", "lexicon_for", "write_lexicon_file"]
