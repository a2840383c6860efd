"""A question's term is scored over its fields together (indexer/search/joint.py): BM25F saturated once,
so a title that merely holds the words cannot lift a page past one whose text keeps using them."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from whoosh import query as wq

from corpus import Corpus, Document
from indexer import SearchIndex, rebuild
from indexer.search import joint
from indexer.search.query import term_query
from indexer.search.scorer import Scorer

FILLER = "문서에는 다른 이야기도 길게 이어진다. "


def _doc(n: int, title: str, text: str) -> Document:
    return Document(id=f"d{n}", url=f"https://example.org/{n}", title=title, text=text, kind="page",
                    lang="ko", source="site")


#: d0 is titled with the words, and its short text says them for one format; d1 teaches them paragraph after
#: paragraph under another title; the rest have one of the words somewhere, for realistic statistics.
DOCS = [
    _doc(0, "WAV 파일 읽고 쓰기", "WAV 파일을 읽고 WAV 파일을 쓴다. " * 3),
    _doc(1, "입력과 출력", ("파일을 열고 파일을 읽는 방법을 설명한다. 파일 읽기는 쉽다. " + FILLER * 4) * 10),
    *[_doc(n, f"기타 문서 {n}", ("파일 " if n % 2 else "읽는 ") + FILLER * (n % 4 + 1)) for n in range(2, 30)],
    _doc(30, "WAV 목록", FILLER * 2),  # WAV in its title only
]


@pytest.fixture(scope="module")
def index_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("joint")
    Corpus(root / "corpus").write_source("site", DOCS)
    rebuild(root / "corpus", root / "index")
    return root / "index"


def _scores(index_path: Path, query: object, *, joint_fields: bool) -> tuple[dict[str, float], dict[str, int]]:
    index = SearchIndex(index_path, warm=False)
    generation = index.live.current()
    with index._reading(generation) as searcher:
        table, postings = generation.tables(searcher)
        scored = Scorer(table, postings, searcher, joint_fields=joint_fields).evaluate(query)
        ids = {n: searcher.stored_fields(n)["id"] for n in range(table.size)}
        return ({ids[n]: float(scored.scores[n]) for n in np.flatnonzero(scored.matched)},
                {ids[n]: int(scored.counts[n]) for n in np.flatnonzero(scored.matched)})


def test_a_term_group_is_one_term_in_several_fields() -> None:
    assert joint.is_field_group(term_query("파일"))
    assert not joint.is_field_group(wq.Or([wq.Term("title", "파일"), wq.Term("body", "읽")]))
    assert not joint.is_field_group(wq.Or([wq.Term("title", "파일"), wq.Term("body", "파일")], scale=0.9))
    assert not joint.is_field_group(wq.Or([wq.Phrase("body", ["파일", "읽"]), wq.Term("body", "파일")]))


def test_a_word_in_the_text_alone_scores_as_before_and_two_fields_saturate_once(index_path: Path) -> None:
    group = term_query("파일")
    added, added_counts = _scores(index_path, wq.Or([group, wq.Term("body", "이야기")]), joint_fields=False)
    joined, joined_counts = _scores(index_path, wq.Or([group, wq.Term("body", "이야기")]), joint_fields=True)
    assert added.keys() == joined.keys() and added_counts == joined_counts  # same matches, same coordination
    body_only = [d for d in added if d.startswith("d") and int(d[1:]) >= 2 and int(d[1:]) % 2]
    assert body_only
    for doc_id in body_only:  # BM25 of one field is BM25F of one field: the same number
        assert joined[doc_id] == pytest.approx(added[doc_id])
    assert joined["d0"] < added["d0"]  # title and text: saturated together, not added


def test_the_merge_equals_bm25f_summed_document_by_document(index_path: Path) -> None:
    """Every document of every field list, the title-only one (d30) included, against BM25F written out."""
    group = term_query("wav")
    joined, counts = _scores(index_path, group, joint_fields=True)
    index = SearchIndex(index_path, warm=False)
    generation = index.live.current()
    with index._reading(generation) as searcher:
        table, postings = generation.tables(searcher)
        scorer = Scorer(table, postings, searcher)
        pseudo: dict[int, float] = {}
        fields: dict[int, int] = {}
        for leaf in group.subqueries:
            found = postings.get(searcher, leaf.fieldname, leaf.text)
            if leaf.fieldname not in joint.TEXT_FIELDS:  # the page's metadata: none of it says wav here
                assert found is None or not len(found.ids)
                continue
            if found is None:
                continue
            average = table.average_length[leaf.fieldname]
            for doc, tf in zip(found.ids.tolist(), found.weights.tolist(), strict=True):
                norm = (1 - scorer.B) + scorer.B * table.lengths[leaf.fieldname][doc] / average
                pseudo[doc] = pseudo.get(doc, 0.0) + leaf.boost * tf / norm
                fields[doc] = fields.get(doc, 0) + 1
        idf = searcher.idf("body", "wav")
        ids = {n: searcher.stored_fields(n)["id"] for n in range(table.size)}
    expected = {ids[d]: idf * p * (scorer.K1 + 1) / (p + scorer.K1) for d, p in pseudo.items()}
    assert "d30" in expected and "d0" in expected
    assert joined == pytest.approx(expected)
    assert counts == {ids[d]: n for d, n in fields.items()}


def test_a_question_ranks_the_page_that_answers_over_the_title_that_echoes_it(
        index_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    index = SearchIndex(index_path, warm=False)
    assert index.plan("파일 읽는 방법").question and not index.plan("파일 읽기").question
    joined = [hit.id for hit in index.search("파일 읽는 방법").hits]
    assert joined[:2] == ["d1", "d0"], joined
    plain = Scorer.__init__

    def added(self: Scorer, *args: object, **kwargs: object) -> None:
        plain(self, *args, **{**kwargs, "joint_fields": False})  # type: ignore[arg-type]

    monkeypatch.setattr(Scorer, "__init__", added)
    assert [hit.id for hit in SearchIndex(index_path, warm=False).search("파일 읽는 방법").hits][:2] == ["d0", "d1"]
