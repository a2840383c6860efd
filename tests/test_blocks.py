"""indexer/storage/blocks.py and the codec's packed posting blocks: every posting survives the round trip, and an
index written with packed blocks hands Whoosh's matchers and the scorer's reader exactly the postings
of the same documents written with Whoosh's own pickled blocks.
"""
from __future__ import annotations

import random
import zlib
from itertools import accumulate
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from whoosh import index as whoosh_index
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.filedb.compound import CompoundStorage
from whoosh.filedb.filestore import FileStorage

from corpus import Corpus, Document
from indexer import rebuild
from indexer.storage import blocks
from indexer.storage.generations import current_generation
from indexer.storage.postings import read_postings
from indexer.storage.whoosh_internals import ArrayLeafMatcher, IndexCodec, _packed_blocks

# -- one block -------------------------------------------------------------------------------------

_GAPS = st.one_of(st.integers(1, 3), st.integers(1, 65535), st.integers(65536, 1 << 24))


@st.composite
def _blocks(draw: st.DrawFn) -> tuple[list[int], list[float], list[bytes], int | None]:
    ids = list(accumulate(draw(st.lists(_GAPS, min_size=1, max_size=200)), initial=draw(st.integers(0, 1 << 20))))[1:]
    count = len(ids)
    weights = draw(st.one_of(
        st.just([1.0] * count),
        st.lists(st.integers(0, 300).map(float), min_size=count, max_size=count),
        st.lists(st.integers(0, 70000).map(float), min_size=count, max_size=count),
        st.lists(st.floats(0.0, 1e6, allow_nan=False, width=32), min_size=count, max_size=count)))
    kind = draw(st.sampled_from(["none", "frequency", "fixed", "variable"]))
    if kind == "none":
        return ids, weights, [], 0
    if kind == "frequency":  # Whoosh's Frequency format: the count as a big-endian uint32
        return ids, weights, [int(w).to_bytes(4, "big") for w in weights] if all(w == int(w) and w < 2**32
                                                                                    for w in weights) \
            else [b"\x00\x00\x00\x07"] * count, 4
    if kind == "fixed":
        return ids, weights, [draw(st.binary(min_size=3, max_size=3)) for _ in range(count)], 3
    sizes = st.one_of(st.integers(0, 20), st.integers(250, 70000))
    return ids, weights, [bytes([i % 251]) * draw(sizes) for i in range(count)], None


@settings(max_examples=300, deadline=None)
@given(_blocks())
def test_block_round_trip(block: tuple[list[int], list[float], list[bytes], int | None]) -> None:
    ids, weights, values, fixedsize = block
    decoded = blocks.decode(blocks.encode(ids, weights, values, fixedsize), fixedsize)
    assert decoded.ids.tolist() == ids
    assert decoded.weights.tolist() == np.asarray(weights, dtype=np.float32).tolist()
    if values:
        assert decoded.values() == values
        assert decoded.blob == b"".join(values)
    else:
        assert decoded.lengths is None and decoded.values() == []


@settings(max_examples=300, deadline=None)
@given(_blocks())
def test_small_blocks_are_packed_byte_for_byte_as_with_numpy(block: tuple[list[int], list[float], list[bytes],
                                                                          int | None]) -> None:
    """Blocks of up to SMALL_BLOCK postings take a path without numpy; it must write the same bytes."""
    ids, weights, values, fixedsize = block
    count = min(len(ids), blocks.SMALL_BLOCK)
    ids, weights, values = ids[:count], weights[:count], values[:count]
    assert blocks._encode_small(ids, weights, values, fixedsize, 3) == \
        blocks._encode_arrays(ids, weights, values, fixedsize, 3)


def test_block_layout_picks_the_smallest_arrays() -> None:
    """Gaps fit 16 bits until one does not; whole weights are bytes; a Frequency value is not stored."""
    small = zlib.decompress(blocks.encode([5, 6, 65541], [1.0, 1.0, 1.0], [], 0))
    assert small[:4] == b"HNNN" and len(small) == 12 + 2 * 2
    wide = zlib.decompress(blocks.encode([5, 6, 65542], [2.0, 3.0, 1.0], [], 0))
    assert wide[:4] == b"IBNN" and len(wide) == 12 + 2 * 4 + 3
    counts = [n.to_bytes(4, "big") for n in (2, 3, 1)]
    derived = zlib.decompress(blocks.encode([1, 2, 3], [2.0, 3.0, 1.0], counts, 4))
    assert derived[:4] == b"HBWN" and len(derived) == 12 + 2 * 2 + 3
    boosted = zlib.decompress(blocks.encode([1, 2, 3], [2.5, 3.0, 1.0], counts, 4))  # a field boost: kept
    assert boosted[:4] == b"HfFN" and len(boosted) == 12 + 2 * 2 + 3 * 4 + 3 * 4


def test_damaged_blocks_raise_a_clear_error() -> None:
    good = blocks.encode([1, 2, 3], [1.0, 2.0, 3.0], [b"a", b"bc", b""], None)
    with pytest.raises(blocks.BlockError):
        blocks.decode(good[:-3], None)  # truncated: zlib fails
    with pytest.raises(blocks.BlockError):
        blocks.decode(zlib.compress(b"IBVB" + b"\x00" * 4), None)  # header cut short
    with pytest.raises(blocks.BlockError):
        blocks.decode(zlib.compress(b"QBNN" + (3).to_bytes(4, "little") * 2), None)  # unknown id code
    with pytest.raises(ValueError):
        blocks.encode([3, 2], [1.0, 1.0], [], 0)  # ids must ascend


# -- a real index, written both ways ---------------------------------------------------------------

