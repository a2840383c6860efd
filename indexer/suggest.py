"""Suggestions as you type: titles, lab names, repository names and frequent terms, matched by prefix.

Korean needs two things an ordinary prefix index lacks:

* **IME composition.** While 풀잎 is being typed the box holds 풀이 (the ㅍ of 잎 has not arrived yet),
  and 학습 passes through 핛. Keys are therefore compared as jamo with compound letters split
  (핛 → ㅎㅏㄱㅅ, 화 → ㅎㅗㅏ), so every intermediate state is a prefix of the finished word.
* **초성 search.** ㄱㅎㅎㅅ finds 강화학습 through a key of initial consonants. A second key follows
  pronunciation (연음: 풀잎 is read [풀립], so ㅍㄹㅅㅋ also finds 풀잎스쿨).

The structure is built once per index generation (see :func:`suggester_for`) and answers with a
binary search over sorted keys, in microseconds.

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
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

__all__ = ["Suggester", "Suggestion", "build_suggester", "choseong", "is_choseong_query", "jamo",
           "suggester_for"]

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

#: How many suggestions a caller gets at most, and the base weight of each kind of entry.
MAX_LIMIT = 20
_TYPE_WEIGHT = {"lab": 4.0, "repo": 3.0, "title": 2.0, "term": 1.0}
_BODY_CHARS = 4000  # frequent terms come from the start of each body: enough, and bounded


def jamo(text: str) -> str:
    """Lowercased text with Hangul syllables spelled out in compatibility jamo, compounds split."""
    out = []
    for ch in unicodedata.normalize("NFC", text).lower():
        code = ord(ch)
        if _S_BASE <= code <= _S_LAST:
            index = code - _S_BASE
            out.append(_INITIALS[index // 588] + _MEDIALS[(index % 588) // 28] + _FINALS[index % 28])
        else:
            out.append(_COMPAT_SPLIT.get(ch, ch))
    return "".join(out)


def choseong(text: str, *, liaison: bool = False) -> str:
    """The initial consonants of the Hangul syllables in ``text`` (other characters are dropped).

    With ``liaison`` a syllable starting with silent ㅇ takes the previous syllable's final consonant,
    as it is pronounced (풀잎 [풀립] → ㅍㄹ, 음악 [으막] → ㅇㅁ).
    """
    out = []
    previous_final = ""
    for ch in unicodedata.normalize("NFC", text):
        code = ord(ch)
        if not _S_BASE <= code <= _S_LAST:
            previous_final = ""
            continue
        index = code - _S_BASE
        initial = _INITIALS[index // 588]
        if liaison and initial == "ㅇ" and previous_final:
            initial = previous_final[-1]
        out.append(initial)
        previous_final = _FINALS[index % 28]
    return "".join(out)


def is_choseong_query(text: str) -> bool:
    letters = [c for c in text if not c.isspace()]
    return bool(letters) and all(c in _CONSONANTS for c in letters)


def _plain(text: str) -> str:
    """The comparison form of a key: jamo, without spaces and punctuation."""
    return "".join(_KEEP.findall(jamo(text)))


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
        unique: dict[tuple[str, str], Suggestion] = {}
        for entry in entries:
            key = (entry.type, entry.text.lower())
            if key not in unique or unique[key].count < entry.count:
                unique[key] = entry
        self.entries = list(unique.values())
        self.weights = [_TYPE_WEIGHT.get(e.type, 1.0) + math.log1p(e.count) for e in self.entries]
        keys: list[tuple[str, int, int]] = []  # (key, word position, entry)
        initials: list[tuple[str, int, int]] = []
        for i, entry in enumerate(self.entries):
            for position, start in enumerate(_word_starts(entry.text)):
                tail = entry.text[start:]
                keys.append((_plain(tail), position, i))
                for liaison in (False, True):
                    initial = choseong(tail, liaison=liaison)
                    if len(initial) >= 2:
                        initials.append((initial, position, i))
        keys.sort()
        initials = sorted(set(initials))
        self._keys = [k for k, _, _ in keys]
        self._key_refs = [(p, i) for _, p, i in keys]
        self._initials = [k for k, _, _ in initials]
        self._initial_refs = [(p, i) for _, p, i in initials]

    def __len__(self) -> int:
        return len(self.entries)

    def suggest(self, text: str, limit: int = 8) -> list[Suggestion]:
        """The best entries whose text (or one of its words) starts with ``text``."""
        limit = max(1, min(limit, MAX_LIMIT))
        text = unicodedata.normalize("NFC", text).strip()
        if not text:
            return []
        if is_choseong_query(text):
            # 초성 keys hold whole consonants (ㄳ never occurs as an initial), so match the typed letters as is.
            prefix = "".join(c for c in text if not c.isspace())
            found = _prefix_range(self._initials, self._initial_refs, prefix)
        else:
            prefix = _plain(text)
            if not prefix:
                return []
            found = _prefix_range(self._keys, self._key_refs, prefix)
        best: dict[int, float] = {}
        for position, i in found:
            entry = self.entries[i]
            # A match at the first word beats one inside; an exact match beats a longer completion.
            score = self.weights[i] + (1.5 if position == 0 else 0.0)
            if entry.text.lower() == text.lower():
                score += 0.5
            if score > best.get(i, -1.0):
                best[i] = score
        ranked = sorted(best, key=lambda i: (-best[i], len(self.entries[i].text), self.entries[i].text))
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


def _word_starts(text: str) -> Iterator[int]:
    """Where each word of ``text`` starts (also after / _ - . and between a Latin run and Hangul)."""
    previous = ""
    for index, ch in enumerate(text):
        if _is_word_char(ch) and (index == 0 or not _is_word_char(previous) or _script(ch) != _script(previous)):
            yield index
        previous = ch


def _is_word_char(ch: str) -> bool:
    return ch.isalnum()


def _script(ch: str) -> str:
    if "\uac00" <= ch <= "\ud7a3" or "\u3131" <= ch <= "\u318e":
        return "hangul"
    return "digit" if ch.isdigit() else "other"


# -- building from an index -----------------------------------------------------------------------

_NOUN_TAGS = frozenset({"NNG", "NNP", "SL", "SH", "SN", "XR"})
_LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z0-9+#]*(?:[-.][A-Za-z0-9]+)*")
_STOPWORDS = frozenset("""a an and are as at be by for from has have in is it its of on or that the this to was were
will with you your we our can not but if into than then there these they which who what when how all any
use using used com http https www github io md html png jpg""".split())


class _Tagger:
    """mecab-ko, opened once per build (the dictionary is memory-mapped)."""

    def __init__(self) -> None:
        import mecab_ko

        from indexer.analysis.userdict import default_user_dictionary

        self._tagger = mecab_ko.Tagger()
        self._userdict = default_user_dictionary()

    def dictionary_words(self, text: str) -> set[str]:
        """Modulabs words of the user dictionary (세그멘테이션, 풀잎스쿨) that mecab alone misreads."""
        return {entry.word for _, _, entry in self._userdict.spans(text) if _has_hangul(entry.word)}

    def noun_phrases(self, text: str) -> set[str]:
        """Nouns and compound nouns written as one word (강화학습을 → 강화학습, 강화, 학습)."""
        found: set[str] = set()
        run: list[str] = []
        cursor = 0
        open_run = True  # False once a non-noun ended the run inside the current word

        def close() -> None:
            hangul = [w for w in run if _has_hangul(w)]
            if len(run) > 1 and hangul:
                found.add("".join(run))
            found.update(w for w in hangul if len(w) >= 2)
            run.clear()

        for line in self._tagger.parse(text).splitlines():
            surface, tab, feature = line.partition("\t")
            if not tab:
                continue
            start = text.find(surface, cursor)
            if start < 0:
                continue
            if start != cursor:  # a space or punctuation: a new word begins
                close()
                open_run = True
            cursor = start + len(surface)
            tag = feature.split(",", 1)[0].split("+", 1)[0]
            if open_run and tag in _NOUN_TAGS:
                run.append(surface)
            else:
                close()
                open_run = False
        close()
        return found


def _has_hangul(text: str) -> bool:
    return any("\uac00" <= c <= "\ud7a3" for c in text)


def build_suggester(documents: Iterable[dict[str, Any]], *, min_term_docs: int = 2) -> Suggester:
    """Entries from stored document fields: titles, labs, repositories and terms in two or more documents."""
    tagger = _Tagger()
    term_docs: Counter[str] = Counter()
    surface: dict[str, Counter[str]] = {}
    lab_docs: Counter[str] = Counter()
    entries: list[Suggestion] = []
    curated: set[str] = set()
    for doc in documents:
        title = (doc.get("title") or "").strip()
        lab = doc.get("lab") or ""
        repo = ((doc.get("extra") or {}).get("repo") or "").strip()
        if lab:
            lab_docs[lab] += 1
        if repo:
            entries.append(Suggestion(repo, "repo", 1, lab, doc.get("url", "")))
            title = title.split(": ", 1)[1] if title.startswith(repo + ": ") else title
            if title == repo.split("/")[-1]:
                title = ""
        if title:
            entries.append(Suggestion(title, "title", 1, lab, doc.get("url", "")))
        text = " ".join([doc.get("title") or "", doc.get("headings") or "", doc.get("description") or "",
                         (doc.get("body") or "")[:_BODY_CHARS]])
        words: set[str] = tagger.noun_phrases(text)
        dictionary = tagger.dictionary_words(text)
        curated |= dictionary
        words |= dictionary
        for match in _LATIN_WORD.finditer(text):
            word = match.group(0)
            folded = word.lower()
            if len(folded) < 3 or folded in _STOPWORDS or folded.isdigit():
                continue
            surface.setdefault(folded, Counter())[word] += 1
            words.add(folded)
        term_docs.update(words)
    for term, docs in term_docs.items():
        if docs >= min_term_docs or term in curated:
            # English terms are shown as most often written (PyTorch, not pytorch).
            shown = surface[term].most_common(1)[0][0] if term in surface else term
            entries.append(Suggestion(shown, "term", docs))
    entries.extend(Suggestion(lab, "lab", count, lab) for lab, count in lab_docs.items())
    return Suggester(entries)


_cache: weakref.WeakKeyDictionary[Any, Suggester] = weakref.WeakKeyDictionary()
_cache_lock = threading.Lock()


def suggester_for(whoosh_index: Any) -> Suggester:
    """The suggester of one opened index, built on first use and kept while the index is alive."""
    found = _cache.get(whoosh_index)
    if found is not None:
        return found
    with _cache_lock:
        found = _cache.get(whoosh_index)
        if found is None:
            with whoosh_index.searcher() as searcher:
                found = build_suggester(searcher.all_stored_fields())
            _cache[whoosh_index] = found
    return found
