"""The index-time fast path: the terms the analyzers yield, as plain lists, without Token objects.

:func:`index_terms` walks the same cached units of mecab output as the Token chain
(``KoreanTokenizer | LowercaseFilter | EnglishStemFilter``) but appends each unit's precomputed index
forms; :func:`bigram_terms` collects a value's Hangul bigrams with one regular-expression scan.
"""
from __future__ import annotations

import re
from functools import partial
from itertools import accumulate, compress
from operator import is_not

from indexer.analysis.scan import index_units
from indexer.analysis.userdict import default_user_dictionary

_IS_FORM = partial(is_not, None)

# At each position: the bigram starting there, or a syllable with no Hangul on either side. Width
# folding is not needed: it never makes or breaks a Hangul syllable.
_BIGRAM = re.compile(r"(?=([\uac00-\ud7a3]{2}|(?<![\uac00-\ud7a3])[\uac00-\ud7a3](?![\uac00-\ud7a3])))")


def index_terms(value: str) -> tuple[list[str], list[int]]:
    """The texts and positions ``text_analyzer()(value, positions=True, mode="index")`` yields, in order.

    >>> index_terms("U-Net으로 모두의연구소에서")
    (['net', 'unet', '모두의연구소', '모두', '연구소'], [0, 0, 1, 1, 2])
    """
    forms: list[str | None] = []
    steps: list[int] = []
    for unit in index_units(value, default_user_dictionary()):
        forms += unit.forms
        steps += unit.steps
    positions = list(accumulate(steps, initial=-1))
    del positions[0]
    if None in forms:  # a unit that ends in stop words (or other positions without a form)
        keep = list(map(_IS_FORM, forms))
        return list(compress(forms, keep)), list(compress(positions, keep))  # type: ignore[arg-type]
    return forms, positions  # type: ignore[return-value]


def bigram_terms(value: str) -> list[str]:
    """The texts ``bigram_analyzer()(value)`` yields, in order.

    >>> bigram_terms("의료영상 분할 및")
    ['의료', '료영', '영상', '분할', '및']
    """
    return _BIGRAM.findall(value)
