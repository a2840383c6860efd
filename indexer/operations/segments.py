"""Fill a new index with documents, in one process or several, one segment per process.

Each document's contribution to the suggestion index (its title, lab and terms:
:mod:`indexer.suggest.terms`) and to the mined lexicon (its words and candidate bilingual pairs:
:mod:`indexer.mining`) is gathered where it is indexed, so a rebuild does not read every stored document
back and send it through mecab in a second pass.

With ``procs`` > 1 this process reads the corpus and deals documents out in batches, round robin, to
``procs`` forked indexing processes; each analyses its documents and writes one segment with
:class:`indexer.storage.bulkwriter.BulkWriter`, and this process lists the segments in the index's table of
contents. Dealing round robin (not to whichever process is free) keeps the index the same from one
rebuild to the next. Reading and dealing costs this process a few percent of one core; the indexing
processes keep both cores busy.

A process that fails or dies makes the whole fill fail with :class:`~indexer.errors.BuildError`; the
caller throws the half-written generation away.
"""
from __future__ import annotations

import multiprocessing
import queue
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from itertools import islice
from typing import Any

from corpus import Document
from indexer.errors import BuildError
from indexer.mining import MinedCounts, mine, mined_text
from indexer.operations.convert import to_fields
from indexer.spelling import LEXICON_FIELDS
from indexer.storage import BulkWriter, index_codec
from indexer.suggest import SuggestionData, document_terms, term_text

__all__ = ["Filled", "fill_index"]

#: Documents per batch sent to an indexing process: large enough that pickling and queueing cost
#: little, small enough that the processes start at once and finish together.
BATCH = 64
_QUEUED_BATCHES = 4  # per process: how far reading may run ahead of indexing
_POLL_SECONDS = 1.0


@dataclass
class Filled:
    documents: int
    suggestions: SuggestionData  # in document order
    #: field → term → document frequency over all segments, for LEXICON_FIELDS (the spelling lexicon)
    term_counts: dict[str, dict[str, int]]
    #: words and candidate bilingual pairs of the documents (indexer/mining)
    mined: MinedCounts


#: What one indexing process sends back: its segment (None if it got no document), its suggestion data,
#: its lexicon fields' term counts and its mined counts.
Part = tuple[Any, SuggestionData, dict[str, dict[str, int]], MinedCounts]


def _writer(ix: Any, **kwargs: Any) -> BulkWriter:
    fields = tuple(name for name in LEXICON_FIELDS if name in ix.schema)
    return BulkWriter(ix, codec=index_codec(), count_fields=fields, **kwargs)


def _add_counts(total: dict[str, dict[str, int]], part: dict[str, dict[str, int]]) -> None:
    for field, counts in part.items():
        into = total.setdefault(field, {})
        for term, count in counts.items():
            into[term] = into.get(term, 0) + count


class _Sink:
    """Where one process's documents go: its segment writer and its share of the suggestion data."""

    def __init__(self, writer: BulkWriter) -> None:
        self.writer = writer
        self.suggestions = SuggestionData()
        self.mined = MinedCounts()
        self.count = 0

    def add(self, doc: Document) -> None:
        fields = to_fields(doc)
        self.writer.add_document(**fields)
        self.suggestions.add_document(fields)  # the stored values: the same as the fields'
        self.suggestions.stats.add(document_terms(term_text(fields)))
        self.mined.add(mine(mined_text(fields)))
        self.count += 1


