"""Queries the search answers beyond plain words: 초성 searched as their best completion, filters without words
browsed newest first, and words that matched nothing reported (indexer/search/index.py, initials.py, tiers.py)."""
from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

import pytest
from flask.testing import FlaskClient

from indexer import SearchIndex
from web import create_app


@pytest.fixture(scope="module")
def client(crawled: dict[str, Path]) -> FlaskClient:
    return create_app({"TESTING": True, "INDEX_PATH": str(crawled["index"])}).test_client()


# -- 초성 ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("typed", "searched"), [("ㄱㅎㅎㅅ", "강화학습"), ("ㅍㄹㅅㅋ", "풀잎스쿨"), ("ㅍㅇㅅㅋ", "풀잎스쿨"),
                                                 ("ㅂㅇㅇㅁㄷㅋㄹ", "바이오메디컬랩")])
def test_initial_consonants_search_their_best_completion(search_index: SearchIndex, typed: str, searched: str) -> None:
    results = search_index.search(typed)
    assert results.choseong is not None and results.choseong.searched == searched
    assert results.total == search_index.search(searched).total > 0
    assert [h.id for h in results.hits] == [h.id for h in search_index.search(searched).hits]
    assert "<mark>" in results.hits[0].snippet + results.hits[0].title_html


def test_initials_keep_their_filters_and_searching_as_typed_turns_them_off(search_index: SearchIndex) -> None:
    narrowed = search_index.search("ㄱㅎㅎㅅ kind:readme")
    assert narrowed.choseong is not None and {h.kind for h in narrowed.hits} == {"readme"}
    assert narrowed.total == search_index.search("강화학습", filters={"kind": ["readme"]}).total
    raw = search_index.search("ㄱㅎㅎㅅ", correct=False)
    assert raw.choseong is None and raw.total == 0


def test_one_consonant_or_mixed_text_is_a_plain_query(search_index: SearchIndex) -> None:
    assert search_index.search("ㄱ").choseong is None
    assert search_index.search("강화ㅎㅅ").choseong is None


# -- filters alone ---------------------------------------------------------------------------


@pytest.mark.parametrize(("filters", "total"), [({"kind": ["readme"]}, 38), ({"lab": ["CTRL랩"]}, 3),
                                                ({"kind": ["interview"]}, 1), ({"kind": ["readme"], "lab": ["CTRL랩"]}, 3)])
def test_filters_without_words_browse_newest_first(search_index: SearchIndex, filters: dict[str, list[str]],
                                                   total: int) -> None:
    first = search_index.search("", filters=filters, per_page=5)
    assert first.browsing and first.total == total
    assert all(h.kind in filters.get("kind", [h.kind]) and h.lab in filters.get("lab", [h.lab]) for h in first.hits)
    dated = [h.published for h in first.hits if h.published]
    assert dated == sorted(dated, reverse=True)
    assert sum(first.facets["kind"].values()) == total
    if total > 5:
        second = search_index.search("", filters=filters, per_page=5, page=2)
        assert not {h.id for h in first.hits} & {h.id for h in second.hits}


def test_filters_typed_in_the_query_browse_too(search_index: SearchIndex) -> None:
    assert search_index.search("lab:CTRL랩").total == 3
    assert search_index.search("").total == 0 and not search_index.search("").browsing


# -- words that matched nothing --------------------------------------------------------------


def test_a_word_that_matches_nothing_is_reported(search_index: SearchIndex) -> None:
    results = search_index.search("쿠버네티스 강화학습")
    assert results.unmatched == ["쿠버네티스"]
    assert [h.id for h in results.hits][:3] == [h.id for h in search_index.search("강화학습").hits][:3]
    assert search_index.search("강화학습 pommerman").unmatched == []
    assert search_index.search("zzqqxx").unmatched == ["zzqqxx"]


# -- the JSON API ----------------------------------------------------------------------------


def test_the_api_reports_browsing_initials_and_missing_words(client: FlaskClient) -> None:
    browse = client.get("/api/search?kind=readme").get_json()
    assert browse["browsing"] and browse["total"] == 38 and len(browse["results"]) == 10
    assert client.get("/api/search?lab=" + quote("CTRL랩")).get_json()["total"] == 3
    assert client.get("/api/search?q=&kind=interview").get_json()["total"] == 1
    initials = client.get("/api/search?q=" + quote("ㄱㅎㅎㅅ")).get_json()
    assert initials["choseong"]["searched"] == "강화학습" and initials["total"] > 0
    missing = client.get("/api/search?q=" + quote("쿠버네티스 강화학습")).get_json()
    assert missing["unmatched"] == ["쿠버네티스"] and missing["total"] > 0
    assert client.get("/api/search?q=unet").get_json()["unmatched"] == []
