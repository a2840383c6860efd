"""The analysis shortcuts: the caches of what mecab's output stands for (``indexer.analysis.scan.CACHES``:
units per line, per Latin run, per user-dictionary word and per chunk of mecab output) and width folding
that skips text with nothing to fold.

The caches must never change a token: the tokens (text, position, characters, boost) with the caches
cold, warm or forgetting all the time are the same, on real Korean text read from the shared fixtures
at run time.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from indexer.analysis import fold_width, normalize_query, scan, text_analyzer

TokenTuple = tuple[str, int, int, int, float]

_HANGUL = re.compile("[\uac00-\ud7a3]")


@pytest.fixture(scope="module")
def korean_texts(shared_fixtures: Path) -> list[str]:
    """The interview and the lab READMEs with real Korean in them, plus a few posts of the large set
    (Korean mixed with English terms, code, Hanja and math)."""
    paths = [shared_fixtures / "interviews" / "modulabs-biomedical-interview.txt",
             *sorted((shared_fixtures / "github").rglob("README.md"))]
    for blog in ("ratsgo__ratsgo.github.io", "greeksharifa__greeksharifa.github.io"):
        paths += sorted((shared_fixtures / "large" / blog).rglob("*.md"))[:3]
    texts = [p.read_text("utf-8", "replace") for p in paths if p.is_file()]
    texts = [t[:20000] for t in texts if len(_HANGUL.findall(t)) >= 100]
    assert len(texts) >= 10, "expected Korean documents in the shared fixtures"
    return texts


def _tokens(text: str, mode: str) -> list[TokenTuple]:
    analyzer = text_analyzer()
    return [(t.text, t.pos, t.startchar, t.endchar, t.boost)
            for t in analyzer(text, positions=True, chars=True, boosts=True, mode=mode)]


def _all_tokens(texts: list[str], mode: str) -> list[list[TokenTuple]]:
    return [_tokens(text, mode) for text in texts]


@pytest.fixture()
def cleared_cache() -> Iterator[None]:
    scan.clear_caches()
    yield
    scan.clear_caches()


def _cached() -> int:
    return sum(len(cache) for caches in scan.CACHES.values() for cache in vars(caches).values())


def test_cache_cold_and_warm_give_the_same_tokens(korean_texts: list[str], cleared_cache: None,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    with monkeypatch.context() as patch:
        for caches in scan.CACHES.values():  # forget everything every few entries
            for cache in vars(caches).values():
                patch.setattr(cache, "maxsize", 4)
        forgetting = {mode: _all_tokens(korean_texts, mode) for mode in ("index", "query")}
    scan.clear_caches()
    # Index-time analysis decompounds (연구소 → 연구, 소) and query-time does not: one set of caches per mode.
    assert forgetting["index"] != forgetting["query"]

    cold = _all_tokens(korean_texts, "index")
    filled = _cached()
    assert filled > 1000
    warm = _all_tokens(korean_texts, "index")
    assert _cached() == filled  # the second run computed nothing: every chunk came from the cache
    query_after_index = _all_tokens(korean_texts, "query")  # the index-mode caches are full
    query_warm = _all_tokens(korean_texts, "query")

    for i, text in enumerate(korean_texts):
        assert cold[i] == forgetting["index"][i], text[:80]
        assert warm[i] == forgetting["index"][i], text[:80]
        assert query_after_index[i] == forgetting["query"][i], text[:80]
        assert query_warm[i] == forgetting["query"][i], text[:80]


def test_cached_lines_land_on_their_own_occurrence(korean_texts: list[str], cleared_cache: None) -> None:
    """A cached line keeps offsets relative to its surface: the same words later in the text, or in a
    text that starts elsewhere, point at their own characters."""
    for text in korean_texts:
        base = _tokens(text, "index")
        assert base
        shifted = _tokens("   " + text, "index")  # every line now comes from the cache
        assert shifted == [(w, p, s + 3, e + 3, b) for w, p, s, e, b in base]
        gap = len(text) + 2
        twice = _tokens(text + "\n\n" + text, "index")
        next_pos = base[-1][1] + 1
        assert twice == base + [(w, p + next_pos, s + gap, e + gap, b) for w, p, s, e, b in base]


# -- width folding -----------------------------------------------------------------------------

_SEPARATORS = "ㆍ·‧・"  # Korean list dots, folded to spaces


def _folded(char: str) -> str:
    """The documented folding of one character: full-width ASCII and the ideographic space as NFKC
    folds them, the list dots to a space, everything else (half-width katakana and Hangul
    compatibility jamo included) untouched."""
    if "\uff01" <= char <= "\uff5e" or char == "\u3000":
        return unicodedata.normalize("NFKC", char)
    if char in _SEPARATORS:
        return " "
    return char


_FOLD_ALPHABET = st.one_of(
    st.characters(min_codepoint=0xFF00, max_codepoint=0xFFEF),  # full- and half-width forms
    st.sampled_from(_SEPARATORS + "\u3000\u3001\u30fb\uff65ㄱㅏ가힣 aZ09-."),
    st.characters(),
)


@settings(max_examples=500, deadline=None)
@given(st.text(_FOLD_ALPHABET, max_size=60))
def test_fold_width_folds_each_character_as_documented(text: str) -> None:
    folded = fold_width(text)
    assert folded == "".join(_folded(c) for c in text)
    assert len(folded) == len(text)  # offsets into the folded text are offsets into the original


def test_fold_width_examples() -> None:
    assert fold_width("ＣＮＮ　모델　１２３！") == "CNN 모델 123!"
    assert fold_width("바이오ㆍ의료·영상‧데이터・모델") == "바이오 의료 영상 데이터 모델"
    # Half-width katakana and Hangul jamo are not width-folded (NFKC would change them).
    half = "ｶﾀｶﾅﾡﾤﾷ･"
    assert fold_width(half) == half
    assert unicodedata.normalize("NFKC", half) != half
    assert normalize_query("Ｕ－Ｎｅｔ으로ㆍ분할") == "U-Net으로 분할"


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.text(st.characters(max_codepoint=0x7F)), st.text("가나다라 연구소ABCabc123-_.\n")))
def test_text_with_nothing_to_fold_is_returned_as_is(text: str) -> None:
    """ASCII and plain Korean text skip the translation: the very same string comes back."""
    assert fold_width(text) is text
