"""The lookup files of an index generation, written at index time: mining.sqlite, spelling.sqlite and
suggest.sqlite.

A rebuild and an update call :func:`write_lookups` after Whoosh's commit and before the generation is
published (indexer/operations/build.py, indexer/operations/update.py), so a published generation has
both files and a web worker only opens them (indexer/spelling/lexicon.py, indexer/suggest/store.py)
instead of building the lexicon and the suggestion index in memory, in every worker.

An update starts from the previous generation's files: the spelling lexicon adds the new segment's term
counts to the base's per-field counts (:func:`indexer.spelling.lexicon.patch_lexicon`; counted whole after a
merge), and the suggestion file is the base's with the touched documents' terms counted out and in
(mecab reads only those), their titles and labs replaced and only the entries that differ rewritten
(:func:`indexer.suggest.store.patch_suggestions`), in a second process while the update indexes
(:class:`BackgroundSuggestions`). A base without the per-field counts or the document list (written by
an older version) gets both files written whole. The mined lexicon is the base's counts without the
replaced documents' words and pairs and with their new versions' (:func:`indexer.mining.patch_mining`,
no mecab), and hands its word counts to the spelling lexicon as the whole-word vocabulary.
"""
from __future__ import annotations

import logging
import multiprocessing
import time
from collections.abc import Iterable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from indexer.mining import MinedCounts, mine, mined_text, patch_mining, write_mining
from indexer.operations.processes import writer_processes_die_with_parent
from indexer.spelling import write_lexicon_file
from indexer.storage import FileMismatch, open_generation
from indexer.suggest import (
    DocSource,
    SuggestionData,
    TermStats,
    document_terms,
    gather,
    patch_suggestions,
    read_sources,
    read_stats,
    term_text,
    with_terms,
    write_suggestions,
)

__all__ = ["BackgroundSuggestions", "TouchedDocuments", "write_lookups"]

logger = logging.getLogger(__name__)


def write_lookups(generation: Path, *, base: Path | None = None, touched: Iterable[str] = (), procs: int = 1,
                  suggestions: SuggestionData | None = None, documents: TouchedDocuments | None = None,
                  background: BackgroundSuggestions | None = None,
                  term_counts: dict[str, dict[str, int]] | None = None, mined: MinedCounts | None = None) -> None:
    """Write the lookup files of the committed but unpublished ``generation``.

    ``base`` is the generation an update started from and ``touched`` the ids it added, changed or
    removed; without them (a rebuild) the term counts are computed from every document, in ``procs``
    processes, unless the rebuild gathered them while indexing (``suggestions``, in document order).
    An update that has the touched documents at hand passes them (``documents``), or has already started
    patching the suggestion file in a second process (``background``): otherwise they are read from the
    two generations. A rebuild that counted the lexicon fields' terms as it wrote them passes the counts
    (``term_counts``, as :func:`indexer.spelling.lexicon.field_frequencies` would read them), and a rebuild
    that mined its documents as it indexed them passes their counts (``mined``).
    """
    started = time.monotonic()
    ix = open_generation(generation)
    commit = ix.latest_generation()
    base_commit = None if base is None else open_generation(base).latest_generation()
    words = _write_mining(generation, commit, ix, mined, base, base_commit, documents)
    mining_seconds = time.monotonic() - started
    with ix.reader() as reader:
        lexicon = write_lexicon_file(generation, reader, commit, base=base, base_commit=base_commit,
                                     term_counts=term_counts, words=words)
    lexicon_seconds = time.monotonic() - started - mining_seconds
    touched = set(touched)
    with ix.searcher() as searcher:
        how = None
        if background is not None:
            how = background.wait(commit)
        if how is None and suggestions is None and base is not None and 2 * len(touched) < searcher.doc_count():
            if documents is None:
                with open_generation(base).searcher() as base_searcher:
                    documents = TouchedDocuments(_stored(base_searcher, touched), _stored(searcher, touched))
            how = _patch(generation, commit, base, touched, documents)
        if how is None:
            how = _rewrite(generation, commit, base, touched, searcher, procs, suggestions)
    logger.info("lookup files of %s: mined lexicon %.1f s, spelling lexicon %.1f s (%s), suggestions %.1f s (%s)",
                generation.name, mining_seconds, lexicon_seconds, lexicon,
                time.monotonic() - started - lexicon_seconds - mining_seconds, how)


