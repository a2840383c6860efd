"""Suggestions as a person types (indexer/suggest/complete.py, entries.py): the one meant comes first (measured on
eval/suggestions.json), a whole compound before its head, the last word of a longer query completed, the wrong
keyboard mode fixed, and the characters typed known for the bold."""
from __future__ import annotations

from pathlib import Path

import pytest

from indexer import SearchIndex
from indexer.suggest.complete import complete, match_span
from indexer.suggest.entries import Suggestion
from indexer.suggest.suggester import Suggester

#: Issue 17: for the prefixes of eval/suggestions.json, the suggestion a person meant is first at least this often.
FIRST_SHARE_FLOOR = 0.90


def test_the_suggestion_meant_comes_first(crawled: dict[str, Path]) -> None:
    from eval.suggestions import suggestion_share

    share = suggestion_share(crawled["index"])
    assert share.prefixes >= 40
    assert share.first >= FIRST_SHARE_FLOOR * share.prefixes, share.misses


def texts(index: SearchIndex, typed: str, limit: int = 8) -> list[str]:
    return [s.text for s in index.suggest(typed, limit)]


def test_programme_names_and_whole_compounds_before_common_words(search_index: SearchIndex) -> None:
    assert texts(search_index, "ㅍㄹ")[0] == "풀잎스쿨"  # a programme, before 프로젝트, 필요, 플랫폼
    found = texts(search_index, "강화")
    assert found.index("강화학습") < found.index("강화")
    assert texts(search_index, "데이")[0] == "데이터"  # a far more frequent word keeps its place


def test_the_last_word_of_a_longer_query_is_completed(search_index: SearchIndex) -> None:
    assert texts(search_index, "U-Net 세그")[0] == "U-Net 세그멘테이션"
    assert texts(search_index, "semantic seg")[0] == "semantic segmentation"
    assert "강화학습 강화학습" not in texts(search_index, "강화학습 강화")  # a word already typed is not offered


def test_the_wrong_keyboard_mode_is_fixed_in_the_dropdown(search_index: SearchIndex) -> None:
    assert texts(search_index, "rkdgh")[0] == "강화학습"  # 강호, on the way to 강화
    assert texts(search_index, "vnfdl")[0] == "풀잎스쿨"
    assert {"python", "PyTorch"} <= set(texts(search_index, "ㅔㅛ"))  # py
    assert texts(search_index, "U-Net tprm")[0] == "U-Net 세그멘테이션"  # 세그 in the other mode


def test_a_document_suggestion_carries_its_address(search_index: SearchIndex) -> None:
    document = next(s for s in search_index.suggest("deconv", 8) if s.type == "title")
    assert document.url.endswith("/Learning_Deconvolution_Network_for_Semantic_Segmentation")


@pytest.mark.parametrize(("text", "typed", "span"), [
    ("풀잎스쿨", "풀이", (0, 2)), ("강화학습", "ㄱㅎ", (0, 2)), ("강화학습", "강화핛", (0, 4)),
    ("Learning Deconvolution Network", "deconv", (9, 15)), ("U-Net", "u-n", (0, 3)), ("풀잎스쿨", "ㅍㄹㅅ", (0, 3)),
    ("모두의 연구소 풀잎스쿨", "모두의연구소 풀", (0, 9)), ("강화학습", "xyz", None),
])
def test_the_characters_typed_are_known_for_the_bold(text: str, typed: str, span: tuple[int, int] | None) -> None:
    assert match_span(text, typed) == span


def test_every_completion_marks_what_was_typed(search_index: SearchIndex) -> None:
    for typed in ("풀이", "ㄱㅎㅎㅅ", "seg", "U-Net 세그", "rkdgh", "바이오"):
        for suggestion in search_index.suggest(typed, 8):
            assert suggestion.match is not None, (typed, suggestion)
            start, end = suggestion.match
            assert 0 <= start < end <= len(suggestion.text)


def test_a_compound_goes_before_its_head_only_when_it_is_used() -> None:
    suggester = Suggester([Suggestion("강화", "term", 30), Suggestion("강화학습", "term", 12),
                           Suggestion("강화도", "term", 2)])
    assert [s.text for s in complete(suggester, "강화")] == ["강화학습", "강화", "강화도"]
