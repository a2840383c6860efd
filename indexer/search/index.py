"""Searching the live index: the one API the web app uses.

``SearchIndex`` follows the live generation (it notices a new one within ``reload_interval``
seconds), keeps one opened Whoosh index per generation, and turns a user query into ranked,
highlighted, faceted results.
"""
from __future__ import annotations

import dataclasses
import logging
import os
import pickle
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from whoosh import index as whoosh_index
from whoosh import query as wq

from indexer.errors import IndexerError, IndexNotFound, SchemaMismatch
from indexer.search import query as userquery
from indexer.search import related as _related
from indexer.search.cache import ResultCache, request_key
from indexer.search.expand import expand as _expand
from indexer.search.scorer import Scorer, SearchTimeout, rank, rank_by
from indexer.search.scoring import PriorBM25F
from indexer.search.snippets import make_snippet
from indexer.spelling import check as _spelling
from indexer.storage.doctable import DocTable
from indexer.storage.generations import POINTER, Lease, check_versions, current_generation, open_generation, read_meta
from indexer.storage.postings import PostingCache
from indexer.storage.readers import ThreadSearchers
from indexer.suggest import complete as _suggest

logger = logging.getLogger(__name__)

MAX_PER_PAGE = 50
MAX_PAGE = 100
#: Documents checked for the adjacency bonus: the best of the rest of the query, at least this many.
MIN_CANDIDATES = 100


@dataclass
class Hit:
    id: str
    url: str
    title: str
    kind: str
    lab: str
    lang: str
    snippet: str
    score: float
    published: str = ""
    author: str = ""
    description: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "url": self.url, "title": self.title, "kind": self.kind, "lab": self.lab,
                "lang": self.lang, "snippet": self.snippet, "score": round(self.score, 4),
                "published": self.published, "author": self.author, "description": self.description}


@dataclass
class SearchResults:
    query: str
    total: int
    page: int
    per_page: int
    took_ms: float
    hits: list[Hit]
    facets: dict[str, dict[str, int]] = field(default_factory=dict)
    filters: dict[str, list[str]] = field(default_factory=dict)
    corrected: str | None = None
    suggestion: str | None = None
    timed_out: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {"query": self.query, "total": self.total, "page": self.page, "per_page": self.per_page,
                "took_ms": round(self.took_ms, 2), "results": [h.to_dict() for h in self.hits],
                "facets": self.facets, "filters": self.filters, "corrected_query": self.corrected,
                "did_you_mean": self.suggestion, "timed_out": self.timed_out}


@dataclass
class QueryPlan:
    query: Any  # the Whoosh query object that is scored (indexer/search/query.py builds it); None: nothing to search
    typed: Any  # the words as typed (for highlighting)
    filters: dict[str, list[str]]
    check: Any  # the spelling check (indexer/spelling/check.py), when it ran


