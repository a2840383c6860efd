"""The fingerprint file: an update decodes only the corpus lines the live generation has not indexed.

A file that is missing, damaged or written for another commit is never trusted: the update compares
every record instead, and the result is the same index either way.
"""
from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
from whoosh import index as whoosh_index

from corpus import Corpus, ReadReport
from corpus.store import record_digest
from indexer import SearchIndex, rebuild
from indexer.operations.fingerprints import FINGERPRINT_FILE, FingerprintMismatch, Fingerprints, read_fingerprints
from indexer.operations.update import update
from test_index_ops_helpers import MARKER, copy_crawled, live_generation, mutate


@pytest.fixture()
def work(crawled: dict[str, Path], tmp_path: Path) -> dict[str, Path]:
    return copy_crawled(crawled, tmp_path)


def live(index: Path) -> Path:
    return index / live_generation(index)


def commit_and_count(generation: Path) -> tuple[int, int]:
    ix = whoosh_index.open_dir(str(generation))
    return ix.latest_generation(), ix.doc_count()


def fingerprinted(work: dict[str, Path]) -> Path:
    """The live generation, given the fingerprint file a rebuild will write (what its corpus holds)."""
    generation = live(work["index"])
    collector = Fingerprints()
    for _ in collector.collect(Corpus(work["corpus"]).digested_documents()):
        pass
    collector.write(generation, commit_and_count(generation)[0])
    return generation


def stored(index: Path) -> list[tuple[str, str]]:
    """(id, content_hash) of every live document, in index order."""
    ix = whoosh_index.open_dir(str(live(index)))
    with ix.reader() as reader:
        return [(fields["id"], fields["content_hash"]) for _, fields in reader.iter_docs()]


def ranked(index: Path) -> list[list[str]]:
    search = SearchIndex(index)
    return [[hit.id for hit in search.search(q, per_page=50).hits]
            for q in (MARKER, "강화학습", "segmentation", "모두의연구소")]


# -- the file ---------------------------------------------------------------------------------------


