"""Prefix keys for Korean as it is typed: jamo keys (IME composition) and 초성 keys.

* **IME composition.** While 풀잎 is being typed the box holds 풀이 (the ㅍ of 잎 has not arrived yet),
  and 학습 passes through 핛. Keys are therefore compared as jamo with compound letters split
  (핛 → ㅎㅏㄱㅅ, 화 → ㅎㅗㅏ), so every intermediate state is a prefix of the finished word.
* **초성 search.** ㄱㅎㅎㅅ finds 강화학습 through a key of initial consonants. A second key follows
  pronunciation (연음: 풀잎 is read [풀립], so ㅍㄹㅅㅋ also finds 풀잎스쿨).

>>> jamo("풀이")
'ㅍㅜㄹㅇㅣ'
>>> jamo("풀잎스쿨").startswith(jamo("풀이")), jamo("학습").startswith(jamo("핛"))
(True, True)
>>> choseong("강화학습"), choseong("풀잎스쿨", liaison=True)
('ㄱㅎㅎㅅ', 'ㅍㄹㅅㅋ')
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from functools import lru_cache

__all__ = ["choseong", "entry_keys", "is_choseong_query", "jamo", "plain_key", "word_starts"]

_S_BASE, _S_LAST = 0xAC00, 0xD7A3
_INITIALS = "ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ"
_MEDIALS = ["ㅏ", "ㅐ", "ㅑ", "ㅒ", "ㅓ", "ㅔ", "ㅕ", "ㅖ", "ㅗ", "ㅗㅏ", "ㅗㅐ", "ㅗㅣ", "ㅛ", "ㅜ", "ㅜㅓ", "ㅜㅔ",
            "ㅜㅣ", "ㅠ", "ㅡ", "ㅡㅣ", "ㅣ"]
_FINALS = ["", "ㄱ", "ㄲ", "ㄱㅅ", "ㄴ", "ㄴㅈ", "ㄴㅎ", "ㄷ", "ㄹ", "ㄹㄱ", "ㄹㅁ", "ㄹㅂ", "ㄹㅅ", "ㄹㅌ", "ㄹㅍ",
           "ㄹㅎ", "ㅁ", "ㅂ", "ㅂㅅ", "ㅅ", "ㅆ", "ㅇ", "ㅈ", "ㅊ", "ㅋ", "ㅌ", "ㅍ", "ㅎ"]
# A compatibility jamo typed on its own (ㄳ, ㅘ …) splits the same way as inside a syllable.
_COMPAT_SPLIT = {"ㄳ": "ㄱㅅ", "ㄵ": "ㄴㅈ", "ㄶ": "ㄴㅎ", "ㄺ": "ㄹㄱ", "ㄻ": "ㄹㅁ", "ㄼ": "ㄹㅂ", "ㄽ": "ㄹㅅ",
                 "ㄾ": "ㄹㅌ", "ㄿ": "ㄹㅍ", "ㅀ": "ㄹㅎ", "ㅄ": "ㅂㅅ", "ㅘ": "ㅗㅏ", "ㅙ": "ㅗㅐ", "ㅚ": "ㅗㅣ",
                 "ㅝ": "ㅜㅓ", "ㅞ": "ㅜㅔ", "ㅟ": "ㅜㅣ", "ㅢ": "ㅡㅣ"}
_CONSONANTS = frozenset(_INITIALS) | frozenset("ㄳㄵㄶㄺㄻㄼㄽㄾㄿㅀㅄ")
_KEEP = re.compile(r"[\w\u3131-\u318e]+")  # letters, digits, Hangul (syllables and jamo)
_SYLLABLE_RUN = re.compile(r"[\uac00-\ud7a3]+")


def jamo(text: str) -> str:
    """Lowercased text with Hangul syllables spelled out in compatibility jamo, compounds split."""
    return unicodedata.normalize("NFC", text).lower().translate(_jamo_table())


@lru_cache(maxsize=1)
def _jamo_table() -> dict[int, str]:
    """str.translate table: every syllable → its jamo, every compound jamo → its parts."""
    table = {ord(ch): parts for ch, parts in _COMPAT_SPLIT.items()}
    for index in range(_S_LAST - _S_BASE + 1):
        table[_S_BASE + index] = _INITIALS[index // 588] + _MEDIALS[(index % 588) // 28] + _FINALS[index % 28]
    return table


def choseong(text: str, *, liaison: bool = False) -> str:
    """The initial consonants of the Hangul syllables in ``text`` (other characters are dropped).


    With ``liaison`` a syllable starting with silent ㅇ takes the previous syllable's final consonant,
    as it is pronounced (풀잎 [풀립] → ㅍㄹ, 음악 [으막] → ㅇㅁ).
    """
    out = []
    for run in _SYLLABLE_RUN.findall(unicodedata.normalize("NFC", text)):
        initials = run.translate(_initial_table())
        if liaison and "ㅇ" in initials[1:]:
            letters = list(initials)
            for k in range(1, len(run)):
                final = _FINALS[(ord(run[k - 1]) - _S_BASE) % 28]
                if letters[k] == "ㅇ" and final:
                    letters[k] = final[-1]
            initials = "".join(letters)
        out.append(initials)
    return "".join(out)


@lru_cache(maxsize=1)
def _initial_table() -> dict[int, str]:
    """str.translate table: every syllable → its initial consonant."""
    return {_S_BASE + index: _INITIALS[index // 588] for index in range(_S_LAST - _S_BASE + 1)}


def is_choseong_query(text: str) -> bool:
    letters = [c for c in text if not c.isspace()]
    return bool(letters) and all(c in _CONSONANTS for c in letters)


def plain_key(text: str) -> str:
    """The comparison form of a key: jamo, without spaces and punctuation."""
    return "".join(_KEEP.findall(jamo(text)))


def entry_keys(text: str) -> tuple[list[tuple[str, int]], list[tuple[str, int]]]:
    """(jamo key, word position) of every word start of ``text``, and its (초성 key, word position)s."""
    keys: list[tuple[str, int]] = []
    initials: list[tuple[str, int]] = []
    for position, start in enumerate(word_starts(text)):
        tail = text[start:]
        keys.append((plain_key(tail), position))
        for liaison in (False, True):
            initial = choseong(tail, liaison=liaison)
            if len(initial) >= 2:
                initials.append((initial, position))
    return keys, initials


def word_starts(text: str) -> Iterator[int]:
    """Where each word of ``text`` starts (also after / _ - . and between a Latin run and Hangul)."""
    previous: str | None = None  # the script of the previous character, None when it is no word character
    for index, ch in enumerate(text):
        if ch.isalnum():
            script = _script(ch)
            if script != previous:
                yield index
            previous = script
        else:
            previous = None


def _script(ch: str) -> str:
    if "\uac00" <= ch <= "\ud7a3" or "\u3131" <= ch <= "\u318e":
        return "hangul"
    return "digit" if ch.isdigit() else "other"
