"""Mining: what the corpus teaches about its own words, gathered at index time.

Every document contributes its words as written (Hangul words without particles, English words with
camelCase split: :mod:`~indexer.mining.words`) and candidate bilingual pairs — glosses such as
``배치 정규화(batch normalization)`` (:mod:`~indexer.mining.glosses`) and transliterations, a Hangul
loanword beside the English word it sounds like (:mod:`~indexer.mining.phonetic`); :class:`MinedCounts`
counts them over the corpus, :func:`select` keeps the pairs with strong evidence, and the generation
stores both in ``mining.sqlite`` (:mod:`~indexer.mining.store`). A search expands queries with the kept
pairs beside the hand glossary (:class:`MinedLexicon`); the spelling lexicon takes its whole-word
vocabulary from the word counts.

Exports: :func:`mine`, :func:`mined_text`, :class:`MinedCounts`, :func:`select`, :func:`write_mining`,
:func:`patch_mining`, :func:`read_counts`, :class:`MinedLexicon`, :func:`mined_lexicon_for`,
:func:`hangul_words`, :func:`latin_words`, :func:`similarity`.

May use: :mod:`indexer.analysis` and :mod:`indexer.storage`. Used by :mod:`indexer.search` (expansion) and
:mod:`indexer.operations` (writing the file).
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from indexer.mining.counts import Mined, MinedCounts, mine
from indexer.mining.lexicon import MinedLexicon, mined_lexicon_for
from indexer.mining.phonetic import similarity
from indexer.mining.selection import Entry, select
from indexer.mining.store import MINING_FILE, patch_mining, read_counts, write_mining
from indexer.mining.words import hangul_words, latin_words

#: The stored fields a document is mined from.
MINED_FIELDS = ("title", "headings", "description", "body")


def mined_text(fields: Mapping[str, Any]) -> str:
    """The text a document is mined from: its title, headings, description and body (index or stored
    fields; both hold them as strings)."""
    return "\n".join(str(fields.get(name) or "") for name in MINED_FIELDS)


__all__ = [
    "MINING_FILE",
    "Entry",
    "Mined",
    "MinedCounts",
    "MinedLexicon",
    "hangul_words",
    "latin_words",
    "mine",
    "mined_lexicon_for",
    "mined_text",
    "patch_mining",
    "read_counts",
    "select",
    "similarity",
    "write_mining",
]