class _Generation:
    """One opened generation. Its lease keeps writers from deleting it until this process is done:
    released once a newer generation serves and the last search still using this one has finished."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.meta = read_meta(path)
        check_versions(path, self.meta)
        self.index = open_generation(path)
        self.lease = Lease(path)
        self._readers = 0
        self._retired = False
        self._count_lock = threading.Lock()
        self._tables: tuple[DocTable, PostingCache] | None = None
        self._tables_lock = threading.Lock()

    def tables(self, searcher: Any) -> tuple[DocTable, PostingCache]:
        """The per-document arrays and the postings cache of this generation, loaded on first use."""
        if self._tables is None:
            with self._tables_lock:
                if self._tables is None:
                    table = DocTable.load(searcher)
                    self._tables = (table, PostingCache(table.live))
        return self._tables

    def enter(self) -> None:
        with self._count_lock:
            self._readers += 1

    def leave(self) -> None:
        with self._count_lock:
            self._readers -= 1
            done = self._retired and self._readers == 0
        if done:
            self.lease.release()

    def retire(self) -> None:
        with self._count_lock:
            self._retired = True
            done = self._readers == 0
        if done:
            self.lease.release()


#: What opening a damaged generation can raise; the previous generation then keeps serving.
_OPEN_ERRORS = (IndexerError, OSError, EOFError, ValueError, pickle.UnpicklingError, whoosh_index.IndexError)


class SearchIndex:
    """The live index under ``root``, reopened when a new generation is published."""

    def __init__(self, root: str | os.PathLike[str], reload_interval: float = 2.0, time_limit: float = 2.0,
                 warm: bool = True) -> None:
        self.root = Path(root)
        self.warm = warm
        self.reload_interval = reload_interval
        self.time_limit = time_limit
        self._lock = threading.Lock()
        self._generation: _Generation | None = None
        self._checked = 0.0
        self._pointer: tuple[int, int] | None = None
        self.weighting = PriorBM25F()
        self.results_cache = ResultCache()  # finished results per generation (indexer/search/cache.py)
        # Completions per generation: everyone typing 강화학습 asks for ㄱ, 가, 강, 강ㅎ … first.
        self.suggest_cache = ResultCache()
        self._searchers = ThreadSearchers(self.weighting)  # reused per thread and generation

    # -- generations ------------------------------------------------------------------------

    def _current(self) -> _Generation:
        now = time.monotonic()
        generation = self._generation
        if generation is not None and now - self._checked < self.reload_interval:
            return generation
        with self._lock:
            self._checked = now
            try:
                stat = (self.root / POINTER).stat()
                pointer: tuple[int, int] | None = (stat.st_ino, stat.st_mtime_ns)  # publish renames a new file
            except OSError:
                pointer = None
            if (self._generation is None or pointer != self._pointer) and self._switch():
                self._pointer = pointer
            assert self._generation is not None
            return self._generation

    def follow(self) -> threading.Thread:
        """Look for a new generation every reload interval in the background, not only when a search
        comes: a web worker that gets no request still switches and lets the old generation go (writers
        delete a generation only when no process holds it)."""

        def loop() -> None:
            said = ""
            while True:
                time.sleep(self.reload_interval)
                try:
                    self._current()
                    said = ""
                except Exception as exc:  # noqa: BLE001 - the loop must outlive any one failed check
                    if str(exc) != said:  # once per problem, not every interval (searches report it too)
                        logger.warning("checking for a new index generation failed: %s", exc)
                        said = str(exc)

        thread = threading.Thread(target=loop, name="modusearch-follow", daemon=True)
        thread.start()
        return thread

    def _switch(self) -> bool:
        """Serve the generation CURRENT names; if it cannot be opened, keep serving the previous one
        (and try again after the next reload interval)."""
        old = self._generation
        try:
            path = current_generation(self.root)
            if old is not None and old.path == path:
                return True
            new = _Generation(path)
        except _OPEN_ERRORS as exc:
            if old is None or not old.path.is_dir():
                raise
            logger.error("cannot switch to the published index (%s); still serving %s", exc, old.path.name)
            return False
        self._generation = new
        logger.info("serving index generation %s", path.name)
        if old is not None:
            old.retire()
        if self.warm:
            threading.Thread(target=self._warm, args=(new,), name="modusearch-warm", daemon=True).start()
        return True

    def _warm(self, generation: _Generation) -> None:
        """Open the spelling lexicon and the suggestion index and load the scorer's arrays of a new
        generation in the background, so the first searches after a switch do not pay for them."""
        started = time.monotonic()
        try:
            generation.enter()
            try:
                _spelling.lexicon_for(generation.index)
                _suggest.suggester_for(generation.index)
                with generation.index.searcher() as searcher:
                    generation.tables(searcher)  # the scorer's per-document arrays
            finally:
                generation.leave()
        except _OPEN_ERRORS as exc:
            logger.warning("warming %s failed (%s); it will be built on first use", generation.path.name, exc)
            return
        logger.info("warmed %s in %.1f s", generation.path.name, time.monotonic() - started)

    @contextmanager
    def _reading(self, generation: _Generation) -> Iterator[Any]:
        """This thread's Whoosh searcher on ``generation`` (not thread-safe: indexer/storage/readers.py)."""
        generation.enter()
        try:
            yield self._searchers.get(generation, generation.index)
        finally:
            generation.leave()

    def status(self) -> dict[str, Any]:
        """What /healthz reports: ok, or why the index cannot serve."""
        try:
            generation = self._current()
        except (IndexNotFound, SchemaMismatch) as exc:
            return {"ok": False, "error": str(exc), "rebuild_needed": isinstance(exc, SchemaMismatch)}
        return {"ok": True, "generation": generation.path.name, "documents": generation.meta.get("documents"),
                "built_at": generation.meta.get("built_at")}

    def meta(self) -> dict[str, Any]:
        return dict(self._current().meta)

    @contextmanager
    def _held(self) -> Iterator[_Generation]:
        """The live generation, held (its lease kept) while the caller reads it."""
        generation = self._current()
        generation.enter()
        try:
            yield generation
        finally:
            generation.leave()

    def suggest(self, text: str, limit: int = 8) -> list[_suggest.Suggestion]:
        """Completions for what is being typed."""
        with self._held() as generation:
            key = (generation.path.name, text, limit)
            found = self.suggest_cache.get(key)
            if found is None:
                found = tuple(_suggest.suggester_for(generation.index).suggest(text, limit))
                self.suggest_cache.put(key, found)
            return list(found)

    def related(self, doc_id: str, limit: int = 5) -> list[_related.DocSummary] | None:
        """Documents like ``doc_id``; None when it is not in the index."""
        with self._held() as generation:
            return _related.related(generation.index, doc_id, limit)

    def labs(self) -> list[_related.LabSummary]:
        with self._held() as generation:
            return _related.labs(generation.index)

    def lab_documents(self, lab: str, limit: int = 200) -> list[_related.DocSummary]:
        with self._held() as generation:
            return _related.lab_documents(generation.index, lab, limit)

    def key_terms(self, lab: str, limit: int = 12) -> list[str]:
        """The most characteristic terms of a lab's documents."""
        with self._held() as generation:
            return _related.key_terms(generation.index, lab, limit)

    def stats(self) -> dict[str, Any]:
        with self._held() as generation:
            return _related.stats(generation.index, generation.meta)

    # -- searching --------------------------------------------------------------------------

    def plan(self, raw_query: str, filters: dict[str, list[str]] | None = None, *, correct: bool = True,
             generation: _Generation | None = None) -> QueryPlan:
        """What a search runs: the query as typed, corrected and expanded, with its filters."""
        generation = generation or self._current()
        parsed = userquery.parse(raw_query)
        all_filters = {k: list(v) for k, v in parsed.filters.items()}
        for name, values in (filters or {}).items():
            all_filters.setdefault(name, []).extend(v for v in values if v)
        if parsed.empty:
            return QueryPlan(None, None, all_filters, None)
        lexicon = _spelling.lexicon_for(generation.index)
        check = _spelling.check(parsed, lexicon) if correct else None
        if check is not None:
            parsed = check.parsed  # keyboard-mode slips and unknown words corrected (reported below)
        with_bigrams = userquery.needs_bigrams(parsed.text, lambda term: lexicon.df.get(term, 0) > 0)
        whoosh_query = userquery.build(parsed, _expand(parsed.text), with_bigrams=with_bigrams)
        # Highlights mark the words typed, not the glossary's; snippets use no bigram terms.
        typed_query = userquery.build(parsed, with_bigrams=False)
        filter_query = userquery.filter_query(all_filters)
        # Filters join the query as zero-weight terms (documents must have them; they add no score).
        scored_query = whoosh_query if filter_query is None else wq.And([whoosh_query, filter_query])
        return QueryPlan(scored_query, typed_query, all_filters, check)

    def search(self, raw_query: str, *, page: int = 1, per_page: int = 10,
               filters: dict[str, list[str]] | None = None, sort: str = "relevance",
               correct: bool = True) -> SearchResults:
        """Ranked, highlighted, faceted results; ``correct=False`` searches the words exactly as typed."""
        started = time.perf_counter()
        generation = self._current()
        cache_key = request_key(generation.path.name, raw_query, filters, page, per_page,
                                sort if correct else f"{sort}/as-typed")
        cached = self.results_cache.get(cache_key)
        if cached is not None:
            return dataclasses.replace(cached, took_ms=_ms(started))
        page = min(max(1, page), MAX_PAGE)
        per_page = min(max(1, per_page), MAX_PER_PAGE)
        plan = self.plan(raw_query, filters, correct=correct, generation=generation)
        if plan.query is None:
            return SearchResults(raw_query, 0, page, per_page, _ms(started), [], filters=plan.filters)
        check = plan.check
        with self._reading(generation) as searcher:
            table, postings = generation.tables(searcher)
            wanted = page * per_page
            scorer = Scorer(table, postings, searcher, B=self.weighting.B, K1=self.weighting.K1,
                            candidates=max(MIN_CANDIDATES, 3 * wanted), deadline=time.monotonic() + self.time_limit)
            timed_out = False
            try:
                scored = scorer.evaluate(plan.query)
            except SearchTimeout:
                timed_out = True
                logger.warning("query %r hit the %.1f s time limit", raw_query[:80], self.time_limit)
                scored = scorer.nothing()
            final = scored.scores * table.prior
            if sort == "date":
                ranked = rank_by(table.published, scored.matched, wanted)
            else:
                ranked = rank(final, scored.matched, wanted)
            marked = highlight_terms(plan.typed)
            hits = [self._hit(searcher, int(doc), float(final[doc]), marked)
                    for doc in ranked[(page - 1) * per_page: wanted]]
            matched = np.flatnonzero(scored.matched)
            facet_counts = {name: table.facets[name].counts(matched) if name in table.facets else {}
                            for name in ("kind", "lab", "lang")}
            total = len(matched)
            scorer.release(scored)  # its arrays serve this thread's next search
        found = SearchResults(raw_query, total, page, per_page, _ms(started), hits, facets=facet_counts,
                              filters=plan.filters, timed_out=timed_out,
                              corrected=check.corrected if check else None,
                              suggestion=check.suggestion if check else None)
        if not timed_out:
            self.results_cache.put(cache_key, found)
        return found

    def _hit(self, searcher: Any, docnum: int, score: float, marked: frozenset[str]) -> Hit:
        stored = searcher.stored_fields(docnum)
        return Hit(
            id=stored.get("id", ""), url=stored.get("url", ""), title=stored.get("title", ""),
            kind=stored.get("kind", ""), lab=stored.get("lab", ""), lang=stored.get("lang", ""),
            snippet=make_snippet(stored.get("body", ""), marked, fallback=stored.get("description", "")),
            score=score, published=stored.get("published_text", ""),
            author=stored.get("author", ""), description=stored.get("description", ""),
            extra=stored.get("extra") or {},
        )


def highlight_terms(whoosh_query: Any) -> frozenset[str]:
    """The words a snippet marks: the query's terms in the text fields."""
    terms = set()
    for fieldname, text in whoosh_query.iter_all_terms():
        if fieldname in ("body", "title", "headings", "description"):
            terms.add(text.decode("utf-8") if isinstance(text, bytes) else text)
    return frozenset(terms)


def _ms(started: float) -> float:
    return (time.perf_counter() - started) * 1000.0
