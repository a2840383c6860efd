"""Searchers reused across searches: one per thread and index generation.

Opening a Whoosh searcher opens every segment's readers and loses the per-searcher caches (idf, field
lengths, the prior column); searchers are not thread-safe, so each thread keeps its own and swaps it
when the generation changes. A searcher is only used inside ``SearchIndex._reading``, which holds the
generation's lease, so a retired generation's files are never read after its lease is released.
"""
from __future__ import annotations

import threading
from typing import Any


class ThreadSearchers:
    def __init__(self, weighting: Any) -> None:
        self.weighting = weighting
        self._local = threading.local()

    def get(self, generation: Any, index: Any) -> Any:
        """This thread's searcher on ``index`` (the index of ``generation``), opened on first use."""
        held = getattr(self._local, "held", None)
        if held is not None and held[0] is generation:
            return held[1]
        if held is not None:
            held[1].close()
        searcher = index.searcher(weighting=self.weighting)
        self._local.held = (generation, searcher)
        return searcher
