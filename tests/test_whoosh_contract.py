"""The contract of indexer/storage/whoosh_internals.py: each assumption its docstring lists about Whoosh
2.7.4, checked against the installed Whoosh (test N checks assumption N), so another release fails here,
by name, instead of writing or reading an index wrongly."""
from __future__ import annotations

import inspect
import io
import pickle
import struct
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import whoosh
from whoosh import index as whoosh_index
from whoosh.codec import whoosh3
from whoosh.fields import ID, TEXT, Schema
from whoosh.filedb.filestore import FileStorage
from whoosh.formats import Frequency, Positions
from whoosh.matching import FilterMatcher
from whoosh.reading import TermNotFound
from whoosh.scoring import BM25F
from whoosh.sorting import FieldFacet
from whoosh.system import _INT_SIZE, pack_uint
from whoosh.util.numeric import byte_to_length, length_to_byte
from whoosh.writing import SegmentWriter

from indexer.errors import WhooshMismatch
from indexer.storage import whoosh_internals as door
from indexer.storage.schema import SCHEMA_VERSION

#: Documents of the small index: "common" in every one (several blocks of 2), "rare" in one (inlined).
DOCS = [{"id": f"d{n}", "body": ("common word " * (n % 3 + 1)) + ("rare" if n == 3 else "")} for n in range(7)]


def _write(folder: Path, codec: Any, delete: str | None = None) -> Any:
    schema = Schema(id=ID(stored=True, unique=True), body=TEXT(stored=True))
    folder.mkdir(parents=True, exist_ok=True)
    ix = whoosh_index.create_in(str(folder), schema)
    with ix.writer(codec=codec) as writer:
        for doc in DOCS:
            writer.add_document(**doc)
    if delete:
        with ix.writer(codec=codec) as writer:
            writer.delete_by_term("id", delete)
    return FileStorage(str(folder), supports_mmap=False).open_index()


@pytest.fixture()
def whoosh_blocks(tmp_path: Path) -> Any:
    """An index written by Whoosh's own W3 codec, in blocks of 2 postings."""
    return _write(tmp_path / "w3", whoosh3.W3Codec(blocklimit=2, inlinelimit=1))


@contextmanager
def _leaf(ix: Any) -> Iterator[Any]:
    """The reader of the index's one segment, closed afterwards."""
    with ix.reader() as reader:
        yield reader.leaf_readers()[0][0] if hasattr(reader, "leaf_readers") else reader


def test_1_the_release_is_2_7_4(monkeypatch: pytest.MonkeyPatch) -> None:
    assert whoosh.__version__[:3] == door.WHOOSH_RELEASE == (2, 7, 4)
    door.check_whoosh()
    monkeypatch.setattr(whoosh, "__version__", (2, 7, 5))
    with pytest.raises(WhooshMismatch, match="2.7.5"):
        door.check_whoosh()


def test_2_a_w3_posting_list_is_magic_then_signed_sized_blocks(whoosh_blocks: Any) -> None:
    with _leaf(whoosh_blocks) as leaf:
        terms = leaf._terms
        info = terms.term_info("body", b"common")
        assert not info.is_inlined()
        start, length = info.extent()
        length = length[0] if isinstance(length, tuple) else length
        raw = terms._postfile.get(start, length)
        assert raw[:4] == whoosh3.WHOOSH3_HEADER_MAGIC
        position, sizes = 4, []
        while True:
            size = struct.unpack_from("!i", raw, position)[0]
            sizes.append(size)
            stats = io.BytesIO(raw[position + 4: position + 4 + abs(size)])
            assert isinstance(pickle.load(stats), tuple)  # the block's statistics come first
            position += 4 + abs(size)
            if size < 0:
                break
        assert position == length and len(sizes) == 4 and all(s > 0 for s in sizes[:-1])  # 7 postings, blocks of 2
        rare = terms.term_info("body", b"rare")
        assert not rare.is_inlined()  # a one-posting list is a list of one block too
    # 2.7.4 cannot inline a list (finish_postings would call a set_inline that W3TermInfo lacks): the
    # index codec keeps inlinelimit at 1, which inlines nothing
    assert not hasattr(whoosh3.W3TermInfo, "set_inline") and door.IndexCodec()._inlinelimit == 1


def test_3_the_postings_writer_gathers_and_writes_blocks_as_assumed() -> None:
    writer_class = whoosh3.W3PostingsWriter
    for method in ("_write_block", "_new_block", "add_posting", "start_postings", "finish_postings"):
        assert callable(getattr(writer_class, method, None)), method
    assert "last" in inspect.signature(writer_class._write_block).parameters
    from whoosh.filedb.structfile import StructFile

    writer = writer_class(StructFile(io.BytesIO()), blocklimit=2, compression=3, inlinelimit=1)
    writer.start_postings(Frequency(), whoosh3.W3TermInfo())
    for name in ("_ids", "_weights", "_values", "_minlength", "_maxlength", "_maxweight", "_blockcount",
                 "_blocklimit", "_compression", "_format", "_postfile", "_terminfo"):
        assert hasattr(writer, name), name
    assert callable(writer._terminfo.add_block)