def fill_index(ix: Any, documents: Iterable[Document], *, procs: int = 1, limitmb: int = 1024,
               progress: Callable[[int], None] | None = None, batch: int = BATCH) -> Filled:
    """Index ``documents`` into the empty index ``ix`` and commit."""
    writer = _writer(ix, limitmb=limitmb)
    try:
        if procs <= 1:
            sink = _Sink(writer)
            for doc in documents:
                sink.add(doc)
                if progress and sink.count % 500 == 0:
                    progress(sink.count)
            writer.commit(merge=False)
            return Filled(sink.count, sink.suggestions, writer.term_counts, sink.mined)
        count, parts = _fill_in_processes(ix, documents, procs, progress, batch)
        # this writer indexed nothing itself: it only writes the table of contents
        writer.commit_segments([segment for segment, _, _, _ in parts if segment is not None])
        suggestions = SuggestionData()
        counts: dict[str, dict[str, int]] = {name: {} for name in writer.count_fields}
        mined = MinedCounts()
        for _, part, part_counts, part_mined in parts:  # in segment order, the order the index lists documents in
            suggestions.merge(part)
            _add_counts(counts, part_counts)
            mined.merge(part_mined)
        return Filled(count, suggestions, counts, mined)
    except BaseException:
        if not writer.is_closed:
            writer.cancel()
        raise


def _fill_in_processes(ix: Any, documents: Iterable[Document], procs: int, progress: Callable[[int], None] | None,
                       size: int) -> tuple[int, list[Part]]:
    context = multiprocessing.get_context("fork")
    results = context.Queue()
    jobs = [context.Queue(maxsize=_QUEUED_BATCHES) for _ in range(procs)]
    workers = [context.Process(target=_index_batches, args=(ix, jobs[n], results, n), daemon=True,
                               name=f"modusearch-indexer-{n}") for n in range(procs)]
    for worker in workers:
        worker.start()
    try:
        count = 0
        iterator = iter(documents)
        turn = 0
        while batch := list(islice(iterator, size)):
            _put(jobs[turn], batch, workers[turn])
            turn = (turn + 1) % procs
            before, count = count, count + len(batch)
            if progress and count // 500 > before // 500:
                progress(count - count % 500)
        for n in range(procs):
            _put(jobs[n], None, workers[n])
        segments = _collect(results, workers)
        for worker in workers:
            worker.join()
        return count, segments
    finally:
        for worker in workers:
            if worker.is_alive():
                worker.kill()
                worker.join()
        for job_queue in jobs:  # batches a dead process never read must not keep this one from exiting
            job_queue.cancel_join_thread()
            job_queue.close()


def _put(jobs: Any, item: Any, worker: Any) -> None:
    """Queue ``item`` for ``worker``, failing instead of waiting forever if the worker is gone."""
    while True:
        try:
            jobs.put(item, timeout=_POLL_SECONDS)
            return
        except queue.Full:
            if not worker.is_alive():
                raise BuildError(f"{worker.name} stopped (exit code {worker.exitcode}) while indexing") from None


def _collect(results: Any, workers: list[Any]) -> list[Part]:
    """Each process's segment (None if it got no document) and suggestion data, in process order; a
    BuildError if one failed or died."""
    segments: dict[int, Any] = {}
    while len(segments) < len(workers):
        try:
            number, segment, error = results.get(timeout=_POLL_SECONDS)
        except queue.Empty:
            dead = [w for n, w in enumerate(workers) if n not in segments and not w.is_alive()]
            if dead and results.empty():
                raise BuildError(f"{dead[0].name} stopped (exit code {dead[0].exitcode}) while indexing") from None
            continue
        if error:
            raise BuildError(f"{workers[number].name} failed: {error}")
        segments[number] = segment
    return [segments[n] for n in range(len(workers))]


def _index_batches(ix: Any, jobs: Any, results: Any, number: int) -> None:
    """An indexing process: add every batch it is dealt, then finish its segment and send it back."""
    try:
        writer = _writer(ix, locked=False)
        sink = _Sink(writer)
        while (batch := jobs.get()) is not None:
            for doc in batch:
                sink.add(doc)
        segment = writer.finish_alone()
        results.put((number, (segment, sink.suggestions, writer.term_counts, sink.mined), ""))
    except BaseException as exc:  # reported to the parent, which fails the whole fill
        results.put((number, None, f"{type(exc).__name__}: {exc}"))
        raise
