"""Phrases found in packed position lists: which documents hold a phrase's words at consecutive positions.

The positions of a term in a document are stored as Whoosh's CompactPositions (a count, a type code, then
the gaps between positions). Gaps that fit 16 bits — nearly all of them — are decoded for many documents
at once with array operations; the rest are decoded one document at a time.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from indexer.storage import Positions, Postings

__all__ = ["consecutive", "phrase_hits", "unpack_positions"]


def phrase_hits(lists: list[Postings], docs: np.ndarray, decoder: Callable[[], Any]) -> np.ndarray:
    """The documents among ``docs`` (which hold every word; ``lists`` are the words' posting lists, in the
    phrase's order) with the words at consecutive positions. ``decoder()`` gives the field's position
    decoder, for lists whose gaps do not fit 16 bits."""
    rows = [np.searchsorted(found.ids, docs) for found in lists]
    unpacked = [unpack_positions(found.positions, row) for found, row in zip(lists, rows, strict=True)]  # type: ignore[arg-type]
    packed = np.ones(len(docs), dtype=bool)
    for _, _, odd in unpacked:
        packed &= ~odd
    hits = np.zeros(len(docs), dtype=bool)
    if packed.any():
        # a phrase starting at p has word i at p + i: shift every word back to its start, then keep the
        # starts every word has. The keys (document, position) come out of the decoding in ascending
        # order, so each word is a sorted array to look the starts up in (no sort, no set operation).
        starts = None
        for i, (doc_index, positions, _) in enumerate(unpacked):
            keep = packed[doc_index] & (positions >= i)
            keys = (doc_index[keep] << 32) | (positions[keep] - i)
            if starts is None:
                starts = keys
            elif len(keys) and len(starts):
                at = np.minimum(np.searchsorted(keys, starts), len(keys) - 1)
                starts = starts[keys[at] == starts]
            else:
                starts = keys[:0]
        assert starts is not None
        hits[starts >> 32] = True
    if not packed.all():  # a gap of 65,536 words or more in a position list: decoded one by one
        decode = decoder()
        for k in np.flatnonzero(~packed).tolist():
            lists_positions = [decode(found.positions[int(row[k])]) for found, row in zip(lists, rows, strict=True)]  # type: ignore[index]
            hits[k] = consecutive(lists_positions)
    return docs[hits].astype(np.int64)


_POSITION_HEADER = 5  # CompactPositions: uint32 count, typecode, then the gaps


def unpack_positions(positions: Positions, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The positions of the postings at ``rows``, all at once: (index into ``rows`` per position, position,
    rows whose gaps are not 16-bit). Every CompactPositions value whose gaps fit 16 bits is decoded with a
    handful of array operations instead of one Python call per document."""
    blob = np.frombuffer(positions.blob, dtype=np.uint8)
    begin, end = positions.offsets[rows], positions.offsets[rows + 1]
    odd = blob[begin + _POSITION_HEADER - 1] != ord("H")
    sizes = np.where(odd, 0, end - begin - _POSITION_HEADER)  # bytes of 16-bit gaps per row
    total = int(sizes.sum())
    if not total:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), odd
    first = np.cumsum(sizes) - sizes  # where each row's bytes go in the gathered array
    gather = np.arange(total) + np.repeat(begin + _POSITION_HEADER - first, sizes)
    gaps = blob[gather].view("<u2").astype(np.int64)
    counts = sizes // 2
    doc_index = np.repeat(np.arange(len(rows)), counts)
    running = np.cumsum(gaps)
    earlier = np.concatenate(([0], running))[np.cumsum(counts) - counts]  # the gaps of the rows before
    return doc_index, running - np.repeat(earlier, counts), odd


def consecutive(positions: list[list[int]]) -> bool:
    """Whether the words occur in order at consecutive positions somewhere."""
    following = [set(p) for p in positions[1:]]
    for start in positions[0]:
        if all(start + i + 1 in later for i, later in enumerate(following)):
            return True
    return False