def test_4_the_leaf_matcher_moves_block_by_block(tmp_path: Path) -> None:
    ix = _write(tmp_path / "w3", whoosh3.W3Codec(blocklimit=2, inlinelimit=1), delete="d5")
    with _leaf(ix) as leaf:
        matcher = leaf.postings("body", b"common")
        assert isinstance(matcher, FilterMatcher) and hasattr(matcher, "child")  # deletions wrap the list
        inner = matcher.child
        assert isinstance(inner, whoosh3.W3LeafMatcher)
        for name in ("_postfile", "_dataoffset", "_nextoffset", "_fixedsize", "_blocklength", "_data", "_atend"):
            assert hasattr(inner, name), name
        for method in ("_goto", "_read_data", "_read_ids", "_read_weights", "_read_values", "_next_block"):
            assert callable(getattr(inner, method)), method
        blocks = 0
        while not inner._atend:
            blocks += 1
            inner._next_block()
        assert blocks == 4
        assert isinstance(leaf.postings("body", b"rare").child, whoosh3.W3LeafMatcher)
    assert "ListMatcher" in inspect.getsource(whoosh3.W3Codec.postings_reader)  # what an inlined list would get


def test_5_the_codec_and_segment_readers_hold_what_is_assumed(whoosh_blocks: Any) -> None:
    codec = whoosh3.W3Codec(blocklimit=7, compression=2, inlinelimit=3)
    assert (codec._blocklimit, codec._compression, codec._inlinelimit) == (7, 2, 3)
    for method in ("postings_writer", "postings_reader", "per_document_reader"):
        assert callable(getattr(codec, method)), method
    with _leaf(whoosh_blocks) as leaf:
        assert leaf._terms._codec is not None and hasattr(leaf._terms, "_postfile")
        assert hasattr(leaf, "_perdoc") and hasattr(leaf, "is_closed")
        with pytest.raises(TermNotFound):
            leaf._terms.term_info("body", b"absent")
        assert isinstance(leaf.segment().segment_id(), str) and leaf.segment().segment_id()


def test_6_field_lengths_are_a_one_byte_column(whoosh_blocks: Any) -> None:
    with _leaf(whoosh_blocks) as leaf:
        column = leaf._perdoc._cached_reader(whoosh3._lenfield("body"), whoosh3.LENGTHS_COLUMN)
        raw = column._dbfile.get(column._basepos, column._count)
        assert list(raw) == list(column)[: column._count]
        assert [byte_to_length(b) for b in raw] == [leaf.doc_field_length(d, "body") for d in range(len(DOCS))]
        assert leaf._perdoc._doccount == len(DOCS)
        assert byte_to_length(length_to_byte(5)) == 5


def test_7_formats_and_numbers() -> None:
    assert _INT_SIZE == 4
    assert pack_uint(7) == (7).to_bytes(4, "big")
    assert [value for _, _, _, value in Frequency().word_values(["a", "a", "b"], lambda t: [t])] == \
        [pack_uint(2), pack_uint(1)]
    positions = Positions(field_boost=2.0)
    assert positions.field_boost == 2.0
    assert positions.decode_positions(positions.encode([1, 4])) == [1, 4]
    assert issubclass(door.CompactPositions, Positions)


def test_8_the_segment_writer_has_the_steps_a_filler_uses() -> None:
    for name in ("_check_state", "_doc_boost", "_field_boost", "_check_fields", "per_document_reader",
                 "_flush_segment", "_finalize_segment", "_close_segment", "_commit_toc", "_finish"):
        assert callable(getattr(SegmentWriter, name, None)), name
    assert "_lk" in inspect.signature(SegmentWriter.__init__).parameters
    source = inspect.getsource(SegmentWriter._finalize_segment)
    assert "_flush_segment" in source  # a commit flushes through the method SegmentFiller overrides


def test_8_a_filler_writes_what_whoosh_writes(tmp_path: Path) -> None:
    from indexer.storage.bulkwriter import BulkWriter

    whoosh_ix = _write(tmp_path / "whoosh", door.IndexCodec(blocklimit=2))
    schema = Schema(id=ID(stored=True, unique=True), body=TEXT(stored=True))
    (tmp_path / "filler").mkdir()
    ix = whoosh_index.create_in(str(tmp_path / "filler"), schema)
    writer = BulkWriter(ix, codec=door.IndexCodec(blocklimit=2))
    for doc in DOCS:
        writer.add_document(**doc)
    writer.commit()
    filled = FileStorage(str(tmp_path / "filler"), supports_mmap=False).open_index()
    with whoosh_ix.searcher() as a, filled.searcher() as b:
        for term in (b"common", b"word", b"rare"):
            assert list(a.postings("body", term).items_as("frequency")) == \
                list(b.postings("body", term).items_as("frequency")), term
        assert list(a.reader().all_stored_fields()) == list(b.reader().all_stored_fields())


