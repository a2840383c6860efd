"""Typos, spacing and keyboard-mode slips: "did you mean", and the corrected query when typed words are unknown.

A typed word is first looked up *as a whole word*, the way the corpus writes it (the mined whole words,
:mod:`indexer.mining`, in the lexicon's ``words``), before any analysis:

* a word the corpus writes (Hangul without its particles, English in any case) is left alone, and so is a
  Hangul word whose dictionary parts the index all knows (영상분할) and a dictionary word merely absent;
* spacing: neighbouring words that the corpus writes as one word are joined (배치 정규 화 → 배치 정규화, 정규
  and 화 joined), and a word the corpus writes as two is split (활성화함수 → 활성화 함수);
* a Latin word typed in the wrong keyboard mode (dkdlvpf → 아이펠) or Hangul typed for Latin keys
  (ㅔㅛ색초 → pytorch) is converted when the converted word is known;
* otherwise the nearest whole word the corpus writes (jamo-level edit distance for Hangul, so one wrong
  vowel or a missing final consonant is one or two edits: 트렌스포머 → 트랜스포머; letters for English:
  segmentaton → segmentation), then the nearest index term (English stems, Korean morphemes); a long
  English word is also tried against the words one edit away that the corpus writes however rarely (the
  correction buckets hold words of two documents or more): reinforcment → reinforcement.

A word the index does not know and that has a candidate is replaced and the corrected query is searched
(``corrected``); a known but very rare word with a much more frequent neighbour only yields a suggestion,
and so does a short English respelling next to known words (a real word absent from the corpus, such as
``vocal``, is not rewritten). Each word costs a bounded number of lookups, at most
:data:`MAX_CORRECTED` unknown words are tried and as many long English words looked at for a respelling
per query: a check is linear in the words typed.
"""
from __future__ import annotations

import re
import threading
import time
import weakref
from dataclasses import dataclass
from typing import Any

from indexer.analysis import hangul_to_latin, latin_to_hangul, morphemes, stem, strip_particle, text_analyzer
from indexer.spelling.lexicon import LEXICON_FIELDS, Lexicon, StoredLexicon, levenshtein
from indexer.storage import open_stored

__all__ = ["LEXICON_FIELDS", "Check", "Lexicon", "StoredLexicon", "check", "levenshtein", "lexicon_for"]

_HANGUL = re.compile(r"[\uac00-\ud7a3]")
_HANGUL_WORD = re.compile(r"^[\uac00-\ud7a3]+$")
_JAMO_ONLY = re.compile(r"^[\u3131-\u318e\uac00-\ud7a3]+$")
_LATIN_WORD = re.compile(r"^[A-Za-z]+$")
#: A rare word (at most this many documents) is questioned when a neighbour is this many times as frequent.
RARE_DF = 1
SUGGEST_RATIO = 10
#: Words a check corrects at most; the rest are searched as typed.
MAX_CORRECTED = 4
#: An English respelling this long replaces the typed word even next to known words (a long word one edit
#: from a frequent one is a typo; a short one may be another real word).
CONFIDENT_LENGTH = 8
#: Documents a whole word needs to be joined or split into.
SPACING_MIN_DF = 2

Vocabulary = Lexicon | StoredLexicon

_LEXICONS: weakref.WeakKeyDictionary[Any, Vocabulary] = weakref.WeakKeyDictionary()
_LEXICONS_LOCK = threading.Lock()


def lexicon_for(index: Any) -> Vocabulary:
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


def _open_lexicon(index: Any) -> Vocabulary:
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


def _known(lexicon: Vocabulary, text: str) -> bool:
    terms = _terms(text)
    return bool(terms) and all(lexicon.df.get(t, 0) > 0 for t in terms)


def _written(lexicon: Vocabulary, word: str, least: int = 1) -> bool:
    """Whether the corpus writes ``word`` as a whole word (in at least ``least`` documents)."""
    return lexicon.words.get(word.lower() if word.isascii() else strip_particle(word), 0) >= least


def _hangul_known(lexicon: Vocabulary, word: str) -> bool:
    if _written(lexicon, word):
        return True
    parts = [m.text for m in morphemes(word, index=False) if not m.same_position]
    if not parts or lexicon.df.get("".join(parts), 0) > 0:
        return True
    return all(len(p) > 1 and lexicon.df.get(p.lower(), 0) > 0 for p in parts)


