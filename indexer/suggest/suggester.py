"""Answering as you type: :class:`Suggester` over entries in memory, and the suggester of an opened generation.

The entries and keys are computed once per index generation at index time (:mod:`indexer.suggest.terms`)
and written to the generation's ``suggest.sqlite`` (:mod:`indexer.suggest.store`); :func:`suggester_for`
reads that file in place. :class:`Suggester` is the same index in memory, answering with a binary
search over sorted keys (tests, and generations written before the file existed).
"""
from __future__ import annotations

import bisect
import threading
import unicodedata
import weakref
from collections.abc import Iterable
from functools import cached_property
from typing import Any

from indexer.storage import open_stored
from indexer.suggest.entries import MAX_LIMIT, Suggestion, entry_weight, tie_break, unique_entries
from indexer.suggest.keys import entry_keys, is_choseong_query, plain_key
from indexer.suggest.store import StoredSuggester
from indexer.suggest.terms import gather

__all__ = ["Suggester", "build_suggester", "suggester_for"]


class Suggester:
    """Sorted jamo keys and 초성 keys over a fixed list of entries."""

    def __init__(self, entries: Iterable[Suggestion]) -> None:
        # Ordered by the ranking's tie-break, so entry i ranks before entry j on equal scores when i < j.
        self.entries = sorted(unique_entries(entries).values(), key=tie_break)
        self.weights = [entry_weight(e) for e in self.entries]

    @cached_property
    def _tables(self) -> tuple[list[str], list[tuple[int, int]], list[str], list[tuple[int, int]]]:
        """The key tables, built on first use: an index build that only writes the entries to
        suggest.sqlite (which computes the keys itself) never needs them."""
        keys: list[tuple[str, int, int]] = []  # (key, word position, entry)
        initials: list[tuple[str, int, int]] = []
        for i, entry in enumerate(self.entries):
            words, initials_of = entry_keys(entry.text)
            keys.extend((key, position, i) for key, position in words)
            initials.extend((key, position, i) for key, position in initials_of)
        keys.sort()
        initials = sorted(set(initials))
        return ([k for k, _, _ in keys], [(p, i) for _, p, i in keys], [k for k, _, _ in initials],
                [(p, i) for _, p, i in initials])

    def __len__(self) -> int:
        return len(self.entries)

    def key_table(self) -> list[tuple[list[str], list[tuple[int, int]]]]:
        """The sorted jamo keys and 초성 keys, each with its (word position, entry index) references."""
        keys, key_refs, initials, initial_refs = self._tables
        return [(keys, key_refs), (initials, initial_refs)]

    def suggest(self, text: str, limit: int = 8) -> list[Suggestion]:
        """The best entries whose text (or one of its words) starts with ``text``."""
        limit = max(1, min(limit, MAX_LIMIT))
        text = unicodedata.normalize("NFC", text).strip()
        if not text:
            return []
        if is_choseong_query(text):
            # 초성 keys hold whole consonants (ㄳ never occurs as an initial), so match the typed letters as is.
            prefix = "".join(c for c in text if not c.isspace())
            found = _prefix_range(self._tables[2], self._tables[3], prefix)
        else:
            prefix = plain_key(text)
            if not prefix:
                return []
            found = _prefix_range(self._tables[0], self._tables[1], prefix)
        best: dict[int, float] = {}
        for position, i in found:
            entry = self.entries[i]
            # A match at the first word beats one inside; an exact match beats a longer completion.
            score = self.weights[i] + (1.5 if position == 0 else 0.0)
            if entry.text.lower() == text.lower():
                score += 0.5
            if score > best.get(i, -1.0):
                best[i] = score
        ranked = sorted(best, key=lambda i: (-best[i], i))
        out: list[Suggestion] = []
        seen: set[str] = set()
        for i in ranked:
            entry = self.entries[i]
            folded = entry.text.lower()
            if folded in seen:
                continue
            seen.add(folded)
            out.append(entry)
            if len(out) == limit:
                break
        return out

def _prefix_range(keys: list[str], refs: list[tuple[int, int]], prefix: str) -> list[tuple[int, int]]:
    low = bisect.bisect_left(keys, prefix)
    high = bisect.bisect_left(keys, prefix + "\U0010ffff", lo=low)
    return refs[low:high]

def build_suggester(documents: Iterable[dict[str, Any]], *, min_term_docs: int = 2) -> Suggester:
    """Entries from stored document fields: titles, labs, repositories and terms in two or more documents."""
    return Suggester(gather(documents).entries(min_term_docs))

_cache: weakref.WeakKeyDictionary[Any, Suggester | StoredSuggester] = weakref.WeakKeyDictionary()
_cache_lock = threading.Lock()

def suggester_for(whoosh_index: Any) -> Suggester | StoredSuggester:
    """The suggester of one opened index: its generation's suggest.sqlite, opened once and then cached.

    A generation written before that file existed (or with a file that does not match it) gets the
    suggester built in memory from its stored documents instead, as before the file existed.
    """
    found = _cache.get(whoosh_index)
    if found is not None:
        return found
    with _cache_lock:
        found = _cache.get(whoosh_index)
        if found is None:
            found = _cache[whoosh_index] = _open_suggester(whoosh_index)
    return found

def _open_suggester(whoosh_index: Any) -> Suggester | StoredSuggester:
    stored = open_stored(whoosh_index, StoredSuggester, "suggestion index")
    if stored is not None:
        return stored
    with whoosh_index.searcher() as searcher:
        return build_suggester(searcher.all_stored_fields())
