"""Coverage: a document that answers every word of a query ranks above one that matches some of them very well.

BM25 adds up the words a document matches, so a page whose short title repeats one query word (자바스크립트란?)
can outscore the page about the whole query (변수의 유효범위와 클로저 for 자바스크립트 클로저란). Each content
word of the query is one group — its terms and their cross-lingual alternatives (a Korean word counts as
matched by its English translation) — and a document's score is multiplied by the share of groups it
matches, raised to :data:`COVERAGE_POWER`. Queries of one group, and of more than :data:`MAX_GROUPS` (long
pasted text), are left alone.

The share is read for the best candidates only (the ranking tiers' candidates, indexer/search/tiers.py),
from the groups' posting lists at those documents: the cost follows the candidates, not the index (at
100,000 documents, evaluating every group over the whole index took 2 ms of a 13 ms search). Every other
matching document is scaled by the lowest share, ``1 / groups``, so it stays below every candidate, as
its unscaled score already was.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

#: How strongly the share of query words matched scales a score (0: not at all).
COVERAGE_POWER = 1.0
MAX_GROUPS = 6


def coverage(groups: Sequence[Any], holds: Callable[[Any, np.ndarray], np.ndarray], docs: np.ndarray
             ) -> np.ndarray | None:
    """The factor for each of ``docs`` (sorted document numbers): the share of ``groups`` (Whoosh queries)
    it matches, to the power :data:`COVERAGE_POWER`; None when the factor would be 1 everywhere.
    ``holds(group, docs)`` says which of ``docs`` match a group (the search's scorer)."""
    if COVERAGE_POWER <= 0 or not 2 <= len(groups) <= MAX_GROUPS:
        return None
    matched = np.zeros(len(docs), dtype=np.float64)
    for group in groups:
        matched += holds(group, docs)
    return _power(matched / len(groups))


def floor(groups: Sequence[Any]) -> float:
    """The factor of a document outside the candidates: the lowest share, one group of ``groups``."""
    return _power(1.0 / len(groups))


def apply_coverage(final: np.ndarray, groups: Sequence[Any], holds: Callable[[Any, np.ndarray], np.ndarray],
                   docs: np.ndarray) -> None:
    """Scale ``final`` (every document's score, changed in place) by the coverage of ``docs`` (the
    candidates), and every other document by :func:`floor`."""
    factor = coverage(groups, holds, docs)
    if factor is None:
        return
    kept = final[docs] * factor
    final *= floor(groups)
    final[docs] = kept


def _power(share: Any) -> Any:
    return share ** COVERAGE_POWER if COVERAGE_POWER != 1.0 else share
