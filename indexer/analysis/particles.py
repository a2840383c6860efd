"""Particles taken off a Hangul word without morphological analysis, as Korean grammar allows it.

One or two trailing particles go (모델에서도 → 모델), each only where its sound fits — 이/을/은/과/으로 after a
final consonant, 가/를/는/와/로 after a vowel (로 after ㄹ too: 파일로) — and only when two syllables stay, so
어레이 keeps its 이 and 컬렉션이 loses it. Used where a word must be read as written (the mined whole words,
:mod:`indexer.mining`; a typed word checked against them, :mod:`indexer.spelling`).

>>> strip_particle("컬렉션이"), strip_particle("어레이"), strip_particle("파일로"), strip_particle("모델에서도")
('컬렉션', '어레이', '파일', '모델')
"""
from __future__ import annotations

from indexer.analysis.memo import Memo

# Particles with the sound they must follow: "C" a final consonant, "V" a vowel, "" anything.
_PARTICLES = sorted([
    ("이", "C"), ("을", "C"), ("은", "C"), ("과", "C"), ("으로", "C"), ("으로는", "C"), ("으로서", "C"),
    ("으로써", "C"), ("이나", "C"), ("이란", "C"), ("이라는", "C"), ("이며", "C"), ("이고", "C"), ("이다", "C"),
    ("가", "V"), ("를", "V"), ("는", "V"), ("와", "V"), ("로", "V"), ("로는", "V"), ("로서", "V"), ("로써", "V"),
    ("나", "V"), ("란", "V"), ("라는", "V"), ("며", "V"),
    ("의", ""), ("에", ""), ("에서", ""), ("에게", ""), ("에는", ""), ("에서는", ""), ("에도", ""), ("도", ""),
    ("만", ""), ("까지", ""), ("부터", ""), ("처럼", ""), ("보다", ""), ("과의", "C"), ("와의", "V"), ("들", ""),
    ("들을", ""), ("들이", ""), ("들은", ""), ("들의", ""), ("들과", ""), ("들에", ""),
], key=lambda p: -len(p[0]))


def _final_consonant(syllable: str) -> int:
    """The final consonant index of a syllable (0: none; 8: ㄹ)."""
    return (ord(syllable) - 0xAC00) % 28


def _strip(word: str) -> str:
    """``word`` without up to two trailing particles (모델에서도 → 모델)."""
    once = _strip_one(word)
    return _strip_one(once) if once != word else word


#: the particles by their last syllable (a word is compared only with those it could end with)
_BY_LAST: dict[str, list[tuple[str, str]]] = {}
for _particle in _PARTICLES:
    _BY_LAST.setdefault(_particle[0][-1], []).append(_particle)


def _strip_one(word: str) -> str:
    for particle, follows in _BY_LAST.get(word[-1:], ()):
        if len(word) - len(particle) >= 2 and word.endswith(particle):
            final = _final_consonant(word[-len(particle) - 1])
            after_l = particle.startswith("로") and final == 8  # 로 follows a final ㄹ too (파일로)
            if follows == "C" and not final or follows == "V" and final and not after_l:
                continue
            return word[:-len(particle)]
    return word


#: word → the word without its trailing particles, computed once per word (``map(STRIPPED.__getitem__, words)``
#: strips a text's words without a Python-level call per word)
STRIPPED = Memo(_strip)


def strip_particle(word: str) -> str:
    """``word`` without its trailing particles (see the module docstring)."""
    return STRIPPED[word]  # type: ignore[no-any-return]


