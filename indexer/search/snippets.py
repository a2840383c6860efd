"""Snippets without re-analysing documents: query terms are found in the stored text by pattern.

Index terms are nouns and stems that occur literally in the text (세그멘테이션 inside 세그멘테이션을,
``segment`` at the start of ``segmentation``), so a case-insensitive search for each term, widened to
the end of a Latin word, marks the right characters at a fraction of the cost of a full analysis.
"""
from __future__ import annotations

import html
import re
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache
from itertools import islice

SNIPPET_CHARS = 220
MAX_FRAGMENTS = 2
#: Matches looked at per document: enough to pick good windows, bounded for very long documents.
MAX_SPANS = 200


def _pattern(terms: Iterable[str]) -> re.Pattern[str] | None:
    return _compiled(frozenset(terms))


@lru_cache(maxsize=256)
def _compiled(terms: frozenset[str]) -> re.Pattern[str] | None:
    """One pattern per set of terms (the hits of one search share it)."""
    words = sorted({t for t in terms if t and (len(t) > 1 or not t.isascii())}, key=lambda w: (-len(w), w))
    if not words:
        return None
    alternatives = []
    for word in words:
        escaped = re.escape(word)
        # A Latin stem matches the whole word it starts (segment → segmentation); Hangul matches as is.
        alternatives.append(rf"\b{escaped}[a-z0-9]*" if word.isascii() and word[0].isalnum() else escaped)
    return re.compile("|".join(alternatives), re.IGNORECASE)


def _windows(spans: list[tuple[int, int, str]], length: int) -> list[tuple[int, int]]:
    """Up to two non-overlapping windows covering the most distinct matched terms."""
    chosen: list[tuple[int, int]] = []
    remaining = spans
    for _ in range(MAX_FRAGMENTS):
        best = _best_window(remaining)
        if best is None:
            break
        start = max(0, best - 40)
        end = min(length, start + SNIPPET_CHARS)
        chosen.append((start, end))
        remaining = [s for s in remaining if s[1] <= start or s[0] >= end]
        if not remaining:
            break
    return sorted(chosen)


def _best_window(spans: list[tuple[int, int, str]]) -> int | None:
    """Where the best window starts: the span whose window holds the most distinct terms, then the most
    matches (the first such span on ties). Matches come in text order, so one pass with a sliding end."""
    best: tuple[int, int] | None = None  # (score, start)
    inside: Counter[str] = Counter()
    j = 0
    for i, (start, _end, _t) in enumerate(spans):
        window_end = start + SNIPPET_CHARS
        while j < len(spans) and spans[j][1] <= window_end:
            inside[spans[j][2].lower()] += 1
            j += 1
        if j > i:
            score = len(inside) * 10 + (j - i)
            if best is None or score > best[0]:
                best = (score, start)
            term = spans[i][2].lower()
            inside[term] -= 1
            if not inside[term]:
                del inside[term]
        else:
            j = i + 1  # a match longer than a window: it is a window of its own
            if best is None or 0 > best[0]:
                best = (0, start)
    return best[1] if best is not None else None


def make_snippet(text: str, terms: Iterable[str], fallback: str = "") -> str:
    """Escaped HTML with ``<mark>`` around matched terms; the start of the text when nothing matches."""
    pattern = _pattern(terms)
    found = islice(pattern.finditer(text), MAX_SPANS) if pattern else ()
    spans = [(m.start(), m.end(), m.group(0)) for m in found]
    if not spans:
        plain = fallback or text
        cut = plain[:SNIPPET_CHARS]
        return html.escape(" ".join(cut.split()) + ("…" if len(plain) > SNIPPET_CHARS else ""))
    pieces = []
    for start, end in _windows(spans, len(text)):
        start = _word_start(text, start)
        out, cursor = [], start
        for s, e, _ in spans:
            if s < start or e > end:
                continue
            out.append(html.escape(text[cursor:s]))
            out.append(f'<mark>{html.escape(text[s:e])}</mark>')
            cursor = e
        out.append(html.escape(text[cursor:end]))
        fragment = " ".join("".join(out).split()).replace("</mark><mark>", "")
        prefix = "…" if start > 0 else ""
        suffix = "…" if end < len(text) else ""
        pieces.append(prefix + fragment + suffix)
    return " ".join(pieces)


def _word_start(text: str, index: int) -> int:
    while 0 < index < len(text) and not text[index - 1].isspace() and index > 0:
        index -= 1
        if index and text[index - 1].isspace():
            break
    return index
