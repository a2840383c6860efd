"""Every private part of Whoosh 2.7.4 that modusearch relies on, behind one door.

Whoosh's public API is :mod:`whoosh.index`, :mod:`whoosh.fields`, :mod:`whoosh.query`, :mod:`whoosh.analysis`,
the writer API of :mod:`whoosh.writing`, :mod:`whoosh.searching` and the documented methods of the objects
they hand out. Everything else the indexer needs is imported or touched here only. What this module
assumes of Whoosh's files and classes, each checked against the installed Whoosh by the test of the
same number in ``tests/test_whoosh_contract.py`` (so another release fails one named test), and
:func:`check_whoosh` refuses to write an index with another release at all:

1. The release is 2.7.4.
2. W3 posting lists: ``WHOOSH3_HEADER_MAGIC``, then per block a signed big-endian int32 size (negative
   for the last block), a pickled statistics tuple and the block's data. A term's ``W3TermInfo`` gives
   ``extent()`` (offset, length; the length sometimes a 1-tuple); nothing is inlined (2.7.4 cannot:
   ``W3TermInfo`` lacks the ``set_inline`` it would call), so ``inlinelimit`` stays 1.
3. ``W3PostingsWriter`` gathers a block in ``_ids``/``_weights``/``_values`` (``_minlength``,
   ``_maxlength``, ``_maxweight``) and writes it in ``_write_block(last)`` to ``_postfile`` after
   ``_terminfo.add_block(self)``; ``_new_block()`` resets it (``_blockcount``, ``_blocklimit``,
   ``_compression``, ``_format``).
4. ``W3LeafMatcher`` reads a block between ``_dataoffset`` and ``_nextoffset`` of ``_postfile``
   (``_fixedsize``, ``_blocklength``) in ``_read_data``/``_read_ids``/``_read_weights``/``_read_values``
   into ``_data``/``_ids``/``_weights``/``_values``, moves with ``_goto`` and ``_next_block()`` until
   ``_atend``; deletions wrap it in ``FilterMatcher`` (``child``), a short list is a ``ListMatcher``.
5. ``W3Codec(blocklimit, compression, inlinelimit)`` keeps ``_blocklimit``/``_compression``/``_inlinelimit``
   and makes ``postings_writer``, ``postings_reader``, ``per_document_reader``. A segment reader keeps
   ``_terms`` (``_codec``, ``_postfile``, ``term_info``) and ``_perdoc``; ``whoosh.reading.TermNotFound``
   is raised for a term it lacks; ``segment().segment_id()`` names it.
6. Field lengths: ``_perdoc._cached_reader(_lenfield(name), LENGTHS_COLUMN)`` is a one-byte column
   (``_dbfile``, ``_basepos``, ``_count``: document i at byte i, 0 after the last stored one) of
   ``length_to_byte`` codes; ``_doccount`` counts the segment's documents.
7. ``whoosh.formats.Positions`` (``encode``, ``decode_positions``, ``field_boost``) and ``Frequency``,
   whose value is ``whoosh.system.pack_uint(frequency)``: a big-endian uint32 (``_INT_SIZE`` 4), which
   :mod:`indexer.storage.blocks` recomputes from the weights.
8. ``whoosh.writing.SegmentWriter``: ``perdocwriter`` (``start_doc``, ``add_field``, ``add_column_value``,
   ``finish_doc``, ``close``), ``fieldwriter`` (``start_field``, ``start_term``, ``finish_term``,
   ``finish_field``, ``close``, ``_postwriter``), ``docnum``, ``_added``, ``_check_state``,
   ``_doc_boost``, ``_field_boost``, ``_check_fields``, ``per_document_reader``; a commit is
   ``_flush_segment`` (via ``_finalize_segment``), ``_close_segment``, ``_commit_toc``, ``_finish``;
   ``_lk=False`` skips the index lock.
9. ``whoosh.filedb.filestore.FileStorage(folder, supports_mmap=False)`` reads through file handles; an
   opened index's ``storage.folder`` is its folder.
10. ``whoosh.scoring.BM25F(B=, K1=)`` calls ``final(searcher, docnum, score)`` when ``use_final``;
    ``whoosh.sorting.FieldFacet(name, reverse=)`` sorts a search by a column.
11. The table of contents pickles the schema (so :class:`CompactPositions`) and each segment its codec
    (so :class:`IndexCodec`) by import path: moving either, or changing what they write, raises
    ``SCHEMA_VERSION`` (:mod:`indexer.storage.schema`).
12. ``W3FieldWriter`` only appends to ``_tindex.dbfile`` and ``_postfile``, StructFiles wrapping ``file``.
"""
from __future__ import annotations

