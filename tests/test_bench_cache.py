"""The performance helpers the benchmark led to: the result cache and per-thread searchers."""
from __future__ import annotations

import threading

from indexer import SearchIndex
from indexer.search.cache import ResultCache, request_key
from indexer.storage.readers import ThreadSearchers


def test_cache_is_lru_and_can_be_switched_off() -> None:
    cache = ResultCache(entries=2)
    cache.put("a", 1)
    cache.put("b", 2)
    assert cache.get("a") == 1
    cache.put("c", 3)  # evicts b, the least recently used
    assert cache.get("b") is None and cache.get("a") == 1 and cache.get("c") == 3
    off = ResultCache(entries=0)
    off.put("a", 1)
    assert off.get("a") is None


def test_request_key_separates_generations_and_ignores_filter_order() -> None:
    one = request_key("gen-1", "q", {"lab": ["x"], "kind": ["page"]}, 1, 10, "relevance")
    assert one == request_key("gen-1", "q", {"kind": ["page"], "lab": ["x"]}, 1, 10, "relevance")
    assert one != request_key("gen-2", "q", {"kind": ["page"], "lab": ["x"]}, 1, 10, "relevance")
    assert one != request_key("gen-1", "q", {"kind": ["page"], "lab": ["x"]}, 2, 10, "relevance")


def test_cached_search_equals_uncached(search_index: SearchIndex) -> None:
    fresh = SearchIndex(search_index.root)
    fresh.results_cache.entries = 0
    for query in ("세그멘테이션을", "semantic segmentation", "강화학습 kind:readme"):
        first = search_index.search(query)
        again = search_index.search(query)
        plain = fresh.search(query)
        assert [h.to_dict() for h in again.hits] == [h.to_dict() for h in first.hits] == [h.to_dict() for h in plain.hits]
        assert again.total == plain.total and again.facets == plain.facets


def test_each_thread_gets_its_own_searcher(search_index: SearchIndex) -> None:
    generation = search_index.live.current()
    searchers = ThreadSearchers(search_index.weighting)
    mine = searchers.get(generation, generation.index)
    assert searchers.get(generation, generation.index) is mine
    other: list[object] = []
    thread = threading.Thread(target=lambda: other.append(searchers.get(generation, generation.index)))
    thread.start()
    thread.join()
    assert other[0] is not mine
