"""A cheap language guess: Korean when Hangul is a real share of the letters, else English."""
from __future__ import annotations


def guess_language(text: str) -> str:
    hangul = latin = 0
    for char in text[:20000]:
        if "\uac00" <= char <= "\ud7a3":
            hangul += 1
        elif char.isascii() and char.isalpha():
            latin += 1
    if hangul == 0 and latin == 0:
        return ""
    # One Hangul syllable carries about as much as three Latin letters.
    return "ko" if hangul * 3 >= latin * 0.5 else "en"
