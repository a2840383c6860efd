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
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from indexer.lexicon import term_frequencies, write_lexicon
from indexer.sqlitefiles import FileMismatch
from indexer.store import open_generation
from indexer.suggest import Suggester
from indexer.suggest_store import patch_suggestions, read_sources, read_stats, write_suggestions
from indexer.suggest_terms import DocSource, SuggestionData, TermStats, gather, term_text, with_terms

__all__ = ["write_lookups"]

logger = logging.getLogger(__name__)


def write_lookups(generation: Path, *, base: Path | None = None, touched: Iterable[str] = (), procs: int = 1,
                  suggestions: SuggestionData | None = None) -> None:
    """Write the lookup files of the committed but unpublished ``generation``.

    ``base`` is the generation an update started from and ``touched`` the ids it added, changed or
    removed; without them (a rebuild) the term counts are computed from every document, in ``procs``
    processes, unless the rebuild gathered them while indexing (``suggestions``, in document order).
    """
    started = time.monotonic()
    ix = open_generation(generation)
    commit = ix.latest_generation()
    with ix.reader() as reader:
        write_lexicon(generation, term_frequencies(reader), commit)
    lexicon_seconds = time.monotonic() - started
    touched = set(touched)
    with ix.searcher() as searcher:
        how = None
        if suggestions is None and base is not None and 2 * len(touched) < searcher.doc_count():
            how = _patch(generation, commit, base, touched, searcher)
        if how is None:
            how = _rewrite(generation, commit, base, touched, searcher, procs, suggestions)
    logger.info("lookup files of %s: lexicon %.1f s, suggestions %.1f s (%s)", generation.name, lexicon_seconds,
                time.monotonic() - started - lexicon_seconds, how)


def _patch(generation: Path, commit: int, base: Path, touched: set[str], searcher: Any) -> str | None:
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
    with base_ix.searcher() as base_searcher:
        stale = _stored(base_searcher, touched)
    fresh = _stored(searcher, touched)
    recounted = count_changed_terms(stats, stale, fresh)
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


def count_changed_terms(stats: TermStats, stale: dict[str, dict[str, Any]], fresh: dict[str, dict[str, Any]]) -> int:
    """Count the ``stale`` documents' terms out of ``stats`` and the ``fresh`` ones' in; a document whose term
    text is the same in both (a change further down a long body, or only in its metadata) needs no mecab.
    Returns how many documents were analysed."""
    same = {doc_id for doc_id, doc in stale.items()
            if doc_id in fresh and term_text(doc) == term_text(fresh[doc_id])}
    out = [doc for doc_id, doc in stale.items() if doc_id not in same]
    into = [doc for doc_id, doc in fresh.items() if doc_id not in same]
    for _, terms in with_terms(out):
        stats.add(terms, -1)
    for _, terms in with_terms(into):
        stats.add(terms)
    return len(out) + len(into)


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
