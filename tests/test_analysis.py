"""The analyzer: Korean morphology, English stems, offsets that point at the right characters."""
from __future__ import annotations

import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from indexer.analysis import bigram_analyzer, text_analyzer


def terms(text: str, mode: str = "index") -> list[str]:
    return [t.text for t in text_analyzer()(text, mode=mode)]


def test_particles_and_endings_are_dropped() -> None:
    assert terms("세그멘테이션을 배우고 싶어요") == ["세그멘테이션", "배우"]
    assert terms("강화학습으로") == terms("강화학습")


def test_compounds_are_indexed_whole_and_split_but_queried_whole() -> None:
    assert {"연구소", "연구"} <= set(terms("모두의 연구소에서"))
    assert "연구" not in terms("연구소에서", mode="query")


def test_spacing_variants_share_terms() -> None:
    assert set(terms("모두의 연구소", mode="query")) <= set(terms("모두의연구소에서"))
    assert set(terms("의료 영상 분석")) == set(terms("의료영상분석"))


def test_english_is_lowercased_and_stemmed() -> None:
    assert terms("Networks Segmentation") == ["network", "segment"]
    assert "unet" in terms("U-Net으로") and "unet" in terms("unet")


def test_the_stemmer_loads_without_scipy_which_stays_importable() -> None:
    pytest.importorskip("scipy")  # installed here by the test extras (ir-measures); production has none
    probe = ("import sys; import indexer.analysis.english as e; print('scipy' in sys.modules, e.stem('networks')); "
             "import scipy.stats; print(scipy.stats.norm.cdf(0.0))")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["False", "network", "0.5"]


def test_hanja_is_read_as_hangul() -> None:
    assert terms("喜悲哀歡") == ["희비애환"]


def test_offsets_point_at_the_surface() -> None:
    text = "바이오메디컬랩에서 U-Net으로 세포를 분할한다"
    for token in text_analyzer()(text, chars=True):
        assert text[token.startchar:token.endchar].lower().replace("-", "").startswith(token.text[:1])


def test_bigrams_cover_misread_loanwords() -> None:
    grams = [t.text for t in bigram_analyzer()("세그멘테이션을")]
    assert grams[:3] == ["세그", "그멘", "멘테"]


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_analyzer_never_raises_and_offsets_stay_inside(text: str) -> None:
    for analyzer in (text_analyzer(), bigram_analyzer()):
        for token in analyzer(text, chars=True, positions=True):
            assert 0 <= token.startchar <= token.endchar <= len(text)
