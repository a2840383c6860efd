"""Incremental updates: apply only what changed in the corpus since the live generation was built.

Copy-on-write, never in place: the live generation's files are hard-linked into a new generation,
Whoosh's writer adds, replaces and deletes documents there, and the new generation is published with
the same atomic switch as a rebuild. Whoosh never rewrites a file it has written (new segments and
a new TOC get new names; deletions live in the TOC), so the live generation stays byte-for-byte the
same, readers never see a half-applied change, and a writer killed at any point leaves the live index
as it was. Updating in place with snapshot readers would instead let a crash or Whoosh's file cleanup
pull files from under readers in other processes (the "missing _MAIN_26.toc" reports).

A document counts as changed when its ``content_hash`` (title, description, headings, text) or any
stored metadata the search shows or filters on differs from what the live generation stored.
"""
from __future__ import annotations

import logging
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from corpus import Corpus, ReadReport
from indexer.build import BuildReport, generation_meta, rebuild_locked, storage_error, writer_lock
from indexer.convert import to_fields
from indexer.errors import IndexNotFound, SchemaMismatch
from indexer.lookups import write_lookups
from indexer.schema import index_codec
from indexer.store import (
    check_versions,
    clean_old_generations,
    current_generation,
    link_generation,
    new_generation_dir,
    open_generation,
    publish,
    read_meta,
    write_meta,
)

logger = logging.getLogger(__name__)

#: Stored fields besides content_hash whose change makes a document "changed".
SIGNATURE_FIELDS = ("content_hash", "url", "kind", "lab", "lang", "source", "author", "published_text",
                    "tags", "stars", "extra")
#: Small segments are merged once an index has this many (a rebuild leaves one).
MERGE_AT_SEGMENTS = 8


@dataclass
class UpdateReport:
    new: int = 0
    changed: int = 0
    removed: int = 0
    unchanged: int = 0
    documents: int = 0
    skipped: list[str] = field(default_factory=list)
    seconds: float = 0.0
    generation: str = ""
    rebuild_seconds: float | None = None
    fell_back: str = ""  # why a full rebuild ran instead, if it did

    @property
    def changes(self) -> int:
        return self.new + self.changed + self.removed

    def line(self) -> str:
        if self.fell_back:
            return (f"update done as a full rebuild ({self.fell_back}): {self.documents} documents in "
                    f"{self.seconds:.1f} s, {len(self.skipped)} corpus records skipped; generation {self.generation}")
        last = f" (the last full rebuild took {self.rebuild_seconds:.1f} s)" if self.rebuild_seconds else ""
        switched = f"generation {self.generation}" if self.changes else f"index already up to date, {self.generation}"
        return (f"update done: {self.new} new, {self.changed} changed, {self.removed} removed, {self.unchanged} "
                f"unchanged; {self.documents} documents in {self.seconds:.2f} s{last}, "
                f"{len(self.skipped)} corpus records skipped; {switched}")


def signature(stored: dict[str, Any]) -> tuple[Any, ...]:
    """What decides whether a stored document is out of date (same tuple for to_fields output)."""
    return tuple(stored.get(name) for name in SIGNATURE_FIELDS)


def indexed_signatures(ix: Any) -> dict[str, tuple[Any, ...]]:
    """id → signature of every live document of an opened Whoosh index."""
    with ix.reader() as reader:
        return {fields["id"]: signature(fields) for _, fields in reader.iter_docs()}


def corpus_changes(corpus: Corpus, indexed: dict[str, tuple[Any, ...]], report: ReadReport
                   ) -> tuple[list[dict[str, Any]], list[dict[str, Any]], set[str], int]:
    """(new documents' fields, changed documents' fields, removed ids, unchanged count)."""
    new, changed, unchanged = [], [], 0
    seen: set[str] = set()
    for doc in corpus.documents(report):
        seen.add(doc.id)
        fields = to_fields(doc)
        old = indexed.get(doc.id)
        if old is None:
            new.append(fields)
        elif old != signature(fields):
            changed.append(fields)
        else:
            unchanged += 1
    return new, changed, set(indexed) - seen, unchanged


