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
from indexer.suggest_store import read_stats, write_suggestions
from indexer.suggest_terms import SuggestionData, TermStats, gather, with_terms

__all__ = ["write_lookups"]

logger = logging.getLogger(__name__)


def write_lookups(generation: Path, *, base: Path | None = None, touched: Iterable[str] = (), procs: int = 1) -> None:
    """Write the lookup files of the committed but unpublished ``generation``.

    ``base`` is the generation an update started from and ``touched`` the ids it added, changed or
    removed; without them (a rebuild) the term counts are computed from every document, in ``procs``
    processes.
    """
    started = time.monotonic()
    ix = open_generation(generation)
    commit = ix.latest_generation()
    with ix.reader() as reader:
        write_lexicon(generation, term_frequencies(reader), commit)
    lexicon_seconds = time.monotonic() - started
    touched = set(touched)
    with ix.searcher() as searcher:
        stats = _base_stats(base, touched, searcher.doc_count()) if base is not None else None
        if stats is None:
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
    write_suggestions(generation, Suggester(data.entries()), data.stats, commit)
    logger.info("lookup files of %s: lexicon %.1f s, suggestions %.1f s (%s)", generation.name, lexicon_seconds,
                time.monotonic() - started - lexicon_seconds,
                "full" if stats is None else f"{len(touched)} documents re-read")


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
