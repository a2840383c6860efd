"""Fewer cyclic garbage collections while a rebuild indexes documents and writes its lookup files.

Indexing a document allocates many short-lived containers (analysis tokens, the miner's word sets, the
suggestion terms) while the heap keeps growing with long-lived ones (postings, memos, counts). With
Python's default thresholds a full collection runs every few hundred thousand allocations and walks the
whole growing heap each time: about a tenth of a rebuild's CPU. Indexing creates almost no reference
cycles, so collecting less often frees the same memory a little later and changes nothing else.
"""
from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

#: (young, middle, old) thresholds while a rebuild runs; Python's default is (700, 10, 10).
INDEXING_THRESHOLDS = (50_000, 20, 20)


@contextmanager
def fewer_collections() -> Iterator[None]:
    """Raise the collector's thresholds for the block, then put back the ones it had."""
    before = gc.get_threshold()
    gc.set_threshold(*INDEXING_THRESHOLDS)
    try:
        yield
    finally:
        gc.set_threshold(*before)
