"""Searching the live index: the one API the web app uses.

``SearchIndex`` follows the live generation (:class:`~indexer.storage.LiveIndex`: a new one is noticed
within ``reload_interval`` seconds) and turns a user query into ranked, highlighted, faceted results; it
also answers suggestions, related documents and the lab listings over the same generation.
"""
from __future__ import annotations

import dataclasses
import functools
import logging
import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
from whoosh import query as wq

import indexer.search.query as userquery
import indexer.search.related as _related
from indexer.mining import mined_lexicon_for
from indexer.search.cache import ResultCache, request_key
from indexer.search.coverage import MAX_GROUPS, apply_coverage
from indexer.search.expand import Expansion
from indexer.search.expand import expand as _expand
from indexer.search.highlight import Marks
from indexer.search.initials import complete_initials
from indexer.search.proximity import apply_proximity
from indexer.search.questions import content_terms, content_words, context_weights, is_question, weigh_fields
from indexer.search.results import Choseong, Hit, SearchResults
from indexer.search.scorer import Scorer, SearchTimeout
from indexer.search.scoring import PriorBM25F
from indexer.search.select import rank, rank_by
from indexer.search.snippets import make_snippet, mark_text
from indexer.search.tiers import Tiers, candidates
from indexer.search.unknown import LIGHT_VERB_MIN_DOCS, light_verb_stems, lone_syllables, without_absent
from indexer.spelling import LEXICON_FIELDS, lexicon_for
from indexer.spelling import check as spelling_check
from indexer.storage import READ_ERRORS, Generation, LiveIndex, ThreadSearchers
from indexer.suggest import Suggestion, complete, suggester_for

logger = logging.getLogger(__name__)

MAX_PER_PAGE = 50
MAX_PAGE = 100
#: Documents checked for the adjacency bonus: the best of the rest of the query, at least this many.
MIN_CANDIDATES = 100


_Method = TypeVar("_Method", bound=Callable[..., Any])


def _reads_index(method: _Method) -> _Method:
    """A failed read of the live generation (its folder deleted under the server, a file unreadable) is
    IndexNotFound, not an OSError that would reach the web app as a 500 (LiveIndex.unreadable)."""

    @functools.wraps(method)
    def reading(self: SearchIndex, *args: Any, **kwargs: Any) -> Any:
        try:
            return method(self, *args, **kwargs)
        except READ_ERRORS as exc:
            raise self.live.unreadable(exc) from exc

    return reading  # type: ignore[return-value]


@dataclass
class QueryPlan:
    query: Any  # the Whoosh query object that is scored (indexer/search/query.py builds it); None: nothing to search
    typed: Any  # the words as typed
    filters: dict[str, list[str]]
    check: Any  # the spelling check (indexer/spelling/corrections.py), when it ran
    marks: Marks = dataclasses.field(default_factory=Marks)  # what snippets mark (indexer/search/highlight.py)
    filter_query: Any = None  # the filters alone (what a search without words browses)
    tiers: Tiers = dataclasses.field(default_factory=Tiers)  # what ranks first (indexer/search/tiers.py)
    groups: list[Any] = dataclasses.field(default_factory=list)  # one query per content word (coverage.py)
    near: tuple[tuple[str, ...], ...] = ()  # a question's content words' terms (proximity.py)
    question: bool = False  # a question: its terms' fields saturated together (joint.py)


