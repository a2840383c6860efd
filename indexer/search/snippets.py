"""Snippets that show why a document matched, found in its stored text without analysing it again.

The query's terms (:class:`~indexer.search.highlight.Marks`) are index forms that occur in the text as
written or nearly so: Korean nouns inside their eojeol (세그멘테이션 in 세그멘테이션을), English stems at
the start of a word (``segment`` of ``Segmentation``, checked by stemming the word found), joined Latin
forms with or without their joiners (``unet``: U-Net, U_Net, UNet). One regular expression per query finds
them all; each Latin candidate is confirmed by the analysis's own stemmer, so ``net`` never marks
``Networks``.

The passage shown is the window that explains most: every query word counts once (a compound found whole
or spaced counts more than one of its parts alone, a glossary twin nearly as much as a typed word), then
the number of matches. A second passage is added when it shows more than the first and does not repeat
it. Cuts fall between words. Only when no passage of the body matches does the description (often the
site's tagline) stand in, marked if it matches, and after it the start of the body.

Output is escaped HTML: typed words (and corrected or stemmed forms) in ``<mark>``, glossary twins in
``<mark class="alt">``.
"""
from __future__ import annotations

import html
import re
from collections.abc import Iterable
from functools import lru_cache
from itertools import islice
from typing import NamedTuple

from indexer.analysis import index_form, morphemes
from indexer.search.highlight import Marks

__all__ = ["SNIPPET_CHARS", "make_snippet", "mark_text"]

SNIPPET_CHARS = 220
MAX_FRAGMENTS = 2
#: Matches looked at per document: enough to pick good windows, bounded for very long documents.
MAX_SPANS = 200
#: Characters of a document analysed again when its matches are not written as they are indexed.
MAX_ANALYSED = 20_000
#: How far before its first match a passage starts, and how far a cut may move to fall between words.
LEAD = 40
WORD_SLACK = 24
#: Value of one query word in a window: found whole, only by a part, or by its glossary twin.
WHOLE, PART, TWIN = 3, 1, 2

_LATIN = "A-Za-z0-9"
_HANGUL = "\uac00-\ud7a3"
#: What may follow a one-syllable Korean term that is a word of its own (팔을, 팔 but not 팔로우).
_PARTICLES = "(?:이|가|을|를|은|는|의|에|에서|으로|로|와|과|도|만|이나|나|랑|까지|부터|처럼)?"
_JOINER = re.compile(r"[-_]")
_LEADING = re.compile(r"[A-Za-z]+|[0-9]+")


class _Span(NamedTuple):
    start: int
    end: int
    group: int  # the query word (0, 1 …) or, from len(words) on, the glossary concept it stands for
    value: int  # WHOLE, PART or TWIN
    twin: bool


