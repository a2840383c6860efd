"""Ranking tiers: what comes first whatever the scores say.

BM25F adds evidence up, so a document that repeats a compound's commonest part (학습) can outscore one
that holds the compound itself (강화학습), and a listing that repeats the summaries of the posts it lists
can outscore the posts. Two rules order the results before the scores do:

1. **Compounds.** For each Korean word of the query that the index writes as several terms (강화학습 =
   강화 + 학습; 모두의연구소 = 모두 + 연구소; 로봇팔제어 = 로봇 + 팔 + 제어) or whose glossary twin
   has several words (딥러닝: deep learning), a document that
   matches only a part of it (or only its Hangul bigrams) comes after the documents that hold the
   word whole — written as one word, spaced (강화 학습: its parts at consecutive positions), or as its
   glossary twin (reinforcement learning) — and after those that do not match the word at all (their
   place is set by the other words). A document drops one tier per compound it matches only by a
   part. When no candidate holds the word whole, its parts are all there is and nothing moves.
2. **Listings.** A listing (home, tag, author and archive pages, detected at crawl time from the
   page's structure: :mod:`crawler.text.extract`) comes after every content page that holds as many of
   the query's words as it does (a compound counts when held whole); it repeats their summaries, they
   are what it points to. Content that holds fewer words (a stray mention) does not push it down. A
   listing whose title names every word of the query (the author's page for the author's name, the tag
   page for the tag) is what was asked for and keeps its place.

Whole matches are checked among the best :data:`MIN_CANDIDATES` (or three pages) of the scored
documents, as the adjacency bonus is; documents further down keep their score order below.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
from whoosh import query as q

from indexer.analysis import text_analyzer
from indexer.search.expand import Expansion, key
from indexer.search.highlight import Marks
from indexer.search.query import analyze, bigram_query, expansion_query, term_query
from indexer.search.select import top
from indexer.storage import PHRASE_FIELDS

__all__ = ["MIN_CANDIDATES", "Compound", "Ordering", "Tiers", "Word", "candidates"]

#: Documents whose tier is checked: the best of the scored ones, at least this many.
MIN_CANDIDATES = 1000
_HANGUL = range(0xAC00, 0xD7A4)


@dataclass(frozen=True)
class Compound:
    """One Korean word of the query that can match by a part alone."""

    whole: Any  # matches the documents that hold it whole
    parts: Any  # matches the documents that hold any of its parts (whole ones included)


@dataclass(frozen=True)
class Word:
    """One word of the query as the tiers see it."""

    text: str  # as searched (its core: 강화학습 of 강화학습으로)
    found: Any  # matches the documents that have it: any of its terms, or its glossary twin
    compound: Compound | None  # when the index writes it as several terms


@dataclass(frozen=True)
class Ordering:
    """What the tiers make of one search: the sort keys, and the query words no result holds."""

    keys: np.ndarray
    unmatched: list[str]


@dataclass(frozen=True)
class Tiers:
    """The tier rules of one query: its words, and a query matching the documents whose title names
    every query word."""

    words: tuple[Word, ...] = ()
    titled: Any = None

    @classmethod
    def of(cls, marks: Marks, expansions: list[Expansion], *, with_bigrams: bool) -> Tiers:
        typed = set(marks.typed_terms)
        words = []
        for word in marks.words:
            twins = [e for e in expansions if e.matched == key(word.text)]
            compound = _compound(word.text, [t.term for t in word.terms if t.whole],
                                 [t.term for t in word.terms if not t.whole], with_bigrams, twins, typed)
            options = [term_query(t) for t in dict.fromkeys(t.term for t in word.terms)]
            options += [twin for twin in (expansion_query(e, typed) for e in twins) if twin is not None]
            words.append(Word(word.text, q.Or(options), compound))
        return cls(tuple(words), _titled(marks))

    @property
    def compounds(self) -> tuple[Compound, ...]:
        return tuple(word.compound for word in self.words if word.compound is not None)

    def apply(self, scorer: Any, final: np.ndarray, matched: np.ndarray, listing: np.ndarray | None,
              docs: np.ndarray) -> Ordering:
        """Sort keys for the ranking — ``final`` raised by a whole step per compound tier (a higher tier
        always ranks first, the scores order each tier), listings then moved below the content that
        matches as many words — and the words no matching document holds (a compound held only in part
        counts as missing). Whole compounds and listings are looked at among ``docs``, the best
        candidates (:func:`candidates`)."""
        if not len(docs):
            return Ordering(final, [word.text for word in self.words])
        keys = final.astype(np.float64, copy=True)
        step = float(final[docs].max()) + 1.0
        tier = np.zeros(len(docs), dtype=np.int64)
        coverage = np.zeros(len(docs), dtype=np.int64)  # query words each candidate holds (compounds whole)
        unmatched = []
        for word in self.words:
            if word.compound is None:
                holds = scorer.holds(word.found, docs)
                if not holds.any() and not matched[scorer.anywhere(word.found)].any():
                    unmatched.append(word.text)
                coverage += holds
                continue
            whole = scorer.holds(word.compound.whole, docs)
            if whole.any():  # when no candidate holds the word whole, its parts are all there is
                tier -= scorer.holds(word.compound.parts, docs) & ~whole
            else:
                unmatched.append(word.text)
            coverage += whole
        keys[docs] += (tier - tier.min()) * step
        if listing is not None and listing[docs].any() and not listing[docs].all():
            self._listings_below(scorer, keys, docs, listing[docs], coverage, step)
        return Ordering(keys, unmatched)

    def _listings_below(self, scorer: Any, keys: np.ndarray, docs: np.ndarray, listing: np.ndarray,
                        coverage: np.ndarray, step: float) -> None:
        """Move each listing just below the lowest-ranked content page that holds at least as many query
        words, unless its title names them all."""
        demoted = listing.copy()
        if self.titled is not None:
            demoted &= ~scorer.holds(self.titled, docs)
        if not demoted.any():
            return
        content = ~listing
        # floor[k]: the lowest key of the content pages holding k words or more
        floor = np.full(len(self.words) + 2, np.inf)
        np.minimum.at(floor, coverage[content], keys[docs[content]])
        floor = np.minimum.accumulate(floor[::-1])[::-1]
        order = np.flatnonzero(demoted)
        order = order[np.argsort(-keys[docs[order]], kind="stable")]
        tiny = step * 1e-9
        for rank, i in enumerate(order, start=1):
            limit = floor[coverage[i]]
            if np.isfinite(limit) and keys[docs[i]] >= limit:
                keys[docs[i]] = limit - tiny * rank


def candidates(final: np.ndarray, matched: np.ndarray, wanted: int) -> np.ndarray:
    """The numbers (sorted) of the best-scored matching documents, at least :data:`MIN_CANDIDATES` or three
    times ``wanted``: the documents whose tiers and coverage are looked at."""
    return top(final, matched, max(MIN_CANDIDATES, 3 * wanted))


def _titled(marks: Marks) -> Any | None:
    """A query matching the titles that name every query word: word by word, or all the words written
    together as the title writes them (바이오 메디컬 랩 for a title with 바이오메디컬랩)."""
    if not marks.words:
        return None
    each = q.And([q.Or([q.Term("title", t.term) for t in word.terms]) for word in marks.words])
    if len(marks.words) == 1:
        return each
    chain, spanning = _chain("".join(word.text for word in marks.words))
    together = [q.Term("title", t) for t in spanning]
    if len(chain) > 1:
        together.append(q.Phrase("title", list(chain)))
    return q.Or([each, *together])


def _compound(core: str, whole_terms: list[str], part_terms: list[str], with_bigrams: bool,
              expansions: list[Expansion], typed: set[str]) -> Compound | None:
    """The Korean word ``core`` as a compound, or None when it cannot match by a part alone."""
    syllables = sum(1 for c in core if ord(c) in _HANGUL)
    if syllables < 2:
        return None
    chain, spanning = _chain(core)
    twin_phrases = [a for e in expansions for a in e.alternatives if len(analyze(a)) > 1]
    if len(chain) < 2 and not twin_phrases:
        # One term, and no twin of several words: its bigrams may match it inside a longer word the
        # dictionary keeps whole (바이오 in 바이오메디컬랩) or stand for a word the dictionary cannot read
        # at all; they are no mere part. (딥러닝, one term, is deep learning: a compound all the same.)
        return None
    wholes: list[Any] = [term_query(t) for t in dict.fromkeys([*whole_terms, *spanning])]
    if len(chain) > 1:
        wholes += [q.Phrase(name, list(chain)) for name in PHRASE_FIELDS]
    for expansion in expansions:
        wholes += _twin_wholes(expansion, typed)
    parts: list[Any] = [term_query(t) for t in dict.fromkeys(part_terms)]
    if with_bigrams:
        grams = bigram_query(core)
        if grams is not None:
            parts.append(grams)
    # the twin's words apart (the expanded query matches deep … learning anywhere in a document)
    parts += [loose for loose in (expansion_query(e, typed) for e in expansions) if loose is not None]
    if not wholes or not parts:
        return None
    return Compound(q.Or(wholes), q.Or(parts))


def _twin_wholes(expansion: Expansion, typed: set[str]) -> list[Any]:
    """Queries matching a glossary twin written out: one word anywhere, several words side by side
    (reinforcement learning; a lone "learning" is no twin of 강화학습)."""
    found: list[Any] = []
    for alternative in expansion.alternatives:
        terms = analyze(alternative)
        if not terms or set(terms) <= typed or any(len(t) == 1 and not t.isascii() for t in terms):
            continue
        if len(terms) == 1:
            found.append(term_query(terms[0]))
        else:
            found += [q.Phrase(name, terms) for name in PHRASE_FIELDS]
    return found


@lru_cache(maxsize=1024)
def _chain(core: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """How the index writes ``core``: its shortest term at each position (강화 학습; 로봇 팔 제어 for
    로봇팔제어, whose 로봇팔 shares a position with 로봇), and the terms spanning all of it."""
    shortest: dict[int, tuple[int, str]] = {}
    spanning = []
    for token in text_analyzer()(core, positions=True, chars=True):
        width = token.endchar - token.startchar
        if token.startchar == 0 and token.endchar == len(core):
            spanning.append(token.text)
        if token.pos not in shortest or width < shortest[token.pos][0]:
            shortest[token.pos] = (width, token.text)
    return tuple(text for _, (_, text) in sorted(shortest.items())), tuple(spanning)
