"""The second yardstick's documents and judgments: every file of fixtures/large is one corpus document
(kept by the corpus: an http(s) URL, a title), and every judged key names one of them."""
from __future__ import annotations

from pathlib import Path

from corpus import Corpus
from eval.judgments import LARGE_JUDGMENTS, load_judgments
from eval.large import large_documents, write_large_corpus


def test_every_file_of_the_large_set_is_one_stored_document(shared_fixtures: Path, tmp_path: Path) -> None:
    root = shared_fixtures / "large"
    files = [p for folder in root.iterdir() if folder.is_dir()  # the repositories (not the set's own README)
             for p in folder.rglob("*") if p.is_file() and p.suffix in (".md", ".po")]
    docs = write_large_corpus(root, tmp_path / "corpus")
    assert len(docs) == len(files) == 1562
    assert all(doc.title.strip() for doc in docs)
    spaced = [doc for doc in docs if " " in doc.id]
    assert spaced and all(" " not in doc.url for doc in spaced)  # file names with spaces: quoted in the URL
    stored = list(Corpus(tmp_path / "corpus").documents())
    assert sorted(doc.id for doc in stored) == [doc.id for doc in docs]  # none refused when read back


def test_every_judged_document_exists(shared_fixtures: Path) -> None:
    keys = {doc.id for doc in large_documents(shared_fixtures / "large")}
    judgments = load_judgments(LARGE_JUDGMENTS)
    assert len(judgments.queries) >= 60
    for query in judgments.queries:
        missing = (set(query.relevant) | set(query.pooled)) - keys
        assert not missing, (query.id, sorted(missing)[:3])
