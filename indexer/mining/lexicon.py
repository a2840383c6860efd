"""The mined lexicon of an opened generation, as a search reads it.

:class:`MinedLexicon` holds the kept pairs grouped into concepts (terms linked by a pair end up in one
concept, as a glossary row lists a concept's terms) and answers :meth:`MinedLexicon.sounds_like`: the
English word of the corpus that a Hangul word the corpus does not pair transliterates, read from the
file's ``sounds`` table (클릭재킹 → clickjacking when only the English is ever written).
"""
from __future__ import annotations

import threading
import weakref
from pathlib import Path
from typing import Any

from indexer.mining.counts import sound_key
from indexer.mining.phonetic import hangul_sounds, similarity
from indexer.mining.store import FORMAT, MINING_FILE
from indexer.storage import ThreadConnections, open_stored

#: Least similarity for a Hangul word to stand for an English word by sound alone.
SOUNDS_LIKE = 0.9
#: Terms one concept may gather (pairs chain through shared terms; a long chain is noise).
MAX_CONCEPT = 6


class MinedLexicon:
    """The kept pairs of one generation, as concepts, and the English words by sound."""

    def __init__(self, folder: Path, whoosh_generation: int) -> None:
        self._connections = ThreadConnections(folder / MINING_FILE)
        self._connections.check(FORMAT, whoosh_generation)  # FileMismatch if absent or stale
        pairs = self._connections.get().execute(
            "SELECT korean, english FROM entries ORDER BY docs DESC, korean, english").fetchall()
        self.concepts = concepts(pairs)

    def documents(self, word: str) -> int:
        """How many documents write ``word`` (a whole word as :mod:`~indexer.mining.words` reads them)."""
        row = self._connections.get().execute("SELECT docs FROM words WHERE word = ?", (word,)).fetchone()
        return int(row[0]) if row else 0

    def sounds_like(self, word: str) -> str | None:
        """The English word of the corpus that the Hangul ``word`` most nearly transliterates (its similarity
        at least :data:`SOUNDS_LIKE`; ties go to the more frequent), or None."""
        key = sound_key(hangul_sounds(word))
        if len(key) < 3:
            return None
        rows = self._connections.get().execute("SELECT word, docs FROM sounds WHERE key = ?", (key,)).fetchall()
        scored = [(similarity(word, english), docs, english) for english, docs in rows]
        best = max(scored, default=None)
        return best[2] if best is not None and best[0] >= SOUNDS_LIKE else None


def concepts(pairs: list[tuple[str, str]]) -> list[tuple[str, ...]]:
    """Terms linked by pairs, gathered into concepts of at most :data:`MAX_CONCEPT` terms (the pairs in
    order: a pair that would grow a concept past that starts no merge)."""
    group: dict[str, list[str]] = {}
    for korean, english in pairs:
        a, b = group.get(korean), group.get(english)
        if a is None and b is None:
            group[korean] = group[english] = [korean, english]
        elif a is None and b is not None and len(b) < MAX_CONCEPT:
            b.append(korean)
            group[korean] = b
        elif b is None and a is not None and len(a) < MAX_CONCEPT:
            a.append(english)
            group[english] = a
        elif a is not None and b is not None and a is not b and len(a) + len(b) <= MAX_CONCEPT:
            a.extend(b)
            for term in b:
                group[term] = a
    seen: set[int] = set()
    found = []
    for terms in group.values():
        if id(terms) not in seen:
            seen.add(id(terms))
            found.append(tuple(terms))
    return found


_LEXICONS: weakref.WeakKeyDictionary[Any, MinedLexicon | None] = weakref.WeakKeyDictionary()
_LOCK = threading.Lock()


def mined_lexicon_for(index: Any) -> MinedLexicon | None:
    """The mined lexicon of one opened index generation, opened once and cached; None for a generation
    written before the file existed (searching then uses the hand glossary alone)."""
    with _LOCK:
        if index not in _LEXICONS:
            _LEXICONS[index] = open_stored(index, MinedLexicon, "mined lexicon")
        return _LEXICONS[index]
