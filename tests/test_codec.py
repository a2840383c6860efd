"""indexer/storage/whoosh_internals.py: packed positions survive the round-trip and answer phrase queries; the in-memory
field lengths are exactly what Whoosh's own per-document reader returns.

The index tests build one small corpus (a few hundred documents, one of them with a word gap of more
than 65,535 positions) with the production writer settings (procs 2, so two segments) and check
everything against the analyzer's own tokens, not against what the codec decodes.
"""
from __future__ import annotations

import dataclasses
import random
import shutil
from collections import defaultdict
from itertools import accumulate
from pathlib import Path
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from whoosh import index as whoosh_index
from whoosh.codec import whoosh3
from whoosh.query import Phrase
from whoosh.system import _INT_SIZE
from whoosh.util.numeric import byte_to_length, length_to_byte

from corpus import Corpus, Document
from indexer import rebuild, update
from indexer.operations.convert import to_fields
from indexer.storage.generations import current_generation
from indexer.storage.schema import PHRASE_FIELDS, build_schema
from indexer.storage.whoosh_internals import CompactPositions, IndexCodec

# -- CompactPositions on its own ------------------------------------------------------------------

_GAPS = st.one_of(st.integers(0, 3), st.integers(0, 65535), st.integers(65536, 1 << 24))


@st.composite
def _position_lists(draw: st.DrawFn) -> list[int]:
    """Non-decreasing positions (a word may repeat at a position: compound parts) with small and huge gaps."""
    return list(accumulate(draw(st.lists(_GAPS, max_size=300))))


@settings(max_examples=400, deadline=None)
@given(_position_lists())
@example([])  # Whoosh never writes an empty list, but combine([]) would encode one
@example([0])
@example([7])
@example([65535])
@example([65536])
@example([0, 65535])  # the largest gap that fits 16 bits
@example([0, 65536])  # the smallest that does not
@example([3, 3, 70000, 70001, 70001 + 65536])
@example([2**31 - 1])
def test_positions_round_trip(positions: list[int]) -> None:
    fmt = CompactPositions()
    encoded = fmt.encode(positions)
    assert fmt.decode_positions(encoded) == positions
    assert fmt.decode_frequency(encoded) == len(positions)
    assert fmt.decode_weight(encoded) == len(positions)
    assert fmt.decode_position_boosts(encoded) == [(p, 1) for p in positions]
    assert fmt.decode_as("positions", encoded) == positions


@settings(max_examples=100, deadline=None)
@given(_position_lists(), _position_lists())
def test_positions_combine(first: list[int], second: list[int]) -> None:
    """Whoosh merges the positions of one word in one document with ``combine`` (decode, union, encode)."""
    fmt = CompactPositions()
    combined = fmt.combine([fmt.encode(first), fmt.encode(second)])
    assert fmt.decode_positions(combined) == sorted(set(first) | set(second))


def test_positions_layout() -> None:
    """uint32 count + typecode + deltas: 16-bit deltas while every gap fits, else 32-bit ones."""
    fmt = CompactPositions()
    small = fmt.encode([4, 10, 10 + 65535])
    assert small[_INT_SIZE:_INT_SIZE + 1] == b"H"
    assert len(small) == _INT_SIZE + 1 + 3 * 2
    big = fmt.encode([4, 10, 10 + 65536])
    assert big[_INT_SIZE:_INT_SIZE + 1] == b"i"
    assert len(big) == _INT_SIZE + 1 + 3 * 4
    assert fmt.encode([70000])[_INT_SIZE:_INT_SIZE + 1] == b"i"  # the first position is a delta from 0


# -- a real index ---------------------------------------------------------------------------------

_KOREAN = ("연구소 모두의연구소 강화학습 세그멘테이션 논문 세포 분할 바이오 의료 영상 데이터 모델 학습 발표 스터디 "
           "구성원 프로젝트 인공지능 딥러닝 자연어 처리 연구 소").split()
_ENGLISH = "network learning segmentation paper model data cell image study lab deep U-Net".split()
_DOCS = 230  # more than two of Whoosh's 100-document batches: both sub-writers get work
_AUTHORS = 3  # only the first documents have an author: the length column stops early
GIANT = "giant"


