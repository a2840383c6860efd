"""The spelling lexicon and the suggestion index are files of each generation, written at index time.

Rebuilds and updates write them before publishing; the web side only opens them, and answers exactly as
the in-memory structures built from the same generation would.
"""
from __future__ import annotations

import dataclasses
import errno
import logging
import os
import sqlite3
import tempfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from whoosh import index as whoosh_index

from corpus import Corpus
from indexer import SearchIndex, rebuild
from indexer.operations.update import update
from indexer.search.query import parse
from indexer.spelling import corrections as spelling
from indexer.spelling.lexicon import (
    LEXICON_FILE,
    Lexicon,
    StoredLexicon,
    field_frequencies,
    levenshtein,
    term_frequencies,
    within,
)
from indexer.storage.sqlitefiles import FileMismatch, write_database
from indexer.suggest import suggester as suggest
from indexer.suggest import terms as suggest_terms
from indexer.suggest.entries import Suggestion
from indexer.suggest.store import SUGGEST_FILE, StoredSuggester, write_suggestions
from indexer.suggest.suggester import Suggester, build_suggester
from indexer.suggest.terms import TermStats, gather
from test_index_ops_helpers import MARKER, copy_crawled, file_hashes, live_generation, mutate

LOOKUP_FILES = (LEXICON_FILE, SUGGEST_FILE)


@pytest.fixture()
def work(crawled: dict[str, Path], tmp_path: Path) -> dict[str, Path]:
    return copy_crawled(crawled, tmp_path)


def generation_of(index: Path) -> Path:
    return index / live_generation(index)


def opened(generation: Path) -> whoosh_index.Index:
    return whoosh_index.open_dir(str(generation))


