"""Wrong keyboard mode (한/영 전환): Latin keys typed for Hangul and the reverse, on the 2-beolsik layout.

>>> latin_to_hangul("dkdlvpf")
'아이펠'
>>> latin_to_hangul("rkdghkgkrtmq")
'강화학습'
>>> hangul_to_latin("ㅔㅛ색초")
'pytorch'
"""
from __future__ import annotations

import re

_KEYS = {
    "q": "ㅂ", "w": "ㅈ", "e": "ㄷ", "r": "ㄱ", "t": "ㅅ", "y": "ㅛ", "u": "ㅕ", "i": "ㅑ", "o": "ㅐ", "p": "ㅔ",
    "a": "ㅁ", "s": "ㄴ", "d": "ㅇ", "f": "ㄹ", "g": "ㅎ", "h": "ㅗ", "j": "ㅓ", "k": "ㅏ", "l": "ㅣ",
    "z": "ㅋ", "x": "ㅌ", "c": "ㅊ", "v": "ㅍ", "b": "ㅠ", "n": "ㅜ", "m": "ㅡ",
    "Q": "ㅃ", "W": "ㅉ", "E": "ㄸ", "R": "ㄲ", "T": "ㅆ", "O": "ㅒ", "P": "ㅖ",
}
_JAMO_KEYS = {jamo: key for key, jamo in reversed(list(_KEYS.items()))}
_CHO = "ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ"
_JUNG = "ㅏㅐㅑㅒㅓㅔㅕㅖㅗㅘㅙㅚㅛㅜㅝㅞㅟㅠㅡㅢㅣ"
_JONG = ["", "ㄱ", "ㄲ", "ㄳ", "ㄴ", "ㄵ", "ㄶ", "ㄷ", "ㄹ", "ㄺ", "ㄻ", "ㄼ", "ㄽ", "ㄾ", "ㄿ", "ㅀ", "ㅁ", "ㅂ",
         "ㅄ", "ㅅ", "ㅆ", "ㅇ", "ㅈ", "ㅊ", "ㅋ", "ㅌ", "ㅍ", "ㅎ"]
_VOWEL_PAIRS = {("ㅗ", "ㅏ"): "ㅘ", ("ㅗ", "ㅐ"): "ㅙ", ("ㅗ", "ㅣ"): "ㅚ", ("ㅜ", "ㅓ"): "ㅝ", ("ㅜ", "ㅔ"): "ㅞ",
                ("ㅜ", "ㅣ"): "ㅟ", ("ㅡ", "ㅣ"): "ㅢ"}
_FINAL_PAIRS = {("ㄱ", "ㅅ"): "ㄳ", ("ㄴ", "ㅈ"): "ㄵ", ("ㄴ", "ㅎ"): "ㄶ", ("ㄹ", "ㄱ"): "ㄺ", ("ㄹ", "ㅁ"): "ㄻ",
                ("ㄹ", "ㅂ"): "ㄼ", ("ㄹ", "ㅅ"): "ㄽ", ("ㄹ", "ㅌ"): "ㄾ", ("ㄹ", "ㅍ"): "ㄿ", ("ㄹ", "ㅎ"): "ㅀ",
                ("ㅂ", "ㅅ"): "ㅄ"}
_SPLIT = {v: k for k, v in {**_VOWEL_PAIRS, **_FINAL_PAIRS}.items()}
_LATIN_WORD = re.compile(r"^[A-Za-z]+$")


def _is_vowel(jamo: str) -> bool:
    return jamo in _JUNG


def compose(jamo: str) -> str:
    """Compatibility jamo in typing order → syllables, the way a 2-beolsik input method composes them."""
    out: list[str] = []
    cho = jung = jong = ""

    def flush() -> None:
        nonlocal cho, jung, jong
        if cho and jung:
            out.append(chr(0xAC00 + (_CHO.index(cho) * 21 + _JUNG.index(jung)) * 28 + _JONG.index(jong)))
        else:
            out.append(cho + jung + jong)
        cho = jung = jong = ""

    for j in jamo:
        if _is_vowel(j):
            if cho and not jung:
                jung = j
            elif jung and not jong and (jung, j) in _VOWEL_PAIRS:
                jung = _VOWEL_PAIRS[(jung, j)]
            elif jong:  # the final consonant moves to the next syllable: 각+ㅏ → 가가
                first, second = _SPLIT.get(jong, ("", jong))
                jong = first
                flush()
                cho, jung = second, j
            else:
                flush()
                jung = j
                flush()
        else:
            if not cho or (cho and not jung):
                if cho:
                    flush()
                cho = j
            elif not jong and j in _JONG:
                jong = j
            elif jong and (jong, j) in _FINAL_PAIRS:
                jong = _FINAL_PAIRS[(jong, j)]
            else:
                flush()
                cho = j
    if cho or jung or jong:
        flush()
    return "".join(out)


def decompose(text: str) -> str:
    """Syllables → compatibility jamo in typing order (compound vowels and finals split into their keys)."""
    out: list[str] = []
    for ch in text:
        code = ord(ch) - 0xAC00
        if 0 <= code < 11172:
            parts = [_CHO[code // 588], _JUNG[(code % 588) // 28], _JONG[code % 28]]
        else:
            parts = [ch]
        for part in parts:
            out.extend(_SPLIT.get(part, (part,)))
    return "".join(out)


def latin_to_hangul(word: str) -> str | None:
    """What ``word`` spells when the keys were meant in Hangul mode; None unless it makes whole syllables."""
    if not _LATIN_WORD.match(word):
        return None
    jamo = "".join(_KEYS.get(c, _KEYS.get(c.lower(), "")) for c in word)
    hangul = compose(jamo)
    if not all("\uac00" <= c <= "\ud7a3" for c in hangul):
        return None
    return hangul


def keys_as_hangul(word: str) -> str | None:
    """What the Latin keys of ``word`` type in Hangul mode so far, a syllable still being composed
    included (rkdgh → 강호, on the way to 강화); None unless it makes at least one syllable.

    >>> keys_as_hangul("rkdg"), keys_as_hangul("seg")
    ('강ㅎ', None)
    """
    if not _LATIN_WORD.match(word):
        return None
    hangul = compose("".join(_KEYS.get(c, _KEYS.get(c.lower(), "")) for c in word))
    return hangul if any("\uac00" <= c <= "\ud7a3" for c in hangul) else None


def hangul_to_latin(word: str) -> str | None:
    """What ``word`` spells when the keys were meant in Latin mode; None if it holds other characters."""
    keys = []
    for jamo in decompose(word):
        key = _JAMO_KEYS.get(jamo)
        if key is None:
            return None
        keys.append(key)
    return "".join(keys).lower()
