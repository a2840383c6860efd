"""The vectorised scorer (indexer/search/scorer.py) against Whoosh's own matchers on the same index.

Whoosh's collector is the reference (tests/whoosh_reference.py, with its two scoring quirks fixed): the
same query objects must give the same documents in the same order, the same scores, totals and facet
counts — for every judged query of the evaluation set and every benchmark query, sorted by date, on later
pages, and on an index that an update left with several segments and deleted documents.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from bench.queries import QUERIES
from eval.judgments import load_judgments
from indexer import SearchIndex
from indexer.operations.update import update
from indexer.search.coverage import coverage
from indexer.search.scorer import Scorer
from indexer.search.select import rank, rank_by
from indexer.storage.postings import read_postings
from test_index_ops_helpers import copy_crawled, mutate
from whoosh_reference import whoosh_search


def judged_queries() -> list[str]:
    return [q.text for q in load_judgments().queries]


def cases() -> list[tuple[str, dict[str, list[str]]]]:
    return [(text, {}) for text in judged_queries()] + [(q.text, q.filters) for q in QUERIES]


def scorer_ranking(index: SearchIndex, text: str, filters: dict[str, list[str]], sort: str,
                   limit: int) -> tuple[list[str], list[float], int]:
    """The scorer's own ranking of the plan's query (ids, scores, total), with the coverage factor
    (indexer/search/coverage.py) and before the ranking tiers (indexer/search/tiers.py) reorder it: what
    Whoosh's collector must agree with (tests/whoosh_reference.py applies the same factor)."""
    plan = index.plan(text, filters)
    with index.live.held() as generation, generation.index.searcher(weighting=index.weighting) as searcher:
        table, postings = generation.tables(searcher)
        scorer = Scorer(table, postings, searcher, candidates=max(100, 3 * limit))
        scored = scorer.evaluate(plan.query)
        final = scored.scores * table.prior
        docs = np.flatnonzero(scored.matched)  # every matching document is a candidate here
        factor = coverage(plan.groups, scorer.holds, docs)
        if factor is not None and sort == "relevance":
            final = final.copy()
            final[docs] *= factor
        docs = rank_by(table.published, scored.matched, limit) if sort == "date" else \
            rank(final, scored.matched, limit)
        ids = [searcher.stored_fields(int(d))["id"] for d in docs]
        return ids, [float(final[d]) for d in docs], int(scored.matched.sum())


def assert_same(index: SearchIndex, text: str, filters: dict[str, list[str]], sort: str = "relevance",
                page: int = 1, per_page: int = 10) -> None:
    index.results_cache.entries = 0
    ids, scores, total = scorer_ranking(index, text, filters, sort, page * per_page)
    want = whoosh_search(index, text, filters, sort=sort, limit=page * per_page)
    start = (page - 1) * per_page
    assert ids[start:] == want.ids[start:], (text, filters, sort, page)
    assert total == want.total, text
    if sort == "relevance":
        assert np.allclose(scores[start:], want.scores[start:], rtol=1e-6), text
    # The search reorders by its tiers, never rescores: same total, facets, and each hit's Whoosh score.
    # (A question's terms are scored over their fields jointly, which Whoosh cannot do: the same matches,
    # other scores, checked against BM25F written out in tests/test_joint_fields.py.)
    got = index.search(text, filters=filters, sort=sort, page=page, per_page=per_page)
    assert got.total == want.total and got.facets == want.facets, text
    if index.plan(text, filters).question:
        return
    everything = whoosh_search(index, text, filters, limit=1000)
    score_of = dict(zip(everything.ids, everything.scores, strict=True))
    assert np.allclose([h.score for h in got.hits], [score_of[h.id] for h in got.hits], rtol=1e-6), text


def test_same_ranking_as_whoosh_for_every_judged_and_benchmark_query(search_index: SearchIndex) -> None:
    checked = 0
    for text, filters in cases():
        assert_same(search_index, text, filters)
        checked += 1
    assert checked > 150


@pytest.mark.parametrize("text", ["segmentation", "강화학습", "모두의연구소 스터디", '"semantic segmentation"'])
def test_same_order_on_later_pages_and_with_filters(search_index: SearchIndex, text: str) -> None:
    assert_same(search_index, text, {}, page=2, per_page=5)
    assert_same(search_index, text, {"kind": ["readme"]}, per_page=20)


