"""The index-time fast path: ``index_terms`` and ``bigram_terms`` give exactly what the Token chain gives,
and the chunk reading of mecab's output gives exactly what the line-by-line reading gives.

Three references: outputs pinned from the analyzer as it was before the fast path existed; the Token
chain (``text_analyzer()`` / ``bigram_analyzer()``); and ``scan(..., chunked=False)``, which reads mecab's
usual output line by line as the analyzer always did. Checked on the shared fixtures' texts and on
generated text full of what breaks tokenizers.
"""
from __future__ import annotations

import doctest
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from indexer import analysis
from indexer.analysis import (
    bigram_analyzer,
    bigram_terms,
    fold_width,
    index_terms,
    korean,
    morphemes,
    scan,
    terms,
    text_analyzer,
    userdict,
)
from indexer.analysis.userdict import UserDictionary, default_user_dictionary

# What the analyzer gave before the fast path existed (commit 1abebbf), as (value, its (text, position)
# pairs, its bigrams). Positions of -1 are what it gives a value that starts with a Latin run of single
# letters (a-b, e.g.): kept, the index must not change.
PINNED = [
    ('',
     [],
     []),
    (' \t\n ',
     [],
     []),
    ('세그멘테이션을 배우고 싶어요',
     [('세그멘테이션', 0), ('배우', 1)],
     ['세그', '그멘', '멘테', '테이', '이션', '션을', '배우', '우고', '싶어', '어요']),
    ('강화학습으로 Networks를 배우기',
     [('강화', 0), ('학습', 1), ('network', 2), ('배우', 3)],
     ['강화', '화학', '학습', '습으', '으로', '를', '배우', '우기']),
    ('모두의연구소에서 풀잎스쿨을 열었다',
     [('모두의연구소', 0), ('모두', 0), ('연구소', 1), ('풀잎스쿨', 2), ('풀잎', 2), ('스쿨', 3), ('열', 4)],
     ['모두', '두의', '의연', '연구', '구소', '소에', '에서', '풀잎', '잎스', '스쿨', '쿨을', '열었', '었다']),
    ('모두의연구소님을 만나 바이오메디컬랩의 연구',
     [('모두의연구소', 0), ('모두', 0), ('연구소', 1), ('만나', 2), ('바이오메디컬랩', 3), ('바이오메디컬', 3), ('랩', 4), ('연구', 5)],
     ['모두', '두의', '의연', '연구', '구소', '소님', '님을', '만나', '바이', '이오', '오메', '메디', '디컬', '컬랩', '랩의', '연구']),
    ('U-Net으로 세포를 분할한다',
     [('net', 0), ('unet', 0), ('세포', 1), ('분할', 2)],
     ['으로', '세포', '포를', '분할', '할한', '한다']),
    ('C++ C# v2.0 CNN-based ResNet_50 a-b x.y',
     [('c', 0), ('c++', 0), ('c', 1), ('c#', 1), ('2', 2), ('0', 3), ('v2.0', 3), ('cnn', 4), ('base', 5), ('cnnbase', 5), ('resnet', 6), ('50', 7), ('resnet50', 7), ('ab', 7), ('x.y', 7)],
     []),
    ('ＣＮＮ\u3000모델\u3000１２３！ 바이오ㆍ의료·영상',
     [('cnn', 0), ('모델', 1), ('123', 2), ('바이오', 3), ('의료', 4), ('영상', 5)],
     ['모델', '바이', '이오', '의료', '영상']),
    ('喜悲哀歡 漢字 한자',
     [('희비애환', 0), ('한자', 1), ('한자', 2)],
     ['한자']),
    ('The state of the art is not yet here',
     [('state', 1), ('art', 4), ('here', 8)],
     []),
    ('연구소\r\n연구\x0b소\x0c모두\x1c의\x85연구\u2028소\u2029끝',
     [('연구소', 0), ('연구', 0), ('소', 1), ('연구', 2), ('소', 3), ('모두', 4), ('연구', 5), ('소', 6), ('끝', 7)],
     ['연구', '구소', '연구', '소', '모두', '의', '연구', '소', '끝']),
    ('abc\x00def 가나\x00다',
     [('abc', 0)],
     ['가나', '다']),
    ('lone \ud800 surrogate \udfff-x 가\udc00나',
     [('lone', 0), ('surrog', 1), ('x', 2), ('가', 3), ('나', 4)],
     ['가', '나']),
    ('marker\x01chars\x02in\x1ftext 모두의연구소\x01',
     [('marker', 0), ('char', 1), ('text', 3), ('모두의연구소', 4), ('모두', 4), ('연구소', 5)],
     ['모두', '두의', '의연', '연구', '구소']),
    ('Ð가Ðab-Ðcd',
     [('ð', 0), ('ðab', 1), ('ðcd', 2), ('ðabðcd', 2)],
     ['가']),
    ('a-b 가 --- ... ++ ## c+ d#',
     [('ab', -1), ('가', 0), ('c', 1), ('c+', 1), ('d', 2), ('d#', 2)],
     ['가']),
    ('https://github.com/modulabs/RL4RWS/blob/main/README.md 참고',
     [('https', 0), ('github', 1), ('com', 2), ('github.com', 2), ('modulab', 3), ('rl', 4), ('4', 5), ('rws', 6), ('rl4rws', 6), ('blob', 7), ('main', 8), ('readm', 9), ('md', 10), ('readme.md', 10), ('참고', 11)],
     ['참고']),
    ('<center><img src="/public/img/2021-11-07-VQVAE/fig02.png" width="100%"></center>',
     [('center', 0), ('img', 1), ('src', 2), ('public', 3), ('img', 4), ('2021', 5), ('11', 6), ('07', 7), ('vqvae', 8), ('20211107vqvae', 8), ('fig', 9), ('02', 10), ('fig02', 10), ('png', 11), ('width', 12), ('100', 13), ('center', 14)],
     []),
    ('$32 \\times 32 \\times 1$ latent space에서 학습시킨',
     [('32', 0), ('time', 1), ('32', 2), ('time', 3), ('1', 4), ('latent', 5), ('space', 6), ('학습', 7)],
     ['에서', '학습', '습시', '시킨']),
    ('딥뉴럴네트워크를 모두연에서 모두콘과 아이펠톤',
     [('딥뉴럴네트워크', 0), ('딥', 0), ('뉴럴네트워크', 1), ('모두연', 2), ('모두콘', 3), ('아이펠톤', 4)],
     ['딥뉴', '뉴럴', '럴네', '네트', '트워', '워크', '크를', '모두', '두연', '연에', '에서', '모두', '두콘', '콘과', '아이', '이펠', '펠톤']),
    ('ﾊﾝｶｸ ㄱㄴㄷ ㅏㅑ 가힣',
     [('ﾊﾝｶｸ', 0), ('ㄱ', 1), ('ㄴ', 2), ('ㄷ', 3), ('ㅏㅑ', 4), ('가', 5), ('힣', 6)],
     ['가힣']),
    ('1.5배 3,000원 2024-01-01 10:30',
     [('1', 0), ('5', 1), ('1.5', 1), ('배', 2), ('3', 3), ('000', 4), ('2024', 5), ('01', 6), ('01', 7), ('20240101', 7), ('10', 8), ('30', 9)],
     ['배', '원']),
    ("e.g. i.e. U.S.A. Mr. Smith's",
     [('e.g', -1), ('i.e', -1), ('u.s.a', -1), ('mr', 0), ('smith', 1), ('s', 2)],
     []),
]


