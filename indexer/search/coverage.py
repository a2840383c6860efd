"""Coverage: a document that answers every word of a query ranks above one that matches some of them very well.

BM25 adds up the words a document matches, so a page whose short title repeats one query word (자바스크립트란?)
can outscore the page about the whole query (변수의 유효범위와 클로저 for 자바스크립트 클로저란). Each content
word of the query is one group — its terms and their cross-lingual alternatives (a Korean word counts as
matched by its English translation) — and a document's score is multiplied by the share of groups it
matches, raised to :data:`COVERAGE_POWER`. Queries of one group, and of more than :data:`MAX_GROUPS` (long
pasted text), are left alone.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

#: How strongly the share of query words matched scales a score (0: not at all).
COVERAGE_POWER = 1.0
MAX_GROUPS = 6


def coverage(groups: Sequence[Any], matches: Callable[[Any], np.ndarray], size: int) -> np.ndarray | None:
    """The factor for every document (``size`` of them): the share of ``groups`` (Whoosh queries) each one
    matches, to the power :data:`COVERAGE_POWER`; None when the factor would be 1 everywhere.
    ``matches`` gives the documents a query matches, as a boolean array (from the search's scorer)."""
    if COVERAGE_POWER <= 0 or not 2 <= len(groups) <= MAX_GROUPS:
        return None
    matched = np.zeros(size, dtype=np.float64)
    for group in groups:
        matched += matches(group)
    share = matched / len(groups)
    return share ** COVERAGE_POWER if COVERAGE_POWER != 1.0 else share
