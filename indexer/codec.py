"""How our indexes are laid out on disk: Whoosh's W3 codec with two faster, smaller pieces.

* :class:`CompactPositions` stores a posting's word positions as a packed array of deltas instead of
  a pickled list (13 → 7 bytes for a word seen once, before the block's zlib), and decodes them
  without unpickling.
* :class:`IndexCodec` reads a segment's field lengths into memory once per field. Whoosh looks up
  the document's field length for every posting it writes (for the block statistics) and for every
  document it scores, one seek and read each time; that was a third of a rebuild's commit.

Both are pickled into the index (the schema and each segment name their classes), so they must
keep this import path; the byte layout is covered by ``SCHEMA_VERSION``.
"""
from __future__ import annotations

import sys
from array import array
from itertools import accumulate
from operator import sub
from typing import Any

from whoosh.codec import whoosh3
from whoosh.formats import Positions
from whoosh.system import _INT_SIZE, pack_uint
from whoosh.util.numeric import byte_to_length

__all__ = ["CompactPositions", "IndexCodec"]

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

    def _lengths(self, fieldname: str) -> bytes | None:
        if fieldname not in self._length_bytes:
            column = self._cached_reader(whoosh3._lenfield(fieldname), whoosh3.LENGTHS_COLUMN)
            # A one-byte column stores document i at byte i; documents after the last stored one are 0.
            raw = None if column is None else column._dbfile.get(column._basepos, column._count)
            self._length_bytes[fieldname] = raw
        return self._length_bytes[fieldname]

    def doc_field_length(self, docnum: int, fieldname: str, default: int = 0) -> int | None:
        if docnum > self._doccount:
            raise IndexError(f"Asked for docnum {docnum!r} of {self._doccount}")
        raw = self._lengths(fieldname)
        if raw is None:
            return default
        lbyte = raw[docnum] if docnum < len(raw) else 0
        return byte_to_length(lbyte) if lbyte else None  # None for 0, exactly as Whoosh's reader


class IndexCodec(whoosh3.W3Codec):
    """Whoosh's W3 codec with in-memory field lengths (same files, same bytes)."""

    def per_document_reader(self, storage: Any, segment: Any) -> Any:
        return _LengthsInMemory(storage, segment)