import io
import pickle
import struct
from array import array
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import whoosh
from whoosh.codec import whoosh3
from whoosh.filedb.filestore import FileStorage
from whoosh.formats import Frequency, Positions
from whoosh.matching import FilterMatcher, ListMatcher
from whoosh.reading import TermNotFound
from whoosh.scoring import BM25F
from whoosh.sorting import FieldFacet
from whoosh.system import _INT_SIZE, pack_uint
from whoosh.util.numeric import byte_to_length, length_to_byte
from whoosh.writing import SegmentWriter

import indexer.storage.blocks as blocks
from indexer.errors import WhooshMismatch
from indexer.storage.positioned import PositionedFile

__all__ = [
    "BLOCK_POSTINGS", "BM25F", "ArrayLeafMatcher", "CompactPositions", "FieldFacet", "Frequency", "IndexCodec",
    "SegmentFiller", "TermNotFound", "byte_to_length", "check_whoosh", "index_folder", "length_codes",
    "open_index_files", "segment_id", "segment_ids", "term_blocks",
]

#: The release whose internals this module was written against.
WHOOSH_RELEASE = (2, 7, 4)
#: Postings per block. Whoosh's 128 suits its skipping matchers; the scorer reads whole lists, and
#: bigger blocks compress better and cost fewer block headers.
BLOCK_POSTINGS = 1024
_BLOCK_SIZE = struct.Struct("!i")  # each block's byte size in a posting list, negative for the last


def check_whoosh() -> None:
    """Refuse to write an index with a Whoosh release other than :data:`WHOOSH_RELEASE`."""
    if tuple(whoosh.__version__[:3]) != WHOOSH_RELEASE:
        raise WhooshMismatch(f"the index format is written through Whoosh 2.7.4's internals; Whoosh "
                             f"{whoosh.versionstring()} is installed (pip install Whoosh==2.7.4)")


def open_index_files(folder: Path) -> Any:
    """The Whoosh index in ``folder``, read through file handles: Whoosh copies a memory-mapped compound
    segment into every searcher (730 MB each at 100,000 documents), file reads share the page cache."""
    return FileStorage(str(folder), supports_mmap=False).open_index()


def index_folder(whoosh_index: Any) -> Path | None:
    """The folder an opened index was read from (None for an index that lives elsewhere)."""
    folder = getattr(whoosh_index.storage, "folder", None)
    return None if folder is None else Path(folder)


def segment_id(leaf: Any) -> str:
    """The id of the segment a leaf reader reads."""
    return str(leaf.segment().segment_id())


def segment_ids(reader: Any) -> list[str]:
    """The ids of a reader's segments, in the order it numbers their documents (none for an empty index)."""
    return [segment_id(leaf) for leaf, _ in reader.leaf_readers() if leaf.segment() is not None]


def length_codes(leaf: Any, fieldname: str) -> bytes | None:
    """One segment's length byte (``byte_to_length`` decodes it) of ``fieldname`` for every document, 0
    where none was stored; None when the segment has no lengths for the field."""
    perdoc = getattr(leaf, "_perdoc", None)  # None: the segment-less reader of an empty index
    raw = None if perdoc is None else _length_column(perdoc, fieldname)
    return None if raw is None else bytes(raw).ljust(leaf.doc_count_all(), b"\0")


