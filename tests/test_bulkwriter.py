"""The rebuild's writer (indexer/storage/bulkwriter.py) and parallel fill (indexer/operations/segments.py) write what
Whoosh's own writer writes: the same terms, term statistics, postings, field lengths, stored fields and
columns, for the crawled fixture corpus; and the suggestion data gathered while indexing equals the
data gathered from the stored documents afterwards."""
from __future__ import annotations

import multiprocessing
import os
import signal
from pathlib import Path
from typing import Any

import pytest
from whoosh import index as whoosh_index

from corpus import Corpus, Document, ReadReport
from indexer.errors import BuildError
from indexer.operations.convert import to_fields
from indexer.operations.segments import fill_index
from indexer.spelling.lexicon import field_frequencies
from indexer.storage.bulkwriter import BulkWriter
from indexer.storage.schema import build_schema
from indexer.storage.whoosh_internals import IndexCodec
from indexer.suggest.terms import gather


def _documents(corpus: Path) -> list[Document]:
    docs = list(Corpus(corpus).documents(ReadReport()))
    assert len(docs) > 40
    return docs


def _write(folder: Path, docs: list[Document], writer_class: Any, codec: IndexCodec) -> Path:
    folder.mkdir()
    ix = whoosh_index.create_in(str(folder), build_schema())
    writer = writer_class(ix, codec=codec) if writer_class is not None else ix.writer(codec=codec)
    for doc in docs:
        writer.add_document(**to_fields(doc))
    writer.commit(merge=False)
    return folder


def _contents(folder: Path, by_id: bool = False) -> dict[str, Any]:
    """Everything a reader sees, with documents named by number or (across segments) by id."""
    ix = whoosh_index.open_dir(str(folder))
    with ix.reader() as reader:
        ids = {n: fields["id"] for n, fields in reader.iter_docs()}
        name = (lambda n: ids[n]) if by_id else (lambda n: n)
        terms: dict[tuple[str, bytes], Any] = {}
        for fieldname, text in reader.all_terms():
            matcher = reader.postings(fieldname, text)
            postings = []
            while matcher.is_active():
                if matcher.id() in ids:  # not a deleted document
                    postings.append((name(matcher.id()), matcher.weight(), matcher.value()))
                matcher.next()
            info = reader.term_info(fieldname, text)
            stats = (info.weight(), info.doc_frequency(), info.min_length(), info.max_length(), info.max_weight())
            terms[(fieldname, text)] = (stats, sorted(postings))
        fields = [f for f in ix.schema.names() if ix.schema[f].scorable]
        return {
            "count": reader.doc_count_all(),
            "terms": terms,
            "stored": {name(n): stored for n, stored in reader.iter_docs()},
            "lengths": {(name(n), f): reader.doc_field_length(n, f) for n in ids for f in fields},
            "totals": {f: reader.field_length(f) for f in fields},
            "columns": {f: sorted((name(n), v) for n, v in enumerate(reader.column_reader(f)) if n in ids)
                        for f in ("kind", "lab", "lang", "doc_rank") if reader.has_column(f)},
        }


@pytest.mark.parametrize("blocklimit", [1024, 16])
def test_bulk_writer_writes_what_whooshs_writer_writes(crawled: dict[str, Path], tmp_path: Path,
                                                        blocklimit: int) -> None:
    docs = _documents(crawled["corpus"])
    whoosh = _contents(_write(tmp_path / "whoosh", docs, None, IndexCodec(blocklimit=blocklimit)))
    bulk = _contents(_write(tmp_path / "bulk", docs, BulkWriter, IndexCodec(blocklimit=blocklimit)))
    assert bulk["count"] == whoosh["count"] == len(docs)
    assert bulk["terms"].keys() == whoosh["terms"].keys()
    assert bulk["terms"] == whoosh["terms"]
    assert bulk["stored"] == whoosh["stored"]
    assert bulk["lengths"] == whoosh["lengths"]
    assert bulk["totals"] == whoosh["totals"]
    assert bulk["columns"] == whoosh["columns"]
    if blocklimit == 16:  # long posting lists span several blocks here
        assert max(len(postings) for _, postings in whoosh["terms"].values()) > 3 * blocklimit


