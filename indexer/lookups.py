"""The lookup files of an index generation, written at index time: spelling.sqlite and suggest.sqlite.

A rebuild and an update call :func:`write_lookups` after Whoosh's commit and before the generation is
published (indexer/build.py, indexer/update.py), so a published generation has both files and a web
worker only opens them (indexer/lexicon.py, indexer/suggest_store.py) instead of building the
lexicon and the suggestion index in memory, in every worker.

An update starts from the previous generation's term counts: it subtracts the documents it replaced or
removed and adds the ones it indexed, so mecab reads only those; lexicon, titles and labs are re-read
from the new generation (no analysis, seconds).
"""
from __future__ import annotations

import logging
import multiprocessing
import time
from collections.abc import Iterable
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from indexer.lexicon import field_frequencies, largest, patch_lexicon, segment_ids, write_lexicon
from indexer.sqlitefiles import FileMismatch
from indexer.store import open_generation
from indexer.suggest import Suggester
from indexer.suggest_store import patch_suggestions, read_sources, read_stats, write_suggestions
from indexer.suggest_terms import (
    DocSource,
    DocTerms,
    SuggestionData,
    TermStats,
    gather,
    shared_tagger,
    term_text,
    with_terms,
)

__all__ = ["TouchedDocuments", "write_lookups"]

logger = logging.getLogger(__name__)


def write_lookups(generation: Path, *, base: Path | None = None, touched: Iterable[str] = (), procs: int = 1,
                  suggestions: SuggestionData | None = None, documents: TouchedDocuments | None = None) -> None:
    """Write the lookup files of the committed but unpublished ``generation``.

    ``base`` is the generation an update started from and ``touched`` the ids it added, changed or
    removed; without them (a rebuild) the term counts are computed from every document, in ``procs``
    processes, unless the rebuild gathered them while indexing (``suggestions``, in document order).
    An update that has the touched documents at hand passes them (``documents``, often with their
    terms already being counted): otherwise they are read from the two generations.
    """
    started = time.monotonic()
    ix = open_generation(generation)
    commit = ix.latest_generation()
    with ix.reader() as reader:
        lexicon = _write_lexicon(generation, commit, reader, base)
    lexicon_seconds = time.monotonic() - started
    touched = set(touched)
    with ix.searcher() as searcher:
        how = None
        if suggestions is None and base is not None and 2 * len(touched) < searcher.doc_count():
            how = _patch(generation, commit, base, touched, searcher, documents)
        if how is None:
            how = _rewrite(generation, commit, base, touched, searcher, procs, suggestions)
    logger.info("lookup files of %s: lexicon %.1f s (%s), suggestions %.1f s (%s)", generation.name, lexicon_seconds,
                lexicon, time.monotonic() - started - lexicon_seconds, how)


def _write_lexicon(generation: Path, commit: int, reader: Any, base: Path | None) -> str:
    """spelling.sqlite: the base's counts plus the new segments' when they add up, else counted whole."""
    if base is not None:
        try:
            patch_lexicon(generation, reader, commit, base, open_generation(base).latest_generation())
            return "new segments counted"
        except FileMismatch as exc:
            logger.info("%s: %s; counting every segment's terms", base.name, exc)
    fields = field_frequencies(reader)
    write_lexicon(generation, largest(fields), commit, fields=fields, segments=segment_ids(reader))
    return "every segment counted"


def _patch(generation: Path, commit: int, base: Path, touched: set[str], searcher: Any,
           documents: TouchedDocuments | None) -> str | None:
    """Write suggest.sqlite as the base generation's file changed by the ``touched`` documents only;
    None (nothing written) when the base file cannot be patched (missing, another commit, an older format)."""
    base_ix = open_generation(base)
    base_commit = base_ix.latest_generation()
    try:
        stats = read_stats(base, base_commit)
        sources = read_sources(base, base_commit)
    except FileMismatch as exc:
        logger.info("%s: %s; reading every document for the suggestions", base.name, exc)
        return None
    if documents is None:
        with base_ix.searcher() as base_searcher:
            documents = TouchedDocuments(_stored(base_searcher, touched), _stored(searcher, touched))
    fresh = documents.fresh
    recounted = documents.recount().apply(stats)
    for doc_id in touched:
        sources.pop(doc_id, None)
    added = {doc_id: DocSource.of(doc) for doc_id, doc in fresh.items()}
    sources.update(added)
    data = SuggestionData(stats)
    for source in sources.values():
        data.add_source(source)
    patch_suggestions(generation, base, base_commit, data.entries(), stats, touched, added, commit)
    return f"{len(touched)} documents re-read, {recounted} re-counted, {base.name}'s file patched"


