"""Snippets that show why a document matched, cut from its stored text around the matches of the query's
terms (:mod:`indexer.search.matches` finds them, without analysing the text again).

The passage shown is the window that explains most: every query word counts once (a compound found whole
or spaced counts more than one of its parts alone, a glossary twin nearly as much as a typed word), then
the number of matches. A second passage is added only when it shows another word, or a word better, and
does not repeat the first. Cuts fall between words. Only when no passage of the body matches does the
description (often the site's tagline) stand in, marked if it matches, and after it the start of the body.

Output is escaped HTML: typed words (and corrected or stemmed forms) in ``<mark>``, glossary twins in
``<mark class="alt">``.
"""
from __future__ import annotations

import html
import re
from collections.abc import Iterable

from indexer.search.highlight import Marks
from indexer.search.matches import MAX_ANALYSED, PART, TWIN, WHOLE, Span, analysed_spans, matcher_for

__all__ = ["SNIPPET_CHARS", "make_snippet", "mark_text"]

SNIPPET_CHARS = 220
MAX_FRAGMENTS = 2
#: How far before its first match a passage starts, and how far a cut may move to fall between words.
LEAD = 40
WORD_SLACK = 24

# -- choosing passages ----------------------------------------------------------------------------


def _worth(spans: list[Span]) -> int:
    """How much a passage explains: each query word or concept once, at its best; then how many whole
    words and twins it shows; then how many parts."""
    best: dict[int, int] = {}
    for span in spans:
        best[span.group] = max(best.get(span.group, 0), span.value)
    strong = sum(1 for span in spans if span.value > PART)
    return sum(best.values()) * 100 + min(strong, 9) * 10 + min(len(spans) - strong, 9)


def _best_window(spans: list[Span], taken: list[tuple[int, int]]) -> tuple[int, int] | None:
    """The (first, last) span indexes of the best window of SNIPPET_CHARS outside the ``taken`` ranges.

    One pass with a sliding end: the window's matches are counted per (word, value) as they enter and
    leave, and a word's best value is looked at again only when its counts change, so each window's worth
    (as :func:`_worth` computes it) costs a few operations."""
    if taken:
        places = [n for n, s in enumerate(spans) if not any(s.start < e and s.end > b for b, e in taken)]
        free = [spans[n] for n in places]
    else:
        places, free = None, spans
    if not free:
        return None
    # the spans' fields as plain lists: the loop below reads them many times
    starts = [s.start for s in free]
    ends = [s.end for s in free]
    groups = [s.group for s in free]
    values = [s.value for s in free]
    counts: dict[tuple[int, int], int] = {}
    best_of: dict[int, int] = {}  # word → its best value inside the window
    coverage = strong = 0
    best_worth, best_first, best_last = -1, 0, 0
    last = -1  # the last index of ``free`` inside the window
    size = len(free)
    for k in range(size):
        limit = starts[k] + SNIPPET_CHARS - LEAD
        while last + 1 < size and (last + 1 == k or ends[last + 1] <= limit):
            last += 1
            group, value = groups[last], values[last]
            key = (group, value)
            counts[key] = counts.get(key, 0) + 1
            if value > PART:
                strong += 1
            held = best_of.get(group, 0)
            if value > held:
                coverage += value - held
                best_of[group] = value
        weak = last - k + 1 - strong
        worth = coverage * 100 + (strong if strong < 9 else 9) * 10 + (weak if weak < 9 else 9)
        if worth > best_worth:
            best_worth, best_first, best_last = worth, k, last
        group, value = groups[k], values[k]
        key = (group, value)
        counts[key] -= 1
        if value > PART:
            strong -= 1
        if not counts[key] and best_of.get(group) == value:
            now = WHOLE if counts.get((group, WHOLE)) else TWIN if counts.get((group, TWIN)) \
                else PART if counts.get((group, PART)) else 0
            coverage += now - value
            best_of[group] = now
    if places is None:
        return best_first, best_last
    return places[best_first], places[best_last]


def _cut(text: str, first: Span, last: Span, floor: int) -> tuple[int, int]:
    """The passage around spans ``first``…``last``: LEAD characters before, SNIPPET_CHARS long, both ends
    moved to the nearest space (within WORD_SLACK), never before ``floor`` or inside a match."""
    start = max(floor, first.start - LEAD)
    if floor == 0 and first.start <= LEAD + WORD_SLACK:
        start = 0  # close to the beginning: show it from the beginning
    if start > floor and not text[start - 1].isspace():
        back = _space_before(text, start, max(floor, start - WORD_SLACK))
        ahead = _space_after(text, start, first.start)
        start = back + 1 if back is not None else ahead + 1 if ahead is not None else start
    end = max(last.end, min(len(text), start + SNIPPET_CHARS))
    if end < len(text) and not text[end].isspace():
        ahead = _space_after(text, end, end + WORD_SLACK)
        back = _space_before(text, end, last.end)
        end = ahead if ahead is not None else back if back is not None else end
    return start, end


def _space_before(text: str, index: int, low: int) -> int | None:
    """The last whitespace in ``text[low:index]``."""
    for at in range(index - 1, low - 1, -1):
        if text[at].isspace():
            return at
    return None


