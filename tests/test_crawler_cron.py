"""Running from cron: overlapping runs, SIGKILL mid-write, progress with and without a terminal, exit codes.

These run the real command in subprocesses against local servers.
"""
from __future__ import annotations

import io
import logging
import os
import pty
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from corpus import Corpus
from crawler.progress import Progress
from helpers import ROOT, run_module
from helpers import html_page as page
from servers import PagesServer

# Runs ``python -m crawler ...`` but stops forever just before the corpus file is renamed into place,
# after touching a flag file: the test then kills it with SIGKILL in the middle of the write.
STALL_BEFORE_RENAME = """
import os, sys, time, runpy
flag = sys.argv[1]
real_replace = os.replace
def replace(src, dst, *args, **kwargs):
    if str(dst).endswith(".jsonl"):
        open(flag, "w").close()
        time.sleep(120)
    return real_replace(src, dst, *args, **kwargs)
os.replace = replace
sys.argv = ["crawler", *sys.argv[2:]]
runpy.run_module("crawler", run_name="__main__", alter_sys=True)
"""


class SlowPages(PagesServer):
    pause = 0.0

    def respond(self, handler: Any) -> Any:
        time.sleep(self.pause)
        return super().respond(handler)


@pytest.fixture()
def site(tmp_path: Path) -> Iterator[SlowPages]:
    root = tmp_path / "site"
    root.mkdir()
    (root / "index.html").write_text(page("Home", *(f"/p{i}.html" for i in range(6))), "utf-8")
    for i in range(6):
        (root / f"p{i}.html").write_text(page(f"P{i}"), "utf-8")
    with SlowPages(root) as server:
        yield server


def sources_file(tmp_path: Path, *urls: str) -> Path:
    path = tmp_path / "sources.toml"
    entries = "".join(f'[[site]]\nname = "s{i}"\nstart_urls = ["{url}"]\n' for i, url in enumerate(urls))
    path.write_text(f"[settings]\ndelay = 0.0\nretries = 0\ntimeout = 3.0\n{entries}", "utf-8")
    return path


def crawl_args(sources: Path, corpus: Path) -> list[str]:
    return ["crawl", "--sources", str(sources), "--corpus", str(corpus)]