def test_9_file_storage_without_a_memory_map(tmp_path: Path) -> None:
    _write(tmp_path / "w3", whoosh3.W3Codec())
    storage = FileStorage(str(tmp_path / "w3"), supports_mmap=False)
    assert storage.supports_mmap is False
    assert Path(storage.open_index().storage.folder) == tmp_path / "w3"
    assert door.index_folder(door.open_index_files(tmp_path / "w3")) == tmp_path / "w3"


def test_10_bm25f_calls_final_and_facets_sort(whoosh_blocks: Any) -> None:
    model = BM25F(B=0.4, K1=1.5)
    assert (model.B, model.K1) == (0.4, 1.5)
    assert "use_final" in vars(type(model).__mro__[-2]) or hasattr(model, "use_final")
    assert list(inspect.signature(model.final).parameters) == ["searcher", "docnum", "score"]

    class Halved(BM25F):
        use_final = True

        def final(self, searcher: Any, docnum: int, score: float) -> float:
            return score / 2

    with whoosh_blocks.searcher(weighting=BM25F()) as plain, whoosh_blocks.searcher(weighting=Halved()) as halved:
        from whoosh.query import Term

        full = {hit.docnum: hit.score for hit in plain.search(Term("body", "common"))}
        half = {hit.docnum: hit.score for hit in halved.search(Term("body", "common"))}
        assert half == pytest.approx({d: s / 2 for d, s in full.items()})
        from whoosh.query import Every

        ids = [hit["id"] for hit in plain.search(Every(), sortedby=FieldFacet("id", reverse=True))]
        assert ids == sorted(ids, reverse=True)


def test_11_the_index_pickles_our_classes_by_import_path(tmp_path: Path) -> None:
    from indexer.storage.schema import build_schema, index_codec

    ix = whoosh_index.create_in(str(tmp_path), build_schema())
    with ix.writer(codec=index_codec()) as writer:
        writer.add_document(id="a", title="강화학습", body="reinforcement learning")
    toc = b"".join(path.read_bytes() for path in tmp_path.glob("*.toc"))
    assert door.__name__.encode() in toc
    for name in (b"IndexCodec", b"CompactPositions"):
        assert name in toc, name
    reopened = door.open_index_files(tmp_path)
    assert isinstance(reopened.schema["body"].format, door.CompactPositions)
    assert SCHEMA_VERSION >= 5  # the version that moved these classes here


def test_12_the_field_writer_appends_to_two_struct_files(tmp_path: Path) -> None:
    from whoosh.filedb.structfile import StructFile

    from indexer.storage.positioned import PositionedFile

    storage = FileStorage(str(tmp_path)).create()
    schema = Schema(body=TEXT())
    writer = storage.create_index(schema).writer(codec=door.IndexCodec())
    fields = door.IndexCodec().field_writer(storage, writer.newsegment)
    for written in (fields._tindex.dbfile, fields._postfile):
        assert isinstance(written, StructFile)
        assert isinstance(written.file, PositionedFile)
    fields.close()
    writer.cancel()
    for source in (inspect.getsource(whoosh3.W3FieldWriter), inspect.getsource(whoosh3.W3PostingsWriter)):
        assert ".seek(" not in source  # written front to back: a counted position is the file's position


def test_12_a_segment_of_many_terms_reads_back_through_counted_positions(tmp_path: Path) -> None:
    schema = Schema(id=ID(stored=True), body=TEXT())
    ix = whoosh_index.create_in(str(tmp_path), schema)
    with ix.writer(codec=door.IndexCodec(blocklimit=3)) as writer:
        for n in range(200):
            writer.add_document(id=f"d{n}", body=f"common word{n} shared{n % 7}")
    reopened = door.open_index_files(tmp_path)
    with reopened.searcher() as searcher:
        ids = {searcher.stored_fields(d)["id"]: d for d in range(200)}
        assert list(searcher.postings("body", "common").all_ids()) == list(range(200))
        for n in range(200):
            assert list(searcher.postings("body", f"word{n}").all_ids()) == [ids[f"d{n}"]]
        for k in range(7):
            assert sorted(searcher.postings("body", f"shared{k}").all_ids()) == \
                sorted(ids[f"d{n}"] for n in range(200) if n % 7 == k)
