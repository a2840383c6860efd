"""Full rebuilds: a fresh index generation filled from the corpus, then published atomically."""
from __future__ import annotations

import errno
import logging
import shutil
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index

from corpus import Corpus, Document, ReadReport
from indexer.analysis import ANALYSIS_VERSION
from indexer.errors import BuildError
from indexer.operations.collection import fewer_collections
from indexer.operations.fingerprints import Fingerprints
from indexer.operations.lock import WriterLock
from indexer.operations.lookups import write_lookups
from indexer.operations.processes import writer_processes_die_with_parent
from indexer.operations.segments import fill_index
from indexer.storage import (
    SCHEMA_VERSION,
    build_schema,
    check_whoosh,
    clean_old_generations,
    new_generation_dir,
    publish,
    write_meta,
)

logger = logging.getLogger(__name__)

_STORAGE_REASONS = {errno.ENOSPC: "the disk is full", errno.EDQUOT: "the disk quota is exceeded",
                    errno.EROFS: "the file system is read-only", errno.EACCES: "permission denied"}


@dataclass
class BuildReport:
    documents: int = 0
    skipped: list[str] = field(default_factory=list)
    seconds: float = 0.0
    generation: str = ""

    def line(self, verb: str = "rebuild") -> str:
        rate = self.documents / self.seconds if self.seconds else 0.0
        return (f"{verb} done: {self.documents} documents in {self.seconds:.1f} s ({rate:.0f} docs/s), "
                f"{len(self.skipped)} corpus records skipped; generation {self.generation}")


def storage_error(exc: OSError, index_path: Path, action: str = "build") -> BuildError:
    """The one-line error for a failed write: what went wrong, and that the live index is safe."""
    reason = _STORAGE_REASONS.get(exc.errno or 0, exc.strerror or str(exc))
    if exc.filename and exc.errno not in (errno.ENOSPC, errno.EDQUOT):
        reason += f" ({exc.filename})"
    return BuildError(f"cannot {action} the index in {index_path}: {reason}; the live index is untouched")


def writer_lock(index_path: Path, timeout: float) -> WriterLock:
    """The writers' lock, taken; a folder that cannot even hold the lock file is a BuildError."""
    try:
        index_path.mkdir(parents=True, exist_ok=True)
        return WriterLock(index_path, timeout=timeout).acquire()
    except OSError as exc:
        raise storage_error(exc, index_path) from exc


def generation_meta(corpus: Corpus, documents: int, skipped: int, kind: str, **extra: Any) -> dict[str, Any]:
    return {"schema_version": SCHEMA_VERSION, "analysis_version": ANALYSIS_VERSION, "documents": documents,
            "skipped": skipped, "built_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "corpus_manifest": corpus.manifest(), "corpus_path": str(corpus.path.resolve()), "kind": kind,
            **extra}


def rebuild(corpus_path: Path, index_path: Path, *, procs: int = 1, limitmb: int = 1024,
            lock_timeout: float = 600.0, progress: Callable[[int], None] | None = None) -> BuildReport:
    """Build a complete new index from the corpus and switch to it; the old one serves until then."""
    check_whoosh()  # the format is written through Whoosh's internals: refuse another release up front
    with writer_lock(index_path, lock_timeout):
        return rebuild_locked(corpus_path, index_path, procs=procs, limitmb=limitmb, progress=progress)


def rebuild_locked(corpus_path: Path, index_path: Path, *, procs: int = 1, limitmb: int = 1024,
                   progress: Callable[[int], None] | None = None) -> BuildReport:
    """:func:`rebuild` for a caller that already holds the writers' lock."""
    started = time.monotonic()
    corpus = Corpus(corpus_path)
    report = ReadReport()
    try:
        generation = new_generation_dir(index_path)
    except OSError as exc:
        raise storage_error(exc, index_path) from exc
    try:
        ix = whoosh_index.create_in(str(generation), build_schema())
        # procs > 1: forked indexing processes analyse and write one segment each (indexer/operations/segments.py).
        fingerprints = Fingerprints()  # which corpus line each document came from, for the next update

        def documents() -> Iterator[Document]:
            for digest, doc in corpus.digested_documents(report):
                fingerprints.add(doc.id, digest)
                yield doc

        with writer_processes_die_with_parent(), fewer_collections():
            filled = fill_index(ix, documents(), procs=procs, limitmb=limitmb, progress=progress)
            fingerprints.write(generation, ix.latest_generation())
            # mined lexicon, spelling and suggestion files, before publishing
            write_lookups(generation, procs=procs, suggestions=filled.suggestions, term_counts=filled.term_counts,
                          mined=filled.mined)
        count = filled.documents
        seconds = time.monotonic() - started
        write_meta(generation, generation_meta(corpus, count, len(report.skipped), "rebuild",
                                               rebuild_seconds=round(seconds, 3)))
        publish(index_path, generation)
    except OSError as exc:
        shutil.rmtree(generation, ignore_errors=True)
        raise storage_error(exc, index_path) from exc
    except BaseException:
        shutil.rmtree(generation, ignore_errors=True)
        raise
    clean_old_generations(index_path, keep=generation)
    return BuildReport(documents=count, skipped=report.skipped, seconds=time.monotonic() - started,
                       generation=generation.name)