class _Matcher:
    """Finds the terms of one query's :class:`Marks` in a text (with ``pieces``: the pieces of its
    Hangul words instead, see :attr:`Marks.pieces`)."""

    def __init__(self, marks: Marks, pieces: bool = False) -> None:
        self.marks = marks
        self.roles: dict[str, list[tuple[int, bool]]] = {}  # term → (word, whole) for typed terms
        self.twin_of: dict[str, list[tuple[int, tuple[str, ...]]]] = {}  # term → (concept, alternative)
        if pieces:
            for number, found in marks.pieces:
                for piece in found:
                    self.roles.setdefault(piece, []).append((number, False))
        else:
            for number, word in enumerate(marks.words):
                for term in word.terms:
                    self.roles.setdefault(term.term, []).append((number, term.whole))
            for concept, alternatives in enumerate(marks.twins, start=len(marks.words)):
                for alternative in alternatives:
                    for term in dict.fromkeys(alternative):
                        self.twin_of.setdefault(term, []).append((concept, alternative))
        self.terms = frozenset(self.roles) | frozenset(self.twin_of)
        self.pattern = _pattern(self.terms)  # case-insensitive: for text that lowercasing would lengthen
        self.lowered = re.compile(self.pattern.pattern) if self.pattern is not None else None  # ~2× faster
        self._seen: dict[str, tuple[str, int] | None] = {}  # what each text found stood for (bounded below)

    def term_of(self, found: str) -> tuple[str, int] | None:
        """The query term a regex match stands for and how many of its characters it covers (FCN of
        FCN8, the way the analysis splits letters from digits); None when it only looked like one."""
        try:
            return self._seen[found]
        except KeyError:
            pass
        result = self._term_of(found)
        if len(self._seen) < 4096:
            self._seen[found] = result
        return result

    def _term_of(self, found: str) -> tuple[str, int] | None:
        if not found.isascii():
            term = found if found in self.terms else found.lower()
            return (term, len(found)) if term in self.terms else None
        candidates = [(_JOINER.sub("", found), len(found))]
        head = _LEADING.match(found)
        if head and head.end() < len(found):
            candidates.append((head.group(0), head.end()))
        for candidate, length in candidates:
            form = index_form(candidate)
            if form in self.terms:
                return form, length
            if candidate.lower() in self.terms:
                return candidate.lower(), length
        return None

    def spans(self, text: str) -> list[_Span]:
        """The matches in ``text``, in order, each with the query word or concept it stands for."""
        if self.pattern is None:
            return []
        raw: list[tuple[int, int, str]] = []
        lowered = text.lower()
        matches = self.lowered.finditer(lowered) if len(lowered) == len(text) and self.lowered is not None \
            else self.pattern.finditer(text)  # (the terms are lowercase; offsets stay those of the text)
        for match in islice(matches, MAX_SPANS):
            found = self.term_of(text[match.start():match.end()])
            if found is not None:
                raw.append((match.start(), match.start() + found[1], found[0]))
        return self._classify(text, raw)

    def _classify(self, text: str, raw: list[tuple[int, int, str]]) -> list[_Span]:
        out: list[_Span] = []
        loose: list[tuple[int, int, str]] = []  # words of several-word twins found apart
        i = 0
        while i < len(raw):
            start, end, term = raw[i]
            roles = self.roles.get(term)
            if roles:
                word, whole = roles[0]
                out.append(_Span(start, end, word, WHOLE if whole else PART, False))
                i += 1
                continue
            taken = self._twin_run(text, raw, i)
            if taken:
                out.extend(taken)
                i += len(taken)
            else:
                loose.append(raw[i])
                i += 1
        if loose and not out:
            # No word of the query and no twin together, yet the document matched: the twin's words
            # apart (as the expanded query allows) are the reason; marked, but worth less.
            present = {t for _, _, t in loose}
            for start, end, term in loose:
                concept = next((c for c, alternative in self.twin_of[term] if set(alternative) <= present), None)
                if concept is not None:
                    out.append(_Span(start, end, concept, PART, True))
        return _upgrade_runs(text, out, self.marks)

    def _twin_run(self, text: str, raw: list[tuple[int, int, str]], i: int) -> list[_Span]:
        """The spans of the longest glossary alternative that starts at ``raw[i]`` with its words together."""
        best: list[_Span] = []
        for concept, alternative in self.twin_of.get(raw[i][2], []):
            if alternative[0] != raw[i][2] or len(alternative) <= len(best):
                continue
            run = raw[i:i + len(alternative)]
            if [t for _, _, t in run] == list(alternative) and all(
                    _together(text, a[1], b[0]) for a, b in zip(run, run[1:], strict=False)):
                best = [_Span(s, e, concept, TWIN, True) for s, e, _ in run]
        return best


def _together(text: str, end: int, start: int) -> bool:
    """Whether two matches stand side by side (nothing, a space or a hyphen between them)."""
    return 0 <= start - end <= 2 and not text[end:start].strip(" -_\u00a0")