_WORDS = ("연구소 강화학습 세그멘테이션 논문 세포 분할 의료 영상 데이터 모델 학습 발표 스터디 딥러닝 자연어 처리 "
          "network learning segmentation paper model data cell image study U-Net").split()


@pytest.fixture(scope="module")
def generations(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """One corpus: rebuilt (packed, 1,024 per block), merged with 16-posting packed blocks (long lists
    span many blocks), and merged with Whoosh's own codec (pickled blocks)."""
    root = tmp_path_factory.mktemp("blocks")
    rng = random.Random(11)
    docs = [Document(id=f"d{i}", url=f"https://lab.example/{i}", kind="page", lab="랩",
                     title=" ".join(rng.choices(_WORDS, k=3)), text=" ".join(rng.choices(_WORDS, k=rng.randint(1, 60))))
            for i in range(260)]
    Corpus(root / "corpus").write_source("lab", docs)
    rebuild(root / "corpus", root / "index", procs=1)
    packed = current_generation(root / "index")
    out = {"packed": packed}
    for name, codec in (("small_blocks", IndexCodec(blocklimit=16)), ("pickled", _whoosh_blocks())):
        target = root / name
        target.mkdir()
        for item in packed.iterdir():
            if item.is_file():
                (target / item.name).write_bytes(item.read_bytes())
        ix = whoosh_index.open_dir(str(target))
        ix.writer(codec=codec).commit(optimize=True)
        out[name] = target
    return out


def _whoosh_blocks() -> IndexCodec:
    """Our codec as it was before packed blocks (what a schema-3 segment pickled)."""
    codec = IndexCodec(blocklimit=128)
    del codec._packed
    return codec


def _every_posting(generation: Path) -> tuple[dict[tuple[str, bytes], list[tuple[int, float, Any]]], set[type]]:
    ix = whoosh_index.open_dir(str(generation))
    postings: dict[tuple[str, bytes], list[tuple[int, float, Any]]] = {}
    kinds: set[type] = set()
    with ix.reader() as reader:
        for fieldname, term in reader.all_terms():
            matcher = reader.postings(fieldname, term)
            kinds.add(type(matcher))
            found = []
            while matcher.is_active():
                found.append((reader.stored_fields(matcher.id())["id"], matcher.weight(), matcher.value()))
                matcher.next()
            postings[(fieldname, term)] = found
    return postings, kinds


def test_whooshs_matchers_read_the_same_postings_from_packed_blocks(generations: dict[str, Path]) -> None:
    pickled, pickled_kinds = _every_posting(generations["pickled"])
    assert W3LeafMatcher in pickled_kinds and ArrayLeafMatcher not in pickled_kinds
    for name in ("packed", "small_blocks"):
        packed, kinds = _every_posting(generations[name])
        assert ArrayLeafMatcher in kinds
        assert packed == pickled, name
    assert sum(len(v) for v in pickled.values()) > 5000


def test_the_scorer_reads_the_same_arrays_from_either_kind_of_block(generations: dict[str, Path]) -> None:
    indexes = {name: whoosh_index.open_dir(str(path)) for name, path in generations.items()}
    readers = {name: ix.reader() for name, ix in indexes.items()}
    try:
        ids = {name: [reader.stored_fields(n)["id"] for n in range(reader.doc_count_all())]
               for name, reader in readers.items()}
        live = np.ones(len(ids["packed"]), dtype=bool)
        multi_block = 0
        for fieldname, term in readers["pickled"].all_terms():
            if fieldname not in ("body", "title", "body_bigram", "lab", "kind"):
                continue
            text = readers["pickled"].schema[fieldname].from_bytes(term)
            positions = fieldname in ("body", "title")
            got = {}
            for name, reader in readers.items():
                found = read_postings(reader, fieldname, text, live, positions)
                assert found is not None
                docs = [ids[name][n] for n in found.ids.tolist()]
                values = [found.positions[row] for row in range(len(found.ids))] if positions else None
                got[name] = (docs, found.weights.tolist(), values)
            assert got["packed"] == got["pickled"] == got["small_blocks"], (fieldname, text)
            multi_block += len(got["packed"][0]) > 16
        assert multi_block > 20
    finally:
        for reader in readers.values():
            reader.close()


def test_packed_lists_are_read_without_a_matcher(generations: dict[str, Path]) -> None:
    """The scorer reads packed posting lists straight from the file, one or many blocks per list; Whoosh's
    pickled blocks still go through a matcher."""
    for name in ("packed", "small_blocks", "pickled"):
        with whoosh_index.open_dir(str(generations[name])).reader() as reader:
            leaf = reader.leaf_readers()[0][0] if hasattr(reader, "leaf_readers") else reader
            fmt = reader.schema["body"].format
            lists = [_packed_blocks(leaf, "body", term, fmt) for field, term in reader.all_terms() if field == "body"]
            if name == "pickled":
                assert all(found is None for found in lists)
            else:
                assert all(found is not None for found in lists), name
                most = max(len(found) for found in lists if found is not None)
                assert most > 1 if name == "small_blocks" else most == 1, name


def _postings_bytes(generation: Path) -> int:
    storage = FileStorage(str(generation), supports_mmap=False)
    total = 0
    for name in storage.list():
        if name.endswith(".seg"):  # a compound segment: its .pst part
            compound = CompoundStorage(storage.open_file(name), use_mmap=False)
            try:
                total += sum(compound.file_length(part) for part in compound.list() if part.endswith(".pst"))
            finally:
                compound.close()
        elif name.endswith(".pst"):
            total += storage.file_length(name)
    return total


def test_packed_blocks_are_smaller(generations: dict[str, Path]) -> None:
    packed, pickled = _postings_bytes(generations["packed"]), _postings_bytes(generations["pickled"])
    assert 0 < packed < 0.8 * pickled
