"""One block of a posting list as packed arrays, instead of Whoosh's pickled tuples of Python numbers.

Whoosh's W3 codec writes a block as ``zlib(pickle((id gaps, weights, values)))``: every id and weight
becomes a Python object when read, so decoding a long list costs about 50 µs per 128 postings (most of a
cold search at 100,000 documents). Here a block is ``zlib(header + arrays)``; reading it is one
decompress and a few ``numpy.frombuffer`` calls.

A posting's word positions (the value of a phrase field's posting, :class:`CompactPositions
<indexer.storage.whoosh_internals.CompactPositions>`) are a typecode and an array of gaps:
:func:`pack_positions`, :func:`unpack_positions`.

Layout of a block (little-endian), before compression::

    header   "<4sII": codes (ids, weights, values, value lengths), count, first id
    ids      count - 1 gaps, uint16 if every gap fits, else uint32           (code "H" / "I")
    weights  none when all are 1.0 ("N"); uint8 / uint16 when all are whole ("B" / "H"); else float32 ("f")
    values   none ("N"); Whoosh's 4-byte frequency, recomputed from the weights ("W"); fixed-size, end
             to end ("F"); or variable-size: a length array ("B" / "H" / "I") then the bytes ("V")
"""
from __future__ import annotations

import struct
import sys
import zlib
from array import array
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import accumulate
from operator import sub

import numpy as np

_HEADER = struct.Struct("<4sII")
_BIG_ENDIAN = sys.byteorder == "big"
assert (array("B").itemsize, array("H").itemsize, array("I").itemsize, array("f").itemsize) == (1, 2, 4, 4)
_DTYPES = {"B": np.dtype("<u1"), "H": np.dtype("<u2"), "I": np.dtype("<u4"), "f": np.dtype("<f4")}
#: Whoosh's Frequency format writes each posting's count as a big-endian uint32 value.
_FREQUENCY_VALUE = np.dtype(">u4")


class BlockError(ValueError):
    """A block's bytes do not decode (a damaged or foreign segment)."""


@dataclass(frozen=True)
class Block:
    ids: np.ndarray  # int64 document numbers in the segment, ascending
    weights: np.ndarray  # float32
    lengths: np.ndarray | None  # bytes per posting's value, when values are stored
    blob: bytes  # the values end to end

    def values(self) -> list[bytes]:
        """Each posting's value as Whoosh's matchers hand it out."""
        if self.lengths is None:
            return []
        ends = np.cumsum(self.lengths).tolist()
        starts = [0, *ends[:-1]]
        blob = self.blob
        return [blob[a:b] for a, b in zip(starts, ends, strict=True)]


def _smallest(values: np.ndarray, codes: str) -> str:
    top = int(values.max()) if len(values) else 0
    for code in codes:
        if top <= np.iinfo(_DTYPES[code]).max:
            return code
    raise ValueError(f"{top} does not fit {codes}")


def encode(ids: Sequence[int], weights: Sequence[float], values: Sequence[bytes], fixedsize: int | None,
           level: int = 3) -> bytes:
    """The compressed bytes of one block. ``values`` is empty when the format stores none."""
    if len(ids) <= SMALL_BLOCK:
        return _encode_small(ids, weights, values, fixedsize, level)
    return _encode_arrays(ids, weights, values, fixedsize, level)


#: Blocks of up to this many postings (most terms: rare words) are packed without numpy, whose
#: per-call cost dominates for a handful of values (24 → 8 µs for a one-posting block).
SMALL_BLOCK = 32
_SMALL_MAX = {"B": 0xFF, "H": 0xFFFF, "I": 0xFFFFFFFF}


def _packed(code: str, values: Sequence[float]) -> bytes:
    packed = array(code, values)
    if _BIG_ENDIAN:
        packed.byteswap()
    return packed.tobytes()


def _fits(values: Sequence[int], codes: str) -> str:
    top = max(values, default=0)
    for code in codes:
        if top <= _SMALL_MAX[code]:
            return code
    raise ValueError(f"{top} does not fit {codes}")


def _encode_small(ids: Sequence[int], weights: Sequence[float], values: Sequence[bytes], fixedsize: int | None,
                  level: int) -> bytes:
    """:func:`_encode_arrays` for a few postings, byte for byte, with Python's array module."""
    count = len(ids)
    ids = [int(i) for i in ids]
    gaps = [b - a for a, b in zip(ids, ids[1:], strict=False)]
    if gaps and min(gaps) <= 0:
        raise ValueError("document numbers must ascend")
    id_code = _fits(gaps, "HI")
    parts = [_packed(id_code, gaps)]
    floats = array("f", weights).tolist()  # float32 values, as the array path sees them
    if not floats or all(w == 1.0 for w in floats):
        weight_code = "N"
    elif all(w.is_integer() for w in floats) and min(floats) >= 0 and max(floats) <= 65535:
        whole = [int(w) for w in floats]
        weight_code = _fits(whole, "BH")
        parts.append(_packed(weight_code, whole))
    else:
        weight_code = "f"
        parts.append(_packed("f", floats))
    value_codes, value_parts = _values(values, count, fixedsize, weight_code,
                                       lambda: b"".join(int(w).to_bytes(4, "big") for w in floats))
    codes = (id_code + weight_code + value_codes).encode("ascii")
    return zlib.compress(_HEADER.pack(codes, count, ids[0] if count else 0) + b"".join(parts + value_parts), level)