def _upgrade_runs(text: str, spans: list[_Span], marks: Marks) -> list[_Span]:
    """Parts of one query word standing together and covering it (강화 학습 for 강화학습) count as whole."""
    out = list(spans)
    i = 0
    while i < len(out):
        j = i
        while j + 1 < len(out) and out[j + 1].group == out[i].group and not out[i].twin \
                and _together(text, out[j].end, out[j + 1].start):
            j += 1
        if j > i and out[i].value == PART:
            word = marks.words[out[i].group]
            found = {text[s.start:s.end].lower() for s in out[i:j + 1]}
            covered = [(t.start, t.end) for t in word.terms if _written(t.term, found)]
            if _covers(covered, word.span):
                out[i:j + 1] = [_Span(s.start, s.end, s.group, WHOLE, False) for s in out[i:j + 1]]
        i = j + 1
    return out


def _written(term: str, found: set[str]) -> bool:
    return any(f == term or index_form(f) == term for f in found)


def _covers(spans: list[tuple[int, int]], whole: tuple[int, int]) -> bool:
    reach = whole[0]
    for start, end in sorted(spans):
        if start > reach:
            return False
        reach = max(reach, end)
    return reach >= whole[1]


@lru_cache(maxsize=256)
def _compiled(marks: Marks, pieces: bool = False) -> _Matcher:
    """One matcher per query (the hits of one search share it)."""
    return _Matcher(marks, pieces)


def _pattern(terms: frozenset[str]) -> re.Pattern[str] | None:
    """One regular expression for every term, each kind grouped behind one boundary check, the longest
    terms first.

    A Latin term is looked for as the start of a word, give or take its last letter (a stem: segment for
    Segmentation, studi for study) and with joiners allowed between its letters (unet: U-Net, U_Net;
    tradeoff: trade-off); the word found is checked against the term (:meth:`_Matcher.term_of`).
    """
    latin: list[tuple[int, str]] = []
    digits: list[str] = []
    syllables: list[str] = []
    others: list[str] = []
    for term in terms:
        if term.isdigit():
            digits.append(re.escape(term))
        elif term.isascii():
            if len(term) < 2 or not term[0].isalnum():
                continue
            prefix = term[:-1] if len(term) > 3 else term
            latin.append((len(term), "[-_]?".join(re.escape(c) for c in prefix)))
        elif len(term) == 1 and "\uac00" <= term <= "\ud7a3":
            syllables.append(re.escape(term))
        else:
            others.append(term)
    groups = []
    if others:  # Korean (and other) terms as written, the longest first
        groups.append("|".join(re.escape(t) for t in sorted(others, key=lambda t: (-len(t), t))))
    if latin:
        alternation = "|".join(p for _, p in sorted(latin, key=lambda item: (-item[0], item[1])))
        groups.append(rf"(?<![{_LATIN}])(?:{alternation})[{_LATIN}]*")
    if digits:
        groups.append(rf"(?<![0-9])(?:{'|'.join(sorted(digits, key=lambda d: (-len(d), d)))})(?![0-9])")
    if syllables:  # a one-syllable word only as a word of its own (팔, 팔을; not 팔로우)
        groups.append(rf"(?<![{_HANGUL}])(?:{'|'.join(sorted(syllables))})(?={_PARTICLES}(?![{_HANGUL}]))")
    return re.compile("|".join(groups), re.IGNORECASE) if groups else None


# -- choosing passages ----------------------------------------------------------------------------


def _worth(spans: list[_Span]) -> int:
    """How much a passage explains: each query word or concept once, at its best; then how many whole
    words and twins it shows; then how many parts."""
    best: dict[int, int] = {}
    for span in spans:
        best[span.group] = max(best.get(span.group, 0), span.value)
    strong = sum(1 for span in spans if span.value > PART)
    return sum(best.values()) * 100 + min(strong, 9) * 10 + min(len(spans) - strong, 9)