def _corpus_documents() -> list[Document]:
    rng = random.Random(20261130)

    def words(count: int) -> str:
        return " ".join(rng.choice(_KOREAN + _ENGLISH) for _ in range(count))

    docs = [Document(id=f"doc-{i:03d}", url=f"https://lab.example/posts/{i}", kind="page", lab="바이오메디컬랩",
                     title=words(rng.randint(1, 5)), text=words(rng.randint(0, 80)) + " 를 배우고 싶어요.",
                     description=words(6) if i % 3 else "", headings=[words(3)] if i % 2 else [],
                     author="김모두" if i < _AUTHORS else "")
            for i in range(_DOCS)]
    # "needle" at 0 and 70,001: a gap that does not fit 16 bits, in a posting of a real segment.
    docs.append(Document(id=GIANT, url="https://lab.example/giant", kind="page", title="giant",
                         text="needle " + "filler " * 70000 + "needle haystack"))
    return docs


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("codec")
    docs = _corpus_documents()
    Corpus(root / "corpus").write_source("lab", docs)
    rebuild(root / "corpus", root / "index", procs=2)
    rebuilt = root / "rebuilt"  # a copy: the update retires the rebuilt generation
    shutil.copytree(current_generation(root / "index"), rebuilt)
    # An update: deletions in the rebuilt segments and a new segment beside them.
    changed = [dataclasses.replace(docs[5], text=docs[5].text + " 바뀐 문장", content_hash=""),
               dataclasses.replace(docs[150], author="", text=docs[150].text + " 추가", content_hash="")]
    current = [changed[0] if d.id == docs[5].id else changed[1] if d.id == docs[150].id else d
               for d in docs if d.id != docs[200].id]
    Corpus(root / "corpus").write_source("lab", current)
    update(root / "corpus", root / "index")
    updated = current_generation(root / "index")
    # A merge of every segment into one: Whoosh copies each document's field lengths through the
    # reading codec's doc_field_length.
    merged = root / "merged"
    shutil.copytree(updated, merged)
    ix = whoosh_index.open_dir(str(merged))
    ix.writer(codec=IndexCodec()).commit(optimize=True)
    return {"rebuilt": rebuilt, "updated": updated, "merged": merged, "docs": {d.id: d for d in current},
            "all_docs": {d.id: d for d in docs}}


def _analysed_positions(field: str, value: str) -> dict[str, list[int]]:
    """Each word's positions as the analyzer produces them (what the index must give back)."""
    positions: dict[str, list[int]] = defaultdict(list)
    for token in build_schema()[field].analyzer(value, positions=True, mode="index"):
        positions[token.text].append(token.pos)
    return positions


@pytest.fixture(scope="module")
def expected_positions(built: dict[str, Any]) -> dict[str, dict[str, dict[str, list[int]]]]:
    """field → document id → word → positions, from the analyzer, for the updated index's documents."""
    return {field: {doc_id: _analysed_positions(field, to_fields(doc)[field]) for doc_id, doc in built["docs"].items()}
            for field in PHRASE_FIELDS}


def test_every_segment_is_written_and_read_by_index_codec(built: dict[str, Any]) -> None:
    ix = whoosh_index.open_dir(str(built["rebuilt"]))
    assert all(isinstance(ix.schema[f].format, CompactPositions) for f in PHRASE_FIELDS)
    with ix.reader() as reader:
        leaves = [leaf for leaf, _ in reader.leaf_readers()]
        assert len(leaves) >= 2  # procs 2: one segment per sub-writer
        assert all(isinstance(leaf.codec(), IndexCodec) for leaf in leaves)


def test_index_gives_back_the_analysed_positions(built: dict[str, Any],
                                                 expected_positions: dict[str, Any]) -> None:
    """Every posting of every phrase field decodes to the positions the analyzer produced."""
    ix = whoosh_index.open_dir(str(built["updated"]))
    with ix.searcher() as searcher:
        reader = searcher.reader()
        for field in PHRASE_FIELDS:
            stored: dict[str, dict[str, list[int]]] = defaultdict(dict)
            for term in reader.lexicon(field):
                matcher = reader.postings(field, term)
                while matcher.is_active():
                    doc_id = reader.stored_fields(matcher.id())["id"]
                    stored[doc_id][term.decode("utf-8")] = matcher.value_as("positions")
                    matcher.next()
            expected = {doc_id: dict(words) for doc_id, words in expected_positions[field].items() if words}
            assert dict(stored) == expected, field
    giant = expected_positions["body"][GIANT]
    assert giant["needl"] == [0, 70001]  # the 32-bit path really went through the index


def _phrase_matches(words: dict[str, list[int]], first: str, second: str) -> bool:
    following = set(words.get(second, ()))
    return any(p + 1 in following for p in words.get(first, ()))


