"""Questions: context words pair with nothing in the adjacency bonus, and pages that use a question's content
words together again and again score up (indexer/search/proximity.py), on real pages of fixtures/large."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from corpus import Corpus, Document
from eval.large import large_documents
from indexer import SearchIndex, rebuild
from indexer.search import proximity as proximity_module
from indexer.search.query import adjacency_query, analyze
from indexer.search.questions import content_terms
from indexer.search.scorer import Scorer

#: The Korean Python documentation's input/output tutorial: the page about reading files.
TUTORIAL = "python__python-docs-ko/tutorial/inputoutput.po"
QUESTION = "파이썬에서 파일 읽는 방법"


def _about_files(doc: Document) -> bool:
    """The Python documentation pages a search for reading files competes over: every page whose title
    names files, the tutorial, and pages that speak of reading a file."""
    if doc.source != "python-docs":
        return False
    return "파일" in doc.title or doc.id.startswith("python__python-docs-ko/tutorial/") or \
        "파일을 읽" in doc.text or "파일 읽" in doc.text


@pytest.fixture(scope="module")
def file_pages(shared_fixtures: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An index of the fixtures/large pages about files (a few dozen: built in seconds)."""
    root = tmp_path_factory.mktemp("file-pages")
    docs = [d for d in large_documents(shared_fixtures / "large") if _about_files(d)]
    assert 40 <= len(docs) <= 150 and any(d.id == TUTORIAL for d in docs)
    Corpus(root / "corpus").write_source("python-docs", docs)
    rebuild(root / "corpus", root / "index")
    return root / "index"


def _rank(index: SearchIndex, text: str, doc_id: str) -> int:
    ids = [hit.id for hit in index.search(text, per_page=50).hits]
    return ids.index(doc_id) + 1 if doc_id in ids else 99


def test_context_words_pair_with_nothing_in_the_adjacency_bonus() -> None:
    context = frozenset(analyze("파이썬에서"))
    phrases = adjacency_query("파이썬에서 파일 읽는", apart=context)
    assert phrases is not None
    pairs = {tuple(p.words) for p in phrases.subqueries}
    assert pairs and not any(set(pair) & context for pair in pairs)
    everything = adjacency_query("파이썬에서 파일 읽는")  # without ``apart``: 파이썬 pairs with 파일
    assert everything is not None and any(set(p.words) & context for p in everything.subqueries)


def test_a_questions_content_words_leave_out_its_context() -> None:
    words = content_terms("파이썬에서 파일 읽는")
    assert len(words) == 2 and not any(set(terms) & set(analyze("파이썬에서")) for terms in words)
    assert len(content_terms("how to sort a list in python")) >= 2


def test_only_questions_get_the_proximity_bonus(file_pages: Path) -> None:
    index = SearchIndex(file_pages, warm=False)
    assert len(index.plan(QUESTION).near) == 2
    assert index.plan("파일 읽기").near == ()  # not a question: BM25 and the adjacency bonus as before


def test_the_page_that_keeps_using_the_words_together_scores_up(file_pages: Path) -> None:
    """The tutorial reads files paragraph after paragraph; the pages whose title only names reading and
    writing some format of file (a stub of a removed module says so once) earn nothing."""
    index = SearchIndex(file_pages, warm=False)
    plan = index.plan(QUESTION)
    generation = index.live.current()
    with index._reading(generation) as searcher:
        table, postings = generation.tables(searcher)
        ids = {searcher.stored_fields(n)["id"]: n for n in range(table.size)}
        docs = np.array(sorted(ids.values()))
        scorer = Scorer(table, postings, searcher)
        bonus = proximity_module.proximity(scorer, plan.near, docs)
    assert bonus is not None
    by_id = {doc_id: bonus[np.searchsorted(docs, n)] for doc_id, n in ids.items()}
    stubs = [doc_id for doc_id in by_id if doc_id.endswith(("/aifc.po", "/sunau.po"))]
    assert stubs and all(by_id[doc_id] == 0.0 for doc_id in stubs)
    assert by_id[TUTORIAL] > 0
    assert by_id[TUTORIAL] >= sorted(by_id.values())[-5]  # among the five pages using the words most together


def test_the_tutorial_rises_for_the_question(file_pages: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with_bonus = _rank(SearchIndex(file_pages, warm=False), QUESTION, TUTORIAL)
    monkeypatch.setattr(proximity_module, "PROXIMITY_WEIGHT", 0.0)
    without = _rank(SearchIndex(file_pages, warm=False), QUESTION, TUTORIAL)
    assert with_bonus < without, (with_bonus, without)
    assert with_bonus <= 10