def chain_terms(value: str) -> list[tuple[str, int]]:
    return [(t.text, t.pos) for t in text_analyzer()(value, positions=True, mode="index")]


def chain_bigrams(value: str) -> list[str]:
    return [t.text for t in bigram_analyzer()(value)]


def scanned(value: str, index: bool, chunked: bool) -> list[tuple[str, int, int, bool]]:
    """The morphemes (text, start, end, same_position) of the units ``scan`` reads."""
    return [(word, start + begin, start + end, same)
            for unit, start in scan.scan(value, index, default_user_dictionary(), chunked=chunked)
            for word, begin, end, same in unit.morphs]


def assert_same_analysis(value: str) -> None:
    """The fast path equals the Token chain, and the chunk reading equals the line reading."""
    texts, positions = index_terms(value)
    assert list(zip(texts, positions, strict=True)) == chain_terms(value)
    assert bigram_terms(value) == chain_bigrams(value)
    for index in (True, False):
        assert scanned(value, index, chunked=True) == scanned(value, index, chunked=False)


@pytest.mark.parametrize(("value", "expected_terms", "expected_bigrams"), PINNED)
def test_pinned_outputs_of_the_analyzer_before_the_fast_path(value: str, expected_terms: list[tuple[str, int]],
                                                             expected_bigrams: list[str]) -> None:
    texts, positions = index_terms(value)
    assert list(zip(texts, positions, strict=True)) == expected_terms
    assert chain_terms(value) == expected_terms
    assert bigram_terms(value) == expected_bigrams
    assert_same_analysis(value)