def test_a_parallel_fill_indexes_what_one_process_does(crawled: dict[str, Path], tmp_path: Path) -> None:
    docs = _documents(crawled["corpus"])
    results = {}
    for procs in (1, 2):
        folder = tmp_path / f"procs{procs}"
        folder.mkdir()
        ix = whoosh_index.create_in(str(folder), build_schema())
        filled = fill_index(ix, iter(docs), procs=procs, batch=8)
        assert filled.documents == len(docs)
        with whoosh_index.open_dir(str(folder)).reader() as reader:
            assert len(reader.leaf_readers()) == procs
            assert filled.term_counts == field_frequencies(reader)  # the lexicon's counts, without reading them
        results[procs] = (_contents(folder, by_id=True), filled.suggestions)
    (one, one_data), (two, two_data) = results[1], results[2]
    assert two["terms"].keys() == one["terms"].keys()
    assert {key: postings for key, (_, postings) in two["terms"].items()} == {
        key: postings for key, (_, postings) in one["terms"].items()}
    assert two["stored"] == one["stored"]
    assert two["lengths"] == one["lengths"]
    # Gathered while indexing = gathered afterwards from the stored documents, in the index's order.
    with whoosh_index.open_dir(str(tmp_path / "procs2")).searcher() as searcher:
        afterwards = gather(searcher.all_stored_fields())
    assert two_data.entries() == afterwards.entries()
    assert one_data.stats.docs == two_data.stats.docs


def test_an_indexing_process_that_dies_fails_the_fill(crawled: dict[str, Path], tmp_path: Path) -> None:
    docs = _documents(crawled["corpus"])
    folder = tmp_path / "index"
    folder.mkdir()
    ix = whoosh_index.create_in(str(folder), build_schema())

    def documents_then_a_dead_worker():  # type: ignore[no-untyped-def]
        yield from docs
        workers = multiprocessing.active_children()
        assert len(workers) == 2
        os.kill(workers[0].pid, signal.SIGKILL)
        yield from docs * 20

    with pytest.raises(BuildError, match="stopped"):
        fill_index(ix, documents_then_a_dead_worker(), procs=2, batch=8)
    assert not multiprocessing.active_children()  # the other one was stopped too



def test_an_update_of_many_documents_holds_what_a_rebuild_holds(tmp_path: Path) -> None:
    from indexer import rebuild
    from indexer.operations.update import update
    from indexer.storage.generations import current_generation

    many = 200
    words = "연구소 강화학습 세그멘테이션 논문 세포 분할 의료 영상 데이터 모델 network paper".split()

    def corpus(version: int) -> list[Document]:
        return [Document(id=f"d{i}", url=f"https://lab.example/{i}", kind="page", lab="랩",
                         title=f"{words[i % 12]} {i}", text=" ".join(words[(i * k + version) % 12] for k in range(30)))
                for i in range(3 * many)]

    Corpus(tmp_path / "corpus").write_source("lab", corpus(0))
    rebuild(tmp_path / "corpus", tmp_path / "index", procs=1)
    changed = corpus(0)[:many] + corpus(1)[many:]  # two thirds of the documents change
    Corpus(tmp_path / "corpus").write_source("lab", changed)
    report = update(tmp_path / "corpus", tmp_path / "index")
    assert report.changed == 2 * many and not report.fell_back
    updated = current_generation(tmp_path / "index")
    with whoosh_index.open_dir(str(updated)).reader() as reader:
        assert len(reader.leaf_readers()) == 2  # the rebuild's and the update's
    rebuild(tmp_path / "corpus", tmp_path / "fresh", procs=1)
    fresh = _contents(current_generation(tmp_path / "fresh"), by_id=True)
    got = _contents(updated, by_id=True)
    assert got["stored"].keys() == fresh["stored"].keys()
    assert got["stored"] == fresh["stored"]
    assert got["columns"] == fresh["columns"]
    live = {key: postings for key, (_, postings) in got["terms"].items() if postings}
    assert live == {key: postings for key, (_, postings) in fresh["terms"].items()}


def test_the_bulk_writer_refuses_to_merge_instead_of_dropping_postings(tmp_path: Path) -> None:
    docs = [Document(id=f"d{i}", url=f"https://lab.example/{i}", kind="page", title=f"논문 {i}", text="세포 분할")
            for i in range(3)]
    _write(tmp_path / "index", docs[:2], BulkWriter, IndexCodec())  # one small segment to merge
    ix = whoosh_index.open_dir(str(tmp_path / "index"))
    writer = BulkWriter(ix, codec=IndexCodec())
    writer.add_document(**to_fields(docs[2]))
    for merging in ({"optimize": True}, {"merge": True}):
        with pytest.raises(NotImplementedError, match="cannot merge"):
            writer.commit(**merging)
    assert whoosh_index.open_dir(str(tmp_path / "index")).doc_count() == 2  # the index as it was
    writer.commit()  # without merging: a second segment
    with whoosh_index.open_dir(str(tmp_path / "index")).reader() as reader:
        assert reader.doc_count() == 3 and len(reader.leaf_readers()) == 2
