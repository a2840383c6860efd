"""Full rebuilds: a fresh index generation filled from the corpus, then published atomically."""
from __future__ import annotations

import errno
import logging
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from whoosh import index as whoosh_index

from corpus import Corpus, ReadReport
from indexer.analysis import ANALYSIS_VERSION
from indexer.convert import to_fields
from indexer.errors import BuildError
from indexer.lock import WriterLock
from indexer.schema import SCHEMA_VERSION, build_schema
from indexer.store import clean_old_generations, new_generation_dir, publish, write_meta

logger = logging.getLogger(__name__)


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


def rebuild(corpus_path: Path, index_path: Path, *, procs: int = 1, limitmb: int = 256,
            lock_timeout: float = 600.0, progress: Callable[[int], None] | None = None) -> BuildReport:
    """Build a complete new index from the corpus and switch to it; the old one serves until then."""
    started = time.monotonic()
    corpus = Corpus(corpus_path)
    report = ReadReport()
    index_path.mkdir(parents=True, exist_ok=True)
    with WriterLock(index_path, timeout=lock_timeout):
        generation = new_generation_dir(index_path)
        try:
            ix = whoosh_index.create_in(str(generation), build_schema())
            writer = ix.writer(procs=procs, limitmb=limitmb, multisegment=procs > 1)
            try:
                count = 0
                for doc in corpus.documents(report):
                    writer.add_document(**to_fields(doc))
                    count += 1
                    if progress and count % 500 == 0:
                        progress(count)
            except BaseException:
                writer.cancel()
                raise
            writer.commit()
            write_meta(generation, {
                "schema_version": SCHEMA_VERSION,
                "analysis_version": ANALYSIS_VERSION,
                "documents": count,
                "skipped": len(report.skipped),
                "built_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
                "corpus_manifest": corpus.manifest(),
                "kind": "rebuild",
            })
            publish(index_path, generation)
        except OSError as exc:
            shutil.rmtree(generation, ignore_errors=True)
            reason = {errno.ENOSPC: "the disk is full", errno.EROFS: "the file system is read-only",
                      errno.EACCES: "permission denied"}.get(exc.errno or 0, exc.strerror or str(exc))
            raise BuildError(f"cannot build the index in {index_path}: {reason}; the live index is untouched") from exc
        except BaseException:
            shutil.rmtree(generation, ignore_errors=True)
            raise
        clean_old_generations(index_path, keep=generation)
    return BuildReport(documents=count, skipped=report.skipped, seconds=time.monotonic() - started,
                       generation=generation.name)