def _values(values: Sequence[bytes], count: int, fixedsize: int | None, weight_code: str,
            frequencies: Callable[[], bytes]) -> tuple[str, list[bytes]]:
    """The value and value-length codes and the packed values; ``frequencies`` gives the bytes Whoosh's
    Frequency format would store for these weights."""
    if not values:
        return "NN", []
    if len(values) != count:
        raise ValueError("one value per posting, or none")
    blob = b"".join(values)
    if fixedsize == 4 and weight_code != "f" and blob == frequencies():
        return "WN", []
    if fixedsize is not None and fixedsize > 0:
        if len(blob) != fixedsize * count:
            raise ValueError("fixed-size values of the wrong size")
        return "FN", [blob]
    lengths = [len(v) for v in values]
    length_code = _fits(lengths, "BHI")
    return "V" + length_code, [_packed(length_code, lengths), blob]


def _encode_arrays(ids: Sequence[int], weights: Sequence[float], values: Sequence[bytes], fixedsize: int | None,
                   level: int) -> bytes:
    count = len(ids)
    id_array = np.asarray(ids, dtype=np.int64)
    gaps = np.diff(id_array)
    if len(gaps) and gaps.min() <= 0:
        raise ValueError("document numbers must ascend")
    id_code = _smallest(gaps, "HI")
    parts = [gaps.astype(_DTYPES[id_code]).tobytes()]

    weight_array = np.asarray(weights, dtype=np.float32)
    if not len(weight_array) or bool((weight_array == 1.0).all()):
        weight_code = "N"
    elif bool((weight_array == np.round(weight_array)).all()) and weight_array.min() >= 0 \
            and weight_array.max() <= 65535:
        weight_code = _smallest(weight_array.astype(np.int64), "BH")
        parts.append(weight_array.astype(_DTYPES[weight_code]).tobytes())
    else:
        weight_code = "f"
        parts.append(weight_array.astype(_DTYPES["f"]).tobytes())

    value_codes, value_parts = _values(values, count, fixedsize, weight_code,
                                       lambda: weight_array.astype(_FREQUENCY_VALUE).tobytes())
    codes = (id_code + weight_code + value_codes).encode("ascii")
    first = int(id_array[0]) if count else 0
    return zlib.compress(_HEADER.pack(codes, count, first) + b"".join(parts + value_parts), level)


def decode(raw: bytes, fixedsize: int | None) -> Block:
    try:
        data = zlib.decompress(raw)
        codes_raw, count, first = _HEADER.unpack_from(data)
        id_code, weight_code, value_code, length_code = codes_raw.decode("ascii")
    except (zlib.error, struct.error, UnicodeDecodeError) as exc:
        raise BlockError(f"not a packed posting block: {exc}") from exc
    offset = _HEADER.size
    try:
        ids = np.empty(count, dtype=np.int64)
        if count:
            ids[0] = first
            gaps = np.frombuffer(data, _DTYPES[id_code], count - 1, offset)
            offset += gaps.nbytes
            np.cumsum(gaps, out=ids[1:])
            ids[1:] += first
        if weight_code == "N":
            weights = np.ones(count, dtype=np.float32)
        else:
            stored = np.frombuffer(data, _DTYPES[weight_code], count, offset)
            offset += stored.nbytes
            weights = stored.astype(np.float32)
        lengths: np.ndarray | None = None
        blob = b""
        if value_code == "W":
            lengths = np.full(count, 4, dtype=np.int64)
            blob = weights.astype(_FREQUENCY_VALUE).tobytes()
        elif value_code == "F":
            size = fixedsize or 0
            lengths = np.full(count, size, dtype=np.int64)
            blob = data[offset: offset + size * count]
        elif value_code == "V":
            lengths = np.frombuffer(data, _DTYPES[length_code], count, offset).astype(np.int64)
            offset += count * _DTYPES[length_code].itemsize
            blob = data[offset: offset + int(lengths.sum())]
        elif value_code != "N":
            raise KeyError(value_code)
    except (KeyError, ValueError) as exc:
        raise BlockError(f"damaged posting block ({exc})") from exc
    return Block(ids, weights, lengths, blob)


def pack_positions(positions: Sequence[int]) -> bytes:
    """Ascending word positions as a typecode and their gaps: ``H`` while every gap fits in 16 bits, else ``i``."""
    gaps = [positions[0], *map(sub, positions[1:], positions)] if len(positions) > 1 else list(positions)
    try:
        code, packed = b"H", array("H", gaps)
    except OverflowError:  # a gap of 65536 words or more
        code, packed = b"i", array("i", gaps)
    if _BIG_ENDIAN:
        packed.byteswap()
    return code + packed.tobytes()


def unpack_positions(data: bytes) -> list[int]:
    """The positions :func:`pack_positions` packed."""
    packed = array(chr(data[0]), data[1:])
    if _BIG_ENDIAN:
        packed.byteswap()
    return list(accumulate(packed))
