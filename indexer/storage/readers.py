"""Searchers reused across searches: one per thread and index generation.

Opening a Whoosh searcher opens every segment's readers and loses the per-searcher caches (idf, field
lengths, the prior column); searchers are not thread-safe, so each thread keeps its own and swaps it
when the generation changes. A searcher is only used inside ``SearchIndex._reading``, which holds the
generation's lease, so a retired generation's files are never read after its lease is released.
"""
from __future__ import annotations

import threading
import weakref
from typing import Any


class ThreadSearchers:
    def __init__(self, weighting: Any) -> None:
        self.weighting = weighting
        self._local = threading.local()
        # Searchers hold open files (indexes are read through file handles, indexer/storage/generations.py): closed
        # when their thread moves to a newer generation, and all of them when this object goes away.
        self._open: set[Any] = set()
        self._lock = threading.Lock()
        weakref.finalize(self, _close_all, self._open, self._lock)

    def get(self, generation: Any, index: Any) -> Any:
        """This thread's searcher on ``index`` (the index of ``generation``), opened on first use."""
        held = getattr(self._local, "held", None)
        if held is not None and held[0] is generation:
            return held[1]
        if held is not None:
            self._close(held[1])
        searcher = index.searcher(weighting=self.weighting)
        with self._lock:
            self._open.add(searcher)
        self._local.held = (generation, searcher)
        return searcher

    def _close(self, searcher: Any) -> None:
        with self._lock:
            self._open.discard(searcher)
        searcher.close()

    def close(self) -> None:
        """Close every thread's searcher (when the index is no longer used)."""
        _close_all(self._open, self._lock)


def _close_all(searchers: set[Any], lock: threading.Lock) -> None:
    with lock:
        held = list(searchers)
        searchers.clear()
    for searcher in held:
        searcher.close()
