"""Typos and keyboard-mode slips: "did you mean", and the corrected query when the typed words find nothing.

Candidates come from the index's own vocabulary (indexer/spelling/lexicon.py, written once per index generation):

* a Latin word typed in the wrong keyboard mode (dkdlvpf → 아이펠) or Hangul typed for Latin keys
  (ㅔㅛ색초 → pytorch), when the converted word is in the index;
* English: edit distance on the stemmed forms (the index holds stems), the nearest, most frequent term;
* Korean: edit distance on jamo, so one wrong vowel or a missing final consonant is one or two edits
  (풀잎스클 → 풀잎스쿨, 강화학스 → 강화학습); whole words first, then single unknown morphemes.

A word the index does not know and that has a candidate is replaced and the corrected query is searched
(``corrected``); a known but very rare word with a much more frequent neighbour only yields a suggestion.
"""
from __future__ import annotations

import re
import threading
import weakref
from dataclasses import dataclass
from typing import Any

from indexer.analysis import hangul_to_latin, latin_to_hangul, morphemes, text_analyzer
from indexer.spelling.lexicon import LEXICON_FIELDS, Lexicon, StoredLexicon, levenshtein
from indexer.storage import open_stored

__all__ = ["LEXICON_FIELDS", "Check", "Lexicon", "StoredLexicon", "check", "levenshtein", "lexicon_for"]

_HANGUL = re.compile(r"[\uac00-\ud7a3]")
_HANGUL_WORD = re.compile(r"^[\uac00-\ud7a3]+$")
_JAMO_ONLY = re.compile(r"^[\u3131-\u318e\uac00-\ud7a3]+$")
_LATIN_WORD = re.compile(r"^[A-Za-z]+$")
_PARTICLE = re.compile(r"(?:이|가|을|를|은|는|의|에|에서|으로|로|와|과|도|만|이나|나|랑|까지|부터|처럼)$")
#: A rare word (at most this many documents) is questioned when a neighbour is this many times as frequent.
RARE_DF = 1
SUGGEST_RATIO = 10


_LEXICONS: weakref.WeakKeyDictionary[Any, Lexicon | StoredLexicon] = weakref.WeakKeyDictionary()
_LEXICONS_LOCK = threading.Lock()


def lexicon_for(index: Any) -> Lexicon | StoredLexicon:
    """The lexicon of one opened index generation: its spelling.sqlite, opened once and then cached.

    A generation written before that file existed (or with a file that does not match it) gets the
    lexicon built in memory from the index instead, as before the file existed, with a warning.
    """
    found = _LEXICONS.get(index)
    if found is None:
        with _LEXICONS_LOCK:
            found = _LEXICONS.get(index)
            if found is None:
                found = _LEXICONS[index] = _open_lexicon(index)
    return found


def _open_lexicon(index: Any) -> Lexicon | StoredLexicon:
    stored = open_stored(index, StoredLexicon, "spelling lexicon")
    if stored is not None:
        return stored
    with index.reader() as reader:
        return Lexicon.from_reader(reader)


@dataclass(frozen=True)
class Check:
    text: str  # the words to search: as typed, or corrected
    corrected: str | None = None
    suggestion: str | None = None


def _terms(text: str) -> list[str]:
    return [t.text for t in text_analyzer()(text, mode="query")]


def _known(lexicon: Lexicon | StoredLexicon, text: str) -> bool:
    terms = _terms(text)
    return bool(terms) and all(lexicon.df.get(t, 0) > 0 for t in terms)


def _hangul_known(lexicon: Lexicon | StoredLexicon, word: str) -> bool:
    parts = [m.text for m in morphemes(word, index=False) if not m.same_position]
    if not parts or lexicon.df.get("".join(parts), 0) > 0:
        return True
    return all(len(p) > 1 and lexicon.df.get(p.lower(), 0) > 0 for p in parts)


def _fix_word(lexicon: Lexicon | StoredLexicon, word: str) -> str | None:
    """A replacement for a word the index does not know, or None."""
    if _LATIN_WORD.match(word):
        if _known(lexicon, word):
            return None
        hangul = latin_to_hangul(word)
        if hangul and len(hangul) > 1 and _hangul_known(lexicon, hangul) and _known(lexicon, hangul):
            return hangul
        stems = _terms(word)
        if len(stems) != 1:
            return None
        stem = stems[0]
        nearest = lexicon.nearest(stem, jamo=False)
        if nearest is None:
            return None
        lowered = word.lower()
        surface = nearest + lowered[len(stem):] if lowered.startswith(stem) else nearest
        return surface if _terms(surface) == [nearest] else nearest
    if not _JAMO_ONLY.match(word) or _HANGUL_WORD.match(word) and _hangul_known(lexicon, word):
        return None
    latin = hangul_to_latin(word)
    if latin and _known(lexicon, latin) and not _known(lexicon, word):
        return latin
    if not _HANGUL_WORD.match(word):
        return None
    parts = [m for m in morphemes(word, index=False) if not m.same_position]
    if len(parts) == 1 and len(parts[0].text) > 1 and parts[0].end - parts[0].start >= len(word) - 2:
        return None  # a word of the Korean dictionary (풀이, 주가, 정합), merely absent from this index
    stripped = _PARTICLE.sub("", word) if len(word) > 3 else word
    for candidate in dict.fromkeys([word, stripped]):
        nearest = lexicon.nearest(candidate, jamo=True)
        if nearest is not None:
            return nearest + word[len(candidate):]
    fixed, changed = word, False
    for morph in morphemes(word, index=False):
        if morph.same_position or len(morph.text) < 2 or lexicon.df.get(morph.text, 0) > 0:
            continue
        nearest = lexicon.nearest(morph.text, jamo=True)
        if nearest is not None:
            fixed = fixed.replace(morph.text, nearest, 1)
            changed = True
    return fixed if changed else None


def _suggest_word(lexicon: Lexicon | StoredLexicon, word: str) -> str | None:
    """For a known but rare word, a much more frequent neighbour."""
    terms = _terms(word)
    if len(terms) != 1 or lexicon.df.get(terms[0], 0) > RARE_DF:
        return None
    jamo = bool(_HANGUL.search(word))
    nearest = lexicon.nearest(terms[0], jamo=jamo)
    if nearest is None or lexicon.df[nearest] < SUGGEST_RATIO * max(1, lexicon.df.get(terms[0], 0)):
        return None
    return nearest


def check(text: str, lexicon: Lexicon | StoredLexicon) -> Check:
    """The words to search (corrected when typed words are unknown) and a did-you-mean text."""
    words = text.split()
    if not words:
        return Check(text)
    fixed = [_fix_word(lexicon, w) for w in words]
    # An English respelling replaces a word only when nothing else typed is known (vocal stays vocal in
    # "vocal source separation"); otherwise it is offered as "did you mean".
    others_known = [any(_known(lexicon, o) for o in words if o != w) for w in words]
    triples = zip(fixed, words, others_known, strict=False)
    if any(f and _LATIN_WORD.match(w) and f.isascii() and known for f, w, known in triples):
        return Check(text, suggestion=" ".join(f or w for f, w in zip(fixed, words, strict=False)))
    if any(fixed):
        corrected = " ".join(f or w for f, w in zip(fixed, words, strict=False))
        return Check(corrected, corrected=corrected)
    suggested = [_suggest_word(lexicon, w) for w in words]
    if any(suggested):
        return Check(text, suggestion=" ".join(s or w for s, w in zip(suggested, words, strict=False)))
    return Check(text)