class SearchIndex:
    """The live index under ``root``, reopened when a new generation is published."""

    def __init__(self, root: str | os.PathLike[str], reload_interval: float = 2.0, time_limit: float = 2.0,
                 warm: bool = True) -> None:
        self.root = Path(root)
        self.time_limit = time_limit
        # the live generation, followed; a new one's lookup files and arrays are loaded in the background
        self.live = LiveIndex(self.root, reload_interval, on_open=self._warm if warm else None)
        self.weighting = PriorBM25F()
        self.results_cache = ResultCache()  # finished results per generation (indexer/search/cache.py)
        # Completions per generation: everyone typing 강화학습 asks for ㄱ, 가, 강, 강ㅎ … first.
        self.suggest_cache = ResultCache()
        self._searchers = ThreadSearchers(self.weighting)  # reused per thread and generation

    def follow(self) -> threading.Thread:
        """Look for a new generation in the background (:meth:`LiveIndex.follow`)."""
        return self.live.follow()

    def _warm(self, generation: Generation) -> None:
        """Open the spelling lexicon and the suggestion index and load the scorer's arrays of a new
        generation, so the first searches after a switch do not pay for them."""
        lexicon_for(generation.index)
        mined_lexicon_for(generation.index)
        suggester_for(generation.index)
        with generation.index.searcher() as searcher:
            generation.tables(searcher)  # the scorer's per-document arrays

    @contextmanager
    def _reading(self, generation: Generation) -> Iterator[Any]:
        """This thread's Whoosh searcher on ``generation`` (not thread-safe: indexer/storage/readers.py)."""
        generation.enter()
        try:
            yield self._searchers.get(generation, generation.index)
        finally:
            generation.leave()

    def status(self) -> dict[str, Any]:
        """What /healthz reports: ok, or why the index cannot serve."""
        return self.live.status()

    @_reads_index
    def meta(self) -> dict[str, Any]:
        return dict(self.live.current().meta)

    @_reads_index
    def suggest(self, text: str, limit: int = 8) -> list[Suggestion]:
        """Completions for what is being typed."""
        with self.live.held() as generation:
            key = (generation.path.name, text, limit)
            found = self.suggest_cache.get(key)
            if found is None:
                found = tuple(complete(suggester_for(generation.index), text, limit))
                self.suggest_cache.put(key, found)
            return list(found)

    @_reads_index
    def related(self, doc_id: str, limit: int = 5) -> list[_related.DocSummary] | None:
        """Documents like ``doc_id``; None when it is not in the index."""
        with self.live.held() as generation:
            return _related.related(generation.index, doc_id, limit)

    @_reads_index
    def document(self, doc_id: str) -> _related.DocSummary | None:
        """One document's summary (title, URL, kind …) by id; None when it is not in the index."""
        with self.live.held() as generation:
            return _related.document(generation.index, doc_id)

    @_reads_index
    def labs(self) -> list[_related.LabSummary]:
        with self.live.held() as generation:
            return _related.labs(generation.index)

    @_reads_index
    def lab_documents(self, lab: str, limit: int = 200) -> list[_related.DocSummary]:
        with self.live.held() as generation:
            return _related.lab_documents(generation.index, lab, limit)

    @_reads_index
    def key_terms(self, lab: str, limit: int = 12) -> list[str]:
        """The most characteristic terms of a lab's documents."""
        with self.live.held() as generation:
            return _related.key_terms(generation.index, lab, limit)

    @_reads_index
    def stats(self) -> dict[str, Any]:
        with self.live.held() as generation:
            return _related.stats(generation.index, generation.meta)

    # -- searching --------------------------------------------------------------------------

    def plan(self, raw_query: str, filters: dict[str, list[str]] | None = None, *, correct: bool = True,
             generation: Generation | None = None, deadline: float | None = None) -> QueryPlan:
        """What a search runs: the query as typed, corrected and expanded, with its filters (the spelling
        check stops correcting at ``deadline``, a ``time.monotonic()`` value)."""
        generation = generation or self.live.current()
        parsed = userquery.parse(raw_query)
        all_filters = {k: list(v) for k, v in parsed.filters.items()}
        for name, values in (filters or {}).items():
            all_filters.setdefault(name, []).extend(v for v in values if v)
        if parsed.empty:
            return QueryPlan(None, None, all_filters, None, filter_query=userquery.filter_query(all_filters))
        words = parsed.text.split()
        if len(words) > userquery.MAX_TERMS:  # later words would add no term (query.py): not read at all
            parsed = dataclasses.replace(parsed, text=" ".join(words[:userquery.MAX_TERMS]))
        lexicon = lexicon_for(generation.index)
        check = spelling_check(parsed.text, lexicon, deadline=deadline) if correct else None
        if check is not None:
            parsed = dataclasses.replace(parsed, text=check.text)  # slips and unknown words corrected (reported)
        question = is_question(parsed.text)
        if question:  # a question's scaffolding is left out; its context words weigh less
            parsed = dataclasses.replace(parsed, text=content_words(parsed.text))
        # 캡처하는 → 캡처: a noun made a verb is searched as the noun the corpus writes
        parsed = dataclasses.replace(parsed, text=light_verb_stems(
            parsed.text, lambda word: lexicon.words.get(word, 0) >= LIGHT_VERB_MIN_DOCS))
        with_bigrams = userquery.needs_bigrams(parsed.text, lambda term: lexicon.df.get(term, 0) > 0)
        mined = mined_lexicon_for(generation.index)
        # past the deadline (a slow check), nothing is expanded: the scorer stops at once (timed out)
        late = deadline is not None and time.monotonic() > deadline
        expansions = [] if late else _expand(parsed.text, mined=mined)
        lone = lone_syllables(parsed.text, lambda word: lexicon.words.get(word, 0) > 0)
        weights = context_weights(parsed.text) if question else {}
        whoosh_query = userquery.build(parsed, expansions, with_bigrams=with_bigrams, lone=lone, weights=weights)
        whoosh_query = without_absent(whoosh_query, lambda term: lexicon.df.get(term, 0) > 0, LEXICON_FIELDS)
        if question:
            whoosh_query = weigh_fields(whoosh_query)
        typed_query = userquery.build(parsed, with_bigrams=False)
        filter_query = userquery.filter_query(all_filters)
        # Filters join the query as zero-weight terms (documents must have them; they add no score).
        scored_query = whoosh_query if filter_query is None else wq.And([whoosh_query, filter_query])
        marks, tiers = _explained(parsed.text, with_bigrams, tuple(expansions))
        groups = [] if late else word_groups(parsed.text, mined, lone)
        near = content_terms(parsed.text, lone) if question and not late else ()
        return QueryPlan(scored_query, typed_query, all_filters, check, marks=marks, filter_query=filter_query,
                         tiers=tiers, groups=groups, near=near, question=question)

    @_reads_index
    def search(self, raw_query: str, *, page: int = 1, per_page: int = 10,
               filters: dict[str, list[str]] | None = None, sort: str = "relevance",
               correct: bool = True) -> SearchResults:
        """Ranked, highlighted, faceted results; ``correct=False`` searches the words exactly as typed.

        Every part — spelling, expansion, scoring, snippets — runs inside one deadline, ``time_limit``
        seconds from the start: the spelling check stops correcting, scoring stops with ``timed_out``, and
        snippets left to cut past it are the documents' openings."""
        started = time.perf_counter()
        deadline = time.monotonic() + self.time_limit
        generation = self.live.current()
        cache_key = request_key(generation.path.name, raw_query, filters, page, per_page,
                                sort if correct else f"{sort}/as-typed")
        cached = self.results_cache.get(cache_key)
        if cached is not None:
            return dataclasses.replace(cached, took_ms=_ms(started))
        page = min(max(1, page), MAX_PAGE)
        per_page = min(max(1, per_page), MAX_PER_PAGE)
        choseong = self._initials(raw_query, generation) if correct else None
        if choseong is not None:  # ㄱㅎㅎㅅ: search its best completion, keep the filters typed with it
            parsed = userquery.parse(raw_query)
            filters = {**{k: list(v) for k, v in (filters or {}).items()}}
            for name, values in parsed.filters.items():
                filters.setdefault(name, []).extend(values)
            searched = choseong.searched
        else:
            searched = raw_query
        plan = self.plan(searched, filters, correct=correct, generation=generation, deadline=deadline)
        if plan.query is None and not plan.filters:
            return SearchResults(raw_query, 0, page, per_page, _ms(started), [], filters=plan.filters)
        check = plan.check
        unmatched: list[str] = []
        with self._reading(generation) as searcher:
            table, postings = generation.tables(searcher)
            wanted = page * per_page
            scorer = Scorer(table, postings, searcher, B=self.weighting.B, K1=self.weighting.K1,
                            candidates=max(MIN_CANDIDATES, 3 * wanted), deadline=deadline,
                            joint_fields=plan.question)
            timed_out = False
            try:
                scored = scorer.evaluate(plan.query if plan.query is not None else plan.filter_query)
            except SearchTimeout:
                timed_out = True
                logger.warning("query %r hit the %.1f s time limit", raw_query[:80], self.time_limit)
                scored = scorer.nothing()
            final = scored.scores * table.prior
            best = candidates(final, scored.matched, wanted)
            if not timed_out and plan.near:  # a question's words used together (proximity.py)
                apply_proximity(final, table.prior, scorer, plan.near, best)
            if not timed_out:  # documents holding every word of a short query score up (coverage.py)
                apply_coverage(final, plan.groups, scorer.holds, best)
            if plan.query is None:  # filters only: browse, newest first (undated and listings last)
                ranked = rank_by(table.published + np.where(table.listing, -(2**62), 0)
                                 if table.listing is not None else table.published, scored.matched, wanted)
            else:
                ordering = plan.tiers.apply(scorer, final, scored.matched, table.listing, best)
                unmatched = ordering.unmatched
                if sort == "date":
                    ranked = rank_by(table.published, scored.matched, wanted)
                else:
                    ranked = rank(ordering.keys, scored.matched, wanted)
            # past the deadline, snippets are the documents' openings, unmarked
            hits = [self._hit(searcher, int(doc), float(final[doc]), plan.marks if time.monotonic() < deadline
                              else Marks()) for doc in ranked[(page - 1) * per_page: wanted]]
            matched = np.flatnonzero(scored.matched)
            facet_counts = {"kind": {}, "lab": {}, "lang": {}, **table.facet_counts(matched)}
            total = len(matched)
            scorer.release(scored)  # its arrays serve this thread's next search
        found = SearchResults(raw_query, total, page, per_page, _ms(started), hits, facets=facet_counts,
                              filters=plan.filters, timed_out=timed_out,
                              corrected=check.corrected if check else None,
                              suggestion=check.suggestion if check else None,
                              unmatched=unmatched, choseong=choseong, browsing=plan.query is None)
        if not timed_out:
            self.results_cache.put(cache_key, found)
        return found

    def _initials(self, raw_query: str, generation: Generation) -> Choseong | None:
        """The completion to search when the query's words are only initial consonants (ㄱㅎㅎㅅ)."""
        parsed = userquery.parse(raw_query)
        if parsed.phrases or parsed.excluded or not parsed.text.strip():
            return None
        return complete_initials(parsed.text, suggester_for(generation.index))

    def _hit(self, searcher: Any, docnum: int, score: float, marks: Marks) -> Hit:
        stored = searcher.stored_fields(docnum)
        title, author = stored.get("title", ""), stored.get("author", "")
        return Hit(
            id=stored.get("id", ""), url=stored.get("url", ""), title=stored.get("title", ""),
            kind=stored.get("kind", ""), lab=stored.get("lab", ""), lang=stored.get("lang", ""),
            snippet=make_snippet(stored.get("body", ""), marks, fallback=stored.get("description", "")),
            score=score, published=stored.get("published_text", ""),
            author=stored.get("author", ""), description=stored.get("description", ""),
            extra=stored.get("extra") or {},
            title_html=mark_text(title, marks), author_html=mark_text(author, marks) if author else "",
        )


@lru_cache(maxsize=1024)
def _explained(text: str, with_bigrams: bool, expansions: tuple[Expansion, ...]) -> tuple[Marks, Tiers]:
    """What the snippets mark and what ranks first for the words searched (both depend on the text, its
    analysis and its cross-lingual concepts: the hand glossary's and the generation's mined ones), built
    once per text and concepts."""
    marks = Marks.of(text, expansions)
    return marks, Tiers.of(marks, list(expansions), with_bigrams=with_bigrams)


def word_groups(text: str, mined: Any, lone: frozenset[str] = frozenset()) -> list[Any]:
    """One query per content word of ``text``: its terms (not ``lone`` syllables) and their cross-lingual
    alternatives."""
    groups = []
    for word in text.split():
        terms = [t for t in userquery.analyze(word) if t not in lone]
        parts: list[Any] = [userquery.term_query(t) for t in terms]
        parts += [q for e in _expand(word, mined=mined) if (q := userquery.expansion_query(e, set(terms))) is not None]
        if parts:
            groups.append(wq.Or(parts))
            if len(groups) > MAX_GROUPS:
                return []  # coverage leaves such queries alone (coverage.py)
    return groups


def _ms(started: float) -> float:
    return (time.perf_counter() - started) * 1000.0
