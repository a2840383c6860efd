"""Suggestions as you type: titles, lab names, repository names and frequent terms, matched by prefix.

Korean needs two things an ordinary prefix index lacks:

* **IME composition.** While 풀잎 is being typed the box holds 풀이 (the ㅍ of 잎 has not arrived yet),
  and 학습 passes through 핛. Keys are therefore compared as jamo with compound letters split
  (핛 → ㅎㅏㄱㅅ, 화 → ㅎㅗㅏ), so every intermediate state is a prefix of the finished word.
* **초성 search.** ㄱㅎㅎㅅ finds 강화학습 through a key of initial consonants. A second key follows
  pronunciation (연음: 풀잎 is read [풀립], so ㅍㄹㅅㅋ also finds 풀잎스쿨).

The entries and keys are computed once per index generation at index time (indexer/suggest/terms.py)
and written to the generation's ``suggest.sqlite`` (indexer/suggest/store.py); :func:`suggester_for`
reads that file in place. :class:`Suggester` is the same index in memory, answering with a binary
search over sorted keys.

>>> jamo("풀이")
'ㅍㅜㄹㅇㅣ'
>>> jamo("풀잎스쿨").startswith(jamo("풀이")), jamo("학습").startswith(jamo("핛"))
(True, True)
>>> choseong("강화학습"), choseong("풀잎스쿨", liaison=True)
('ㄱㅎㅎㅅ', 'ㅍㄹㅅㅋ')
"""
from __future__ import annotations

import bisect
import math
import re
import threading
import unicodedata
import weakref
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import TYPE_CHECKING, Any

from indexer.storage.sqlitefiles import open_stored

if TYPE_CHECKING:
    from indexer.suggest.store import StoredSuggester

__all__ = ["Suggester", "Suggestion", "build_suggester", "choseong", "entry_keys", "is_choseong_query", "jamo",
           "entry_weight", "plain_key", "suggester_for", "tie_break", "unique_entries"]


_S_BASE, _S_LAST = 0xAC00, 0xD7A3
_INITIALS = "ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ"
_MEDIALS = ["ㅏ", "ㅐ", "ㅑ", "ㅒ", "ㅓ", "ㅔ", "ㅕ", "ㅖ", "ㅗ", "ㅗㅏ", "ㅗㅐ", "ㅗㅣ", "ㅛ", "ㅜ", "ㅜㅓ", "ㅜㅔ",
            "ㅜㅣ", "ㅠ", "ㅡ", "ㅡㅣ", "ㅣ"]
_FINALS = ["", "ㄱ", "ㄲ", "ㄱㅅ", "ㄴ", "ㄴㅈ", "ㄴㅎ", "ㄷ", "ㄹ", "ㄹㄱ", "ㄹㅁ", "ㄹㅂ", "ㄹㅅ", "ㄹㅌ", "ㄹㅍ",
           "ㄹㅎ", "ㅁ", "ㅂ", "ㅂㅅ", "ㅅ", "ㅆ", "ㅇ", "ㅈ", "ㅊ", "ㅋ", "ㅌ", "ㅍ", "ㅎ"]
# A compatibility jamo typed on its own (ㄳ, ㅘ …) splits the same way as inside a syllable.
_COMPAT_SPLIT = {"ㄳ": "ㄱㅅ", "ㄵ": "ㄴㅈ", "ㄶ": "ㄴㅎ", "ㄺ": "ㄹㄱ", "ㄻ": "ㄹㅁ", "ㄼ": "ㄹㅂ", "ㄽ": "ㄹㅅ",
                 "ㄾ": "ㄹㅌ", "ㄿ": "ㄹㅍ", "ㅀ": "ㄹㅎ", "ㅄ": "ㅂㅅ", "ㅘ": "ㅗㅏ", "ㅙ": "ㅗㅐ", "ㅚ": "ㅗㅣ",
                 "ㅝ": "ㅜㅓ", "ㅞ": "ㅜㅔ", "ㅟ": "ㅜㅣ", "ㅢ": "ㅡㅣ"}
_CONSONANTS = frozenset(_INITIALS) | frozenset("ㄳㄵㄶㄺㄻㄼㄽㄾㄿㅀㅄ")
_KEEP = re.compile(r"[\w\u3131-\u318e]+")  # letters, digits, Hangul (syllables and jamo)
_SYLLABLE_RUN = re.compile(r"[\uac00-\ud7a3]+")

#: How many suggestions a caller gets at most, and the base weight of each kind of entry.
MAX_LIMIT = 20
_TYPE_WEIGHT = {"lab": 4.0, "repo": 3.0, "title": 2.0, "term": 1.0}


def jamo(text: str) -> str:
    """Lowercased text with Hangul syllables spelled out in compatibility jamo, compounds split."""
    return unicodedata.normalize("NFC", text).lower().translate(_jamo_table())