def test_the_file_round_trips(tmp_path: Path) -> None:
    collector = Fingerprints()
    for n in range(50):
        collector.add(f"doc-{n}", record_digest(f'{{"id": "doc-{n}"}}\n'.encode()))
    collector.add("한글 id \"quoted\"", record_digest(b"x"))
    collector.write(tmp_path, 7)
    loaded = read_fingerprints(tmp_path, 7, 51)
    assert loaded.ids == collector.ids
    assert loaded.get(record_digest(b'{"id": "doc-3"}')) == "doc-3"  # the line break is not part of a record
    assert loaded.get(record_digest(b'{"id": "doc-3"} ')) is None
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_an_untrustworthy_file_is_refused(tmp_path: Path) -> None:
    collector = Fingerprints()
    for n in range(20):
        collector.add(f"doc-{n}", record_digest(str(n).encode()))
    path = collector.write(tmp_path, 3)
    good = path.read_bytes()
    with pytest.raises(FingerprintMismatch, match="whoosh_generation"):  # e.g. hard-linked from the base
        read_fingerprints(tmp_path, 4, 20)
    with pytest.raises(FingerprintMismatch, match="count"):
        read_fingerprints(tmp_path, 3, 21)
    damaged = bytearray(good)
    damaged[-40] ^= 1
    path.write_bytes(bytes(damaged))
    with pytest.raises(FingerprintMismatch, match="checksum"):
        read_fingerprints(tmp_path, 3, 20)
    path.write_bytes(good[: len(good) // 2])
    with pytest.raises(FingerprintMismatch, match="checksum"):
        read_fingerprints(tmp_path, 3, 20)
    magic, header, body = good.split(b"\n", 2)
    other = json.dumps({**json.loads(header), "converter": "0" * 16}).encode()
    path.write_bytes(magic + b"\n" + other + b"\n" + body)
    with pytest.raises(FingerprintMismatch, match="converter"):  # the code that reads a line changed
        read_fingerprints(tmp_path, 3, 20)
    for broken in (b"", b"modusearch-fingerprints 9\n{}\n", magic + b"\nnot json\n" + body):
        path.write_bytes(broken)
        with pytest.raises(FingerprintMismatch):
            read_fingerprints(tmp_path, 3, 20)
    path.unlink()
    with pytest.raises(FingerprintMismatch, match="missing"):
        read_fingerprints(tmp_path, 3, 20)


def test_a_digest_has_a_fixed_size() -> None:
    with pytest.raises(ValueError):
        Fingerprints().add("a", b"short")


# -- updates --------------------------------------------------------------------------------------


def test_an_update_writes_the_file_and_the_next_one_decodes_only_changed_lines(work: dict[str, Path]) -> None:
    (live(work["index"]) / FINGERPRINT_FILE).unlink()  # as a generation written before the file existed
    mutate(work["corpus"])
    first = update(work["corpus"], work["index"])  # every line is read, and the new generation gets a file
    assert (first.new, first.changed, first.removed, first.decoded) == (1, 1, 1, 62)
    generation = live(work["index"])
    found = read_fingerprints(generation, *commit_and_count(generation))
    assert sorted(found.ids.values()) == sorted(d.id for d in Corpus(work["corpus"]).documents())

    corpus = Corpus(work["corpus"])
    docs = list(corpus.source_documents("distractor"))
    corpus.write_source("distractor", [dataclasses.replace(docs[0], title="kumquat", content_hash=""), *docs[2:],
                                       dataclasses.replace(docs[1], id="second-added", url=docs[1].url + "?2")])
    second = update(work["corpus"], work["index"])
    assert (second.new, second.changed, second.removed, second.unchanged) == (1, 1, 1, 60)
    assert second.decoded == 2  # the changed and the added line; the other 60 were known by their digest
    after = read_fingerprints(live(work["index"]), *commit_and_count(live(work["index"])))
    assert docs[1].id not in after.ids.values() and "second-added" in after.ids.values()
    again = update(work["corpus"], work["index"])
    assert (again.changes, again.decoded) == (0, 0)


def test_the_fast_path_gives_the_index_a_full_comparison_gives(crawled: dict[str, Path], tmp_path: Path) -> None:
    fast, full = copy_crawled(crawled, tmp_path / "fast"), copy_crawled(crawled, tmp_path / "full")
    fingerprinted(fast)
    (live(full["index"]) / FINGERPRINT_FILE).unlink()
    ids = [mutate(work["corpus"]) for work in (fast, full)][0]
    by_digest, by_reading = update(fast["corpus"], fast["index"]), update(full["corpus"], full["index"])
    assert (by_digest.decoded, by_reading.decoded) == (2, 62)
    assert [(r.new, r.changed, r.removed, r.unchanged) for r in (by_digest, by_reading)] == [(1, 1, 1, 60)] * 2
    assert stored(fast["index"]) == stored(full["index"])
    assert ranked(fast["index"]) == ranked(full["index"])
    assert set(ranked(fast["index"])[0]) == {ids["changed"], ids["added"]}  # the marker is found


@pytest.mark.parametrize("damage", ["flip", "stale", "delete"])
def test_a_damaged_or_stale_file_falls_back_to_comparing_everything(work: dict[str, Path], tmp_path: Path,
                                                                   damage: str) -> None:
    generation = fingerprinted(work)
    path = generation / FINGERPRINT_FILE
    if damage == "flip":
        data = bytearray(path.read_bytes())
        data[-100] ^= 0x20
        path.write_bytes(bytes(data))
    elif damage == "stale":  # a file that described the generation before, with one document fewer
        collector = Fingerprints(dict(list(read_fingerprints(generation, *commit_and_count(generation)).ids.items())[1:]))
        collector.write(generation, commit_and_count(generation)[0])
    else:
        path.unlink()
    mutate(work["corpus"])
    report = update(work["corpus"], work["index"])
    assert report.decoded == 62 and (report.new, report.changed, report.removed) == (1, 1, 1)
    rebuild(work["corpus"], tmp_path / "rebuilt")
    assert sorted(stored(work["index"])) == sorted(stored(tmp_path / "rebuilt"))
    generation = live(work["index"])
    assert len(read_fingerprints(generation, *commit_and_count(generation))) == 62  # a good file again


def test_a_new_line_with_the_same_signature_is_unchanged_and_known_afterwards(work: dict[str, Path]) -> None:
    fingerprinted(work)
    corpus = Corpus(work["corpus"])
    docs = list(corpus.source_documents("distractor"))
    refetched = dataclasses.replace(docs[0], fetched_at="2030-01-01T00:00:00+00:00", etag='"new"')
    corpus.write_source("distractor", [refetched, *docs[1:]])
    quiet = update(work["corpus"], work["index"])
    assert (quiet.changes, quiet.decoded) == (0, 1)  # decoded, compared, not re-indexed
    corpus.write_source("distractor", [dataclasses.replace(refetched, title=refetched.title + " zebracorn",
                                                           content_hash=""), *docs[1:]])
    changed = update(work["corpus"], work["index"])
    assert (changed.changed, changed.decoded) == (1, 1)
    assert update(work["corpus"], work["index"]).decoded == 0  # the new generation knows the new line


def test_the_first_source_wins_and_broken_records_are_reported_as_before(work: dict[str, Path]) -> None:
    fingerprinted(work)
    corpus = Corpus(work["corpus"])
    docs = list(corpus.source_documents("distractor"))
    # "a-early" sorts first: its copy of a document wins; "zz-late" repeats a known line, which loses.
    corpus.write_source("a-early", [dataclasses.replace(docs[0], title=f"{MARKER} early copy", content_hash="")])
    corpus.write_source("zz-late", [docs[1]])
    with (work["corpus"] / "sources" / "zz-late.jsonl").open("ab") as handle:
        handle.write(b'{"id": "cut-off", "url": "https://example.org/", "title": "Trunc\n')
    report = update(work["corpus"], work["index"])
    assert (report.new, report.changed, report.removed, report.unchanged) == (0, 1, 0, 61)
    assert [reason.split(" (")[0] for reason in report.skipped] == ["zz-late.jsonl:2: not valid JSON"]
    full = ReadReport()
    list(corpus.documents(full))
    assert report.skipped == full.skipped
    hits = SearchIndex(work["index"]).search(f"{MARKER} early copy").hits
    assert [h.id for h in hits][:1] == [docs[0].id]


def test_a_rebuild_writes_the_file_and_the_next_update_takes_the_fast_path(work: dict[str, Path],
                                                                           tmp_path: Path) -> None:
    index = tmp_path / "fresh"
    rebuild(work["corpus"], index, procs=2)
    found = read_fingerprints(live(index), *commit_and_count(live(index)))
    assert sorted(found.ids.values()) == sorted(d.id for d in Corpus(work["corpus"]).documents())
    mutate(work["corpus"])
    report = update(work["corpus"], index)
    assert report.decoded == 2 and report.changes == 3
