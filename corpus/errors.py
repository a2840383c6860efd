"""Exceptions of the corpus package.

CorpusError
 └── RecordError   one stored record is unreadable (truncated, not UTF-8, missing fields)
"""
from __future__ import annotations


class CorpusError(Exception):
    """Base class for corpus failures."""


class RecordError(CorpusError):
    """A single record could not be decoded; the rest of the corpus is still usable."""