def _length_column(perdoc: Any, fieldname: str) -> bytes | None:
    """The raw one-byte length column of a field (document i at byte i, ending at the last stored one)."""
    column = perdoc._cached_reader(whoosh3._lenfield(fieldname), whoosh3.LENGTHS_COLUMN)
    return None if column is None else column._dbfile.get(column._basepos, column._count)


class CompactPositions(Positions):
    """Positions as ``count (uint32) + typecode + delta array`` (:func:`indexer.storage.blocks.pack_positions`)
    instead of a pickled list: 13 → 7 bytes for a word seen once, decoded without unpickling."""

    def encode(self, poslist: list[int]) -> bytes:
        return pack_uint(len(poslist)) + blocks.pack_positions(poslist)

    def decode_positions(self, valuestring: bytes) -> list[int]:
        return blocks.unpack_positions(valuestring[_INT_SIZE:])


class _LengthsInMemory(whoosh3.W3PerDocReader):
    """A per-document reader whose field lengths come from one read of each length column."""

    def __init__(self, storage: Any, segment: Any) -> None:
        super().__init__(storage, segment)
        self._length_bytes: dict[str, bytes | None] = {}

    def length_codes(self, fieldname: str) -> bytes | None:
        if fieldname not in self._length_bytes:
            self._length_bytes[fieldname] = _length_column(self, fieldname)
        return self._length_bytes[fieldname]

    def doc_field_length(self, docnum: int, fieldname: str, default: int = 0) -> int | None:
        if docnum > self._doccount:
            raise IndexError(f"Asked for docnum {docnum!r} of {self._doccount}")
        raw = self.length_codes(fieldname)
        if raw is None:
            return default
        lbyte = raw[docnum] if docnum < len(raw) else 0
        return byte_to_length(lbyte) if lbyte else None  # None for 0, exactly as Whoosh's reader


class ArrayPostingsWriter(whoosh3.W3PostingsWriter):
    """Writes each block's postings with :func:`indexer.storage.blocks.encode`; block headers stay Whoosh's."""

    def add_term_postings(self, ids: Sequence[int], weights: Sequence[float], values: Sequence[bytes],
                          lengths: Sequence[int | None]) -> None:
        """Every posting of the current term at once (``values`` empty or one per posting, ``lengths`` the
        field length Whoosh's writer would pass): the blocks one :meth:`add_posting` per posting writes."""
        if self._ids:
            raise ValueError("add_term_postings after add_posting in the same term")
        limit = self._blocklimit
        count = len(ids)
        for start in range(0, count, limit):
            stop = min(start + limit, count)
            self._ids, self._weights = ids[start:stop], weights[start:stop]
            self._values = values[start:stop] if values else []
            known = [length for length in lengths[start:stop] if length]
            self._minlength, self._maxlength = (min(known), max(known)) if known else (None, 0)
            self._maxweight = max(0, max(self._weights))
            self._write_block(last=stop == count)

    def _write_block(self, last: bool = False) -> None:
        if not self._blockcount:
            self._postfile.write(whoosh3.WHOOSH3_HEADER_MAGIC)
        self._terminfo.add_block(self)
        data = blocks.encode(self._ids, self._weights, self._values, self._format.fixed_value_size(),
                             self._compression or 0)
        info = pickle.dumps((len(self._ids), self._ids[-1], self._maxweight, self._compression,
                             length_to_byte(self._minlength), length_to_byte(self._maxlength)), 2)
        size = len(info) + len(data)
        self._postfile.write_int(-size if last else size)  # negative: the last block of the list
        self._postfile.write(info + data)
        self._blockcount += 1
        self._new_block()