def _word_known(lexicon: Vocabulary, word: str, respell: bool = True) -> bool:
    """Whether ``word`` needs no correction; ``respell=False`` takes a word whose stem is known as known
    without looking for a respelling (the look is capped per query)."""
    if _HANGUL_WORD.match(word):
        return _hangul_known(lexicon, word)
    if _written(lexicon, word) or not _known(lexicon, word):
        return _written(lexicon, word)
    return not respell or _LATIN_WORD.match(word) is None or _respelling(lexicon, word) is None


def _respelling(lexicon: Vocabulary, word: str) -> str | None:
    """For a long English word the corpus never writes although its stem is known (reinforcment), the
    whole word it writes one or two edits away — not merely another inflection of it (optimizers)."""
    if len(word) < CONFIDENT_LENGTH:
        return None
    lowered = word.lower()
    whole = lexicon.nearest(lowered, jamo=False, whole=True) or _one_edit_written(lexicon, lowered)
    if whole is None or whole.startswith(lowered) or lowered.startswith(whole):
        return None
    return whole


def _one_edit_written(lexicon: Vocabulary, word: str) -> str | None:
    """The word one edit from ``word`` that the corpus writes, however rarely (the correction buckets hold
    only words of two documents or more), with the same stem: reinforcment → reinforcement."""
    letters = "abcdefghijklmnopqrstuvwxyz"
    cuts = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    edits = {left + right[1:] for left, right in cuts if right}
    edits |= {left + right[1] + right[0] + right[2:] for left, right in cuts if len(right) > 1}
    edits |= {left + c + right[1:] for left, right in cuts if right for c in letters}
    edits |= {left + c + right for left, right in cuts for c in letters}
    edits.discard(word)
    same = stem(word)
    found = [(count, w) for w, count in lexicon.written_among(sorted(edits)).items() if stem(w) == same]
    return max(found)[1] if found else None


def _fix_latin(lexicon: Vocabulary, word: str) -> str | None:
    hangul = latin_to_hangul(word)
    if hangul and len(hangul) > 1 and _hangul_known(lexicon, hangul) and _known(lexicon, hangul):
        return hangul
    lowered = word.lower()
    whole = lexicon.nearest(lowered, jamo=False, whole=True)
    if whole is not None:
        return whole
    if len(word) >= CONFIDENT_LENGTH:  # a long word one edit from one the corpus writes only once or twice
        whole = _one_edit_written(lexicon, lowered)
        if whole is not None and not (whole.startswith(lowered) or lowered.startswith(whole)):
            return whole
    stems = _terms(word)
    if len(stems) != 1:
        return None
    stem = stems[0]
    nearest = lexicon.nearest(stem, jamo=False)
    if nearest is None:
        return None
    surface = nearest + lowered[len(stem):] if lowered.startswith(stem) else nearest
    return surface if _terms(surface) == [nearest] else nearest


def _split(lexicon: Vocabulary, word: str) -> str | None:
    """``word`` as the two whole words the corpus writes it as (활성화함수 → 활성화 함수), or None."""
    stem = strip_particle(word)
    best: tuple[int, str] | None = None
    for cut in range(2, len(stem) - 1):
        left, right = stem[:cut], stem[cut:]
        least = min(lexicon.words.get(left, 0), lexicon.words.get(right, 0))
        if least >= SPACING_MIN_DF and (best is None or least > best[0]):
            best = (least, f"{left} {right}{word[len(stem):]}")
    return best[1] if best else None


def _fix_hangul(lexicon: Vocabulary, word: str) -> str | None:
    """A replacement for a Hangul word the index does not know, or None."""
    parts = [m for m in morphemes(word, index=False) if not m.same_position]
    if len(parts) == 1 and len(parts[0].text) > 1 and parts[0].end - parts[0].start >= len(word) - 2:
        return None  # a word of the Korean dictionary (풀이, 주가, 정합), merely absent from this index
    stem = strip_particle(word)
    suffix = word[len(stem):]
    whole = lexicon.nearest(stem, jamo=True, whole=True)
    if whole is not None:
        return whole + suffix
    split = _split(lexicon, word)
    if split is not None:
        return split
    for candidate in dict.fromkeys([word, stem]):
        nearest = lexicon.nearest(candidate, jamo=True)
        if nearest is not None:
            return nearest + word[len(candidate):]
    fixed, changed = word, False
    for morph in parts:
        if len(morph.text) < 2 or lexicon.df.get(morph.text, 0) > 0:
            continue
        nearest = lexicon.nearest(morph.text, jamo=True)
        if nearest is not None:
            fixed = fixed.replace(morph.text, nearest, 1)
            changed = True
    return fixed if changed else None


