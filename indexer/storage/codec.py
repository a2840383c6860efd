"""How our indexes are laid out on disk: Whoosh's W3 codec with three faster, smaller pieces.

* :class:`CompactPositions` stores a posting's word positions as a packed array of deltas instead of
  a pickled list (13 → 7 bytes for a word seen once, before the block's zlib), and decodes them
  without unpickling.
* :class:`IndexCodec` reads a segment's field lengths into memory once per field. Whoosh looks up
  the document's field length for every posting it writes (for the block statistics) and for every
  document it scores, one seek and read each time; that was a third of a rebuild's commit.
* Posting blocks of up to :data:`BLOCK_POSTINGS` postings packed as arrays (:mod:`indexer.storage.blocks`)
  instead of pickled tuples: a cold search at 100,000 documents spent most of its time unpickling
  Whoosh's blocks of 128. Whoosh's own matchers read them through :class:`ArrayLeafMatcher`.

Both classes are pickled into the index (the schema and each segment name their classes), so they must
keep this import path; the byte layout is covered by ``SCHEMA_VERSION``.
"""
from __future__ import annotations

import sys
from array import array
from collections.abc import Sequence
from itertools import accumulate
from operator import sub
from pickle import dumps
from typing import Any

from whoosh.codec import whoosh3
from whoosh.formats import Positions
from whoosh.matching import ListMatcher
from whoosh.system import _INT_SIZE, pack_uint
from whoosh.util.numeric import byte_to_length, length_to_byte

from indexer.storage import blocks

__all__ = ["ArrayLeafMatcher", "CompactPositions", "IndexCodec"]

#: Postings per block. Whoosh's 128 suits its skipping matchers; the scorer reads whole lists, and
#: bigger blocks compress better and cost fewer block headers.
BLOCK_POSTINGS = 1024

_BIG_ENDIAN = sys.byteorder == "big"


class CompactPositions(Positions):
    """Positions as ``count (uint32) + typecode + delta array``: ``H`` while every gap fits in 16 bits, else ``i``."""

    def encode(self, poslist: list[int]) -> bytes:
        deltas = [poslist[0], *map(sub, poslist[1:], poslist)] if len(poslist) > 1 else poslist
        try:
            code, packed = b"H", array("H", deltas)
        except OverflowError:  # a gap of 65536 words or more
            code, packed = b"i", array("i", deltas)
        if _BIG_ENDIAN:
            packed.byteswap()
        return pack_uint(len(deltas)) + code + packed.tobytes()

    def decode_positions(self, valuestring: bytes) -> list[int]:
        packed = array(chr(valuestring[_INT_SIZE]), valuestring[_INT_SIZE + 1:])
        if _BIG_ENDIAN:
            packed.byteswap()
        return list(accumulate(packed))


class _LengthsInMemory(whoosh3.W3PerDocReader):
    """A per-document reader whose field lengths come from one read of each length column."""

    def __init__(self, storage: Any, segment: Any) -> None:
        super().__init__(storage, segment)
        self._length_bytes: dict[str, bytes | None] = {}

    def length_codes(self, fieldname: str) -> bytes | None:
        """The field's length byte of every document (document i at byte i), or None."""
        if fieldname not in self._length_bytes:
            column = self._cached_reader(whoosh3._lenfield(fieldname), whoosh3.LENGTHS_COLUMN)
            # A one-byte column stores document i at byte i; documents after the last stored one are 0.
            raw = None if column is None else column._dbfile.get(column._basepos, column._count)
            self._length_bytes[fieldname] = raw
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
        """Every posting of the current term at once (``ids`` ascending; ``values`` empty or one per
        posting; ``lengths`` the field length Whoosh's writer would pass, None or 0 for none): the same
        blocks as one :meth:`add_posting` call per posting."""
        if self._ids:
            raise ValueError("add_term_postings after add_posting in the same term")
        limit = self._blocklimit
        count = len(ids)
        for start in range(0, count, limit):
            stop = min(start + limit, count)
            self._ids = ids[start:stop]
            self._weights = weights[start:stop]
            self._values = values[start:stop] if values else []
            known = [length for length in lengths[start:stop] if length]
            self._minlength = min(known) if known else None
            self._maxlength = max(known) if known else 0
            self._maxweight = max(0, max(self._weights))
            self._write_block(last=stop == count)

    def _write_block(self, last: bool = False) -> None:
        if not self._blockcount:
            self._postfile.write(whoosh3.WHOOSH3_HEADER_MAGIC)
        self._terminfo.add_block(self)
        data = blocks.encode(self._ids, self._weights, self._values, self._format.fixed_value_size(),
                             self._compression or 0)
        ids = self._ids
        info = dumps((len(ids), ids[-1], self._maxweight, self._compression,
                      length_to_byte(self._minlength), length_to_byte(self._maxlength)), 2)
        size = len(info) + len(data)
        self._postfile.write_int(-size if last else size)  # negative: the last block of the list
        self._postfile.write(info)
        self._postfile.write(data)
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
        block = self.block()
        self._values = block.values() if block.lengths is not None else (None,) * self._blocklength


class IndexCodec(whoosh3.W3Codec):
    """Whoosh's W3 codec with in-memory field lengths and packed posting blocks.

    ``_packed`` is set on the instances that write packed blocks; every segment pickles the codec that
    wrote it, so a segment written without it is read with Whoosh's own matcher.
    """

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