def _rewrite(generation: Path, commit: int, base: Path | None, touched: set[str], searcher: Any, procs: int,
             suggestions: SuggestionData | None) -> str:
    """Write suggest.sqlite whole, from every stored document (the term counts from the base's, if usable)."""
    stats = _base_stats(base, touched, searcher.doc_count()) if base is not None else None
    if suggestions is not None:
        data = suggestions
    elif stats is None:
        data = gather(searcher.all_stored_fields(), procs)
    else:
        data = SuggestionData(stats)
        fresh = []
        for doc in searcher.all_stored_fields():
            data.add_document(doc)
            if doc.get("id") in touched:
                fresh.append(doc)
        for _, terms in with_terms(fresh):
            stats.add(terms)
    write_suggestions(generation, Suggester(data.entries()), data.stats, commit, sources=data.sources)
    return "full" if stats is None else f"{len(touched)} documents re-read, every document listed"


def _stored(searcher: Any, ids: Iterable[str]) -> dict[str, dict[str, Any]]:
    """id → stored fields of those of ``ids`` the searcher's index holds."""
    found = {doc_id: searcher.document(id=doc_id) for doc_id in sorted(ids)}
    return {doc_id: doc for doc_id, doc in found.items() if doc}


@dataclass
class TouchedDocuments:
    """An update's documents, by id: ``stale`` as the base generation stored them (replaced or removed),
    ``fresh`` as the new generation indexes them (changed or new)."""

    stale: dict[str, dict[str, Any]]
    fresh: dict[str, dict[str, Any]]
    _recount: TermRecount | None = field(default=None, repr=False)

    def recount(self, procs: int = 1) -> TermRecount:
        """The terms of the documents whose term text changed; counted in a separate process when ``procs``
        > 1 (started by the first call, so an update can start it before it indexes)."""
        if self._recount is None:
            same = {doc_id for doc_id, doc in self.stale.items()
                    if doc_id in self.fresh and term_text(doc) == term_text(self.fresh[doc_id])}
            self._recount = TermRecount([term_text(d) for i, d in self.stale.items() if i not in same],
                                        [term_text(d) for i, d in self.fresh.items() if i not in same], procs)
        return self._recount

    def close(self) -> None:
        if self._recount is not None:
            self._recount.close()


class TermRecount:
    """mecab's terms of the texts an update counts out of and into the base generation's term counts."""

    def __init__(self, out: list[str], into: list[str], procs: int = 1) -> None:
        self.texts = (out, into)
        self._pool: ProcessPoolExecutor | None = None
        self._future: Future[tuple[list[DocTerms], list[DocTerms]]] | None = None
        if procs > 1 and (out or into):
            from indexer.build import writer_processes_die_with_parent  # build imports this module

            self._pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("fork"))
            with writer_processes_die_with_parent():  # a killed update takes its counting process along
                self._future = self._pool.submit(_terms_of, out, into)

    def apply(self, stats: TermStats) -> int:
        """Count the terms out of and into ``stats``; how many documents were analysed."""
        out, into = self._future.result() if self._future is not None else _terms_of(*self.texts)
        self.close()
        for terms in out:
            stats.add(terms, -1)
        for terms in into:
            stats.add(terms)
        return len(out) + len(into)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None


def _terms_of(out: list[str], into: list[str]) -> tuple[list[DocTerms], list[DocTerms]]:
    tagger = shared_tagger()
    return [tagger.terms(text) for text in out], [tagger.terms(text) for text in into]


def _base_stats(base: Path, touched: set[str], documents: int) -> TermStats | None:
    """The base generation's term counts without the touched documents; None when a full pass is cheaper
    (most documents touched) or the base has no usable file (written by an older version)."""
    if 2 * len(touched) >= documents:
        return None
    base_ix = open_generation(base)
    try:
        stats = read_stats(base, base_ix.latest_generation())
    except FileMismatch as exc:
        logger.info("%s: %s; counting every document's terms", base.name, exc)
        return None
    with base_ix.searcher() as searcher:
        stale: list[dict[str, Any]] = [doc for doc in (searcher.document(id=i) for i in sorted(touched)) if doc]
        for _, terms in with_terms(stale):
            stats.add(terms, -1)
    return stats
