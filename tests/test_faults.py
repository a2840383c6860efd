"""Faults: writers killed with SIGKILL, broken corpus records, a full or read-only disk, no index at all.

The kill tests run the real commands as subprocesses against a real production server
(``python -m web``), which must keep answering from the last good index throughout.
"""
from __future__ import annotations

import errno
import os
import shutil
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import pytest

from corpus import Corpus, ReadReport
from helpers import ROOT, get, get_json, run_module, web_server
from indexer import SearchIndex, rebuild
from indexer.operations.update import update
from indexer.operations.verify import verify
from test_index_ops_helpers import copy_crawled, file_hashes, live_generation, mutate, touch_every_document, wait_for


class Watcher:
    """Searches the server from a thread for as long as a test runs; every answer must be a 200 with hits."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.failures: list[str] = []
        self.answered = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                status, data = get_json(f"{self.url}/api/search?q={quote('세그멘테이션')}")
            except (OSError, ValueError) as exc:
                self.failures.append(repr(exc))
                continue
            self.answered += 1
            if status != 200 or not data.get("total"):
                self.failures.append(f"{status}: {str(data)[:200]}")
            self._stop.wait(0.05)

    def __enter__(self) -> Watcher:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        assert self.failures == [], self.failures[:5]
        assert self.answered > 0


@pytest.fixture(scope="module")
def live(crawled: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Path | str]]:
    """A private copy of the corpus and index, served by the production server for the whole module."""
    work: dict[str, Path | str] = dict(copy_crawled(crawled, tmp_path_factory.mktemp("live")))
    with web_server(Path(work["index"])) as url:
        work["url"] = url
        yield work


def start(module: str, *args: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", module, *args], cwd=ROOT, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)


def kill_when_building(process: subprocess.Popen[bytes], index: Path, timeout: float = 60) -> str:
    """SIGKILL ``process`` as soon as it has started writing a new generation; returns that generation."""
    existing = {p.name for p in index.glob("gen-*")}

    def building() -> list[Path]:
        return [p for p in index.glob("gen-*") if p.name not in existing and any(p.iterdir())]

    assert wait_for(lambda: bool(building()) or process.poll() is not None, timeout=timeout, interval=0.005)
    assert process.poll() is None, "the writer finished before it could be killed"
    process.send_signal(signal.SIGKILL)
    process.wait()
    return building()[0].name


def indexer_args(live: dict[str, Path | str]) -> list[str]:
    return ["--corpus", str(live["corpus"]), "--index", str(live["index"])]


def test_sigkill_during_rebuild(live: dict[str, Path | str]) -> None:
    index = Path(live["index"])
    before = live_generation(index)
    with Watcher(str(live["url"])):
        writer = start("indexer", "rebuild", *indexer_args(live))
        partial = kill_when_building(writer, index)
        assert live_generation(index) == before  # killed mid-way: never published
        assert verify(Path(live["corpus"]), index).ok
        again = run_module("indexer", "rebuild", *indexer_args(live))
        assert again.returncode == 0, again.stderr[-2000:]  # the kernel released the dead writer's lock
        assert "62 documents" in again.stdout
        assert not (index / partial).exists()  # the unfinished generation was cleaned up
        assert wait_for(lambda: get_json(f"{live['url']}/healthz")[1]["generation"] == live_generation(index), 10)


def test_sigkill_during_update(live: dict[str, Path | str]) -> None:
    index, corpus = Path(live["index"]), Path(live["corpus"])
    touch_every_document(corpus, "sigkillmarker")  # an update that re-indexes every document
    before = live_generation(index)
    before_files = file_hashes(index / before)
    with Watcher(str(live["url"])):
        writer = start("indexer", "update", *indexer_args(live))
        partial = kill_when_building(writer, index)
        assert live_generation(index) == before
        assert file_hashes(index / before) == before_files  # the live generation was not touched
        assert get_json(f"{live['url']}/api/search?q=sigkillmarker")[1]["total"] == 0
        again = run_module("indexer", "update", *indexer_args(live))
        assert again.returncode == 0, again.stderr[-2000:]
        assert "0 new, 62 changed, 0 removed" in again.stdout
        assert not (index / partial).exists()
        assert wait_for(lambda: get_json(f"{live['url']}/api/search?q=sigkillmarker")[1]["total"] == 62, 10)
    assert verify(corpus, index).ok


def test_sigkill_during_crawl(live: dict[str, Path | str]) -> None:
    index, corpus_path = Path(live["index"]), Path(live["corpus"])
    corpus = Corpus(corpus_path)
    for name in ("github", "biomedical-blog"):  # the crawl has to fetch these again from scratch
        corpus.remove_source(name)
    crawl_args = ["crawl", "--sources", str(live["sources"]), "--corpus", str(corpus_path)]
    with Watcher(str(live["url"])):
        crawler = start("crawler", *crawl_args)
        assert not wait_for(lambda: crawler.poll() is not None, timeout=1.0), "the crawl ended too soon"
        crawler.send_signal(signal.SIGKILL)
        crawler.wait()
        report = ReadReport()
        list(corpus.documents(report))
        assert report.skipped == []  # every source file is the old or the new one, never half written
        again = run_module("crawler", *crawl_args)
        assert again.returncode == 0, again.stderr[-2000:]
        updated = run_module("indexer", "update", *indexer_args(live))
        assert updated.returncode == 0, updated.stderr[-2000:]
        assert "62 documents" in updated.stdout
    assert verify(corpus_path, index).ok


def test_broken_corpus_records_are_skipped_and_counted(crawled: dict[str, Path], tmp_path: Path) -> None:
    work = copy_crawled(crawled, tmp_path)
    source = work["corpus"] / "sources" / "distractor.jsonl"
    lines = source.read_bytes().count(b"\n")
    with source.open("ab") as handle:
        handle.write(b'{"id": "cut-off", "url": "https://example.org/", "title": "Trunc\n')
        handle.write('{"id": "latin1", "title": "caf\u00e9"}\n'.encode("latin-1"))
        handle.write(b'{"id": "no-text", "url": "https://example.org/x", "kind": "page"}\n')
    args = ["--corpus", str(work["corpus"]), "--index", str(work["index"])]
    for command in ("rebuild", "update"):
        if command == "update":
            mutate(work["corpus"])
            with source.open("ab") as handle:  # write_source rewrote the file: break it again
                handle.write(b'{"id": "cut-off", "url": "https://example.org/", "title": "Trunc\n')
                handle.write('{"id": "latin1", "title": "caf\u00e9"}\n'.encode("latin-1"))
                handle.write(b'{"id": "no-text", "url": "https://example.org/x", "kind": "page"}\n')
            lines = source.read_bytes().count(b"\n") - 3
        result = run_module("indexer", command, *args)
        assert result.returncode == 0, result.stderr[-2000:]
        assert "62 documents" in result.stdout and "3 corpus records skipped" in result.stdout
        for offset, reason in ((1, "not valid JSON"), (2, "not UTF-8"), (3, "missing or non-text fields: title, text")):
            # one log line per skipped record, naming the file, the line and why
            assert result.stderr.count(f"distractor.jsonl:{lines + offset}:") == 1, result.stderr[-3000:]
            assert f"skipping corpus record distractor.jsonl:{lines + offset}: {reason}" in result.stderr
    report = verify(work["corpus"], work["index"])
    assert report.ok and report.corpus_documents == 62 and len(report.skipped) == 3


@contextmanager
def small_filesystem(mountpoint: Path, size_kb: int) -> Iterator[Path]:
    """A real tmpfs of ``size_kb`` (needs root and mount); the test is skipped where that is impossible."""
    mountpoint.mkdir(parents=True)
    if shutil.which("mount") is None or os.geteuid() != 0:
        pytest.skip("needs root and mount(8) to make a small file system")
    made = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size_kb}k", "tmpfs", str(mountpoint)],
                          capture_output=True, text=True)
    if made.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {made.stderr.strip()}")
    try:
        yield mountpoint
    finally:
        subprocess.run(["umount", "-l", str(mountpoint)], check=False)


def fill(folder: Path) -> Path:
    """Fill the file system of ``folder`` completely."""
    filler = folder / "filler"
    with filler.open("wb") as handle:
        try:
            while True:
                handle.write(b"\0" * 65536)
                handle.flush()
        except OSError as exc:
            assert exc.errno == errno.ENOSPC
    return filler


def test_disk_full_while_building(crawled: dict[str, Path], tmp_path: Path) -> None:
    size_kb = sum(p.stat().st_size for p in crawled["index"].rglob("*") if p.is_file()) // 1024 + 2048
    with small_filesystem(tmp_path / "fs", size_kb) as fs:
        shutil.copytree(crawled["index"], fs / "index")
        corpus = tmp_path / "corpus"
        shutil.copytree(crawled["corpus"], corpus)
        index = fs / "index"
        before = live_generation(index)
        before_files = file_hashes(index / before)
        filler = fill(fs)
        mutate(corpus)
        args = ["--corpus", str(corpus), "--index", str(index)]
        for command in ("rebuild", "update"):
            result = run_module("indexer", command, *args)
            assert result.returncode == 1 and "Traceback" not in result.stderr
            assert "the disk is full; the live index is untouched" in result.stderr
            assert live_generation(index) == before and file_hashes(index / before) == before_files
            assert [p.name for p in index.glob("gen-*")] == [before]
            assert SearchIndex(index).search("세그멘테이션").total > 0
        filler.unlink()
        report = update(corpus, index)  # with space again, the next run completes
        assert (report.new, report.changed, report.removed) == (1, 1, 1)
        assert verify(corpus, index).ok


def test_read_only_while_building(crawled: dict[str, Path], tmp_path: Path) -> None:
    size_kb = sum(p.stat().st_size for p in crawled["index"].rglob("*") if p.is_file()) // 1024 + 4096
    with small_filesystem(tmp_path / "fs", size_kb) as fs:
        shutil.copytree(crawled["index"], fs / "index")
        index = fs / "index"
        before = live_generation(index)
        remount = subprocess.run(["mount", "-o", "remount,ro", str(fs)], capture_output=True, text=True)
        if remount.returncode != 0:
            pytest.skip(f"cannot remount read-only: {remount.stderr.strip()}")
        corpus = tmp_path / "corpus"
        shutil.copytree(crawled["corpus"], corpus)
        mutate(corpus)
        for command in ("rebuild", "update"):
            result = run_module("indexer", command, "--corpus", str(corpus), "--index", str(index))
            assert result.returncode == 1 and "Traceback" not in result.stderr
            assert "the file system is read-only" in result.stderr and "live index is untouched" in result.stderr
            assert live_generation(index) == before
        assert SearchIndex(index).search("세그멘테이션").total > 0  # serving needs no write access


def test_missing_or_empty_index_at_web_start_then_built_while_running(crawled: dict[str, Path],
                                                                      tmp_path: Path) -> None:
    index = tmp_path / "index"
    index.mkdir()  # empty
    with web_server(index) as url:
        for path in ("/?hl=en", "/?q=unet&hl=en"):
            status, _, body = get(url + path)
            # visitors are told it is not ready, in their language; no server path, no admin command
            assert status == 503 and b"The search index is not ready yet" in body
            assert b"python -m" not in body and str(tmp_path).encode() not in body
        status, data = get_json(url + "/api/search?q=unet")
        assert status == 503 and data["error"]["code"] == "index_not_ready"
        assert "python -m indexer rebuild" in data["error"]["message"]
        status, health = get_json(url + "/healthz")
        assert status == 503 and health["ok"] is False and "python -m indexer rebuild" in health["error"]

        (index / "CURRENT").write_text("gen-gone\n", "utf-8")  # points at a generation that is not there
        assert wait_for(lambda: "missing generation" in get_json(url + "/healthz")[1].get("error", ""), 10)

        rebuild(crawled["corpus"], index)
        assert wait_for(lambda: get_json(url + "/healthz")[0] == 200, timeout=10)
        status, data = get_json(url + "/api/search?q=unet")
        assert status == 200 and data["total"] > 0
