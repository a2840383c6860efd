"""A new generation's spelling lexicon and suggestion index are built in the background."""
from __future__ import annotations

import time
from pathlib import Path

from indexer import SearchIndex
from indexer.spelling import corrections as spelling
from indexer.suggest import suggester as suggest


def test_switching_to_a_generation_warms_it_without_a_search(crawled: dict[str, Path]) -> None:
    index = SearchIndex(crawled["index"])
    assert index.status()["ok"]
    generation = index.live.current()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if generation.index in spelling._LEXICONS and generation.index in suggest._cache:
            break
        time.sleep(0.05)
    assert generation.index in spelling._LEXICONS
    assert generation.index in suggest._cache


def test_warming_can_be_turned_off(crawled: dict[str, Path]) -> None:
    index = SearchIndex(crawled["index"], warm=False)
    assert index.status()["ok"]
    assert index.search("강화학습").total > 0
