"""The words of a text as written: Hangul words without their particles, English words with camelCase split.

No morphological analysis is needed (a document's words are read again, cheaply, when an update replaces
it), so a Hangul word is a run of Hangul syllables with its trailing particles taken off
(:func:`indexer.analysis.strip_particle`: 컬렉션이 → 컬렉션, 어레이 stays). Verb forms are kept as they come out.
English words need a vowel (letter-by-letter acronyms and markup such as ``src`` are left out).

>>> sorted(hangul_words("가비지컬렉션이 메서드를 부르는 클로저란"))
['가비지컬렉션', '메서드', '부르', '클로저']
>>> sorted(latin_words("MutationObserver and XMLHttpRequest"))
['mutation', 'mutationobserver', 'observer', 'request', 'xmlhttprequest']
"""
from __future__ import annotations

import re

from indexer.analysis import STRIPPED, Memo

_HANGUL_RUN = re.compile(r"[\uac00-\ud7a3]{2,}")
_LATIN_TOKEN = re.compile(r"[A-Za-z][A-Za-z0-9]*")
_CAMEL = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])")
_VOWEL = re.compile(r"[aeiouy]")
#: English words too common to say anything about a text (and markup words), never mined.
STOPWORDS = frozenset("""a an and are as at be by for from has have had in is it its of on or that the this to was
were will with you your yours we our ours us can not but if into than then there these those they which who whom
whose what when where why how all any both each few many much use using used also been being such more most
other others some only very just about above below over under again further once after before between through
during without within would should could may might must shall their theirs them his her hers its itself
himself herself themselves myself yourself ourselves here same own too does did doing done having get gets got
let lets like make makes made say says said see sees seen way ways well etc via per yet upon onto off out
http https www com org html md png jpg gif svg""".split())

def hangul_words(text: str) -> set[str]:
    """The distinct Hangul words of ``text`` (two syllables or more), particles taken off."""
    return set(map(STRIPPED.__getitem__, set(_HANGUL_RUN.findall(text))))


def _parts(token: str) -> tuple[str, ...]:
    # a tuple, not a frozenset: the memo keeps one per distinct token, and a tuple of strings is left out of
    # the garbage collector's walks (a set never is)
    words = {token.lower(), *(part.lower() for part in _CAMEL.findall(token))}
    return tuple(w for w in words if len(w) >= 3 and w not in STOPWORDS and _VOWEL.search(w) and w.isalpha())


_LATIN_PARTS = Memo(_parts)


def latin_words(text: str) -> set[str]:
    """The distinct English words of ``text``, lower case: each token whole and its camelCase parts (three
    letters or more, with a vowel, not a stop word)."""
    return set().union(*map(_LATIN_PARTS.__getitem__, set(_LATIN_TOKEN.findall(text))))