def test_the_index_mode_is_the_one_whoosh_uses() -> None:
    """Compounds are split at index time only: index_terms is the index mode, not the query mode."""
    texts, _ = index_terms("연구소에서")
    assert texts == ["연구소", "연구", "소"]
    assert [t.text for t in text_analyzer()("연구소에서", mode="query")] == ["연구소"]


# -- the shared fixtures ------------------------------------------------------------------------------

_TAG = re.compile(r"<[^>]+>")


@pytest.fixture(scope="module")
def fixture_texts(shared_fixtures: Path) -> list[str]:
    """Every README under the fixtures, the interview, the lab blog's pages (their HTML and the text
    between the tags) and a few posts of the large ML blogs (Korean with code, math and Hanja)."""
    texts = [p.read_text("utf-8", "replace") for p in sorted(shared_fixtures.rglob("README*"))
             if "large" not in p.relative_to(shared_fixtures).parts[:1]]
    texts.append((shared_fixtures / "interviews" / "modulabs-biomedical-interview.txt").read_text("utf-8"))
    pages = sorted((shared_fixtures / "sites" / "modulabs-biomedical.github.io").rglob("*.html"))
    for number, page in enumerate(pages):
        html = page.read_text("utf-8", "replace")
        texts += [html, _TAG.sub(" ", html)] if number < 4 else [_TAG.sub(" ", html)]
    for blog in ("ratsgo__ratsgo.github.io", "greeksharifa__greeksharifa.github.io"):
        texts += [p.read_text("utf-8", "replace")[:20000] for p in sorted((shared_fixtures / "large" / blog).rglob("*.md"))[:2]]
    assert len(texts) >= 60 and sum(map(len, texts)) > 300_000
    return texts


def test_fixture_texts_analyse_the_same(fixture_texts: list[str]) -> None:
    seen = 0
    for value in fixture_texts:
        texts, positions = index_terms(value)
        assert list(zip(texts, positions, strict=True)) == chain_terms(value), value[:80]
        assert bigram_terms(value) == chain_bigrams(value), value[:80]
        seen += len(texts)
    assert seen > 30_000


def test_fixture_texts_read_in_chunks_as_line_by_line(fixture_texts: list[str]) -> None:
    for value in fixture_texts:
        for index in (True, False):
            assert scanned(value, index, chunked=True) == scanned(value, index, chunked=False), value[:80]


def test_fixture_texts_analyse_the_same_with_cold_caches(fixture_texts: list[str]) -> None:
    """Cached units never change a result: a cold run and a warm run give the same terms."""
    values = fixture_texts[:20]
    warm = [index_terms(value) for value in values]
    scan.clear_caches()
    assert all(len(cache) == 0 for cache in vars(scan.CACHES[True]).values())
    assert [index_terms(value) for value in values] == warm
    assert len(scan.CACHES[True].chunks) > 100


def unit_split_outputs(value: str) -> list[list[str] | None]:
    """Each mecab segment's chunk outputs as the index analysis splits them (reading every chunk into a unit)."""
    found = []
    for segment in scan.mecab_segments(value, default_user_dictionary()):
        scan._RECENT.clear()  # the split checked with units, not as chunk_outputs last checked it
        split = scan._split_chunks(segment, scan.CACHES[True])
        found.append(None if split is None else split[1])
    return found


def light_outputs(value: str, remembered: bool = False) -> list[list[str] | None]:
    """chunk_outputs of each segment: read afresh, or (``remembered``) as the analysis last split it."""
    found = []
    for segment in scan.mecab_segments(value, default_user_dictionary()):
        if not remembered:
            scan._RECENT.clear()
        found.append(scan.chunk_outputs(segment))
    return found


def test_chunk_outputs_without_units_split_as_the_analysis_does(fixture_texts: list[str]) -> None:
    """chunk_outputs reads no chunk into a unit it does not already have, and still splits (or refuses) alike."""
    values = fixture_texts[:40]
    scan.clear_caches()
    cold = [light_outputs(value) for value in values]
    assert len(scan.CACHES[True].chunks) == 0  # nothing was read into units
    assert sum(len(o) for outputs in cold for o in outputs if o) > 1000
    assert cold == [unit_split_outputs(value) for value in values]
    assert [light_outputs(value) for value in values] == cold  # now with the units cached
    for value, expected in zip(values, cold, strict=True):  # as the index analysis has just left them
        scan._RECENT.clear()
        index_terms(value)
        segments = scan.mecab_segments(value, default_user_dictionary())
        assert len(segments) > 64 or all(segment in scan._RECENT for segment in segments)
        assert light_outputs(value, remembered=True) == expected


