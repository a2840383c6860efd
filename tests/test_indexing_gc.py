"""The fill's garbage-collector thresholds, and the miner's pairs after its per-document shortcuts."""
from __future__ import annotations

import gc

import pytest

from indexer.mining import mine
from indexer.mining.counts import _HANGUL_KEYS, _LATIN_KEYS, GLOSS, TRANSLITERATION, transliterates
from indexer.mining.words import hangul_words, latin_words
from indexer.operations.collection import INDEXING_THRESHOLDS, fewer_collections


def test_rebuild_collects_less_often_and_puts_the_thresholds_back() -> None:
    before = gc.get_threshold()
    with fewer_collections():
        assert gc.get_threshold() == INDEXING_THRESHOLDS
    assert gc.get_threshold() == before
    with pytest.raises(RuntimeError), fewer_collections():
        raise RuntimeError("indexing failed")
    assert gc.get_threshold() == before


@pytest.mark.parametrize("text", [
    "제너레이터와 generator, 이터레이터(iterator)와 클로저 closure, 스레드 thread 쓰레드",
    "모드 mode mod 모델 model 메서드 method 매서드",
    "없는 단어만 있는 문서",
    "only English words here: generator iterator",
])
def test_mined_transliterations_are_every_same_key_pair_that_sounds_alike(text: str) -> None:
    korean, english = hangul_words(text), latin_words(text)
    expected = {(TRANSLITERATION, k, e) for k in korean for e in english
                if _HANGUL_KEYS[k] and _HANGUL_KEYS[k] == _LATIN_KEYS[e] and transliterates(k, e)}
    mined = mine(text)
    assert {pair for pair in mined.pairs if pair[0] != GLOSS} == expected
    assert mined.words == korean | english
