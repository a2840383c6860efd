"""Typos fixed on the whole word before analysis, spacing variants, and a check that stays linear and capped."""
from __future__ import annotations

import time

from indexer.search.query import parse
from indexer.spelling.corrections import MAX_CORRECTED, Lexicon, check

#: index terms (morphemes and stems) and whole words as the corpus writes them
TERMS = {"트랜스": 3, "포머": 2, "모델": 40, "배치": 9, "정규화": 12, "정규": 5, "활성화": 8, "함수": 60,
         "제너레이터": 31, "segment": 9, "reinforc": 4, "learn": 30, "optim": 7, "recommend": 12, "system": 40,
         "graph": 11, "웹소켓": 3, "연결": 20}
WORDS = {"트랜스포머": 5, "모델": 40, "배치": 9, "정규화": 12, "활성화": 8, "함수": 60, "제너레이터": 31,
         "segmentation": 9, "reinforcement": 4, "learning": 30, "optimizer": 7, "recommendation": 12,
         "system": 40, "graph": 11, "웹소켓": 3, "연결": 20}
LEXICON = Lexicon(TERMS, WORDS)


def corrected(text: str) -> str | None:
    return check(parse(text).text, LEXICON).corrected


def test_a_misspelt_loanword_is_fixed_as_a_whole_word() -> None:
    assert corrected("트렌스포머 모델") == "트랜스포머 모델"  # the analyzer would split it first
    assert corrected("제네레이터를") == "제너레이터를"


def test_one_letter_slips_in_english_are_fixed() -> None:
    assert corrected("segmentaton") == "segmentation"
    assert corrected("reinforcment learning") == "reinforcement learning"  # its stem is even known
    assert corrected("recomendation system") == "recommendation system"  # long: fixed next to a known word


def test_another_inflection_is_not_a_typo() -> None:
    assert corrected("optimizers") is None


def test_spacing_variants_are_joined_and_split() -> None:
    assert corrected("배치 정규 화") == "배치 정규화"
    assert corrected("웹 소켓 연결") == "웹소켓 연결"
    assert corrected("활성화함수") == "활성화 함수"


def test_known_words_are_left_alone() -> None:
    for text in ("트랜스포머 모델", "배치 정규화", "graph", "정규화 함수"):
        result = check(parse(text).text, LEXICON)
        assert result.corrected is None and result.suggestion is None, text


def test_a_short_respelling_next_to_known_words_is_only_suggested() -> None:
    lexicon = Lexicon({"local": 9, "sourc": 5, "separ": 4}, {"local": 9, "source": 5, "separation": 4})
    result = check("vocal source separation", lexicon)
    assert result.corrected is None and result.suggestion == "local source separation"


def test_the_check_is_capped_and_linear_in_the_words() -> None:
    syllables = "괋뷁쀍뛝괅꿻쒧뒑뤫쌻뙓퉭"

    def seconds(count: int) -> float:  # distinct unknown Hangul words, as a hostile client sends them
        text = " ".join(syllables[i % 12] + syllables[i // 12 % 12] + syllables[(i * 5) % 12] for i in range(count))
        started = time.perf_counter()
        check(text, LEXICON)
        return time.perf_counter() - started

    seconds(8)
    small, large = min(seconds(20) for _ in range(3)), min(seconds(120) for _ in range(3))
    assert large < 6 * small + 0.05  # 6 times the words: linear, not quadratic (which would be 36 times)
    text = " ".join(["트렌스포머"] * (MAX_CORRECTED + 5))
    assert check(text, LEXICON).text.split().count("트랜스포머") == MAX_CORRECTED


def test_the_check_stops_at_its_deadline() -> None:
    result = check("트렌스포머 제네레이터", LEXICON, deadline=time.monotonic() - 1)
    assert result.corrected is None


def test_a_long_word_is_fixed_to_one_the_corpus_writes_only_once() -> None:
    lexicon = Lexicon({"reinforc": 1, "learn": 30}, {"reinforcement": 1, "learning": 30})  # below the buckets
    assert check("reinforcment learning", lexicon).corrected == "reinforcement learning"


def test_one_letter_slips_are_corrected_on_the_fixture_index(search_index) -> None:  # type: ignore[no-untyped-def]
    for typed, meant in (("segmentaton", "segmentation"), ("reinforcment learning", "reinforcement learning")):
        assert search_index.search(typed).corrected == meant