def _write_mining(generation: Path, commit: int, ix: Any, mined: MinedCounts | None, base: Path | None,
                  base_commit: int | None, documents: TouchedDocuments | None) -> dict[str, int]:
    """Write mining.sqlite: from the counts a rebuild gathered, else by patching the base generation's file
    with the touched documents, else by mining every stored document. Returns the word counts."""
    if mined is None and base is not None and base_commit is not None and documents is not None:
        try:
            mined = patch_mining(generation, base, base_commit, commit,
                                 stale=map(mined_text, documents.stale.values()),
                                 fresh=map(mined_text, documents.fresh.values()))
            return dict(mined.words)
        except FileMismatch as exc:
            logger.info("%s: %s; mining every document", base.name, exc)
    if mined is None:
        mined = MinedCounts()
        with ix.searcher() as searcher:
            for doc in searcher.all_stored_fields():
                mined.add(mine(mined_text(doc)))
    write_mining(generation, mined, commit)
    return dict(mined.words)


def _patch(generation: Path, commit: int, base: Path, touched: set[str], documents: TouchedDocuments) -> str | None:
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
    fresh = documents.fresh
    recounted = documents.recount(stats)
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
    write_suggestions(generation, data.entries(), data.stats, commit, sources=data.sources)
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

    def recount(self, stats: TermStats) -> int:
        """Count the stale documents' terms out of ``stats`` and the fresh ones' in; a document whose term
        text is the same in both (a change further down a long body, or only in its metadata) needs no
        mecab. Returns how many documents were analysed."""
        same = {doc_id for doc_id, doc in self.stale.items()
                if doc_id in self.fresh and term_text(doc) == term_text(self.fresh[doc_id])}
        out = [document_terms(term_text(doc)) for doc_id, doc in self.stale.items() if doc_id not in same]
        into = [document_terms(term_text(doc)) for doc_id, doc in self.fresh.items() if doc_id not in same]
        for terms in out:
            stats.add(terms, -1)
        for terms in into:
            stats.add(terms)
        return len(out) + len(into)


class BackgroundSuggestions:
    """An update's suggest.sqlite, patched in a forked process while the update indexes (mecab and SQLite
    on the second core). It needs only the base generation's file and the touched documents, not the new
    segment; the file records Whoosh commit ``commit``, the one the update's writer will make."""

    def __init__(self, generation: Path, commit: int, base: Path, touched: set[str],
                 documents: TouchedDocuments) -> None:
        self.commit = commit
        context = multiprocessing.get_context("fork")
        self._answer, send = context.Pipe(duplex=False)
        with writer_processes_die_with_parent():  # a killed update takes this process along
            self._process = context.Process(target=_patch_and_answer, daemon=True,
                                            args=(send, generation, commit, base, touched, documents))
            self._process.start()
        send.close()

    def wait(self, commit: int) -> str | None:
        """What was written, or None when the caller must write the file (the base file could not be
        patched, the process died, or the commit is not the expected one); re-raises the process's error."""
        if commit != self.commit:
            self.close()
            return None
        try:
            done, answer = self._answer.recv()
        except EOFError:  # the process died without answering
            done, answer = True, None
        self.close()
        if not done:
            raise answer
        return answer

    @property
    def running(self) -> bool:
        return self._process.is_alive()

    def close(self) -> None:
        if self._process.is_alive():
            self._process.kill()
        self._process.join()
        self._answer.close()


def _patch_and_answer(send: Connection, generation: Path, commit: int, base: Path, touched: set[str],
                      documents: TouchedDocuments) -> None:
    try:
        send.send((True, _patch(generation, commit, base, touched, documents)))
    except Exception as exc:  # noqa: BLE001 - handed to the updating process, which raises it
        try:
            send.send((False, exc))
        except Exception:  # noqa: BLE001 - an exception that does not pickle
            send.send((False, RuntimeError(f"{type(exc).__name__}: {exc}")))


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