@lru_cache(maxsize=1)
def _jamo_table() -> dict[int, str]:
    """str.translate table: every syllable → its jamo, every compound jamo → its parts."""
    table = {ord(ch): parts for ch, parts in _COMPAT_SPLIT.items()}
    for index in range(_S_LAST - _S_BASE + 1):
        table[_S_BASE + index] = _INITIALS[index // 588] + _MEDIALS[(index % 588) // 28] + _FINALS[index % 28]
    return table


def choseong(text: str, *, liaison: bool = False) -> str:
    """The initial consonants of the Hangul syllables in ``text`` (other characters are dropped).

    With ``liaison`` a syllable starting with silent ㅇ takes the previous syllable's final consonant,
    as it is pronounced (풀잎 [풀립] → ㅍㄹ, 음악 [으막] → ㅇㅁ).
    """
    out = []
    for run in _SYLLABLE_RUN.findall(unicodedata.normalize("NFC", text)):
        initials = run.translate(_initial_table())
        if liaison and "ㅇ" in initials[1:]:
            letters = list(initials)
            for k in range(1, len(run)):
                final = _FINALS[(ord(run[k - 1]) - _S_BASE) % 28]
                if letters[k] == "ㅇ" and final:
                    letters[k] = final[-1]
            initials = "".join(letters)
        out.append(initials)
    return "".join(out)


@lru_cache(maxsize=1)
def _initial_table() -> dict[int, str]:
    """str.translate table: every syllable → its initial consonant."""
    return {_S_BASE + index: _INITIALS[index // 588] for index in range(_S_LAST - _S_BASE + 1)}


def is_choseong_query(text: str) -> bool:
    letters = [c for c in text if not c.isspace()]
    return bool(letters) and all(c in _CONSONANTS for c in letters)


def plain_key(text: str) -> str:
    """The comparison form of a key: jamo, without spaces and punctuation."""
    return "".join(_KEEP.findall(jamo(text)))


def entry_keys(text: str) -> tuple[list[tuple[str, int]], list[tuple[str, int]]]:
    """(jamo key, word position) of every word start of ``text``, and its (초성 key, word position)s."""
    keys: list[tuple[str, int]] = []
    initials: list[tuple[str, int]] = []
    for position, start in enumerate(_word_starts(text)):
        tail = text[start:]
        keys.append((plain_key(tail), position))
        for liaison in (False, True):
            initial = choseong(tail, liaison=liaison)
            if len(initial) >= 2:
                initials.append((initial, position))
    return keys, initials


@dataclass(frozen=True)
class Suggestion:
    text: str
    type: str  # lab, repo, title, term
    count: int = 0  # documents it occurs in (labs: documents of the lab)
    lab: str = ""
    url: str = ""

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"text": self.text, "type": self.type, "count": self.count}
        if self.lab:
            data["lab"] = self.lab
        if self.url:
            data["url"] = self.url
        return data


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


def unique_entries(entries: Iterable[Suggestion]) -> dict[tuple[str, str], Suggestion]:
    """One entry per (type, lowercased text): the one counted most often, then the smallest (text, lab, url),
    so the choice never depends on the order documents were read in (an update and a rebuild agree)."""
    unique: dict[tuple[str, str], Suggestion] = {}
    for entry in entries:
        key = (entry.type, entry.text.lower())
        found = unique.get(key)
        if found is None or (-entry.count, entry.text, entry.lab, entry.url) < (-found.count, found.text,
                                                                                found.lab, found.url):
            unique[key] = entry
    return unique


def entry_weight(entry: Suggestion) -> float:
    """An entry's score before the match bonuses: its kind, then how many documents it occurs in."""
    return _TYPE_WEIGHT.get(entry.type, 1.0) + math.log1p(entry.count)


def tie_break(entry: Suggestion) -> tuple[int, str, str]:
    """The order of entries of equal score: shorter text first, then the smaller text, then the type."""
    return len(entry.text), entry.text, entry.type


def _prefix_range(keys: list[str], refs: list[tuple[int, int]], prefix: str) -> list[tuple[int, int]]:
    low = bisect.bisect_left(keys, prefix)
    high = bisect.bisect_left(keys, prefix + "\U0010ffff", lo=low)
    return refs[low:high]


def _word_starts(text: str) -> Iterator[int]:
    """Where each word of ``text`` starts (also after / _ - . and between a Latin run and Hangul)."""
    previous: str | None = None  # the script of the previous character, None when it is no word character
    for index, ch in enumerate(text):
        if ch.isalnum():
            script = _script(ch)
            if script != previous:
                yield index
            previous = script
        else:
            previous = None


def _script(ch: str) -> str:
    if "\uac00" <= ch <= "\ud7a3" or "\u3131" <= ch <= "\u318e":
        return "hangul"
    return "digit" if ch.isdigit() else "other"


# -- building and opening ------------------------------------------------------------------------


def build_suggester(documents: Iterable[dict[str, Any]], *, min_term_docs: int = 2) -> Suggester:
    """Entries from stored document fields: titles, labs, repositories and terms in two or more documents."""
    from indexer.suggest.terms import gather  # runs mecab: imported only where suggestions are built

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
    from indexer.suggest.store import StoredSuggester  # the file format builds on this module

    stored = open_stored(whoosh_index, StoredSuggester, "suggestion index")
    if stored is not None:
        return stored
    with whoosh_index.searcher() as searcher:
        return build_suggester(searcher.all_stored_fields())
