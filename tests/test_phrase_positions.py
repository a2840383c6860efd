"""The scorer decodes the position lists of many documents at once (indexer/search/scorer.py): it must give
exactly what CompactPositions decodes one by one, and find the same phrases as a plain check."""
from __future__ import annotations

from itertools import accumulate

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from indexer.search.positions import consecutive as _consecutive
from indexer.search.positions import unpack_positions as _unpack_positions
from indexer.search.scorer import Scorer
from indexer.storage.postings import Positions, Postings
from indexer.storage.whoosh_internals import CompactPositions

_GAPS = st.one_of(st.integers(0, 3), st.integers(0, 70), st.integers(65536, 1 << 20))
_LISTS = st.lists(st.integers(0, 40), min_size=1, max_size=30).map(lambda gaps: list(accumulate(gaps)))
_LISTS_WITH_HUGE_GAPS = st.lists(_GAPS, min_size=1, max_size=30).map(lambda gaps: list(accumulate(gaps)))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(_LISTS, _LISTS_WITH_HUGE_GAPS), min_size=1, max_size=25), st.randoms())
def test_unpacking_matches_one_by_one_decoding(lists: list[list[int]], rng: object) -> None:
    fmt = CompactPositions()
    positions = Positions.of([fmt.encode(p) for p in lists])
    rows = np.array(sorted(rng.sample(range(len(lists)), rng.randint(1, len(lists)))), dtype=np.int64)  # type: ignore[attr-defined]
    doc_index, found, odd = _unpack_positions(positions, rows)
    for k, row in enumerate(rows.tolist()):
        wide = max((b - a for a, b in zip(lists[row], lists[row][1:], strict=False)), default=0) > 65535 \
            or lists[row][0] > 65535
        assert bool(odd[k]) == wide
        if not wide:
            assert found[doc_index == k].tolist() == lists[row]
    assert not (doc_index[:, None] == np.flatnonzero(odd)[None, :]).any()  # nothing unpacked for odd rows


class _Searcher:
    class _Field:
        format = CompactPositions()

    schema = {"body": _Field()}


@settings(max_examples=200, deadline=None)
@given(st.integers(2, 3).flatmap(lambda words: st.lists(
    st.lists(st.one_of(_LISTS, _LISTS_WITH_HUGE_GAPS), min_size=words, max_size=words), min_size=1, max_size=20)))
def test_phrase_hits_match_a_plain_check(docs: list[list[list[int]]]) -> None:
    """docs[d][w]: positions of word w in document d; every document holds every word."""
    fmt = CompactPositions()
    words = len(docs[0])
    lists = [Postings(np.arange(len(docs), dtype=np.int32) * 3, np.ones(len(docs), dtype=np.float32),
                      Positions.of([fmt.encode(doc[w]) for doc in docs])) for w in range(words)]
    scorer = Scorer.__new__(Scorer)
    scorer.searcher = _Searcher()
    scorer._decode = {}
    hits = scorer._phrase_hits("body", lists, np.arange(len(docs), dtype=np.int64) * 3)
    expected = [d * 3 for d, doc in enumerate(docs) if _consecutive(doc)]
    assert hits.tolist() == expected
