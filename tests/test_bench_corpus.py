"""The benchmark's corpus generator: deterministic, and its records are valid corpus documents."""
from __future__ import annotations

from pathlib import Path

import pytest

from bench.corpusgen import Generator, write_corpus
from bench.queries import QUERIES, first_time_queries
from corpus import Corpus, Document


@pytest.fixture(scope="module")
def generator(shared_fixtures: Path) -> Generator:
    return Generator(shared_fixtures / "large")


def test_same_seed_same_documents(generator: Generator) -> None:
    first = [d.to_json() for d in generator.documents(40)]
    assert first == [d.to_json() for d in generator.documents(40)]



def test_another_seed_gives_other_documents(shared_fixtures: Path, generator: Generator) -> None:
    other = Generator(shared_fixtures / "large", seed=generator.seed + 1)
    assert [d.to_json() for d in generator.documents(20)] != [d.to_json() for d in other.documents(20)]


def test_written_corpus_reads_back_valid_and_identical(generator: Generator, tmp_path: Path) -> None:
    write_corpus(tmp_path / "a", 60, Path(), generator=generator)
    write_corpus(tmp_path / "b", 60, Path(), generator=generator)
    files_a = sorted((tmp_path / "a" / "sources").glob("*.jsonl"))
    assert [f.name for f in files_a] == sorted(f.name for f in (tmp_path / "b" / "sources").glob("*.jsonl"))
    for file in files_a:
        assert file.read_bytes() == (tmp_path / "b" / "sources" / file.name).read_bytes()
    docs = list(Corpus(tmp_path / "a").documents())
    assert len(docs) == 60 and len({d.id for d in docs}) == 60
    for doc in docs:
        assert doc.text and doc.title and doc.kind in ("page", "readme", "interview")
        assert doc.lang in ("ko", "en") and doc.lab
        assert Document.from_json(doc.to_json()) == doc
    assert any(d.lang == "ko" for d in docs) and sum(len(d.text) for d in docs) / 60 > 300


def test_rewriting_a_smaller_size_drops_nothing_stale(generator: Generator, tmp_path: Path) -> None:
    write_corpus(tmp_path, 50, Path(), generator=generator)
    write_corpus(tmp_path, 5, Path(), generator=generator)
    assert len(list(Corpus(tmp_path).documents())) == 5


def test_first_time_queries_are_distinct_title_words_and_repeatable(generator: Generator, tmp_path: Path) -> None:
    write_corpus(tmp_path, 300, Path(), generator=generator)
    queries = first_time_queries(tmp_path, count=50)
    assert queries == first_time_queries(tmp_path, count=50)
    assert queries != first_time_queries(tmp_path, count=50, seed=12)
    assert 20 <= len(queries) <= 50 and len(set(queries)) == len(queries)
    assert not set(queries) & {q.text for q in QUERIES}
    titles = " ".join(d.title for d in Corpus(tmp_path).documents())
    assert all(1 <= len(q.split()) <= 3 and all(word in titles for word in q.split()) for q in queries)