class ArrayLeafMatcher(whoosh3.W3LeafMatcher):
    """Whoosh's block matcher over packed blocks; :meth:`block` gives the current block's arrays."""

    _block: blocks.Block | None = None

    def _goto(self, position: int) -> None:
        self._block = None
        super()._goto(position)

    def block(self) -> blocks.Block:
        if self._block is None:
            raw = self._postfile.get(self._dataoffset, self._nextoffset - self._dataoffset)
            self._block = blocks.decode(raw, self._fixedsize)
            self._data = self._block  # Whoosh checks this to know the block is loaded
        return self._block

    def _read_data(self) -> None:
        self.block()

    def _read_ids(self) -> None:
        self._ids = self.block().ids.tolist()

    def _read_weights(self) -> None:
        self._weights = self.block().weights.tolist()

    def _read_values(self) -> None:
        self._values = self.block().values() if self.block().lengths is not None else (None,) * self._blocklength


class IndexCodec(whoosh3.W3Codec):
    """Whoosh's W3 codec with in-memory field lengths and packed posting blocks (``_packed``: each segment
    pickles the codec that wrote it, so a segment written without it is read with Whoosh's matcher)."""

    def __init__(self, blocklimit: int = BLOCK_POSTINGS, compression: int = 3, inlinelimit: int = 1) -> None:
        super().__init__(blocklimit=blocklimit, compression=compression, inlinelimit=inlinelimit)
        self._packed = True

    def postings_writer(self, dbfile: Any, byteids: bool = False) -> Any:
        if byteids or not getattr(self, "_packed", False):  # term vectors keep Whoosh's blocks
            return super().postings_writer(dbfile, byteids=byteids)
        return ArrayPostingsWriter(dbfile, blocklimit=self._blocklimit, compression=self._compression,
                                   inlinelimit=self._inlinelimit)

    def postings_reader(self, dbfile: Any, terminfo: Any, format_: Any, term: Any = None, scorer: Any = None) -> Any:
        if not getattr(self, "_packed", False):
            return super().postings_reader(dbfile, terminfo, format_, term=term, scorer=scorer)
        if terminfo.is_inlined():
            ids, weights, values = terminfo.inlined_postings()
            return ListMatcher(ids, weights, values, format_, scorer=scorer, term=term, terminfo=terminfo)
        offset, length = terminfo.extent()
        return ArrayLeafMatcher(dbfile, offset, length, format_, term=term, scorer=scorer)

    def per_document_reader(self, storage: Any, segment: Any) -> Any:
        return _LengthsInMemory(storage, segment)

    def field_writer(self, storage: Any, segment: Any) -> Any:
        writer = whoosh3.W3FieldWriter(self, storage, segment)
        for written in (writer._tindex.dbfile, writer._postfile):  # tell() without a system call per term
            written.file = PositionedFile(written.file)
        return writer


# -- posting lists read whole ---------------------------------------------------------------------

#: One block of a posting list: (document numbers in the segment, weights, value lengths, values end to end).
BlockArrays = tuple[np.ndarray, np.ndarray, np.ndarray, bytes]


def term_blocks(leaf: Any, fieldname: str, term: bytes, format_: Any, values: bool) -> Iterable[BlockArrays]:
    """Every block of ``term``'s postings in one segment, deleted documents included (``values``: keep the
    values, else every length is 0); TermNotFound when the segment lacks the term."""
    found = _packed_blocks(leaf, fieldname, term, format_)
    if found is None:  # inlined, or Whoosh's own blocks: through a matcher
        return _matcher_blocks(leaf.postings(fieldname, term), values)
    return found


