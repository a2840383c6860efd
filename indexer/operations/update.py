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
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from corpus import Corpus, ReadReport
from corpus.store import parse_record
from indexer.errors import IndexNotFound, SchemaMismatch
from indexer.operations.build import BuildReport, generation_meta, rebuild_locked, storage_error, writer_lock
from indexer.operations.convert import to_fields
from indexer.operations.fingerprints import FingerprintMismatch, Fingerprints, read_fingerprints
from indexer.operations.lookups import BackgroundSuggestions, TouchedDocuments, write_lookups
from indexer.spelling import LEXICON_FIELDS
from indexer.storage import (
    BulkWriter,
    check_versions,
    check_whoosh,
    clean_old_generations,
    current_generation,
    index_codec,
    link_generation,
    new_generation_dir,
    open_generation,
    publish,
    read_meta,
    segment_ids,
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
    decoded: int = 0  # corpus records decoded; the others were known by the live generation's fingerprints

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


@dataclass
class Changes:
    """What an update applies, and the fingerprints of the generation it makes."""

    new: list[dict[str, Any]] = field(default_factory=list)
    changed: list[dict[str, Any]] = field(default_factory=list)
    removed: set[str] = field(default_factory=set)
    unchanged: int = 0
    decoded: int = 0  # corpus records decoded (the others were known by their fingerprint)
    fingerprints: Fingerprints = field(default_factory=Fingerprints)
    stale: dict[str, dict[str, Any]] = field(default_factory=dict)  # stored fields of changed and removed ids
    docnums: dict[str, int] = field(default_factory=dict)  # their document numbers in the live generation
    segments: list[str] = field(default_factory=list)  # the live generation's segments, which number them

    def __bool__(self) -> bool:
        return bool(self.new or self.changed or self.removed)

    @property
    def touched(self) -> set[str]:
        return {*self.removed, *(f["id"] for f in self.changed), *(f["id"] for f in self.new)}

    def documents(self) -> TouchedDocuments:
        """The touched documents as the lookup files need them (stored before, indexed now)."""
        return TouchedDocuments(self.stale, {f["id"]: f for f in [*self.changed, *self.new]})


def corpus_changes(corpus: Corpus, indexed: dict[str, tuple[Any, ...]], report: ReadReport
                   ) -> tuple[list[dict[str, Any]], list[dict[str, Any]], set[str], int]:
    """(new documents' fields, changed documents' fields, removed ids, unchanged count), every corpus
    record compared with ``indexed`` (:func:`indexed_signatures`)."""
    changes = _scan(corpus, report, None, indexed.get, indexed)
    return changes.new, changes.changed, changes.removed, changes.unchanged


def find_changes(corpus: Corpus, ix: Any, report: ReadReport, known: Fingerprints | None) -> Changes:
    """Compare the corpus with the live index ``ix``.

    With the live generation's fingerprints (``known``) a line whose digest it knows is the document it
    indexed, and only the other lines are decoded and compared with the stored documents of their ids;
    without them every line is decoded and compared with every stored document's signature.
    """
    looked_up: dict[str, int | None] = {}
    with ix.reader() as reader:
        if known is None:
            indexed = indexed_signatures(ix)
            changes = _scan(corpus, report, None, indexed.get, indexed)
        else:
            stored: dict[str, dict[str, Any]] = {}

            def old_signature(doc_id: str) -> tuple[Any, ...] | None:
                docnum = looked_up[doc_id] = live_docnum(reader, doc_id)
                if docnum is None:
                    return None
                found = stored[doc_id] = reader.stored_fields(docnum)
                return signature(found)

            changes = _scan(corpus, report, known, old_signature, known.ids.values())
            changes.stale = {f["id"]: stored[f["id"]] for f in changes.changed}
        for doc_id in changes.removed | {f["id"] for f in changes.changed}:
            docnum = looked_up[doc_id] if doc_id in looked_up else live_docnum(reader, doc_id)
            if docnum is not None:
                changes.docnums[doc_id] = docnum
                if doc_id not in changes.stale:
                    changes.stale[doc_id] = reader.stored_fields(docnum)
        changes.segments = segment_ids(reader)
    return changes


def live_docnum(reader: Any, doc_id: str) -> int | None:
    """The document number of the undeleted document with id ``doc_id`` (ids are unique), or None.

    A term lookup per segment: ``searcher.document(id=...)`` would also build a query, a scorer and a
    matcher per segment, ten times the work."""
    for leaf, offset in reversed(reader.leaf_readers()):  # a changed document lives in a newer segment
        if ("id", doc_id) in leaf:
            for docnum in leaf.postings("id", doc_id).all_ids():  # deleted documents are filtered out
                return int(offset + docnum)
    return None


def _scan(corpus: Corpus, report: ReadReport, known: Fingerprints | None,
          old_signature: Callable[[str], tuple[Any, ...] | None], indexed_ids: Iterable[str]) -> Changes:
    changes = Changes()
    seen: set[str] = set()
    for record in corpus.records():
        digest = record.digest()
        doc_id = known.get(digest) if known is not None else None
        if doc_id is not None:  # the document as indexed: nothing to decode
            report.documents += 1
            if doc_id not in seen:
                seen.add(doc_id)
                changes.fingerprints.add(doc_id, digest)
                changes.unchanged += 1
            continue
        changes.decoded += 1
        doc = parse_record(record, report)
        if doc is None or doc.id in seen:  # unreadable (logged and reported), or a later source's copy
            continue
        seen.add(doc.id)
        changes.fingerprints.add(doc.id, digest)
        fields = to_fields(doc)
        old = old_signature(doc.id)
        if old is None:
            changes.new.append(fields)
        elif old != signature(fields):
            changes.changed.append(fields)
        else:
            changes.unchanged += 1
    changes.removed = set(indexed_ids) - seen
    return changes


def live_fingerprints(generation: Path, ix: Any) -> Fingerprints | None:
    """The live generation's fingerprints, or None (logged) when it has no file it can trust."""
    try:
        return read_fingerprints(generation, ix.latest_generation(), ix.doc_count())
    except FingerprintMismatch as exc:
        logger.info("%s: %s; comparing every corpus record with the index", generation.name, exc)
        return None


def update(corpus_path: Path, index_path: Path, *, lock_timeout: float = 600.0,
           progress: Callable[[int], None] | None = None) -> UpdateReport:
    """Bring the index up to date with the corpus in a new generation; a full rebuild if none is usable."""
    check_whoosh()  # the format is written through Whoosh's internals: refuse another release up front
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
        changes = find_changes(corpus, ix, report, live_fingerprints(live, ix))
        compared = time.monotonic()
        result = UpdateReport(new=len(changes.new), changed=len(changes.changed), removed=len(changes.removed),
                              unchanged=changes.unchanged, skipped=report.skipped, decoded=changes.decoded,
                              rebuild_seconds=live_meta.get("rebuild_seconds"))
        if not changes:
            result.documents = ix.doc_count()
            result.generation = live.name
            result.seconds = time.monotonic() - started
            return result
        try:
            generation = new_generation_dir(index_path)
        except OSError as exc:
            raise storage_error(exc, index_path, "update") from exc
        documents, background = changes.documents(), None
        try:
            link_generation(live, generation)
            if 2 * len(changes.touched) < ix.doc_count():  # else the lookup files are written whole
                # The suggestion file needs only the base's and the touched documents: patched meanwhile.
                background = BackgroundSuggestions(generation, ix.latest_generation() + 1, live, changes.touched,
                                                   documents)
            commit, result.documents, term_counts = _apply(generation, changes, progress)
            changes.fingerprints.write(generation, commit)
            indexed = time.monotonic()
            write_lookups(generation, base=live, touched=changes.touched, documents=documents,
                          background=background, procs=2, term_counts=term_counts)
            logger.info("update of %s: corpus compared in %.1f s (%d records decoded), %d documents indexed in "
                        "%.1f s, lookup files in %.1f s", live.name, compared - started, changes.decoded,
                        len(changes.changed) + len(changes.new), indexed - compared, time.monotonic() - indexed)
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
        finally:
            if background is not None:
                background.close()
        result.generation = generation.name
        clean_old_generations(index_path, keep=generation)
    result.seconds = time.monotonic() - started
    return result


def _apply(generation: Path, changes: Changes, progress: Callable[[int], None] | None
           ) -> tuple[int, int, dict[str, dict[str, int]] | None]:
    """Delete, replace and add in ``generation``; (its Whoosh commit, its document count, the lexicon
    fields' term counts of the new segment when its writer kept them)."""
    ix = open_generation(generation)
    with ix.reader() as reader:
        segments = len(list(reader.leaf_readers()))
    merge = segments >= MERGE_AT_SEGMENTS
    # Whoosh's writer only to merge: otherwise the new segment is written the way a rebuild writes one.
    counted = tuple(name for name in LEXICON_FIELDS if name in ix.schema)  # the new segment's, for the lexicon
    writer = ix.writer(codec=index_codec()) if merge else BulkWriter(ix, codec=index_codec(), count_fields=counted)
    try:
        # One searcher for every deletion: update_document() would open a new one over all segments
        # per document, which made a 1% update of 100k documents take minutes.
        stale = sorted(changes.removed | {fields["id"] for fields in changes.changed})
        with writer.searcher() as searcher:
            if segment_ids(searcher.reader()) == changes.segments and set(changes.docnums) == set(stale):
                for docnum in sorted(changes.docnums.values()):  # numbered as in the live generation
                    writer.delete_document(docnum)
            else:
                for doc_id in stale:
                    writer.delete_by_term("id", doc_id, searcher=searcher)
        for count, fields in enumerate([*changes.changed, *changes.new], start=1):
            writer.add_document(**fields)
            if progress and count % 100 == 0:
                progress(count)
    except BaseException:
        writer.cancel()
        raise
    # Merging rewrites segments: cheap for small ones, so only once they pile up.
    writer.commit(merge=merge)
    ix = open_generation(generation)
    return int(ix.latest_generation()), int(ix.doc_count()), getattr(writer, "term_counts", None)


def _as_update(report: BuildReport, reason: str) -> UpdateReport:
    return UpdateReport(new=report.documents, documents=report.documents, skipped=report.skipped,
                        seconds=report.seconds, generation=report.generation, rebuild_seconds=report.seconds,
                        fell_back=reason)