# -- generated text -----------------------------------------------------------------------------------

_USER_WORDS = sorted(default_user_dictionary().entries)
_WORDS = [
    "연구소", "모두의", "강화학습", "세그멘테이션", "배우", "싶어요", "분할한다", "의료영상", "딥러닝", "喜悲", "漢字",
    "U-Net", "C++", "C#", "v2.0", "CNN-based", "ResNet_50", "x.y", "e.g.", "Networks", "the", "of", "is", "README.md",
    "ＣＮＮ", "１２３", "ﾊﾝｶｸ", "ㄱㄴ", "Ð", "3,000원", "10:30", "$x^2$", "<img>", "--", "...", "++", "#", "_", "a", "b1",
]
_PARTICLES = ["", "", "을", "를", "이", "가", "은", "는", "의", "에서", "으로", "님을", "들이", "랑", "입니다", "학"]
_SEPARATORS = ["", " ", " ", "  ", "\n", "\t", "\r\n", "\x0b", "\x0c", "\x1c", "\x85", "\u2028", "\u3000", "ㆍ", "·",
               "-", ".", ",", "\x00", "\x01", "\x02", "\x1f", "\ud800", "\udfff"]

_word = st.one_of(
    st.sampled_from(_WORDS),
    st.builds(str.__add__, st.sampled_from(_USER_WORDS), st.sampled_from(_PARTICLES)),
    st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=4),
    st.text("가나다라마연구소모두의을를ㅏabcXYZ019-_.+#", min_size=1, max_size=12),
)
_tricky = st.lists(st.tuples(_word, st.sampled_from(_SEPARATORS)), max_size=30).map(
    lambda pairs: "".join(word + separator for word, separator in pairs))


@settings(max_examples=300, deadline=None)
@given(_tricky)
def test_tricky_text_analyses_the_same(value: str) -> None:
    assert_same_analysis(value)
    assert light_outputs(value) == unit_split_outputs(value) == light_outputs(value, remembered=True)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=120))
def test_any_text_analyses_the_same(value: str) -> None:
    assert_same_analysis(value)


@settings(max_examples=20, deadline=None)
@given(st.sampled_from(["가", "a", "1", "-", "모두의연구소", "U-Net ", "漢", "\ud800"]), st.integers(500, 3000))
def test_long_runs_analyse_the_same(piece: str, count: int) -> None:
    assert_same_analysis(piece * count)


def test_offsets_of_the_chunk_reading_point_at_the_surface() -> None:
    value = "  모두의연구소에서 U-Net으로\n\n세포를  분할한다 C++ 喜悲"
    folded = fold_width(value)
    for morph in morphemes(value):
        assert folded[morph.start:morph.end].replace("-", "") in (morph.text, "喜悲") or morph.same_position


# -- the user dictionary's trie --------------------------------------------------------------------------

def _longest_first(words: list[str]) -> re.Pattern[str]:
    return re.compile("|".join(map(re.escape, sorted(words, key=len, reverse=True))))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text("abcㄱ가", min_size=1, max_size=4), min_size=1, max_size=12, unique=True),
       st.text("abcㄱ가 ", max_size=40))
def test_user_words_match_as_a_longest_first_alternation(words: list[str], value: str) -> None:
    dictionary = UserDictionary([userdict.UserEntry(word, ()) for word in words])
    expected = [(m.start(), m.end(), m.group(0)) for m in _longest_first(words).finditer(value)]
    assert [(start, end, entry.word) for start, end, entry in dictionary.spans(value)] == expected


def test_default_user_dictionary_matches_as_before(fixture_texts: list[str]) -> None:
    dictionary = default_user_dictionary()
    pattern = _longest_first(list(dictionary.entries))
    found = 0
    for value in fixture_texts:
        expected = [(m.start(), m.end(), m.group(0)) for m in pattern.finditer(value)]
        assert [(start, end, entry.word) for start, end, entry in dictionary.spans(value)] == expected
        found += len(expected)
    assert found > 20


# -- the examples in the docstrings ----------------------------------------------------------------------

@pytest.mark.parametrize("module", [analysis, terms, korean, userdict], ids=lambda m: m.__name__)
def test_docstring_examples(module: object) -> None:
    failures, tried = doctest.testmod(module, raise_on_error=False)  # type: ignore[arg-type]
    assert tried > 0 and failures == 0
