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


def glosses(text: str) -> set[tuple[str, str]]:
    """The (Korean, English) gloss candidates of ``text``."""
    found: set[tuple[str, str]] = set()
    for match in _ENGLISH_IN.finditer(text):
        before = _MARKUP.sub("", text[max(0, match.start() - _LOOK_BACK):match.start()]).split()
        korean: list[str] = []
        for token in reversed(before[-3:]):
            if not _HANGUL_TOKEN.fullmatch(token):
                break
            korean.insert(0, token)
        english = _english(match.group(1))
        for n in range(1, len(korean) + 1):
            found.add((" ".join(korean[-n:]), english))
    for match in _HANGUL_IN.finditer(text):
        before = _MARKUP.sub("", text[max(0, match.start() - _LOOK_BACK):match.start()]).split()
        words: list[str] = []
        for token in reversed(before[-4:]):
            if not _LATIN_TOKEN.fullmatch(token):
                break
            words.insert(0, token)
        korean = " ".join(match.group(1).split())
        for n in range(1, len(words) + 1):
            found.add((korean, _english(" ".join(words[-n:]))))
    for match in _REST.finditer(text):
        found.add((" ".join(match.group(1).split()), _english(match.group(2))))
    return found
