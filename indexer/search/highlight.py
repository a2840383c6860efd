"""What a search's snippets mark: the words searched, grouped by the query word they came from.

A result matches because of one of the query's terms: a word as typed (or as corrected), its stem or
dictionary form, a compound written whole or spaced, or a glossary twin in the other language. The
snippet should show that reason, so the marks are built from the same analysis the query was built
from, not from the raw text typed:

* each query word (as the query searched it: corrected, particles dropped) keeps its terms with the
  characters of the word they stand for; a term covering the whole word (``세그멘테이션``, ``unet`` of
  ``U-Net``) is *whole*, the others (``net`` of ``U-Net``, ``강화`` of ``강화학습``) are *parts*;
* each glossary concept adds its other-language alternatives as *twins* (marked in their own style);
  an alternative of several words (``reinforcement learning``) is marked only where its words stand
  together, so a lone ``learning`` is not taken for the concept.

:mod:`indexer.search.snippets` finds these terms in a document's text.

>>> marks = Marks.of("U-Net으로 강화학습")
>>> [(w.text, [(t.term, t.whole) for t in w.terms]) for w in marks.words]
[('U-Net', [('net', False), ('unet', True)]), ('강화학습', [('강화', False), ('학습', False)])]
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from indexer.analysis import text_analyzer
from indexer.search.expand import Expansion

__all__ = ["Marks", "QueryWord", "WordTerm"]

#: Words of a query that get marks (a query is cut to 32 terms anyway).
MAX_WORDS = 16
#: Longest Hangul word whose pieces are looked for (a word of n syllables has n(n-1)/2 pieces).
MAX_PIECE_WORD = 12
_HANGUL_RUN = re.compile(r"[\uac00-\ud7a3]+")


@dataclass(frozen=True)
class WordTerm:
    term: str  # the index term (lowercased, stemmed)
    start: int  # the characters of the query word it stands for
    end: int
    whole: bool  # it covers the whole word (its core: particles and endings left out)


@dataclass(frozen=True)
class QueryWord:
    text: str  # the word's core as typed (강화학습 of 강화학습으로)
    terms: tuple[WordTerm, ...]

    @property
    def span(self) -> tuple[int, int]:
        return min(t.start for t in self.terms), max(t.end for t in self.terms)


@dataclass(frozen=True)
class Marks:
    """The query words and the glossary twins a snippet marks."""

    words: tuple[QueryWord, ...] = ()
    #: per glossary concept named in the query, its other-language alternatives as sequences of terms
    twins: tuple[tuple[tuple[str, ...], ...], ...] = ()
    @property
    def pieces(self) -> tuple[tuple[int, tuple[str, ...]], ...]:
        """Per Hangul query word, its substrings of two syllables or more, longest first: what the
        Hangul bigram field matched when the word itself did not (a name or loanword the dictionary
        misreads, a misspelling). Snippets fall back to them only when no term is found."""
        found = []
        for number, word in enumerate(self.words):
            runs = [run for run in _HANGUL_RUN.findall(word.text) if len(run) >= 2]
            if sum(map(len, runs)) > MAX_PIECE_WORD:
                continue
            subs = {run[i:j] for run in runs for i in range(len(run)) for j in range(i + 2, len(run) + 1)}
            subs -= {t.term for t in word.terms}
            if subs:
                found.append((number, tuple(sorted(subs, key=lambda p: (-len(p), p)))))
        return tuple(found)

    @classmethod
    def of(cls, text: str, expansions: Sequence[Expansion] = ()) -> Marks:
        """The marks of the query ``text`` (the words searched) and its glossary ``expansions``."""
        words = tuple(w for w in (_word(raw) for raw in text.split()[:MAX_WORDS]) if w is not None)
        typed = {t.term for w in words for t in w.terms}
        twins = []
        for expansion in expansions:
            # what the typed words already cover is marked as typed (강화 of "강화 learning")
            alternatives = []
            for alternative in expansion.alternatives:
                terms = _twin_terms(alternative)
                if terms and not set(terms) <= typed:
                    alternatives.append(terms)
            if alternatives:
                twins.append(tuple(dict.fromkeys(alternatives)))
        return cls(words, tuple(twins))

    @classmethod
    def from_terms(cls, terms: Iterable[str]) -> Marks:
        """Marks for bare index terms, each a word of its own (callers that have no query)."""
        return cls(tuple(QueryWord(t, (WordTerm(t, 0, len(t), True),)) for t in dict.fromkeys(terms) if t))

    def __bool__(self) -> bool:
        return bool(self.words or self.twins)

    @property
    def typed_terms(self) -> frozenset[str]:
        return frozenset(t.term for w in self.words for t in w.terms)

    @property
    def twin_terms(self) -> frozenset[str]:
        return frozenset(term for concept in self.twins for terms in concept for term in terms)


@lru_cache(maxsize=4096)
def _word(raw: str) -> QueryWord | None:
    """One whitespace-separated query word's terms with their characters (query-mode analysis)."""
    tokens = [(token.text, token.startchar, token.endchar)
              for token in text_analyzer()(raw, mode="query", chars=True, positions=True)]
    tokens = [(term, start, end) for term, start, end in tokens if term.strip()]
    if not tokens:
        return None
    low, high = min(s for _, s, _ in tokens), max(e for _, _, e in tokens)
    terms = tuple(dict.fromkeys(WordTerm(term, start, end, (start, end) == (low, high)) for term, start, end in tokens))
    return QueryWord(raw[low:high], terms)


@lru_cache(maxsize=4096)
def _twin_terms(alternative: str) -> tuple[str, ...]:
    """The terms of one glossary alternative in order, one per position (U-Net: ``unet``, not ``net``
    too); none for Hangul the dictionary chops into syllables (as the expanded query skips it,
    :func:`indexer.search.query.expansion_query`)."""
    by_position: dict[int, tuple[int, str]] = {}
    for token in text_analyzer()(alternative, mode="query", chars=True, positions=True):
        if token.text.strip() and token.endchar - token.startchar > by_position.get(token.pos, (0, ""))[0]:
            by_position[token.pos] = (token.endchar - token.startchar, token.text)
    terms = tuple(text for _, (_, text) in sorted(by_position.items()))
    if any(len(t) == 1 and not t.isascii() for t in terms):
        return ()
    return terms
