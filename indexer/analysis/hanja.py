"""The Hangul syllables that read a Hanja character, from mecab-ko-dic's own readings.

A word made only of such syllables may be Sino-Korean (필요 必要, 표시 表示); a word with a syllable no Hanja
reads as (스, 트, 션, 퓨) is written the way loanwords are (스레드, 어텐션, 컴퓨터). The mined bilingual lexicon
(:mod:`indexer.mining`) looks for transliterations among the second kind only.

>>> "학" in sino_korean_syllables(), "션" in sino_korean_syllables()
(True, False)
>>> loanword_like("어텐션"), loanword_like("필요"), loanword_like("있을")
(True, False, False)
"""
from __future__ import annotations

from functools import lru_cache

from indexer.analysis.scan import Tagger

_UNIFIED = range(0x4E00, 0x9FA6)  # CJK Unified Ideographs


@lru_cache(maxsize=1)
def sino_korean_syllables() -> frozenset[str]:
    """Every Hangul syllable mecab-ko-dic gives as (part of) the reading of a CJK unified ideograph."""
    found: set[str] = set()
    for line in Tagger.parse("\n".join(map(chr, _UNIFIED))).splitlines():
        _, tab, feature = line.partition("\t")
        fields = feature.split(",")
        if tab and len(fields) > 3 and fields[3] not in ("*", ""):
            found.update(c for c in fields[3] if "\uac00" <= c <= "\ud7a3")
    return frozenset(found)


# Loanword orthography writes no tense consonant at the start of a syllable (ㄲ ㄸ ㅃ ㅆ ㅉ) and only the
# seven representative final consonants (ㄱ ㄴ ㄹ ㅁ ㅂ ㅅ ㅇ): initial and final indices of those.
_TENSE_INITIALS = frozenset({1, 4, 8, 10, 13})
_LOANWORD_FINALS = frozenset({0, 1, 4, 8, 16, 17, 19, 21})


def loanword_spelling(word: str) -> bool:
    """Whether a Hangul word keeps to loanword orthography: no tense initial consonant and no final
    consonant besides the seven representative ones (있을, 같은, 앞선 do not)."""
    for char in word:
        code = ord(char) - 0xAC00
        if not 0 <= code < 11172 or code // 588 in _TENSE_INITIALS or code % 28 not in _LOANWORD_FINALS:
            return False
    return bool(word)


def loanword_like(word: str) -> bool:
    """Whether a Hangul word is written the way loanwords are: :func:`loanword_spelling`, and a syllable
    that no Hanja reads as (어텐션, not 필요)."""
    syllables = sino_korean_syllables()
    return loanword_spelling(word) and any(c not in syllables for c in word)
