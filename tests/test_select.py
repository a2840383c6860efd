"""indexer/search/select.py: the sampled selection is exact, ties included, whatever the values."""
from __future__ import annotations

import numpy as np
import pytest

from indexer.search.select import SAMPLE_FROM, largest, rank, top


def _reference(values: np.ndarray, k: int) -> set[int]:
    """The k largest by a full sort: descending value, then ascending position."""
    order = np.lexsort((np.arange(len(values)), -values))
    return set(order[:k].tolist())


@pytest.mark.parametrize("seed", range(12))
def test_largest_matches_a_full_sort(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = int(rng.integers(SAMPLE_FROM, 6 * SAMPLE_FROM))
    kinds = [rng.random(n),  # all distinct
             rng.integers(0, 5, n).astype(np.float64),  # a few values: ties everywhere
             np.sort(rng.random(n)),  # ascending: the strided sample sees a skewed picture
             np.sort(rng.random(n))[::-1].copy(),
             np.where(rng.random(n) < 0.01, rng.random(n), 0.0)]  # nearly all tied at zero
    for values in kinds:
        for k in (1, 10, 30, 1000, n // 9, n - 1, n, n + 5):
            picked = largest(values, k)
            assert len(picked) == min(k, n)
            assert set(picked.tolist()) == _reference(values, k), (seed, k)


def test_small_arrays_and_nothing_wanted() -> None:
    values = np.array([3.0, 1.0, 3.0, 2.0])
    assert set(largest(values, 2).tolist()) == {0, 2}
    assert set(largest(values, 1).tolist()) == {0}  # a tie goes to the lower position
    assert len(largest(values, 0)) == 0


def test_rank_and_top_agree_with_a_full_sort() -> None:
    rng = np.random.default_rng(7)
    n = 50_000
    scores = np.round(rng.random(n), 2)  # many ties
    matched = rng.random(n) < 0.6
    docs = np.flatnonzero(matched)
    order = docs[np.lexsort((docs, -scores[docs]))]
    assert rank(scores, matched, 25).tolist() == order[:25].tolist()
    assert top(scores, matched, 1000).tolist() == sorted(order[:1000].tolist())
