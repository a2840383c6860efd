"""``verify``: does the live index open, match this code's versions and hold what the corpus holds?"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from whoosh import query as wq

from corpus import Corpus, ReadReport
from indexer.errors import IndexerError, SchemaMismatch
from indexer.operations.update import corpus_changes, indexed_signatures
from indexer.storage import check_versions, current_generation, open_generation, read_meta


@dataclass
class VerifyReport:
    generation: str = ""
    index_documents: int = 0
    corpus_documents: int = 0
    skipped: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    rebuild_needed: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems

    def lines(self) -> list[str]:
        head = (f"index {self.generation or '(none)'}: {self.index_documents} documents; corpus: "
                f"{self.corpus_documents} documents, {len(self.skipped)} records skipped")
        if self.ok:
            return [head, "verify ok"]
        return [head, *(f"problem: {p}" for p in self.problems),
                "verify failed: " + ("rebuild needed (python -m indexer rebuild)" if self.rebuild_needed
                                     else "run python -m indexer update (or rebuild)")]


def verify(corpus_path: Path, index_path: Path) -> VerifyReport:
    """Check the live index against the code and the corpus; never raises for what it finds."""
    report = VerifyReport()
    read = ReadReport()
    corpus = Corpus(corpus_path)
    try:
        live = current_generation(index_path)
        report.generation = live.name
        meta = read_meta(live)
        check_versions(live, meta)
        ix = open_generation(live)
        with ix.searcher() as searcher:  # opens every segment and reads one posting list
            searcher.search(wq.Every(), limit=1)
        report.index_documents = ix.doc_count()
        indexed = indexed_signatures(ix)
    except SchemaMismatch as exc:
        report.problems.append(str(exc))
        report.rebuild_needed = True
        return report
    except IndexerError as exc:
        report.problems.append(str(exc))
        report.rebuild_needed = True
        return report
    except Exception as exc:  # noqa: BLE001 - any failure to open is the finding, reported with its cause
        report.problems.append(f"index does not open: {type(exc).__name__}: {exc}")
        report.rebuild_needed = True
        return report
    new, changed, removed, unchanged = corpus_changes(corpus, indexed, read)
    report.corpus_documents = len(new) + len(changed) + unchanged
    report.skipped = read.skipped
    if meta.get("documents") != report.index_documents:
        report.problems.append(f"metadata says {meta.get('documents')} documents, the index holds "
                               f"{report.index_documents}")
    if report.index_documents != report.corpus_documents:
        report.problems.append(f"document count {report.index_documents} does not match the corpus "
                               f"({report.corpus_documents})")
    for count, what in ((len(new), "in the corpus but not indexed"), (len(changed), "changed since indexed"),
                        (len(removed), "indexed but no longer in the corpus")):
        if count:
            report.problems.append(f"{count} documents {what}")
    return report
