"""A term's postings as arrays (document numbers, term frequencies), read straight from Whoosh's blocks.

Whoosh's matchers hand out one posting per Python call; reading a whole posting list at once
(:func:`indexer.storage.whoosh_internals.term_blocks`: packed blocks decoded as arrays) is about ten
times faster, and the vectorised scorer needs whole lists anyway. Decoded lists are kept in a
least-recently-used cache bounded in bytes, shared by the threads of a process, per generation.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from indexer.storage.whoosh_internals import TermNotFound, term_blocks

#: Bytes of decoded postings kept per process and generation.
CACHE_BYTES = 64 * 1024 * 1024
_EMPTY_IDS = np.zeros(0, dtype=np.int32)


@dataclass(frozen=True)
class Postings:
    ids: np.ndarray  # int32 global document numbers, ascending, deleted documents left out
    weights: np.ndarray  # float32 term frequency per document
    positions: Positions | None = None  # Whoosh-encoded positions per document, when asked for
    #: values computed from these postings once per generation (the scorer's BM25F per document)
    memo: dict[Any, np.ndarray] = field(default_factory=dict, compare=False, repr=False)

    @property
    def nbytes(self) -> int:
        extra = len(self.positions.blob) + self.positions.offsets.nbytes if self.positions is not None else 0
        # the scorer's BM25F array (8 bytes per document) counted from the start
        return self.ids.nbytes * 3 + self.weights.nbytes + extra


@dataclass(frozen=True)
class Positions:
    """Each document's encoded positions, end to end in one bytes object (a tuple of small bytes objects
    would take about 40 bytes more per document)."""

    blob: bytes
    offsets: np.ndarray  # int64, one more than documents

    @classmethod
    def of(cls, values: list[bytes]) -> Positions:
        offsets = np.zeros(len(values) + 1, dtype=np.int64)
        np.cumsum([len(v) for v in values], out=offsets[1:])
        return cls(b"".join(values), offsets)

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def __getitem__(self, row: int) -> bytes:
        return self.blob[self.offsets[row]: self.offsets[row + 1]]


class PostingCache:
    """Decoded postings of one generation; ``get`` reads through the calling thread's searcher."""

    def __init__(self, live: np.ndarray, max_bytes: int = CACHE_BYTES) -> None:
        self.live = live
        self.max_bytes = max_bytes
        self._entries: OrderedDict[tuple[str, str, bool], Postings | None] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, searcher: Any, fieldname: str, text: str, positions: bool = False) -> Postings | None:
        """The postings of ``text`` in ``fieldname``; None when the term is not in the index."""
        key = (fieldname, text, positions)
        with self._lock:
            # a list read with positions serves a request without them too (phrase fields' typed words)
            for held in ((key, (fieldname, text, True)) if not positions else (key,)):
                if held in self._entries:
                    self._entries.move_to_end(held)
                    return self._entries[held]
        found = read_postings(searcher.reader(), fieldname, text, self.live, positions)
        with self._lock:
            if key not in self._entries:
                self._entries[key] = found
                self._bytes += found.nbytes if found is not None else 64
                if positions and (fieldname, text, False) in self._entries:
                    # the list without positions is served by this one from now on
                    plain = self._entries.pop((fieldname, text, False))
                    self._bytes -= plain.nbytes if plain is not None else 64
                while self._bytes > self.max_bytes and len(self._entries) > 1:
                    _, dropped = self._entries.popitem(last=False)
                    self._bytes -= dropped.nbytes if dropped is not None else 64
        return found


def read_postings(reader: Any, fieldname: str, text: str, live: np.ndarray, positions: bool) -> Postings | None:
    field = reader.schema[fieldname] if fieldname in reader.schema else None
    if field is None:
        return None
    try:
        term = field.to_bytes(text)
    except ValueError:
        return None
    id_parts: list[np.ndarray] = []
    weight_parts: list[np.ndarray] = []
    length_parts: list[np.ndarray] = []
    blob_parts: list[bytes] = []
    leaves = reader.leaf_readers() if hasattr(reader, "leaf_readers") else [(reader, 0)]
    for leaf, offset in leaves:
        try:
            found = term_blocks(leaf, fieldname, term, field.format, positions)
        except TermNotFound:  # one lookup in the segment's term table instead of a check and a lookup
            continue
        for ids, weights, lengths, blob in found:
            id_parts.append(ids + offset)
            weight_parts.append(weights)
            if positions:
                length_parts.append(lengths)
                blob_parts.append(blob)
    if not id_parts:
        return None
    ids = np.concatenate(id_parts).astype(np.int32)
    weights = np.concatenate(weight_parts)
    keep = live[ids]
    kept_values: Positions | None = None
    if positions:
        lengths = np.concatenate(length_parts)
        blob = b"".join(blob_parts)
        if not keep.all():  # drop the deleted documents' bytes with a byte mask
            blob = np.frombuffer(blob, dtype=np.uint8)[np.repeat(keep, lengths)].tobytes()
            lengths = lengths[keep]
        offsets = np.zeros(len(lengths) + 1, dtype=np.int64)
        np.cumsum(lengths, out=offsets[1:])
        kept_values = Positions(blob, offsets)
    if not keep.all():
        ids, weights = ids[keep], weights[keep]
    if not len(ids):
        return Postings(_EMPTY_IDS, np.zeros(0, dtype=np.float32), Positions.of([]) if positions else None)
    return Postings(ids, weights, kept_values)
