"""An update patches the suggestion file in a second process while it indexes; its errors are not lost."""
from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from whoosh import index as whoosh_index

from indexer.operations.lookups import BackgroundSuggestions, TouchedDocuments
from indexer.storage.generations import open_generation
from indexer.suggest.store import SUGGEST_FILE, StoredSuggester
from test_index_ops_helpers import live_generation


def touched_documents(generation: Path) -> tuple[set[str], TouchedDocuments]:
    """One document of ``generation`` retitled (as an update would hand it over)."""
    with whoosh_index.open_dir(str(generation)).searcher() as searcher:
        doc = next(d for d in searcher.all_stored_fields() if d.get("title"))
    fresh = {**doc, "title": "Quokkafield unicorn notes"}
    return {doc["id"]}, TouchedDocuments({doc["id"]: doc}, {doc["id"]: fresh})


PatchInputs = tuple[Path, int, set[str], TouchedDocuments]


@pytest.fixture()
def patch_inputs(crawled: dict[str, Path]) -> PatchInputs:
    """(the crawled index's live generation, the next commit, one touched id, its documents)."""
    base = crawled["index"] / live_generation(crawled["index"])
    touched, documents = touched_documents(base)
    return base, open_generation(base).latest_generation() + 1, touched, documents


def test_the_patch_written_in_the_background_is_the_file_of_the_expected_commit(patch_inputs: PatchInputs,
                                                                                 tmp_path: Path) -> None:
    base, commit, touched, documents = patch_inputs
    background = BackgroundSuggestions(tmp_path, commit, base, touched, documents)
    answer = background.wait(commit)
    assert answer is not None and "file patched" in answer
    assert [s.text for s in StoredSuggester(tmp_path, commit).suggest("quokkaf")] == ["Quokkafield unicorn notes"]
    assert not background.running


def test_another_commit_than_expected_discards_the_background_work(patch_inputs: PatchInputs,
                                                                    tmp_path: Path) -> None:
    base, commit, touched, documents = patch_inputs
    background = BackgroundSuggestions(tmp_path, commit, base, touched, documents)
    assert background.wait(commit + 1) is None  # the caller writes the file itself
    assert not background.running


def test_an_error_in_the_background_is_raised_in_the_update(patch_inputs: PatchInputs, tmp_path: Path) -> None:
    base, commit, touched, documents = patch_inputs
    background = BackgroundSuggestions(tmp_path / "no-such-generation", commit, base, touched, documents)
    with pytest.raises(OSError):
        background.wait(commit)


def test_a_base_file_that_cannot_be_patched_leaves_the_work_to_the_caller(crawled: dict[str, Path],
                                                                          tmp_path: Path) -> None:
    base = tmp_path / "base"
    base.mkdir()
    live = crawled["index"] / live_generation(crawled["index"])
    for path in live.iterdir():
        if path.is_file() and not path.name.startswith("."):
            (base / path.name).write_bytes(path.read_bytes())
    with sqlite3.connect(base / SUGGEST_FILE) as db:  # as written by an older version
        db.execute("UPDATE meta SET value = 'suggest-1' WHERE key = 'format'")
    commit = open_generation(base).latest_generation() + 1
    touched, documents = touched_documents(base)
    out = tmp_path / "out"
    out.mkdir()
    assert BackgroundSuggestions(out, commit, base, touched, documents).wait(commit) is None
    assert not (out / SUGGEST_FILE).exists()