def _best_window(spans: list[_Span], taken: list[tuple[int, int]]) -> tuple[int, int] | None:
    """The (first, last) span indexes of the best window of SNIPPET_CHARS outside the ``taken`` ranges.

    One pass with a sliding end: the window's matches are counted per (word, value) as they enter and
    leave, and a word's best value is looked at again only when its counts change, so each window's worth
    (as :func:`_worth` computes it) costs a few operations."""
    free = [s for s in spans if not any(s.start < e and s.end > b for b, e in taken)] if taken else spans
    index = {id(s): n for n, s in enumerate(spans)} if taken else None
    counts: dict[tuple[int, int], int] = {}
    best_of: dict[int, int] = {}  # word → its best value inside the window
    coverage = strong = 0
    best: tuple[int, int, int] | None = None  # (worth, first, last) as indexes of ``free``
    last = -1  # the last index of ``free`` inside the window
    size = len(free)
    for k, first in enumerate(free):
        limit = first.start + SNIPPET_CHARS - LEAD
        while last + 1 < size and (last + 1 == k or free[last + 1].end <= limit):
            last += 1
            entering = free[last]
            key = (entering.group, entering.value)
            counts[key] = counts.get(key, 0) + 1
            if entering.value > PART:
                strong += 1
            if entering.value > best_of.get(entering.group, 0):
                coverage += entering.value - best_of.get(entering.group, 0)
                best_of[entering.group] = entering.value
        worth = coverage * 100 + min(strong, 9) * 10 + min(last - k + 1 - strong, 9)
        if best is None or worth > best[0]:
            best = (worth, k, last)
        key = (first.group, first.value)
        counts[key] -= 1
        if first.value > PART:
            strong -= 1
        if not counts[key] and best_of.get(first.group) == first.value:
            group = first.group
            value = WHOLE if counts.get((group, WHOLE)) else TWIN if counts.get((group, TWIN)) \
                else PART if counts.get((group, PART)) else 0
            coverage += value - first.value
            best_of[group] = value
    if best is None:
        return None
    if index is None:
        return best[1], best[2]
    return index[id(free[best[1]])], index[id(free[best[2]])]


def _cut(text: str, first: _Span, last: _Span, floor: int) -> tuple[int, int]:
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


def _render(text: str, start: int, end: int, spans: list[_Span]) -> str:
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
    mine = _words(fragment)
    return any(len(mine & _words(other)) * 2 >= len(mine) for other in earlier)


def _passages(text: str, spans: list[_Span]) -> str:
    """Up to MAX_FRAGMENTS passages, in text order; passages that touch are shown as one."""
    tried: list[tuple[int, int]] = []  # every range looked at (none is tried twice)
    kept: list[tuple[int, int]] = []
    rendered: list[str] = []
    shown: list[_Span] = []
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


def _more_to_show(spans: list[_Span], tried: list[tuple[int, int]], shown: list[_Span]) -> bool:
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
    matcher = _compiled(marks)
    for source in (text, fallback):
        spans = matcher.spans(source) if source else []
        if spans:
            return _passages(source, spans)
    spans = _analysed_spans(text[:MAX_ANALYSED], marks)  # a verb or an ending the text inflects (배웠다)
    if spans:
        return _passages(text, spans)
    pieces = _compiled(marks, True)
    for source in (text, fallback):
        spans = pieces.spans(source) if source else []
        if spans:
            return _passages(source, spans)
    return _lead(text or fallback)


def _analysed_spans(text: str, marks: Marks) -> list[_Span]:
    """The query's Korean terms found by analysing ``text`` as the index did: the last resort for terms
    that are not written as they are indexed (a verb stem inside its inflected form)."""
    wanted = {t.term: (number, t.whole) for number, word in enumerate(marks.words) for t in word.terms
              if not t.term.isascii()}
    if not wanted:
        return []
    spans = []
    for morph in morphemes(text):
        found = wanted.get(morph.text)
        if found is not None:
            spans.append(_Span(morph.start, morph.end, found[0], WHOLE if found[1] else PART, False))
            if len(spans) == MAX_SPANS:
                break
    return spans


def mark_text(text: str, marks: Marks) -> str:
    """All of ``text`` (a title, an author) as escaped HTML with the query's terms marked."""
    spans = _compiled(marks).spans(text)
    return _render(text, 0, len(text), spans) if spans else html.escape(text)