def _packed_blocks(leaf: Any, fieldname: str, term: bytes, format_: Any) -> list[BlockArrays] | None:
    """A term's packed blocks in one segment, in one read and without a matcher (Whoosh's costs more than
    decoding a short list); None when the segment's blocks are not packed or the term's are inlined."""
    terms = getattr(leaf, "_terms", None)
    if terms is None or not getattr(getattr(terms, "_codec", None), "_packed", False) or leaf.is_closed:
        return None
    terminfo = terms.term_info(fieldname, term)
    if terminfo.is_inlined():
        return None
    start, length = terminfo.extent()
    if isinstance(length, tuple):  # W3TermInfo.from_bytes keeps struct.unpack's tuple (Whoosh never reads it)
        length = length[0]
    raw = terms._postfile.get(start, length)
    if raw[:4] != whoosh3.WHOOSH3_HEADER_MAGIC:
        raise blocks.BlockError(f"{fieldname}:{term!r}: not a posting list")
    fixedsize = format_.fixed_value_size()
    found = []
    position = 4
    while True:
        size = _BLOCK_SIZE.unpack_from(raw, position)[0]
        position += _BLOCK_SIZE.size
        info = io.BytesIO(raw[position: position + abs(size)])
        pickle.load(info)  # the block's statistics; only their length matters here
        block = blocks.decode(info.read(), fixedsize)
        lengths = block.lengths if block.lengths is not None else np.zeros(len(block.ids), dtype=np.int64)
        found.append((block.ids, block.weights, lengths, block.blob))
        position += abs(size)
        if size < 0:  # the last block
            return found


def _matcher_blocks(matcher: Any, values: bool) -> Iterator[BlockArrays]:
    """The blocks of a leaf matcher (deletions are handled by the caller)."""
    while isinstance(matcher, FilterMatcher):  # a segment with deletions wraps its postings
        matcher = matcher.child
    if isinstance(matcher, ArrayLeafMatcher):  # our packed blocks: arrays as they are
        while not matcher._atend:
            block = matcher.block()
            lengths = block.lengths if block.lengths is not None else np.zeros(len(block.ids), dtype=np.int64)
            yield block.ids, block.weights, lengths, block.blob
            matcher._next_block()
        return
    ids, weights, found = [], [], []  # inlined short lists, Whoosh's own blocks: one posting at a time
    while matcher.is_active():
        ids.append(matcher.id())
        weights.append(matcher.weight())
        if values and matcher.supports("positions"):
            found.append(matcher.value())
        matcher.next()
    yield _arrays(ids, weights, found if values and matcher.supports("positions") else None)


def _arrays(ids: Any, weights: Any, values: list[bytes] | None) -> BlockArrays:
    if values is None:
        return (np.asarray(ids, dtype=np.int64), np.asarray(weights, dtype=np.float32),
                np.zeros(len(ids), dtype=np.int64), b"")
    lengths = np.fromiter(map(len, values), dtype=np.int64, count=len(values))
    return np.asarray(ids, dtype=np.int64), np.asarray(weights, dtype=np.float32), lengths, b"".join(values)


# -- writing a segment ----------------------------------------------------------------------------

#: One term's postings from a SegmentFiller's subclass: (term, document numbers ascending, frequencies,
#: weights or None for frequency × field boost, values or None for Frequency's).
TermPostings = tuple[bytes, Sequence[int], Sequence[int], Sequence[float] | None, Sequence[bytes] | None]


