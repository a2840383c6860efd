"""A small LRU of finished search results, one per index generation.

Results depend only on the generation and the request (query, filters, page, size, sort, spelling
choice), so a repeated request is answered without touching the index. The key holds the
generation's name: a new generation never serves an old result, and old entries age out.
``MODUSEARCH_RESULT_CACHE`` sets the number of entries (default 2048; 0 turns the cache off); the
completions cache (``SearchIndex.suggest_cache``) is another instance with the same setting.
"""
from __future__ import annotations

import os
import threading
from collections import OrderedDict
from collections.abc import Hashable
from typing import Any

DEFAULT_ENTRIES = 2048


def configured_entries() -> int:
    raw = os.environ.get("MODUSEARCH_RESULT_CACHE", "")
    try:
        return max(0, int(raw)) if raw.strip() else DEFAULT_ENTRIES
    except ValueError:
        return DEFAULT_ENTRIES


class ResultCache:
    """Thread-safe LRU mapping a hashable request key to a finished result."""

    def __init__(self, entries: int | None = None) -> None:
        self.entries = configured_entries() if entries is None else entries
        self._items: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: Hashable) -> Any | None:
        if not self.entries:
            return None
        with self._lock:
            value = self._items.get(key)
            if value is None:
                self.misses += 1
                return None
            self._items.move_to_end(key)
            self.hits += 1
            return value

    def put(self, key: Hashable, value: Any) -> None:
        if not self.entries:
            return
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.entries:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


def request_key(generation: str, raw_query: str, filters: dict[str, list[str]] | None, page: int, per_page: int,
                sort: str, *extra: Hashable) -> tuple[Hashable, ...]:
    frozen = tuple(sorted((name, tuple(values)) for name, values in (filters or {}).items() if values))
    return (generation, raw_query, frozen, page, per_page, sort, *extra)