def test_phrase_queries_match_where_positions_are_adjacent(built: dict[str, Any],
                                                           expected_positions: dict[str, Any]) -> None:
    rng = random.Random(5)
    ix = whoosh_index.open_dir(str(built["updated"]))
    checked = negatives = 0
    with ix.searcher() as searcher:
        for field in PHRASE_FIELDS:
            docs = expected_positions[field]
            pairs = {("needl", "haystack"), ("filler", "needl"), ("haystack", "needl"), ("연구", "소"),
                     ("소", "연구"), ("연구소", "연구")}
            for doc_id in rng.sample(sorted(docs), 6):
                tokens = sorted((p, w) for w, ps in docs[doc_id].items() for p in ps)
                for (_, first), (_, second) in zip(tokens, tokens[1:], strict=False):
                    pairs.add((first, second))
                    pairs.add((second, first))
            for first, second in sorted(pairs):
                expected = {d for d, words in docs.items() if _phrase_matches(words, first, second)}
                both = {d for d, words in docs.items() if first in words and second in words}
                negatives += bool(both - expected)
                hits = searcher.search(Phrase(field, [first, second]), limit=None)
                assert {hit["id"] for hit in hits} == expected, (field, first, second)
                checked += 1
        assert [h["id"] for h in searcher.search(Phrase("body", ["needl", "haystack"]))] == [GIANT]
    assert checked > 200 and negatives > 20  # words in the same document that are not a phrase


# -- IndexCodec's field lengths ------------------------------------------------------------------

_NO_COLUMN = -7  # a default nobody would return by accident


def _compare_lengths(generation: Path) -> dict[str, int]:
    """Our reader against Whoosh's W3PerDocReader on every segment, document and scored field."""
    ix = whoosh_index.open_dir(str(generation))
    fields = [*ix.schema.scorable_names(), "no_such_field"]
    seen = {"none": 0, "default": 0, "length": 0, "past_column": 0}
    with ix.reader() as reader:
        for leaf, _ in reader.leaf_readers():
            assert isinstance(leaf.codec(), IndexCodec)
            ours = leaf.codec().per_document_reader(leaf.storage(), leaf.segment())
            theirs = whoosh3.W3PerDocReader(leaf.storage(), leaf.segment())
            try:
                count = theirs.doc_count_all()
                for field in fields:
                    # count itself is not an error in Whoosh (``docnum > doccount``): both say None
                    for docnum in range(count + 1):
                        expected = theirs.doc_field_length(docnum, field, _NO_COLUMN)
                        assert ours.doc_field_length(docnum, field, _NO_COLUMN) == expected, (field, docnum)
                        assert leaf.doc_field_length(docnum, field, _NO_COLUMN) == expected, (field, docnum)
                        seen["none" if expected is None else "default" if expected == _NO_COLUMN else "length"] += 1
                    assert ours.doc_field_length(0, field) == theirs.doc_field_length(0, field)  # default=0
                    for past in (count + 1, count + 100):
                        with pytest.raises(IndexError):
                            theirs.doc_field_length(past, field)
                        with pytest.raises(IndexError):
                            ours.doc_field_length(past, field)
                column = theirs._cached_reader(whoosh3._lenfield("author"), whoosh3.LENGTHS_COLUMN)
                if column is not None and column._count < count:
                    seen["past_column"] += 1
            finally:
                ours.close()
                theirs.close()
    return seen


@pytest.mark.parametrize("generation", ["rebuilt", "updated", "merged"])
def test_doc_field_length_is_whooshs(built: dict[str, Any], generation: str) -> None:
    seen = _compare_lengths(built[generation])
    # Every kind of answer was compared: real lengths, None (an empty field in a document that has
    # the column) and the default (a segment without the column; a field that does not exist).
    assert seen["length"] and seen["none"] and seen["default"], seen
    if generation == "rebuilt":
        assert seen["past_column"], "the author column should stop before the segment's last document"


def _quantized(length: int) -> int:
    return byte_to_length(length_to_byte(length))


@pytest.mark.parametrize("generation", ["rebuilt", "merged"])
def test_doc_field_length_is_the_analysed_length(built: dict[str, Any], generation: str) -> None:
    """Independent of any reader: the number of tokens the field indexed, as Whoosh quantizes it. The
    merged index got its lengths through IndexCodec's reader while merging."""
    docs = built["all_docs"] if generation == "rebuilt" else built["docs"]
    schema = build_schema()
    ix = whoosh_index.open_dir(str(built[generation]))
    with ix.searcher() as searcher:
        reader = searcher.reader()
        found = set()
        for docnum in reader.all_doc_ids():
            doc_id = reader.stored_fields(docnum)["id"]
            found.add(doc_id)
            fields = to_fields(docs[doc_id])
            for field in schema.scorable_names():
                value = fields.get(field)
                length = sum(freq for _, freq, _, _ in schema[field].index(value)) if value else 0
                got = reader.doc_field_length(docnum, field)
                if length:
                    assert got == _quantized(length), (doc_id, field, length)
                else:
                    assert got in (None, 0), (doc_id, field)
        assert found == set(docs)