def update(corpus_path: Path, index_path: Path, *, lock_timeout: float = 600.0,
           progress: Callable[[int], None] | None = None) -> UpdateReport:
    """Bring the index up to date with the corpus in a new generation; a full rebuild if none is usable."""
    started = time.monotonic()
    with writer_lock(index_path, lock_timeout):
        try:
            live = current_generation(index_path)
            live_meta = read_meta(live)
            check_versions(live, live_meta)
            ix = open_generation(live)
        except (IndexNotFound, SchemaMismatch) as exc:
            reason = "no usable index" if isinstance(exc, IndexNotFound) else "rebuild needed"
            logger.warning("%s; running a full rebuild instead", exc)
            return _as_update(rebuild_locked(corpus_path, index_path, progress=progress), reason)
        corpus = Corpus(corpus_path)
        report = ReadReport()
        new, changed, removed, unchanged = corpus_changes(corpus, indexed_signatures(ix), report)
        result = UpdateReport(new=len(new), changed=len(changed), removed=len(removed), unchanged=unchanged,
                              skipped=report.skipped, rebuild_seconds=live_meta.get("rebuild_seconds"))
        if not (new or changed or removed):
            result.documents = ix.doc_count()
            result.generation = live.name
            result.seconds = time.monotonic() - started
            return result
        try:
            generation = new_generation_dir(index_path)
        except OSError as exc:
            raise storage_error(exc, index_path, "update") from exc
        try:
            link_generation(live, generation)
            result.documents = _apply(generation, new, changed, removed, progress)
            write_lookups(generation, base=live, touched={*removed, *(f["id"] for f in [*changed, *new])})
            result.seconds = time.monotonic() - started
            write_meta(generation, generation_meta(
                corpus, result.documents, len(report.skipped), "update", base=live.name,
                rebuild_seconds=live_meta.get("rebuild_seconds"), update_seconds=round(result.seconds, 3),
                changes={"new": result.new, "changed": result.changed, "removed": result.removed}))
            publish(index_path, generation)
        except OSError as exc:
            shutil.rmtree(generation, ignore_errors=True)
            raise storage_error(exc, index_path, "update") from exc
        except BaseException:
            shutil.rmtree(generation, ignore_errors=True)
            raise
        result.generation = generation.name
        clean_old_generations(index_path, keep=generation)
    result.seconds = time.monotonic() - started
    return result


def _apply(generation: Path, new: list[dict[str, Any]], changed: list[dict[str, Any]], removed: set[str],
           progress: Callable[[int], None] | None) -> int:
    ix = open_generation(generation)
    with ix.reader() as reader:
        segments = len(list(reader.leaf_readers()))
    writer = ix.writer(codec=index_codec())
    try:
        # One searcher for every deletion: update_document() would open a new one over all segments
        # per document, which made a 1% update of 100k documents take minutes.
        stale = sorted(removed | {fields["id"] for fields in changed})
        with writer.searcher() as searcher:
            for doc_id in stale:
                writer.delete_by_term("id", doc_id, searcher=searcher)
        for count, fields in enumerate([*changed, *new], start=1):
            writer.add_document(**fields)
            if progress and count % 100 == 0:
                progress(count)
    except BaseException:
        writer.cancel()
        raise
    # Merging rewrites segments: cheap for small ones, so only once they pile up.
    writer.commit(merge=segments >= MERGE_AT_SEGMENTS)
    return int(open_generation(generation).doc_count())


def _as_update(report: BuildReport, reason: str) -> UpdateReport:
    return UpdateReport(new=report.documents, documents=report.documents, skipped=report.skipped,
                        seconds=report.seconds, generation=report.generation, rebuild_seconds=report.seconds,
                        fell_back=reason)

