"""Where the query's terms are in a text: the matches a snippet is cut around (indexer/search/snippets.py).

The query's terms (:class:`~indexer.search.highlight.Marks`) are index forms that occur in the text as
written or nearly so: Korean nouns inside their eojeol (세그멘테이션 in 세그멘테이션을), English stems at
the start of a word (``segment`` of ``Segmentation``), joined Latin forms with or without their joiners
(``unet``: U-Net, U_Net, UNet). One regular expression per query finds them all in the lowercased text;
each Latin candidate is confirmed by the analysis's own stemmer, so ``net`` never marks ``Networks``.
Each match is a :class:`Span` that says which query word (or glossary concept) it stands for and how
much it is worth: the word whole, a part of it, or its twin. Parts of one word standing together and
covering it (강화 학습 for 강화학습) count as whole; a twin of several words counts only where its words
stand together. When nothing is found that way, :func:`analysed_spans` reads the text with the analysis
itself (a verb stem inside its inflected form).
"""
from __future__ import annotations

import re
from functools import lru_cache
from itertools import islice
from typing import NamedTuple

from indexer.analysis import index_form, morphemes
from indexer.search.highlight import Marks

__all__ = ["MAX_SPANS", "PART", "TWIN", "WHOLE", "Matcher", "Span", "analysed_spans", "matcher_for"]

#: Matches looked at per document: enough to pick good windows, bounded for very long documents.
MAX_SPANS = 200
#: Matches of one term kept among them: a term written all over a page gives the windows no more choice
#: past this, and every match kept costs the window search (snippets.py) its share of each search.
MAX_PER_TERM = 5
#: …except a match within this many characters of another term's (a window can show both).
NEAR = 150
#: Characters of a document analysed again when its matches are not written as they are indexed.
MAX_ANALYSED = 20_000
#: Value of one query word in a passage: found whole, only by a part, or by its glossary twin.
WHOLE, PART, TWIN = 3, 1, 2

_LATIN = "A-Za-z0-9"
_HANGUL = "\uac00-\ud7a3"
#: What may follow a one-syllable Korean term that is a word of its own (팔을, 팔 but not 팔로우).
_PARTICLES = "(?:이|가|을|를|은|는|의|에|에서|으로|로|와|과|도|만|이나|나|랑|까지|부터|처럼)?"
_JOINER = re.compile(r"[-_]")
_LEADING = re.compile(r"[A-Za-z]+|[0-9]+")


class Span(NamedTuple):
    start: int
    end: int
    group: int  # the query word (0, 1 …) or, from len(words) on, the glossary concept it stands for
    value: int  # WHOLE, PART or TWIN
    twin: bool


class Matcher:
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
        # per term, the several-word alternatives that start with it, the longest first (_twin_run)
        self.starting: dict[str, list[tuple[int, tuple[str, ...]]]] = {}
        for term, found in self.twin_of.items():
            starting = [(c, a) for c, a in found if a[0] == term]
            if starting:
                self.starting[term] = sorted(starting, key=lambda item: -len(item[1]))
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

    def spans(self, text: str) -> list[Span]:
        """The matches in ``text``, in order, each with the query word or concept it stands for."""
        if self.pattern is None:
            return []
        raw: list[tuple[int, int, str]] = []
        lowered = text.lower()
        matches = self.lowered.finditer(lowered) if len(lowered) == len(text) and self.lowered is not None \
            else self.pattern.finditer(text)  # (the terms are lowercase; offsets stay those of the text)
        seen: dict[str, int] = {}
        held: tuple[int, int, str] | None = None  # the last match left out, while another term may come near
        term_of = self.term_of
        for match in islice(matches, MAX_SPANS):
            start, end = match.span()
            found = term_of(text[start:end])
            if found is None:
                continue
            term = found[0]
            times = seen[term] = seen.get(term, 0) + 1
            if times > MAX_PER_TERM and not (raw and start - raw[-1][1] <= NEAR and raw[-1][2] != term):
                held = (start, start + found[1], term)
                continue
            if held is not None and held[2] != term and start - held[1] <= NEAR and \
                    (not raw or held[0] >= raw[-1][1]):
                raw.append(held)  # a term past its share, kept for the other term beside it
            raw.append((start, start + found[1], term))
            held = None
        return self._classify(text, raw)

    def _classify(self, text: str, raw: list[tuple[int, int, str]]) -> list[Span]:
        out: list[Span] = []
        loose: list[tuple[int, int, str]] = []  # words of several-word twins found apart
        roles_of, starting = self.roles.get, self.starting.get
        i = 0
        size = len(raw)
        while i < size:
            start, end, term = raw[i]
            roles = roles_of(term)
            if roles:
                word, whole = roles[0]
                out.append(Span(start, end, word, WHOLE if whole else PART, False))
                i += 1
                continue
            alternatives = starting(term)
            taken = _twin_run(text, raw, i, alternatives) if alternatives else None
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
                    out.append(Span(start, end, concept, PART, True))
        if not any(span.value == PART and not span.twin for span in out):
            return out  # nothing to upgrade
        return _upgrade_runs(text, out, self.marks)