def test_second_crawl_while_one_runs_exits_75_at_once(site: SlowPages, tmp_path: Path) -> None:
    site.pause = 0.15
    sources, corpus = sources_file(tmp_path, site.url + "/"), tmp_path / "corpus"
    first = subprocess.Popen([sys.executable, "-m", "crawler", *crawl_args(sources, corpus)], cwd=ROOT,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 30
        while not site.requests and time.monotonic() < deadline:  # the first one holds the lock now
            time.sleep(0.05)
        started = time.monotonic()
        second = run_module("crawler", *crawl_args(sources, corpus), timeout=60)
        second_took = time.monotonic() - started
        still_running = first.poll() is None
    finally:
        out, err = first.communicate(timeout=60)
    assert still_running, "the first crawl ended before the second started; the test proves nothing"
    assert second.returncode == 75  # "another run holds the lock": not 0, so `&&` goes no further
    notice = second.stderr.strip().splitlines()
    assert len(notice) == 1 and "another crawl is running" in notice[0] and "pid" in notice[0]
    assert second.stdout == ""
    assert second_took < 15  # python start-up only; it did not wait for the lock
    assert first.returncode == 0, err
    assert len(list(Corpus(corpus).documents())) == 7


def test_crawl_killed_mid_write_leaves_the_previous_corpus_and_the_next_run_recovers(
        site: SlowPages, tmp_path: Path) -> None:
    sources, corpus = sources_file(tmp_path, site.url + "/"), tmp_path / "corpus"
    assert run_module("crawler", *crawl_args(sources, corpus)).returncode == 0
    corpus_file = corpus / "sources" / "s0.jsonl"
    before = corpus_file.read_bytes()

    site.set_page("/p3.html", page("P3", text="edited after the first crawl"))
    flag = tmp_path / "renaming"
    child = subprocess.Popen([sys.executable, "-c", STALL_BEFORE_RENAME, str(flag), *crawl_args(sources, corpus)],
                             cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while not flag.exists():
            assert child.poll() is None and time.monotonic() < deadline, "the crawl never reached the write"
            time.sleep(0.05)
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL

    # The new file was fully written beside the old one but never renamed: the old one is whole.
    leftovers = list((corpus / "sources").glob(".s0.jsonl.*.tmp"))
    assert leftovers, "the kill did not happen mid-write"
    assert corpus_file.read_bytes() == before
    docs = list(Corpus(corpus).documents())
    assert len(docs) == 7 and not any("edited" in d.text for d in docs)

    # The kernel dropped the dead process's lock; the next run needs no help.
    again = run_module("crawler", *crawl_args(sources, corpus))
    assert again.returncode == 0, again.stderr
    assert f"the previous crawl (pid {child.pid} on " in again.stderr and "ended without releasing it" in again.stderr
    assert not list(corpus.glob("**/.*.tmp"))
    docs = list(Corpus(corpus).documents())
    assert len(docs) == 7 and sum("edited" in d.text for d in docs) == 1


SUMMARY_FIELDS = ("fetched", "unchanged", "new", "updated", "removed", "errors", "bytes")


def test_under_cron_no_progress_bar_only_log_lines_and_a_summary(site: SlowPages, tmp_path: Path) -> None:
    sources = sources_file(tmp_path, site.url + "/")
    result = run_module("crawler", *crawl_args(sources, tmp_path / "corpus"))
    assert result.returncode == 0
    assert "\r" not in result.stderr
    summary = result.stdout.strip().splitlines()
    assert len(summary) == 1 and summary[0].startswith("crawl done:")
    for field in SUMMARY_FIELDS:
        assert field in summary[0]
    assert summary[0].rstrip().endswith(" s")
    assert "new 7" in summary[0]

    again = run_module("crawler", *crawl_args(sources, tmp_path / "corpus"))
    assert "unchanged 7" in again.stdout and "answered 304" in again.stdout
    assert "nothing changed, corpus not rewritten" in again.stderr


def test_on_a_terminal_a_progress_line_is_redrawn(site: SlowPages, tmp_path: Path) -> None:
    sources = sources_file(tmp_path, site.url + "/")
    master, slave = pty.openpty()
    process = subprocess.Popen([sys.executable, "-m", "crawler", *crawl_args(sources, tmp_path / "corpus")],
                               cwd=ROOT, stdout=subprocess.PIPE, stderr=slave)
    os.close(slave)
    seen = b""
    while True:
        try:
            chunk = os.read(master, 4096)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        seen += chunk
    os.close(master)
    stdout, _ = process.communicate(timeout=60)
    assert process.returncode == 0
    assert b"\r[" in seen and b"requests" in seen
    assert stdout.decode().startswith("crawl done:")


def test_periodic_log_lines_without_a_terminal(caplog: pytest.LogCaptureFixture) -> None:
    now = [0.0]
    progress = Progress(io.StringIO(), interval=30.0, clock=lambda: now[0])
    with caplog.at_level(logging.INFO, logger="crawler.progress"):
        for i in range(100):
            now[0] += 1.0
            progress(f"http://h/p{i}")
    lines = [r.getMessage() for r in caplog.records]
    assert len(lines) == 3  # at 30, 60 and 90 s
    assert lines[0].startswith("30 requests in 30 s")
    assert progress.stream.getvalue() == ""  # type: ignore[attr-defined]


def test_exit_code_is_three_when_some_sources_failed_and_one_when_all_did(site: SlowPages, tmp_path: Path) -> None:
    site.set_page("/index.html", page("Home", "/p0.html", "/missing.html"))
    partial = run_module("crawler", *crawl_args(sources_file(tmp_path, site.url + "/"), tmp_path / "a"))
    assert partial.returncode == 0 and "errors 1" in partial.stdout  # a single URL failing is not a failed source

    both = sources_file(tmp_path, site.url + "/", "http://127.0.0.1:9/")
    failed = run_module("crawler", *crawl_args(both, tmp_path / "b"))
    assert failed.returncode == 3 and "source s1 failed" in failed.stderr
    assert [d.title for d in Corpus(tmp_path / "b").documents()]  # the healthy source was still written

    dead = sources_file(tmp_path, "http://127.0.0.1:9/")
    nothing = run_module("crawler", *crawl_args(dead, tmp_path / "c"))
    assert nothing.returncode == 1 and "source s0 failed" in nothing.stderr
    assert Corpus(tmp_path / "c").exists()  # an empty corpus: the indexer can still build an (empty) index