def _fix_word(lexicon: Vocabulary, word: str) -> str | None:
    """A replacement for a word the index does not know, or None."""
    if _LATIN_WORD.match(word):
        return _fix_latin(lexicon, word)
    if not _JAMO_ONLY.match(word):
        return None
    latin = hangul_to_latin(word)
    if latin and _known(lexicon, latin) and not _known(lexicon, word):
        return latin
    if not _HANGUL_WORD.match(word):
        return None
    return _fix_hangul(lexicon, word)


def _join(lexicon: Vocabulary, words: list[str], known: list[bool]) -> tuple[list[str], list[bool]]:
    """Neighbouring Hangul words the corpus writes as one word, joined when one of them is unknown or a
    single syllable (배치 정규 화 → 배치 정규화)."""
    out: list[str] = []
    out_known: list[bool] = []
    i = 0
    while i < len(words):
        for n in (3, 2):
            group = words[i:i + n]
            if len(group) < n or not all(_HANGUL_WORD.match(w) for w in group):
                continue
            if all(known[i:i + n]) and all(len(w) > 1 for w in group):
                continue
            joined = "".join(group)
            if _written(lexicon, joined, SPACING_MIN_DF):
                out.append(joined)
                out_known.append(True)
                i += n
                break
        else:
            out.append(words[i])
            out_known.append(known[i])
            i += 1
    return out, out_known


def _suggest_word(lexicon: Vocabulary, word: str) -> str | None:
    """For a known but rare word, a much more frequent neighbour."""
    terms = _terms(word)
    if len(terms) != 1 or lexicon.df.get(terms[0], 0) > RARE_DF:
        return None
    jamo = bool(_HANGUL.search(word))
    nearest = lexicon.nearest(terms[0], jamo=jamo)
    if nearest is None or lexicon.df[nearest] < SUGGEST_RATIO * max(1, lexicon.df.get(terms[0], 0)):
        return None
    return nearest


def check(text: str, lexicon: Vocabulary, *, deadline: float | None = None) -> Check:
    """The words to search (corrected when typed words are unknown) and a did-you-mean text. Corrections
    stop at :data:`MAX_CORRECTED` words, or when ``deadline`` (``time.monotonic()``) has passed."""
    typed = text.split()
    if not typed:
        return Check(text)
    # a long English word with a known stem is looked at for a respelling (reinforcment): the first
    # MAX_CORRECTED of them only
    long_words = [i for i, w in enumerate(typed) if len(w) >= CONFIDENT_LENGTH and _LATIN_WORD.match(w)]
    looked = set(long_words[:MAX_CORRECTED])
    words, known = _join(lexicon, typed, [_word_known(lexicon, w, i in looked) for i, w in enumerate(typed)])
    fixed: list[str | None] = [None] * len(words)
    attempts = 0
    for i, word in enumerate(words):
        if known[i]:
            continue
        if attempts >= MAX_CORRECTED or deadline is not None and time.monotonic() > deadline:
            break
        attempts += 1
        fixed[i] = _fix_word(lexicon, word)
    result = [f or w for f, w in zip(fixed, words, strict=True)]
    # An English respelling replaces a short word only when nothing else typed is known (vocal stays vocal
    # in "vocal source separation"); otherwise it is offered as "did you mean".
    known_count = sum(known)
    timid = [f is not None and _LATIN_WORD.match(w) is not None and f.isascii() and len(w) < CONFIDENT_LENGTH
             and known_count > int(known[i]) for i, (f, w) in enumerate(zip(fixed, words, strict=True))]
    if any(timid):
        return Check(text, suggestion=" ".join(result))
    if any(fixed) or words != typed:
        corrected = " ".join(result)
        return Check(corrected, corrected=corrected)
    # "Did you mean" for known but rare words: the first MAX_CORRECTED known words are looked at
    looked = set([i for i, k in enumerate(known) if k][:MAX_CORRECTED])
    suggested = [_suggest_word(lexicon, w) if i in looked else None for i, w in enumerate(words)]
    if any(suggested):
        return Check(text, suggestion=" ".join(s or w for s, w in zip(suggested, words, strict=True)))
    return Check(text)