def _twin_run(text: str, raw: list[tuple[int, int, str]], i: int,
              alternatives: list[tuple[int, tuple[str, ...]]]) -> list[Span] | None:
    """The spans of the longest glossary alternative (``alternatives`` start with ``raw[i]``'s term, the
    longest first) whose words stand together from ``raw[i]`` on."""
    for concept, alternative in alternatives:
        size = len(alternative)
        if size == 1:
            start, end, _ = raw[i]
            return [Span(start, end, concept, TWIN, True)]
        run = raw[i:i + size]
        if len(run) == size and all(t == a for (_, _, t), a in zip(run, alternative, strict=True)) and all(
                _together(text, a[1], b[0]) for a, b in zip(run, run[1:], strict=False)):
            return [Span(s, e, concept, TWIN, True) for s, e, _ in run]
    return None


def _together(text: str, end: int, start: int) -> bool:
    """Whether two matches stand side by side (nothing, a space or a hyphen between them)."""
    return 0 <= start - end <= 2 and not text[end:start].strip(" -_\u00a0")


def _upgrade_runs(text: str, spans: list[Span], marks: Marks) -> list[Span]:
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
                out[i:j + 1] = [Span(s.start, s.end, s.group, WHOLE, False) for s in out[i:j + 1]]
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
def matcher_for(marks: Marks, pieces: bool = False) -> Matcher:
    """One matcher per query (the hits of one search share it)."""
    return Matcher(marks, pieces)


def _pattern(terms: frozenset[str]) -> re.Pattern[str] | None:
    """One regular expression for every term, the longest terms first.

    A Latin term is looked for as the start of a word, give or take its last letter (a stem: segment for
    Segmentation, studi for study) and with joiners allowed between its letters (unet: U-Net, U_Net;
    tradeoff: trade-off); the word found is checked against the term (:meth:`Matcher.term_of`).
    """
    latin: list[tuple[int, tuple[str, str]]] = []
    digits: list[str] = []
    syllables: list[str] = []
    others: list[str] = []
    for term in terms:
        if term.isdigit():
            digits.append(term)
        elif term.isascii():
            if len(term) < 2 or not term[0].isalnum():
                continue
            prefix = term[:-1] if len(term) > 3 else term
            latin.append((len(term), (prefix[0], "".join("[-_]?" + re.escape(c) for c in prefix[1:]))))
        elif len(term) == 1 and "\uac00" <= term <= "\ud7a3":
            syllables.append(re.escape(term))
        else:
            others.append(term)
    # (first character, what follows it) of every alternative, in the order they are tried: Korean (and
    # other) terms as written, the longest first; Latin stems as the start of a word; numbers as whole
    # numbers; one-syllable words only as words of their own (팔, 팔을; not 팔로우)
    alternatives: list[tuple[str, str]] = [(t[0], re.escape(t[1:])) for t in sorted(others, key=lambda t: (-len(t), t))]
    alternatives += [(first, rf"(?<![{_LATIN}].){rest}[{_LATIN}]*")
                     for _, (first, rest) in sorted(latin, key=lambda item: (-item[0], item[1]))]
    alternatives += [(d[0], rf"(?<![0-9].){d[1:]}(?![0-9])") for d in sorted(digits, key=lambda d: (-len(d), d))]
    alternatives += [(syllable, rf"(?<![{_HANGUL}].)(?={_PARTICLES}(?![{_HANGUL}]))") for syllable in sorted(syllables)]
    if not alternatives:
        return None
    # Every alternative starts with its first character written out, grouped by that character: the
    # regular expression engine then skips to the next position holding one of them in C before it tries
    # any alternative (the boundary checks look behind that character); 2–3× faster scans than testing
    # the alternatives, or a lookahead class, at every position.
    by_first: dict[str, list[str]] = {}
    for first, rest in alternatives:
        by_first.setdefault(first, []).append(rest)
    branches = [f"{re.escape(first)}(?:{'|'.join(rests)})" for first, rests in by_first.items()]
    return re.compile("|".join(branches), re.IGNORECASE)


def analysed_spans(text: str, marks: Marks) -> list[Span]:
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
            spans.append(Span(morph.start, morph.end, found[0], WHOLE if found[1] else PART, False))
            if len(spans) == MAX_SPANS:
                break
    return spans
