"""The same search run through Whoosh's own matchers and collector: the reference the vectorised scorer
(indexer/search/scorer.py) is checked against. This was the production path until the scorer replaced it."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from whoosh import sorting
from whoosh.matching import binary, wrappers

from indexer import SearchIndex
from indexer.search.coverage import COVERAGE_POWER, MAX_GROUPS


def _keep_term_count(self: Any, newchild: Any) -> Any:
    """Whoosh recounts the query's terms when it swaps in a smaller matcher for an exhausted one, so
    its coordination factor drifts with document order; the scorer uses the count of the whole query."""
    replacement = wrappers.CoordMatcher(newchild, scale=self._scale)
    replacement._termcount = self._termcount
    return replacement


def _best_at_current(self: Any) -> float:
    """Whoosh's DisjunctionMax takes the larger score of its two sides even when one side is positioned
    on a later document, so a document can borrow another document's score; the scorer takes the best
    of the sides that match the current document."""
    a, b = self.a, self.b
    if not a.is_active():
        return b.score()
    if not b.is_active():
        return a.score()
    if a.id() == b.id():
        return max(a.score(), b.score())
    return a.score() if a.id() < b.id() else b.score()


@contextmanager
def _quirks_fixed() -> Iterator[None]:
    """Whoosh with the two fixes, only while the reference search runs (other tests see Whoosh as is)."""
    saved = wrappers.CoordMatcher._replacement, binary.DisjunctionMaxMatcher.score
    wrappers.CoordMatcher._replacement = _keep_term_count
    binary.DisjunctionMaxMatcher.score = _best_at_current
    try:
        yield
    finally:
        wrappers.CoordMatcher._replacement, binary.DisjunctionMaxMatcher.score = saved


@dataclass
class Reference:
    ids: list[str]
    scores: list[float]
    total: int
    facets: dict[str, dict[str, int]]


def whoosh_search(index: SearchIndex, raw_query: str, filters: dict[str, list[str]] | None = None,
                  sort: str = "relevance", limit: int = 10) -> Reference:
    plan = index.plan(raw_query, filters)
    if plan.query is None:
        return Reference([], [], 0, {})
    facets = sorting.Facets()
    for name in ("kind", "lab", "lang"):
        facets.add_field(name, maptype=sorting.Count)
    sortedby = sorting.FieldFacet("published", reverse=True) if sort == "date" else None
    with index.live.held() as generation, generation.index.searcher(weighting=index.weighting) as searcher, \
            _quirks_fixed():
        covered = sort == "relevance" and COVERAGE_POWER > 0 and 2 <= len(plan.groups) <= MAX_GROUPS
        results: Any = searcher.search(plan.query, limit=None if covered else limit, sortedby=sortedby,
                                       groupedby=facets, terms=True)
        counts = {name: {k: v for k, v in results.groups(name).items() if k} for name in ("kind", "lab", "lang")}
        if covered:
            # the coverage factor (indexer/search/coverage.py): the share of the query's words a document
            # matches, each word's documents found by Whoosh's own matchers
            shares: dict[int, int] = {}
            for group in plan.groups:
                for docnum in searcher.docs_for_query(group):
                    shares[docnum] = shares.get(docnum, 0) + 1
            scored = sorted(((float(hit.score or 0.0) * (shares.get(hit.docnum, 0) / len(plan.groups))
                              ** COVERAGE_POWER, hit.docnum, hit["id"]) for hit in results),
                            key=lambda row: (-row[0], row[1]))[:limit]
            return Reference([row[2] for row in scored], [row[0] for row in scored], len(results), counts)
        ids = [hit["id"] for hit in results][:limit]
        scores = [float(hit.score or 0.0) for hit in results][:limit]
        return Reference(ids, scores, len(results), counts)
