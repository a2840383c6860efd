"""Opening an index generation must not copy its segment files into memory.

Whoosh's compound segments, opened through its memory map, hand every searcher a private copy of each
sub-file (BytesIO over a memoryview): at 100,000 documents 730 MB per searcher, gigabytes per web worker.
indexer/storage/generations.py opens generations through file handles instead; this guards that choice.
"""
from __future__ import annotations

import tracemalloc
from pathlib import Path

from whoosh import index as whoosh_index

from indexer.storage.generations import current_generation, open_generation


def _allocated_by_opening_a_searcher(open_index) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    index = open_index()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        searcher = index.searcher()
        after = tracemalloc.get_traced_memory()[0]
        searcher.close()
    finally:
        tracemalloc.stop()
    return before, after


def test_a_searcher_holds_no_copy_of_the_segments(crawled: dict[str, Path]) -> None:
    generation = current_generation(crawled["index"])
    segments = sum(f.stat().st_size for f in generation.glob("*.seg"))
    assert segments > 500_000  # the fixture index is big enough for a copy to show

    before, after = _allocated_by_opening_a_searcher(lambda: open_generation(generation))
    assert after - before < segments / 10

    # Whoosh's default (memory-mapped) opening does copy them: the check above can tell the difference
    before, after = _allocated_by_opening_a_searcher(lambda: whoosh_index.open_dir(str(generation)))
    assert after - before > segments / 2