@pytest.mark.parametrize("text", ["segmentation", "강화학습", '"semantic segmentation"'])
def test_newest_first_with_undated_documents_last(search_index: SearchIndex, text: str) -> None:
    """Whoosh sorts documents without a date first (its "no value" is the largest); users expect them last."""
    matched = whoosh_search(search_index, text, limit=1000).ids
    with search_index.live.held() as generation, generation.index.searcher() as searcher:
        def key(doc_id: str) -> tuple[bool, float, int]:
            docnum = searcher.document_number(id=doc_id)
            published = searcher.stored_fields(docnum).get("published")
            return published is None, -published.timestamp() if published else 0.0, docnum
        expected = sorted(matched, key=key)
    first = search_index.search(text, sort="date", per_page=5)
    second = search_index.search(text, sort="date", page=2, per_page=5)
    assert [h.id for h in first.hits + second.hits] == expected[:10]
    assert first.total == len(matched)


def test_same_ranking_after_an_update_with_deletions(crawled: dict[str, Path], tmp_path: Path) -> None:
    work = copy_crawled(crawled, tmp_path)
    changed = mutate(work["corpus"])  # one new, one changed, one removed document
    report = update(work["corpus"], work["index"])
    assert report.removed == 1 and report.changed == 1
    index = SearchIndex(work["index"], warm=False)
    with index.live.held() as generation, generation.index.searcher() as searcher:
        reader = searcher.reader()
        assert reader.has_deletions()  # the changed and removed documents' old versions
        live = np.array([not reader.is_deleted(d) for d in range(reader.doc_count_all())])
        found = read_postings(reader, "body", "segment", live, positions=False)
        assert found is not None
        expected = sorted(searcher.postings("body", b"segment").all_ids()) if reader.doc_count_all() else []
        assert found.ids.tolist() == expected  # deleted documents left out, numbers global across segments
    # Whoosh scores each segment with its own matcher tree, so its coordination factor differs between
    # segments (the scorer counts the query's terms once, over the whole index): compare what it matches.
    removed_id = changed["removed"]
    for text, filters in cases()[:60]:
        got = index.search(text, filters=filters, per_page=10)
        want = whoosh_search(index, text, filters, limit=1000)
        assert got.total == want.total and got.facets == want.facets, text
        assert {h.id for h in got.hits} <= set(want.ids), text
        if removed_id:
            assert removed_id not in [h.id for h in index.search(text, filters=filters, per_page=50).hits]


def test_postings_match_whoosh_for_terms_of_every_field(search_index: SearchIndex) -> None:
    with search_index.live.held() as generation, generation.index.searcher() as searcher:
        reader = searcher.reader()
        live = np.ones(reader.doc_count_all(), dtype=bool)
        for fieldname in ("title", "body", "repo", "body_bigram", "lab"):
            terms = [t for t, _ in zip(reader.lexicon(fieldname), range(40), strict=False)]
            assert terms, fieldname
            for raw in terms:
                text = searcher.schema[fieldname].from_bytes(raw)
                found = read_postings(reader, fieldname, text, live, positions=fieldname == "body")
                matcher = searcher.postings(fieldname, raw)
                ids, weights = [], []
                while matcher.is_active():
                    ids.append(matcher.id())
                    weights.append(matcher.weight())
                    matcher.next()
                assert found is not None and found.ids.tolist() == ids, (fieldname, text)
                assert np.allclose(found.weights, weights)
                if fieldname == "body":
                    assert found.positions is not None and len(found.positions) == len(ids)
        assert read_postings(reader, "body", "no-such-term-xyz", live, positions=False) is None


def test_posting_cache_keeps_one_entry_per_list(search_index: SearchIndex) -> None:
    """A list read with positions replaces the same list read without them, and then serves both."""
    with search_index.live.held() as generation, generation.index.searcher() as searcher:
        _, cache = generation.tables(searcher)
        reader = searcher.reader()
        texts = (searcher.schema["body"].from_bytes(raw) for raw in reader.lexicon("body"))
        text = next(t for t in texts if not any(("body", t, p) in cache._entries for p in (False, True)))
        plain = cache.get(searcher, "body", text)
        assert plain is not None and plain.positions is None
        held = cache._bytes
        full = cache.get(searcher, "body", text, positions=True)
        assert full is not None and full.positions is not None
        assert full.ids.tolist() == plain.ids.tolist()
        assert ("body", text, False) not in cache._entries and ("body", text, True) in cache._entries
        assert cache._bytes == held - plain.nbytes + full.nbytes
        assert cache.get(searcher, "body", text) is full