def _space_after(text: str, index: int, high: int) -> int | None:
    """The first whitespace in ``text[index:high]``."""
    for at in range(index, min(high, len(text))):
        if text[at].isspace():
            return at
    return None


def _render(text: str, start: int, end: int, spans: list[Span]) -> str:
    out: list[str] = []
    cursor = start
    for span in spans:
        if span.start < start or span.end > end or span.start < cursor:
            continue
        out.append(html.escape(text[cursor:span.start]))
        attribute = ' class="alt"' if span.twin else ""
        out.append(f"<mark{attribute}>{html.escape(text[span.start:span.end])}</mark>")
        cursor = span.end
    out.append(html.escape(text[cursor:end]))
    fragment = " ".join("".join(out).split())
    # marks that touch become one (강화|학습 → 강화학습): typed after typed, twin after twin
    fragment = fragment.replace("</mark><mark>", "")
    fragment = re.sub(r'(<mark class="alt">[^<]*)</mark><mark class="alt">', r"\1", fragment)
    return ("…" if start > 0 else "") + fragment + ("…" if end < len(text) else "")


def _words(fragment: str) -> set[tuple[str, ...]]:
    plain = re.sub(r"<[^>]+>", "", fragment).split()
    return {tuple(plain[i:i + 3]) for i in range(max(1, len(plain) - 2))}


def _repeats(fragment: str, earlier: list[str]) -> bool:
    """Whether ``fragment`` mostly says what an earlier one said (listings repeat their summaries)."""
    if not earlier:
        return False
    mine = _words(fragment)
    return any(len(mine & _words(other)) * 2 >= len(mine) for other in earlier)


def _passages(text: str, spans: list[Span]) -> str:
    """Up to MAX_FRAGMENTS passages, in text order; passages that touch are shown as one."""
    tried: list[tuple[int, int]] = []  # every range looked at (none is tried twice)
    kept: list[tuple[int, int]] = []
    rendered: list[str] = []
    shown: list[Span] = []
    for _ in range(MAX_FRAGMENTS + 1):  # one more try when a passage repeats an earlier one
        if len(kept) == MAX_FRAGMENTS:
            break
        if kept and not _more_to_show(spans, tried, shown):
            break  # every word is shown at its best already: one passage says it
        window = _best_window(spans, tried)
        if window is None:
            break
        first, last = window
        members = spans[first:last + 1]
        if kept and _worth(shown + members) // 100 <= _worth(shown) // 100:
            break  # it would show no other word, and no word better
        floor = max((e for _, e in tried if e <= spans[first].start), default=0)
        start, end = _cut(text, spans[first], spans[last], floor)
        end = min([end, *(b for b, _ in tried if b >= spans[last].end)])
        tried.append((start, end))
        fragment = _render(text, start, end, spans)
        if _repeats(fragment, rendered):
            continue
        kept.append((start, end))
        rendered.append(fragment)
        shown += members
    done = dict(zip(kept, rendered, strict=True))
    merged: list[tuple[int, int]] = []
    for start, end in sorted(kept):
        if merged and not text[merged[-1][1]:start].strip():
            merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return " ".join(done.get(piece) or _render(text, *piece, spans) for piece in merged)


def _more_to_show(spans: list[Span], tried: list[tuple[int, int]], shown: list[Span]) -> bool:
    """Whether a match outside the passages tried shows a word not shown yet, or better than shown."""
    best: dict[int, int] = {}
    for span in shown:
        if span.value > best.get(span.group, 0):
            best[span.group] = span.value
    return any(span.value > best.get(span.group, 0) and not any(span.start < e and span.end > b for b, e in tried)
               for span in spans)


def _lead(text: str) -> str:
    """The start of ``text``, cut between words, as escaped HTML without marks."""
    plain = " ".join(text.split())
    if len(plain) <= SNIPPET_CHARS:
        return html.escape(plain)
    cut = plain.rfind(" ", SNIPPET_CHARS - WORD_SLACK, SNIPPET_CHARS + 1)
    return html.escape(plain[:cut if cut > 0 else SNIPPET_CHARS]) + "…"


def make_snippet(text: str, marks: Marks | Iterable[str], fallback: str = "") -> str:
    """Escaped HTML: the passages of ``text`` that show the ``marks`` (or bare index terms), marked; when
    none matches, ``fallback`` (the description) if it matches; then the pieces of the query's Hangul words
    the bigram field matched, in the text and then the description; else the start of the text."""
    if not isinstance(marks, Marks):
        marks = Marks.from_terms(marks)
    matcher = matcher_for(marks)
    for source in (text, fallback):
        spans = matcher.spans(source) if source else []
        if spans:
            return _passages(source, spans)
    spans = analysed_spans(text[:MAX_ANALYSED], marks)  # a verb or an ending the text inflects (배웠다)
    if spans:
        return _passages(text, spans)
    pieces = matcher_for(marks, True)
    for source in (text, fallback):
        spans = pieces.spans(source) if source else []
        if spans:
            return _passages(source, spans)
    return _lead(text or fallback)


def mark_text(text: str, marks: Marks) -> str:
    """All of ``text`` (a title, an author) as escaped HTML with the query's terms marked."""
    spans = matcher_for(marks).spans(text)
    return _render(text, 0, len(text), spans) if spans else html.escape(text)
