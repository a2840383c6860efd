"""What one document teaches (:func:`mine`) and the corpus's counts of it (:class:`MinedCounts`).

A document contributes its words (:mod:`~indexer.mining.words`) and its candidate pairs: glosses
(:mod:`~indexer.mining.glosses`) and transliterations — a Hangul word written the way loanwords are and an
English word of the same document that sounds alike (:mod:`~indexer.mining.phonetic`). The counts are
document frequencies, so an update subtracts what the documents it replaces contributed and adds what
their new versions do, and ends with the counts a rebuild would make.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from itertools import compress
from typing import NamedTuple

from indexer.analysis import loanword_like, loanword_spelling
from indexer.mining.glosses import glosses
from indexer.mining.phonetic import consonants, hangul_sounds, latin_sounds, sound_similarity
from indexer.mining.words import Memo, hangul_words, latin_words

GLOSS = "gloss"
TRANSLITERATION = "translit"
#: Least similarity of a transliteration candidate; words of one or two consonants, and words made of
#: syllables Hanja read as, need more.
MIN_SIMILARITY = 0.8
MIN_SIMILARITY_SHORT = 0.95
#: A document is read for pairs and words up to this many characters (terms are glossed where introduced).
MAX_CHARS = 30_000

#: (kind, Korean, English)
Pair = tuple[str, str, str]


class Mined(NamedTuple):
    """One document's contribution."""

    words: frozenset[str]
    pairs: frozenset[Pair]


_CLASSES = str.maketrans({"S": "T", "J": "T", "G": "N", "H": ""})  # near consonants share a key


def sound_key(sounds: str) -> str:
    """The blocking key of a sound reading: its consonants, near classes merged (see phonetic._NEAR)."""
    return consonants(sounds).translate(_CLASSES)


def _hangul_key(word: str) -> str:
    """The sound key of a Hangul word that may be a loanword, else "": one written the way loanwords are
    (two consonants or more), or one made of syllables Hanja read as (가우시안) with three consonants or more,
    which must then sound all but exactly like the English word (:func:`transliterates`). Both keep to
    loanword spelling, so a word that does not (있을, 같은: most verb forms) is not read for its sound."""
    if not loanword_spelling(word):
        return ""
    key = sound_key(hangul_sounds(word))
    return key if len(key) >= (2 if loanword_like(word) else 3) else ""


#: English word → its reading, kept for the candidate pairs it is in (reading English spelling is the dear part)
_LATIN_SOUNDS = Memo(latin_sounds)


def _latin_key(word: str) -> str:
    return sound_key(_LATIN_SOUNDS[word])


_HANGUL_KEYS = Memo(_hangul_key)
_LATIN_KEYS = Memo(_latin_key)


def latin_key(word: str) -> str:
    return _LATIN_KEYS[word]  # type: ignore[no-any-return]


def _transliterates(pair: tuple[str, str]) -> bool:
    hangul, latin = pair
    exact = len(_LATIN_KEYS[latin]) <= 2 or not loanword_like(hangul)
    return sound_similarity(hangul_sounds(hangul), _LATIN_SOUNDS[latin]) >= (
        MIN_SIMILARITY_SHORT if exact else MIN_SIMILARITY)


_SIMILAR = Memo(_transliterates)


def transliterates(hangul: str, latin: str) -> bool:
    """Whether ``hangul`` is close enough to ``latin`` in sound to be its transliteration."""
    return _SIMILAR[(hangul, latin)]  # type: ignore[no-any-return]


def mine(text: str) -> Mined:
    """What ``text`` (a document's title, headings, description and body) contributes."""
    text = text[:MAX_CHARS]
    korean = hangul_words(text)
    english = latin_words(text)
    pairs: set[Pair] = {(GLOSS, k, e) for k, e in glosses(text)}
    # the sound keys of the loanword-like Hangul words ("" for the others), looked up without a Python-level
    # loop; most documents have an English word of one of them in only a few words, so the words are
    # grouped by key only for the keys an English word has
    keys = set(map(_HANGUL_KEYS.__getitem__, korean))
    keys.discard("")
    if keys:
        matched = list(compress(english, map(keys.__contains__, map(_LATIN_KEYS.__getitem__, english))))
        if matched:
            wanted = set(map(_LATIN_KEYS.__getitem__, matched))
            by_key: defaultdict[str, list[str]] = defaultdict(list)
            for word in korean:
                key = _HANGUL_KEYS[word]
                if key in wanted:
                    by_key[key].append(word)
            for word in matched:
                for candidate in by_key[_LATIN_KEYS[word]]:
                    if _SIMILAR[(candidate, word)]:
                        pairs.add((TRANSLITERATION, candidate, word))
    korean |= english
    return Mined(frozenset(korean), frozenset(pairs))


class MinedCounts:
    """Documents per word and per candidate pair, over a corpus."""

    def __init__(self) -> None:
        self.words: Counter[str] = Counter()
        self.pairs: Counter[Pair] = Counter()
        self.documents = 0

    def add(self, mined: Mined, sign: int = 1) -> None:
        """Count one document in (``sign`` 1) or out (``sign`` -1)."""
        self.documents += sign
        if sign == 1:
            self.words.update(mined.words)
            self.pairs.update(mined.pairs)
            return
        for counter, items in ((self.words, mined.words), (self.pairs, mined.pairs)):
            for item in items:
                left = counter[item] - 1
                if left > 0:
                    counter[item] = left
                else:
                    del counter[item]

    def merge(self, other: MinedCounts) -> None:
        self.words.update(other.words)
        self.pairs.update(other.pairs)
        self.documents += other.documents

    def add_all(self, texts: Iterable[str], sign: int = 1) -> None:
        for text in texts:
            self.add(mine(text), sign)