def prefixes(texts: list[str]) -> list[str]:
    """What the box holds while each text is typed: every prefix, plus the half-composed jamo states."""
    typed: set[str] = set()
    for text in texts:
        for end in range(1, min(len(text), 8) + 1):
            typed.add(text[:end])
            last = text[end - 1]
            if "\uac00" <= last <= "\ud7a3":  # 강 passes through ㄱ and 가 while it is typed
                code = ord(last) - 0xAC00
                typed.add(text[:end - 1] + "ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ"[code // 588])
                typed.add(text[:end - 1] + chr(0xAC00 + code - code % 28))
    return sorted(typed)


# -- written at index time ------------------------------------------------------------------------


def test_a_rebuild_publishes_a_generation_with_both_files(crawled: dict[str, Path]) -> None:
    generation = generation_of(crawled["index"])
    commit = opened(generation).latest_generation()
    assert len(StoredLexicon(generation, commit).df) > 1000
    assert len(StoredSuggester(generation, commit)) > 100


def test_an_update_publishes_its_own_files_and_leaves_the_live_ones_alone(work: dict[str, Path]) -> None:
    before = generation_of(work["index"])
    before_files = file_hashes(before)
    mutate(work["corpus"])
    report = update(work["corpus"], work["index"])
    assert (report.new, report.changed, report.removed) == (1, 1, 1)
    after = generation_of(work["index"])
    assert after != before and file_hashes(before) == before_files  # the update's hard links were replaced
    for name in LOOKUP_FILES:
        assert (after / name).stat().st_ino != (before / name).stat().st_ino, name
    commit = opened(after).latest_generation()
    assert StoredLexicon(before, opened(before).latest_generation()).df.get(MARKER, 0) == 0
    assert StoredLexicon(after, commit).df.get(MARKER, 0) == 1  # in one body and one title
    assert "Brand new zebracorn page" in [s.text for s in StoredSuggester(after, commit).suggest("brand new z")]
    assert not [p for p in after.iterdir() if p.name.endswith(".tmp")]


def test_an_update_counts_terms_as_a_rebuild_of_the_same_corpus(work: dict[str, Path], tmp_path: Path) -> None:
    mutate(work["corpus"])
    update(work["corpus"], work["index"])
    rebuild(work["corpus"], tmp_path / "rebuilt")

    def term_tables(generation: Path) -> tuple[list[tuple[object, ...]], ...]:
        with sqlite3.connect(generation / SUGGEST_FILE) as db:
            return tuple(db.execute(f"SELECT * FROM {table} ORDER BY 1, 2").fetchall()
                         for table in ("term_stats", "surfaces"))

    updated, rebuilt = term_tables(generation_of(work["index"])), term_tables(generation_of(tmp_path / "rebuilt"))
    assert updated == rebuilt
    assert any(row[0] == MARKER for row in updated[0])


def suggestion_tables(generation: Path) -> dict[str, list[tuple[object, ...]]]:
    """The suggestion file's contents with entry ids replaced by what they stand for (ids are arbitrary)."""
    with sqlite3.connect(generation / SUGGEST_FILE) as db:
        entry = "(SELECT text || '|' || type FROM entries e WHERE e.id = {}.entry)"
        queries = {"entries": "SELECT text, type, count, lab, url, weight, folded FROM entries",
                   "keys": f"SELECT kind, key, {entry.format('k')}, first FROM keys k",
                   "tops": f"SELECT kind, prefix, {entry.format('t')}, first FROM tops t",
                   "term_stats": "SELECT * FROM term_stats", "surfaces": "SELECT * FROM surfaces",
                   "documents": "SELECT * FROM documents"}
        return {name: sorted(db.execute(query).fetchall(), key=repr) for name, query in queries.items()}


@pytest.mark.parametrize("base_file", ["patched", "suggest-1"])
def test_an_update_writes_the_suggestion_file_a_rebuild_writes(work: dict[str, Path], tmp_path: Path,
                                                               caplog: pytest.LogCaptureFixture, base_file: str) -> None:
    """Patched from the base's file, or (an older base without a document list) rewritten: either way the
    same entries, keys, precomputed prefixes and counts as a rebuild of the same corpus, so the same answers."""
    if base_file == "suggest-1":
        with sqlite3.connect(generation_of(work["index"]) / SUGGEST_FILE) as db:
            db.execute("UPDATE meta SET value = 'suggest-1' WHERE key = 'format'")
            db.execute("DROP TABLE documents")
    mutate(work["corpus"])
    corpus = Corpus(work["corpus"])
    docs = list(corpus.source_documents("github"))
    retitled = dataclasses.replace(docs[0], title="Pommerman zebracorn agents", content_hash="")
    corpus.write_source("github", [retitled, *docs[2:]])  # a new title, and a repository gone
    with caplog.at_level(logging.INFO, logger="indexer.operations.lookups"):
        update(work["corpus"], work["index"])
    written = [r.getMessage() for r in caplog.records if r.getMessage().startswith("lookup files of")]
    assert len(written) == 1 and ("file patched" in written[0]) == (base_file == "patched"), written
    rebuild(work["corpus"], tmp_path / "rebuilt")
    updated, rebuilt = generation_of(work["index"]), generation_of(tmp_path / "rebuilt")
    assert suggestion_tables(updated) == suggestion_tables(rebuilt)
    new, fresh = (StoredSuggester(g, opened(g).latest_generation()) for g in (updated, rebuilt))
    texts = [s.text for s in fresh.suggest("", 20)] + ["pommerman z", "brand", "ㄱ", "m", "풀잎", docs[1].title[:6]]
    for text in prefixes(texts):
        assert new.suggest(text, 20) == fresh.suggest(text, 20), text
    assert [s.text for s in new.suggest("pommerman zeb")] == ["Pommerman zebracorn agents"]


def test_an_update_adds_its_segment_to_the_lexicon_as_a_full_count_would(work: dict[str, Path],
                                                                        caplog: pytest.LogCaptureFixture) -> None:
    """Patched while segments are only added; counted whole again once a merge removed some."""
    corpus = Corpus(work["corpus"])
    seen = set()
    for round_ in range(9):
        docs = list(corpus.source_documents("distractor"))
        corpus.write_source("distractor", [dataclasses.replace(docs[0], text=docs[0].text + f" {MARKER}{round_}x",
                                                               content_hash=""), *docs[1:]])
        with caplog.at_level(logging.INFO, logger="indexer.operations.lookups"):
            caplog.clear()
            update(work["corpus"], work["index"])
        how = [r.getMessage() for r in caplog.records if r.getMessage().startswith("lookup files of")][0]
        seen.add("new segments counted" in how)
        generation = generation_of(work["index"])
        with opened(generation).reader() as reader:
            counted, per_field = term_frequencies(reader), field_frequencies(reader)
            segments = len(list(reader.leaf_readers()))
        with sqlite3.connect(generation / LEXICON_FILE) as db:
            assert dict(db.execute("SELECT term, df FROM terms").fetchall()) == counted, (round_, how)
            stored = {(f, t): n for f, t, n in db.execute("SELECT field, term, df FROM field_df")}
        assert stored == {(f, t): n for f, counts in per_field.items() for t, n in counts.items()}
        assert counted.get(f"{MARKER}{round_}x") == 1
    assert seen == {True, False} and segments < 8  # patched, and counted whole after the merge


def test_a_failed_write_leaves_no_file_under_either_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = sqlite3.connect(":memory:")
    db.execute("CREATE TABLE meta (key TEXT, value TEXT)")

    def disk_full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)
    with pytest.raises(OSError):
        write_database(db, tmp_path / "x.sqlite")
    assert list(tmp_path.iterdir()) == []


# -- opened, not built, at run time ---------------------------------------------------------------


def test_serving_opens_the_files_and_builds_nothing(crawled: dict[str, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    def no_building(*args: object, **kwargs: object) -> None:
        raise AssertionError("built at run time")

    monkeypatch.setattr(Lexicon, "from_reader", no_building)
    monkeypatch.setattr(suggest, "build_suggester", no_building)
    monkeypatch.setattr(suggest_terms, "gather", no_building)
    index = SearchIndex(crawled["index"], warm=False)
    assert index.search("풀잎스클").corrected == "풀잎스쿨"
    assert index.suggest("ㄱㅎㅎㅅ")[0].text == "강화학습"
    generation = index.live.current()
    assert isinstance(spelling.lexicon_for(generation.index), StoredLexicon)
    assert isinstance(suggest.suggester_for(generation.index), StoredSuggester)


def test_a_generation_without_the_files_is_served_from_memory(work: dict[str, Path],
                                                             caplog: pytest.LogCaptureFixture) -> None:
    for name in LOOKUP_FILES:  # as an index built before the files existed
        (generation_of(work["index"]) / name).unlink()
    index = SearchIndex(work["index"], warm=False)
    with caplog.at_level(logging.WARNING):
        assert index.search("풀잎스클").corrected == "풀잎스쿨"
        assert index.suggest("ㄱㅎㅎㅅ")[0].text == "강화학습"
    generation = index.live.current()
    assert isinstance(spelling.lexicon_for(generation.index), Lexicon)
    assert isinstance(suggest.suggester_for(generation.index), Suggester)
    assert sum("python -m indexer rebuild writes it" in r.getMessage() for r in caplog.records) == 2


def test_a_file_of_another_commit_is_refused(crawled: dict[str, Path]) -> None:
    generation = generation_of(crawled["index"])
    commit = opened(generation).latest_generation()
    with pytest.raises(FileMismatch):  # e.g. hard-linked from the previous generation and never rewritten
        StoredSuggester(generation, commit + 1)
    with pytest.raises(FileMismatch):
        StoredLexicon(generation, commit + 1)


# -- the same answers as in memory ----------------------------------------------------------------


def test_the_suggestion_file_answers_as_the_suggester_in_memory(crawled: dict[str, Path], tmp_path: Path) -> None:
    ix = opened(generation_of(crawled["index"]))
    with ix.searcher() as searcher:
        data = gather(searcher.all_stored_fields())
    memory = Suggester(data.entries())
    # A tiny threshold puts most prefixes on the precomputed path; the default one keeps them on key scans.
    for threshold in (3, 512):
        folder = tmp_path / str(threshold)
        folder.mkdir()
        write_suggestions(folder, memory.entries, data.stats, 1, top_threshold=threshold)
        stored = StoredSuggester(folder, 1)
        texts = [e.text for e in memory.entries]
        typed = prefixes(texts) + ["ㄱ", "ㄱㅎ", "ㅍㄹㅅㅋ", "m", "M", "  rl4", "강화핛", "zzqqx", "ㄳ", "1", "_"]
        typed += [t for t in texts if len(t) < 12][:300]  # whole texts: the exact-match bonus
        for text in typed:
            for limit in (1, 8, 20):
                assert stored.suggest(text, limit) == memory.suggest(text, limit), (threshold, text, limit)


def test_the_suggester_for_an_index_equals_a_build_from_its_documents(crawled: dict[str, Path]) -> None:
    ix = opened(generation_of(crawled["index"]))
    stored = suggest.suggester_for(ix)
    assert isinstance(stored, StoredSuggester)
    with ix.searcher() as searcher:
        memory = build_suggester(searcher.all_stored_fields())
    for text in ("풀이", "ㄱㅎㅎㅅ", "바이오", "modulabs/rl", "segm", "deconv", "m", "세그"):
        assert stored.suggest(text, 20) == memory.suggest(text, 20), text


def test_the_lexicon_file_corrects_as_the_lexicon_in_memory(crawled: dict[str, Path]) -> None:
    ix = opened(generation_of(crawled["index"]))
    stored = StoredLexicon(generation_of(crawled["index"]), ix.latest_generation())
    with ix.reader() as reader:
        memory = Lexicon.from_reader(reader)
    assert len(stored.df) == len(memory.df)
    assert all(stored.df[term] == count for term, count in list(memory.df.items())[::7])
    assert stored.df.get("zzzqqqxxx", 0) == 0 and "zzzqqqxxx" not in stored.df and stored.df.get("\ud800") is None
    words = [t for t in memory.df if len(t) > 3][::20]
    typos = [w[:1] + w[2:] for w in words] + [w[:-1] + "a" for w in words] + [w + w[-1] for w in words]
    for word in words + typos:
        jamo_key = any("\uac00" <= c <= "\ud7a3" for c in word)
        assert stored.nearest(word, jamo=jamo_key) == memory.nearest(word, jamo=jamo_key), word
    for query in ("풀잎스클", "세그멘태이션", "강화학스", "segmantation", "pomerman", "dkdlvpf", "ㅔㅛ색초",
                  "vocal source separaton", "풀잎스쿨 강화학습", "unet", "xqzv"):
        assert spelling.check(parse(query).text, stored) == spelling.check(parse(query).text, memory), query


_LETTERS = "가각강화학습풀잎스쿨이음악ㄱㅎㅅㅍㄳㅘ aAbBİ-_/.1\ud800"  # a lone surrogate too: typed, never indexed


@given(st.lists(st.tuples(st.text(alphabet=_LETTERS, min_size=1, max_size=8),
                          st.sampled_from(["lab", "repo", "title", "term"]), st.integers(0, 30)), max_size=25),
       st.lists(st.text(alphabet=_LETTERS, max_size=5), min_size=1, max_size=10), st.integers(1, 20))
def test_any_entries_and_input_are_answered_as_in_memory(entries: list[tuple[str, str, int]], typed: list[str],
                                                        limit: int) -> None:
    memory = Suggester([Suggestion(text, kind, count) for text, kind, count in entries if "\ud800" not in text])
    with tempfile.TemporaryDirectory() as folder:
        write_suggestions(Path(folder), memory.entries, TermStats(), 7, top_threshold=2)
        stored = StoredSuggester(Path(folder), 7)
        for text in typed + [e.text for e in memory.entries]:
            assert stored.suggest(text, limit) == memory.suggest(text, limit), text


def test_an_empty_generation_has_empty_files(tmp_path: Path) -> None:
    write_suggestions(tmp_path, [], TermStats(), 1)
    assert StoredSuggester(tmp_path, 1).suggest("a") == [] and len(StoredSuggester(tmp_path, 1)) == 0


@given(st.text(alphabet="abcd", min_size=1, max_size=9),
       st.lists(st.text(alphabet="abcde", min_size=5, max_size=5), min_size=1, max_size=20),
       st.sampled_from([1, 2]))
def test_the_vectorised_edit_distance_agrees_with_levenshtein(query: str, keys: list[str], limit: int) -> None:
    codes = {c: i + 1 for i, c in enumerate("abcde")}
    columns = np.array([[codes[c] for c in key] for key in keys], dtype=np.uint8).T.copy()
    rows, distances = within(np.array([codes[c] for c in query], dtype=np.uint8), columns, limit)
    expected = {i: levenshtein(query, key, limit) for i, key in enumerate(keys)}
    assert dict(zip(rows.tolist(), distances.tolist(), strict=True)) == {i: d for i, d in expected.items()
                                                                         if d <= limit}

