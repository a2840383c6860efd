"""Character bigrams of Hangul runs: the recall net for words the dictionary misreads."""
from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from whoosh.analysis import Token, Tokenizer

from indexer.analysis.normalize import fold_width

_HANGUL_RUN = re.compile(r"[\uac00-\ud7a3]+")


def bigrams(text: str) -> Iterator[tuple[str, int, int]]:
    """(gram, start, end) for every Hangul run: its bigrams, or the syllable itself if alone.

    >>> [g for g, _, _ in bigrams("의료영상 분할")]
    ['의료', '료영', '영상', '분할']
    """
    for match in _HANGUL_RUN.finditer(fold_width(text)):
        run, base = match.group(0), match.start()
        if len(run) == 1:
            yield run, base, base + 1
            continue
        for i in range(len(run) - 1):
            yield run[i:i + 2], base + i, base + i + 2


class HangulBigramTokenizer(Tokenizer):
    def __eq__(self, other: object) -> bool:
        return isinstance(other, HangulBigramTokenizer)

    def __hash__(self) -> int:
        return hash(type(self).__name__)

    def __call__(self, value: str, positions: bool = False, chars: bool = False, keeporiginal: bool = False,
                 removestops: bool = True, start_pos: int = 0, start_char: int = 0, tokenize: bool = True,
                 mode: str = "", **kwargs: Any) -> Iterator[Token]:
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        for number, (gram, start, end) in enumerate(bigrams(value)):
            token.text = gram
            token.boost = 1.0
            token.stopped = False
            if keeporiginal:
                token.original = gram
            if positions:
                token.pos = start_pos + number
            if chars:
                token.startchar, token.endchar = start_char + start, start_char + end
            yield token
