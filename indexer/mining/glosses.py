"""Glosses: a term written with its translation beside it, the way Korean technical writing introduces terms.

Three forms are read, each giving (Korean, English) candidates:

* ``배치 정규화(batch normalization)``, ``이터레이터 (iterator, 반복자)``: the one to three Hangul words right
  before an opening parenthesis whose first item is English (every span of them is a candidate: which one
  is the term is decided over the whole corpus, :mod:`~indexer.mining.select`);
* ``Attention(어텐션)``: the one to four English words before a parenthesis whose first item is Hangul;
* ``:term:`이터레이터 <iterator>``` : reStructuredText's cross-reference with an explicit title, the
  Korean title of an English target (a target with a hyphen is a label, not a word, and is left out).

>>> sorted(glosses("이번 글은 **배치 정규화**(Batch-Normalization)를 다룬다"))[1:]
[('배치 정규화', 'batch normalization'), ('정규화', 'batch normalization')]
"""
from __future__ import annotations

import re

_MARKUP = re.compile(r"[*`_\"'“”‘’\[\]]")
_HANGUL_TOKEN = re.compile(r"[\uac00-\ud7a3]+")
_LATIN_TOKEN = re.compile(r"[A-Za-z][A-Za-z0-9\-]*")
# "(" + an English first item (up to the first comma or the closing parenthesis)
_ENGLISH_IN = re.compile(r"\(\s*([A-Za-z][A-Za-z0-9\- ]{0,58}[A-Za-z0-9])\s*[,;:)]")
# "(" + a Hangul first item
_HANGUL_IN = re.compile(r"\(\s*([\uac00-\ud7a3]{2,}(?: [\uac00-\ud7a3]+){0,3})\s*[,;:)]")
# reStructuredText: `title <target>` with a Hangul title and a word target
_REST = re.compile(r"`([\uac00-\ud7a3]{2,}(?: [\uac00-\ud7a3]+){0,3}) <([a-z][a-z ]{1,40}[a-z])>`")
_LOOK_BACK = 60


def _english(text: str) -> str:
    return " ".join(text.lower().replace("-", " ").split())


def _words_before(text: str, at: int, most: int, token: re.Pattern[str]) -> list[str]:
    """The last words (up to ``most``) before ``at`` that are all ``token``s, markup left out."""
    before = _MARKUP.sub("", text[max(0, at - _LOOK_BACK):at]).split()
    words: list[str] = []
    for word in reversed(before[-most:]):
        if not token.fullmatch(word):
            break
        words.insert(0, word)
    return words


def glosses(text: str) -> set[tuple[str, str]]:
    """The (Korean, English) gloss candidates of ``text``."""
    found: set[tuple[str, str]] = set()
    for match in _ENGLISH_IN.finditer(text):
        korean = _words_before(text, match.start(), 3, _HANGUL_TOKEN)
        english = _english(match.group(1))
        for n in range(1, len(korean) + 1):
            found.add((" ".join(korean[-n:]), english))
    for match in _HANGUL_IN.finditer(text):
        words = _words_before(text, match.start(), 4, _LATIN_TOKEN)
        hangul = " ".join(match.group(1).split())
        for n in range(1, len(words) + 1):
            found.add((hangul, _english(" ".join(words[-n:]))))
    for match in _REST.finditer(text):
        found.add((" ".join(match.group(1).split()), _english(match.group(2))))
    return found