class SegmentFiller(SegmentWriter):
    """Whoosh's segment writer for a subclass that gathers postings itself (:meth:`add_postings` per field
    value, :meth:`field_postings` per field at the end); stored fields, lengths and columns are written as
    Whoosh writes them. One new segment, no merging (Whoosh's pool, which merges fill, is never written)."""

    def __init__(self, ix: Any, *, locked: bool = True, **kwargs: Any) -> None:
        """``locked=False``: leave the write lock alone (a process writing a segment for a writer holding it)."""
        super().__init__(ix, _lk=locked, **kwargs)

    def add_postings(self, name: str, field: Any, docnum: int, value: Any) -> int:
        """Index one field value of document ``docnum``; its length (tokens) when the field is scorable."""
        raise NotImplementedError

    def field_postings(self, name: str, field: Any) -> Iterable[TermPostings]:
        """Every term of field ``name`` with its postings, in term byte order (called once, at the end)."""
        raise NotImplementedError

    def commit(self, mergetype: Any = None, optimize: bool | None = None, merge: bool | None = None) -> None:
        """Commit the new segment beside the others; a merge is refused before anything is written."""
        if mergetype is not None or optimize or merge:
            raise NotImplementedError(f"{type(self).__name__} cannot merge segments: commit without merging, "
                                      "or use Whoosh's writer")
        super().commit(merge=False)

    def add_reader(self, reader: Any) -> None:
        raise NotImplementedError(f"{type(self).__name__} cannot merge segments")

    def add_document(self, **fields: Any) -> None:
        self._check_state()
        perdoc = self.perdocwriter
        docnum = self.docnum
        docboost = self._doc_boost(fields)
        names = sorted(name for name in fields if not name.startswith("_"))
        self._check_fields(self.schema, names)
        perdoc.start_doc(docnum)
        for name in names:
            if (value := fields[name]) is None:
                continue
            field = self.schema[name]
            length = 0
            if field.indexed:
                if self._field_boost(fields, name, docboost) != 1.0:
                    raise ValueError(f"field {name!r}: {type(self).__name__} does not take per-document boosts")
                length = self.add_postings(name, field, docnum, value)
            stored = fields.get(f"_stored_{name}", value)
            perdoc.add_field(name, field, stored if field.stored else None, length)
            if field.column_type and stored is not None:
                perdoc.add_column_value(name, field.column_type, field.to_column_value(stored))
        perdoc.finish_doc()
        self._added = True
        self.docnum += 1

    def _flush_segment(self) -> None:
        self.perdocwriter.close()
        lengths = self.per_document_reader()
        writer = self.fieldwriter
        try:
            for name in sorted(self.schema.names()):
                field = self.schema[name]
                if not field.indexed:
                    continue
                started = False
                field_lengths: list[int | None] = []
                for tbytes, docs, freqs, weights, values in self.field_postings(name, field):
                    if not started:
                        field_lengths = _quantized_lengths(lengths, name, self.docnum)
                        writer.start_field(name, field)
                        if not isinstance(writer._postwriter, ArrayPostingsWriter):
                            raise TypeError(f"{type(self).__name__} needs the index codec's ArrayPostingsWriter")
                        started = True
                    writer.start_term(tbytes)
                    if values is None:
                        values = [pack_uint(f) for f in freqs]
                    if weights is None:
                        boost = field.format.field_boost
                        weights = array("f", freqs) if boost == 1.0 else array("f", [f * boost for f in freqs])
                    writer._postwriter.add_term_postings(docs, weights, values, [field_lengths[d] for d in docs])
                    writer.finish_term()
                if started:
                    writer.finish_field()
        finally:
            writer.close()
            lengths.close()

    def finish_alone(self) -> Any | None:
        """Write this writer's segment, uncommitted, for :meth:`commit_segments`; None if it added nothing."""
        if self._added:
            return self._finalize_segment()
        self._close_segment()
        return None

    def commit_segments(self, segments: list[Any]) -> None:
        """Commit the index as exactly ``segments`` (other writers' :meth:`finish_alone`), adding none itself."""
        if self._added:
            raise ValueError("commit_segments: this writer added documents of its own")
        self._close_segment()
        self._commit_toc(segments)
        self._finish()


def _quantized_lengths(reader: Any, fieldname: str, doccount: int) -> list[int | None]:
    """Each document's stored (one-byte, approximate) length of ``fieldname``, as Whoosh's writer reads it."""
    codes = reader.length_codes(fieldname) or b""
    return [_LENGTHS[codes[d]] if d < len(codes) else None for d in range(doccount)]


_LENGTHS: list[int | None] = [None, *(byte_to_length(code) for code in range(1, 256))]
