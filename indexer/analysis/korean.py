"""Korean morphological tokenizer for Whoosh, built on mecab-ko with the mecab-ko-dic dictionary.

What it does, in Lucene Nori's terms:

* parts of speech Nori drops by default (particles J*, endings E*, suffixes XS*, adverbs MAG …)
  never become tokens, so 세그멘테이션을 and 강화학습으로 index as their nouns;
* compounds are decompounded in *mixed* mode at index time (연구소 and 연구, 소) and kept whole at
  query time, so phrase queries still line up;
* Hanja is indexed by its Hangul reading; a user dictionary keeps Modulabs words whole;
* Latin runs (U-Net, CNN-based, v2.0) yield their parts and the joined form (unet, cnnbased).

Every token carries character offsets into the original value, so highlights land on the right
characters.
"""
from __future__ import annotations

from collections.abc import Iterator
from typing import Any, NamedTuple

from whoosh.analysis import Token, Tokenizer

from indexer.analysis.scan import scan
from indexer.analysis.userdict import UserDictionary, default_user_dictionary


class Morph(NamedTuple):
    text: str
    start: int
    end: int
    #: True for a token that shares its position with the previous one (a compound's part)
    same_position: bool = False


_new_morph = tuple.__new__  # Morph(...) without NamedTuple's Python-level __new__: one call per morpheme


def morphemes(text: str, *, index: bool = True, userdict: UserDictionary | None = None) -> Iterator[Morph]:
    """The index terms of ``text`` with offsets (not lowercased or stemmed yet), from the units
    :func:`~indexer.analysis.scan.scan` reads.

    >>> [m.text for m in morphemes("세그멘테이션을 배우고 싶어요")]
    ['세그멘테이션', '배우']
    >>> [m.text for m in morphemes("U-Net으로 세포를 분할한다")]
    ['Net', 'UNet', '세포', '분할']
    """
    userdict = default_user_dictionary() if userdict is None else userdict
    return iter([_new_morph(Morph, (word, start + offset, start + stop, same))
                 for unit, start in scan(text, index, userdict) for word, offset, stop, same in unit.morphs])


class KoreanTokenizer(Tokenizer):
    """Whoosh tokenizer over :func:`morphemes`; picklable (the mecab tagger lives outside it)."""

    def __init__(self, use_userdict: bool = True) -> None:
        self.use_userdict = use_userdict

    def __eq__(self, other: object) -> bool:
        return isinstance(other, KoreanTokenizer) and other.use_userdict == self.use_userdict

    def __hash__(self) -> int:
        return hash((type(self).__name__, self.use_userdict))

    def __call__(self, value: str, positions: bool = False, chars: bool = False, keeporiginal: bool = False,
                 removestops: bool = True, start_pos: int = 0, start_char: int = 0, tokenize: bool = True,
                 mode: str = "", **kwargs: Any) -> Iterator[Token]:
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        if not tokenize:
            token.original = token.text = value
            token.boost = 1.0
            if positions:
                token.pos = start_pos
            if chars:
                token.startchar, token.endchar = start_char, start_char + len(value)
            yield token
            return
        userdict = None if self.use_userdict else UserDictionary([])
        pos = start_pos - 1
        for morph in morphemes(value, index=mode != "query", userdict=userdict):
            if not morph.same_position:
                pos += 1
            token.text = morph.text
            token.boost = 1.0
            token.stopped = False
            if keeporiginal:
                token.original = morph.text
            if positions:
                token.pos = pos
            if chars:
                token.startchar = start_char + morph.start
                token.endchar = start_char + morph.end
            yield token
