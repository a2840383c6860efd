"""Property tests: arbitrary strings through the query path and the analyzers never raise."""
from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from indexer import SearchIndex
from indexer.analysis import bigram_analyzer, text_analyzer
from indexer.search import query as userquery

# Every code point, surrogates included, with extra weight on the characters this engine cares about.
ANY_TEXT = st.text(st.characters(min_codepoint=0, max_codepoint=0x10FFFF), max_size=200)
QUERY_TEXT = st.one_of(
    ANY_TEXT,
    st.text(st.sampled_from(list('가각세그멘테이션각연구소 "()-*:?~^[]{}\\/ lab:kind:lang:title:unet U-Net 研究 ｕｎｅｔ\x00\u200b')),
            max_size=120),
)
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@SETTINGS
@given(QUERY_TEXT)
def test_parse_and_build_never_raise(text: str) -> None:
    parsed = userquery.parse(text)
    built = userquery.build(parsed)
    assert built is not None
    userquery.filter_query(parsed.filters)


@SETTINGS
@given(QUERY_TEXT, st.integers(-5, 500), st.integers(-5, 500), st.sampled_from(["relevance", "date"]))
def test_search_never_raises(search_index: SearchIndex, text: str, page: int, per_page: int, sort: str) -> None:
    results = search_index.search(text, page=page, per_page=per_page, sort=sort)
    assert results.total >= 0 and len(results.hits) <= results.per_page
    results.to_dict()


@SETTINGS
@given(ANY_TEXT)
def test_analyzers_never_raise_and_offsets_stay_inside(text: str) -> None:
    for analyzer in (text_analyzer(), bigram_analyzer()):
        for mode in ("index", "query"):
            for token in analyzer(text, positions=True, chars=True, mode=mode):
                assert token.text
                assert 0 <= token.startchar <= token.endchar <= len(text)
