"""English side of the analysis: Snowball stemming for Latin tokens only (Hangul passes through)."""
from __future__ import annotations

import sys
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from whoosh.analysis import Filter, Token
from whoosh.analysis.filters import STOP_WORDS

#: Optional packages nltk's ``__init__`` imports for modules we never call (scipy.stats for collocation
#: statistics): with SciPy installed they cost ~0.8 s at every start of the CLI, a web worker or a test.
_NLTK_EXTRAS = ("scipy",)


def _snowball_class() -> Any:
    """nltk's SnowballStemmer, imported with :data:`_NLTK_EXTRAS` hidden unless already loaded.

    nltk guards those imports (``try: from scipy.stats import ...``), so it falls back for the functions
    that need them; the packages are importable again afterwards, for whoever else wants them."""
    hidden = [name for name in _NLTK_EXTRAS if name not in sys.modules]
    for name in hidden:
        sys.modules[name] = None  # type: ignore[assignment]  # import raises ImportError
    try:
        from nltk.stem.snowball import SnowballStemmer
    finally:
        for name in hidden:
            if sys.modules.get(name, 0) is None:
                del sys.modules[name]
    return SnowballStemmer


_STEMMER = _snowball_class()("english")


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
