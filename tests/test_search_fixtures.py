"""Search over the crawled fixtures: Korean particles, multi-word English, bad input."""
from __future__ import annotations

import pytest

from indexer import SearchIndex


def titles(index: SearchIndex, query: str, n: int = 10) -> list[str]:
    return [h.title for h in index.search(query, per_page=n).hits]


def urls(index: SearchIndex, query: str, n: int = 10) -> list[str]:
    return [h.url for h in index.search(query, per_page=n).hits]


def test_particle_does_not_block_a_match(search_index: SearchIndex) -> None:
    assert urls(search_index, "세그멘테이션을")[0].endswith("/U_Net")


def test_korean_ending_on_compound_word(search_index: SearchIndex) -> None:
    top3 = urls(search_index, "강화학습", 3)
    assert "https://github.com/modulabs/RL4RWS" in top3
    assert "https://github.com/modulabs-ctrl/pommerman-2018" in top3
    assert urls(search_index, "강화학습으로", 3)[:2] == top3[:2]


def test_semantic_segmentation_finds_the_four_papers(search_index: SearchIndex) -> None:
    top5 = {u.rsplit("/", 1)[-1] for u in urls(search_index, "semantic segmentation", 5)}
    assert {"FCN", "Learning_Deconvolution_Network_for_Semantic_Segmentation", "U_Net", "FusionNet"} <= top5


def test_not_every_word_must_match(search_index: SearchIndex) -> None:
    results = search_index.search("segmentation zzqqxx")
    assert results.total > 0


def test_nothing_matches_gives_an_empty_list(search_index: SearchIndex) -> None:
    results = search_index.search("zzqqxxvv")
    assert results.total == 0 and results.hits == []


@pytest.mark.parametrize("query", ['"unclosed', "title:", "(((", "))", "AND OR NOT", "*", "-", '""', "lab:"])
def test_malformed_queries_never_raise(search_index: SearchIndex, query: str) -> None:
    results = search_index.search(query)
    assert results.total >= 0


def test_snippet_marks_the_korean_word_inside_its_eojeol(search_index: SearchIndex) -> None:
    # the particle typed (을) and the ones written stay outside the mark (tests/test_snippets.py: 세그멘테이션을)
    snippet = search_index.search("세그멘테이션을").hits[0].snippet
    assert "<mark>세그멘테이션</mark>" in snippet and "<mark>세그멘테이션을" not in snippet


def test_snippet_escapes_document_text(search_index: SearchIndex) -> None:
    for hit in search_index.search("pommerman install", per_page=20).hits:
        assert "<script" not in hit.snippet.lower()
        assert hit.snippet.count("<mark") == hit.snippet.count("</mark>")


def test_filters_narrow_results(search_index: SearchIndex) -> None:
    all_hits = search_index.search("강화학습", per_page=50)
    readmes = search_index.search("강화학습", per_page=50, filters={"kind": ["readme"]})
    assert 0 < readmes.total < all_hits.total
    assert {h.kind for h in readmes.hits} == {"readme"}
    inline = search_index.search("강화학습 kind:readme", per_page=50)
    assert inline.total == readmes.total


def test_exclusion_removes_documents(search_index: SearchIndex) -> None:
    with_pommerman = urls(search_index, "강화학습", 50)
    without = urls(search_index, "강화학습 -pommerman", 50)
    assert "https://github.com/modulabs-ctrl/pommerman-2018" in with_pommerman
    assert "https://github.com/modulabs-ctrl/pommerman-2018" not in without


def test_words_next_to_each_other_rank_above_scattered_ones(search_index: SearchIndex) -> None:
    # 모두의 문제 연구소 (the distractor) has both words, but not side by side.
    top = urls(search_index, "모두의 연구소", 2)
    assert not any("modulabs_homepage" in u for u in top)


def test_bigram_recall_net_only_when_needed() -> None:
    from indexer.search.query import needs_bigrams

    def known(term: str) -> bool:
        return term in {"강화", "학습", "게임", "모델", "영상"}

    assert needs_bigrams("강화학습", known)  # short: always
    assert not needs_bigrams("강화학습으로 게임 모델", known)  # long and every term known
    assert needs_bigrams("강화학습으로 게임 허깅페이스 모델", known)  # an unknown Hangul term
