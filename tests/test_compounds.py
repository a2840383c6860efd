"""A Korean compound in the query ranks the documents holding it whole (one word, spaced, or its glossary twin)
above those holding only a part (indexer/search/tiers.py): on the crawled fixtures and on real Korean writing
from fixtures/large. What a document holds is read from its stored text here, independently of the index."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from corpus import Corpus, Document
from indexer import SearchIndex, rebuild
from indexer.search.expand import expand

#: (compound, its parts as written apart)
FIXTURE_COMPOUNDS = [("강화학습", ("강화", "학습")), ("모두의연구소", ("모두", "연구소")), ("의료영상", ("의료", "영상")),
                     ("음원분리", ("음원", "분리")), ("자연어처리", ("자연어", "처리"))]
LARGE_COMPOUNDS = [("자연어처리", ("자연어", "처리")), ("언어모델", ("언어", "모델")), ("확률분포", ("확률", "분포")),
                   ("벡터공간", ("벡터", "공간")), ("신경망", ("신경", "망"))]


#: What may stand between a compound's parts when it is written apart: spaces, punctuation, a particle.
_APART = r"(?:\W|(?<=[가-힣])(?:의|을|를|이|가|은|는|에|와|과|로|으로|도)(?=\W))*"


def _forms(compound: str, parts: tuple[str, ...]) -> list[re.Pattern[str]]:
    """The compound as one word, written apart, and as each glossary alternative (Latin ones as words)."""
    patterns = [re.compile(re.escape(compound)), re.compile(_APART.join(re.escape(p) for p in parts))]
    for alternative in (a for e in expand(compound) for a in e.alternatives):
        escaped = r"\W*".join(re.escape(piece) for piece in re.split(r"[\s\-_]+", alternative) if piece)
        if alternative.isascii():
            escaped = rf"(?<![a-z]){escaped}(?:s|es)?(?![a-z])"  # plural: language models
        patterns.append(re.compile(escaped, re.IGNORECASE))
    return patterns


def _text(hit_id: str, index: SearchIndex) -> str:
    with index.live.held() as generation, generation.index.searcher() as searcher:
        stored = searcher.document(id=hit_id) or {}
    return " ".join(str(stored.get(name) or "") for name in ("title", "headings", "description", "body", "url"))


def assert_whole_before_parts(index: SearchIndex, compound: str, parts: tuple[str, ...]) -> tuple[int, int]:
    """Every result holding the compound whole ranks above every result holding only a part of it;
    returns how many of each there were."""
    forms = _forms(compound, parts)
    whole, part_only = [], []
    for rank, hit in enumerate(index.search(compound, per_page=50).hits):
        text = _text(hit.id, index)
        if any(p.search(text) for p in forms):
            whole.append(rank)
        elif any(part in text for part in parts):
            part_only.append(rank)
    if whole and part_only:
        assert max(whole) < min(part_only), (compound, whole, part_only)
    return len(whole), len(part_only)


@pytest.mark.parametrize(("compound", "parts"), FIXTURE_COMPOUNDS)
def test_whole_compound_first_on_the_fixtures(search_index: SearchIndex, compound: str, parts: tuple[str, ...]) -> None:
    assert_whole_before_parts(search_index, compound, parts)


def test_the_fixture_cases_have_both_kinds_of_documents(search_index: SearchIndex) -> None:
    # the rule is exercised, not vacuous: part-only documents exist and stay in the results, below
    whole, part_only = assert_whole_before_parts(search_index, "강화학습", ("강화", "학습"))
    assert whole >= 3 and part_only >= 3
    whole, part_only = assert_whole_before_parts(search_index, "의료영상", ("의료", "영상"))
    assert whole >= 1 and part_only >= 3


def test_a_filter_that_leaves_only_parts_reports_the_compound_missing(search_index: SearchIndex) -> None:
    results = search_index.search("강화학습", filters={"lab": ["바이오메디컬랩"]})
    assert results.total > 0 and results.unmatched == ["강화학습"]
    assert search_index.search("강화학습").unmatched == []


def test_deep_learning_written_whole_or_in_english_comes_first(search_index: SearchIndex) -> None:
    hits = search_index.search("딥러닝", per_page=50).hits
    holds = [any(p.search(_text(h.id, search_index)) for p in _forms("딥러닝", ("딥", "러닝"))) for h in hits]
    assert holds and holds[0] and holds == sorted(holds, reverse=True)


@pytest.fixture(scope="module")
def large_index(shared_fixtures: Path, tmp_path_factory: pytest.TempPathFactory) -> SearchIndex:
    """Real Korean technical writing from fixtures/large: the documents of the two blogs that use a part
    of one of the compounds, cut to 20,000 characters (enough text, a quick build)."""
    from bench.corpusgen import load_sources

    words = {part for _, parts in LARGE_COMPOUNDS for part in parts}
    docs = []
    for number, source in enumerate(load_sources(shared_fixtures / "large")):
        if source.repo.startswith(("javascript", "python")):
            continue
        text = "\n\n".join(source.paragraphs)[:20_000]
        if any(word in text for word in words):
            docs.append(Document(id=f"large-{number}", url=f"https://example.org/{number}", title=source.title,
                                 text=text, kind="page", lab="테스트랩", lang="ko", source="large"))
    assert len(docs) > 100
    root = tmp_path_factory.mktemp("large")
    Corpus(root / "corpus").write_source("large", docs[:160])
    rebuild(root / "corpus", root / "index")
    return SearchIndex(root / "index", warm=False)


@pytest.mark.parametrize(("compound", "parts"), LARGE_COMPOUNDS)
def test_whole_compound_first_on_real_korean_writing(large_index: SearchIndex, compound: str,
                                                     parts: tuple[str, ...]) -> None:
    whole, part_only = assert_whole_before_parts(large_index, compound, parts)
    assert whole >= 1
