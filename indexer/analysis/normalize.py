"""Length-preserving normalisation, so token offsets still point into the original text."""
from __future__ import annotations

import re
import unicodedata

_FULLWIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
_FULLWIDTH[0x3000] = 0x20  # ideographic space
_SEPARATORS = {ord("ㆍ"): " ", ord("·"): " ", ord("‧"): " ", ord("・"): " "}


_FOLD = {**_FULLWIDTH, **_SEPARATORS}  # disjoint: one pass does what the two tables did in turn
_FOLDABLE = re.compile("[" + "".join(re.escape(chr(code)) for code in _FOLD) + "]")


def fold_width(text: str) -> str:
    """Full-width Latin and digits → ASCII, and ㆍ/· (Korean list dots) → spaces; same length."""
    # Most text has nothing to fold: one regex scan instead of a per-character table lookup.
    return text.translate(_FOLD) if _FOLDABLE.search(text) else text


def normalize_query(text: str) -> str:
    """What every query goes through first: NFC (macOS sends NFD Hangul), width folding, no controls."""
    text = unicodedata.normalize("NFC", text)
    text = "".join(" " if (unicodedata.category(c) in ("Cc", "Cs", "Co") or c == "\ufffd") else c for c in text)
    return fold_width(text)
