"""Suggestions: jamo prefixes while a syllable is being composed, 초성, English prefixes, on the crawled index."""
from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from indexer.suggest.entries import Suggestion
from indexer.suggest.keys import choseong, is_choseong_query, jamo
from indexer.suggest.suggester import Suggester


def texts(index, query: str) -> list[str]:  # type: ignore[no-untyped-def]
    return [s.text for s in index.suggest(query)]


def test_jamo_spells_out_compounds_so_every_composing_state_is_a_prefix() -> None:
    assert jamo("풀잎") == "ㅍㅜㄹㅇㅣㅍ"
    for typed, word in (("풀이", "풀잎스쿨"), ("핛", "학습"), ("강ㅎ", "강화"), ("화", "화학"), ("ㅇㅘ", "와"), ("U-N", "u-net")):
        assert jamo(word).startswith(jamo(typed)), (typed, word)


def test_choseong_plain_and_as_pronounced() -> None:
    assert choseong("강화학습") == "ㄱㅎㅎㅅ"
    assert choseong("풀잎스쿨") == "ㅍㅇㅅㅋ"
    assert choseong("풀잎스쿨", liaison=True) == "ㅍㄹㅅㅋ"  # 풀잎 is read [풀립]
    assert is_choseong_query("ㄱㅎ ㅎㅅ") and not is_choseong_query("강ㅎ") and not is_choseong_query("")


@given(st.text(max_size=30))
def test_any_input_is_answered_without_error(typed: str) -> None:
    suggester = Suggester([Suggestion("풀잎스쿨", "term", 3), Suggestion("Segmentation", "term", 2)])
    assert len(suggester.suggest(typed, limit=5)) <= 5


def test_korean_prefix_during_composition(search_index) -> None:  # type: ignore[no-untyped-def]
    assert "풀잎스쿨" in texts(search_index, "풀이")
    assert "풀잎스쿨" in texts(search_index, "풀잎ㅅ")
    assert "강화학습" in texts(search_index, "강화핛")


def test_choseong_search(search_index) -> None:  # type: ignore[no-untyped-def]
    assert texts(search_index, "ㄱㅎㅎㅅ")[0] == "강화학습"
    assert "풀잎스쿨" in texts(search_index, "ㅍㄹㅅㅋ")
    assert "풀잎스쿨" in texts(search_index, "ㅍㅇㅅㅋ")
    assert texts(search_index, "ㅋㅋㅋㅋㅋ") == []


def test_labs_repositories_titles_and_english_prefixes(search_index) -> None:  # type: ignore[no-untyped-def]
    kinds = {s.text: s.type for s in search_index.suggest("바이오", limit=10)}
    assert kinds.get("바이오메디컬랩") == "lab"
    assert any(s.type == "repo" and s.text == "modulabs/RL4RWS" for s in search_index.suggest("modulabs/rl", 10))
    assert any(t.lower() == "segmentation" for t in texts(search_index, "segm"))
    assert any(s.type == "title" and "Deconvolution" in s.text for s in search_index.suggest("deconv"))
    assert "RL4RWS" in " ".join(texts(search_index, "rl4")) and texts(search_index, "zzqqx") == []


def test_limit_and_no_duplicates(search_index) -> None:  # type: ignore[no-untyped-def]
    found = search_index.suggest("m", limit=20)
    assert 0 < len(found) <= 20
    assert len({s.text.lower() for s in found}) == len(found)
    assert search_index.suggest("   ") == []


def _noun_phrases_line_by_line(text: str) -> set[str]:
    """The suggestion terms' noun phrases read from mecab's plain output, segment by segment: what the
    chunk-by-chunk reading (cached per chunk, shared with the index analysis) must equal."""
    from indexer.analysis.nouns import read_noun_phrases
    from indexer.analysis.scan import Tagger, mecab_segments
    from indexer.analysis.userdict import default_user_dictionary

    found: set[str] = set()
    for segment in mecab_segments(text, default_user_dictionary()):
        found |= read_noun_phrases(segment, Tagger.parse(segment).splitlines())
    return found


def test_noun_phrases_read_chunk_by_chunk_as_line_by_line(shared_fixtures) -> None:  # type: ignore[no-untyped-def]
    from indexer.analysis import noun_phrases

    texts = [p.read_text("utf-8", "replace") for p in sorted(shared_fixtures.rglob("README*"))
             if "large" not in p.relative_to(shared_fixtures).parts[:1]]
    texts.append((shared_fixtures / "interviews" / "modulabs-biomedical-interview.txt").read_text("utf-8"))
    found = 0
    for text in texts:
        phrases = noun_phrases(text)
        assert phrases == _noun_phrases_line_by_line(text), text[:80]
        found += len(phrases)
    assert found > 1000


@given(st.lists(st.sampled_from(["강화학습을", "의료영상분석", "모두의연구소에서", "U-Net으로", "세그멘테이션", " ", "\n",
                                 "\t", "데이터", "ｆｕｌｌ", "CNN", "v2.0", "논문을", "\x0b", "\u2028", "\x00", "學習",
                                 "풀잎스쿨", "한 ", "e.g."]), max_size=30))
def test_noun_phrases_of_any_text_match_the_line_reading(parts: list[str]) -> None:
    from indexer.analysis import noun_phrases

    text = "".join(parts)
    assert noun_phrases(text) == _noun_phrases_line_by_line(text)
