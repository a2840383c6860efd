"""English side of the analysis: Snowball stemming for Latin tokens only (Hangul passes through)."""
from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from nltk.stem.snowball import SnowballStemmer
from whoosh.analysis import Filter, Token
from whoosh.analysis.filters import STOP_WORDS

_STEMMER = SnowballStemmer("english")


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    return _STEMMER.stem(word)


def _is_latin_word(text: str) -> bool:
    return text.isascii() and text.isalpha()


def index_form(text: str) -> str | None:
    """What LowercaseFilter followed by the default EnglishStemFilter makes of one token's text: None
    for a stop word (the token is dropped), the stem of a longer ASCII word, the lowercased text
    otherwise. The index-time fast path stores it in each cached unit of mecab output."""
    text = text.lower()
    if _is_latin_word(text):
        if text in STOP_WORDS:
            return None
        if len(text) > 3:
            return stem(text)
    return text


class EnglishStemFilter(Filter):
    """Stems ASCII words with nltk's Snowball stemmer (no nltk data needed) and drops English stop words."""

    def __init__(self, stoplist: frozenset[str] = STOP_WORDS) -> None:
        self.stoplist = frozenset(stoplist)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, EnglishStemFilter) and other.stoplist == self.stoplist

    def __hash__(self) -> int:
        return hash(self.stoplist)

    def __call__(self, tokens: Iterator[Token], **kwargs: Any) -> Iterator[Token]:
        for token in tokens:
            text = token.text
            if _is_latin_word(text):
                if text in self.stoplist:
                    continue
                if len(text) > 3:
                    token.text = stem(text)
            yield token
