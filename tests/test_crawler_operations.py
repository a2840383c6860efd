"""What an operator sees: counts that add up, sources removed from the file, the sources file checked whole,
stale locks, and ``modusearch refresh``'s exit codes (real commands in subprocesses, real local servers)."""
from __future__ import annotations

import json
import logging
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from corpus import Corpus
from crawler import crawl, parse_sources
from crawler.lock import RunLock
from helpers import ROOT, run_module
from hostile import HostileServer, page, slow

ISO_LINE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d{4} (INFO|WARNING|ERROR) ")


def write_sources(path: Path, body: str) -> Path:
    path.write_text("[settings]\ndelay = 0.0\nretries = 0\nbackoff = 0.0\ntimeout = 5.0\n" + body, "utf-8")
    return path


def site_entry(name: str, url: str) -> str:
    return f'[[site]]\nname = "{name}"\nstart_urls = ["{url}/"]\n'


def pages_entry(name: str, *urls: str) -> str:
    return f'[[pages]]\nname = "{name}"\nurls = [{", ".join(json.dumps(u) for u in urls)}]\n'


def assert_adds_up(result, before: int) -> None:  # type: ignore[no-untyped-def]
    assert len(result.documents) == result.new + result.updated + result.unchanged + result.kept
    assert before == result.updated + result.unchanged + result.kept + result.removed


def test_counts_add_up_on_a_crawl_where_a_source_fails(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    routes = {"/": page("home", links=[f"/p{i}" for i in range(6)])}
    routes.update({f"/p{i}": page(f"page {i}") for i in range(6)})
    with HostileServer("127.0.0.1", routes) as site, \
            HostileServer("127.0.0.2", {"/a": page("interview a"), "/b": page("interview b")}) as pages:
        config = parse_sources({"settings": {"delay": 0.0, "retries": 0},
                                "site": [{"name": "site", "start_urls": [site.url + "/"]}],
                                "pages": [{"name": "pages", "urls": [pages.url + "/a", pages.url + "/b"]}]})
        corpus = Corpus(tmp_path / "corpus")
        crawl(config, corpus, sleep=lambda s: None)
        held = {name: len(list(corpus.source_documents(name))) for name in ("site", "pages")}
        assert held == {"site": 7, "pages": 2}

        site.routes["/p0"] = page("page 0", "edited text of page zero")                       # updated
        site.routes["/p1"] = lambda h: h.send_error(500)                                        # kept
        site.routes["/p2"] = lambda h: h.send_error(404)                                        # kept (1st miss)
        site.routes["/"] = page("home", links=[f"/p{i}" for i in range(6)] + ["/new"])
        site.routes["/new"] = page("a new page")                                                # new
        pages.routes.clear()
        pages.routes["/robots.txt"] = lambda h: h.send_error(503)                              # source fails
        with caplog.at_level(logging.INFO, logger="crawler.run"):
            summary = crawl(config, corpus, sleep=lambda s: None)
    results = {r.name: r for r in summary.results}
    assert_adds_up(results["site"], held["site"])
    assert (results["site"].new, results["site"].updated, results["site"].kept, results["site"].removed) == (1, 2, 2, 0)
    assert_adds_up(results["pages"], held["pages"])
    assert results["pages"].failed and results["pages"].kept == 2 and results["pages"].removed == 0
    assert "removed 0" in summary.line() and "kept 4" in summary.line()
    lines = [r.getMessage() for r in caplog.records]
    assert any(line.startswith("pages: failed (") and line.endswith("kept 2 previous documents") for line in lines)
    assert len(list(corpus.source_documents("pages"))) == 2


def test_a_source_removed_from_the_file_leaves_the_corpus(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    with HostileServer("127.0.0.1", {"/a": page("kept source"), "/b": page("dropped source")}) as server:
        both = parse_sources({"settings": {"delay": 0.0}, "pages": [{"name": "keep", "urls": [server.url + "/a"]},
                                                                   {"name": "drop", "urls": [server.url + "/b"]}]})
        one = parse_sources({"settings": {"delay": 0.0}, "pages": [{"name": "keep", "urls": [server.url + "/a"]}]})
        corpus = Corpus(tmp_path / "corpus")
        crawl(both, corpus, sleep=lambda s: None)
        crawl(one, corpus, sleep=lambda s: None, only=["keep"])  # --only never drops other sources
        crawl(one, corpus, sleep=lambda s: None, keep_removed_sources=True)
        assert corpus.source_names() == ["drop", "keep"]
        with caplog.at_level(logging.INFO, logger="crawler.run"):
            summary = crawl(one, corpus, sleep=lambda s: None)
    assert corpus.source_names() == ["keep"] and corpus.read_state("drop") == {}
    assert "drop" not in corpus.manifest() and summary.dropped_sources == {"drop": 1}
    assert "source drop is no longer in the sources file: removed its 1 documents from the corpus" in caplog.text
    assert [d.title for d in corpus.documents()] == ["kept source"]


def test_the_sources_file_is_checked_whole_before_any_request(tmp_path: Path) -> None:
    with HostileServer("127.0.0.1", {"/": page("home")}) as server:
        sources = write_sources(tmp_path / "sources.toml", site_entry("first", server.url)
                                + pages_entry("interviews", server.url + "/a") + 'labb = "오타랩"\n')
        result = run_module("crawler", "crawl", "--sources", str(sources), "--corpus", str(tmp_path / "c"))
        assert server.paths() == []
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"crawler: {sources}: [[pages]] entry name 'interviews': unknown key 'labb' (did you mean 'lab'?)"]
    settings = write_sources(tmp_path / "s2.toml", site_entry("s", "http://127.0.0.1:9") + "settings = { max_pagez = 3 }\n")
    result = run_module("crawler", "crawl", "--sources", str(settings), "--corpus", str(tmp_path / "c"))
    assert result.returncode == 2 and "[[site]] entry name 's': unknown setting 'max_pagez' (did you mean " \
                                      "'max_pages'?)" in result.stderr and str(settings) in result.stderr


def test_a_lock_left_by_a_dead_crawl_is_taken_over_with_a_log_line(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    dead = {"pid": 999999, "host": "elsewhere", "started": time.time() - 60, "stale_after": time.time() + 3600}
    (corpus / ".crawl.lock").write_text(json.dumps(dead))  # written by a holder that died (flock released)
    sources = write_sources(tmp_path / "sources.toml", "")
    result = run_module("crawler", "crawl", "--sources", str(sources), "--corpus", str(corpus))
    assert result.returncode == 0, result.stderr
    assert "taking over the crawl lock: the previous crawl (pid 999999 on elsewhere since" in result.stderr
    assert (corpus / ".crawl.lock").read_text() == ""  # released cleanly this time


def test_a_crawl_stuck_past_its_run_deadline_is_ended_and_taken_over(tmp_path: Path) -> None:
    routes = {"/": page("home", links=[f"/p{i}" for i in range(30)])}
    routes.update({f"/p{i}": slow(page(f"page {i}"), 0.3) for i in range(30)})
    with HostileServer("127.0.0.1", routes) as server:
        stuck_sources = write_sources(tmp_path / "stuck.toml", "run_deadline = 1.0\n" + site_entry("s", server.url))
        corpus = tmp_path / "corpus"
        stuck = subprocess.Popen([sys.executable, "-m", "crawler", "crawl", "--sources", str(stuck_sources),
                                  "--corpus", str(corpus)], cwd=ROOT, stdout=subprocess.DEVNULL,
                                 stderr=subprocess.DEVNULL)
        try:
            deadline = time.monotonic() + 30
            while not server.paths() and time.monotonic() < deadline:
                time.sleep(0.05)
            os.kill(stuck.pid, signal.SIGSTOP)  # alive, holding the lock, going nowhere
            time.sleep(1.5)  # past its run deadline and the grace (a tenth of it)
            sources = write_sources(tmp_path / "ok.toml", site_entry("s", server.url))
            started = time.monotonic()
            result = run_module("crawler", "crawl", "--sources", str(sources), "--corpus", str(corpus), timeout=120)
            took = time.monotonic() - started
        finally:
            if stuck.poll() is None:
                os.kill(stuck.pid, signal.SIGKILL)
            stuck.wait(timeout=30)
    assert stuck.returncode == -signal.SIGTERM
    assert result.returncode == 0, result.stderr
    assert f"taking over the crawl lock from pid {stuck.pid}" in result.stderr and "past its run deadline" in result.stderr
    assert took < 60


def test_refresh_exit_codes(tmp_path: Path) -> None:
    with HostileServer("127.0.0.1", {"/": page("refresh home"), "/a": page("an interview")}) as server:
        paths = ["--corpus", str(tmp_path / "corpus"), "--index", str(tmp_path / "index")]

        def refresh(sources: Path) -> subprocess.CompletedProcess[str]:
            return run_module("modusearch", "refresh", "--sources", str(sources), *paths)

        healthy = write_sources(tmp_path / "ok.toml", site_entry("site", server.url) + pages_entry("p", server.url + "/a"))
        partial = write_sources(tmp_path / "partial.toml", site_entry("site", server.url)
                                + pages_entry("p", server.url + "/a") + pages_entry("dead", "http://127.0.0.1:9/x"))
        dead = write_sources(tmp_path / "dead.toml", pages_entry("dead", "http://127.0.0.1:9/x"))
        bad = write_sources(tmp_path / "bad.toml", pages_entry("p", server.url + "/a") + 'kinds = "page"\n')

        first = refresh(dead)  # a first run that reaches nothing: exit 1, but an empty index to serve
        assert first.returncode == 1 and "update done" in first.stdout, first.stderr
        assert run_module("indexer", "verify", *paths).returncode == 0

        ok = refresh(healthy)
        assert ok.returncode == 0 and "crawl done" in ok.stdout and "update done: 2 new" in ok.stdout, ok.stderr
        assert all(ISO_LINE.match(line) for line in ok.stderr.splitlines() if " INFO " in line)

        server.routes["/b"] = page("another interview")
        partial = write_sources(partial, site_entry("site", server.url) + pages_entry("p", server.url + "/a", server.url + "/b")
                                + pages_entry("dead", "http://127.0.0.1:9/x"))
        some = refresh(partial)
        assert some.returncode == 3 and "update done: 1 new" in some.stdout, some.stdout + some.stderr

        assert refresh(bad).returncode == 2
        with RunLock(tmp_path / "corpus" / ".crawl.lock", run_deadline=3600):
            locked = refresh(healthy)
        assert locked.returncode == 75 and locked.stdout == ""
        assert locked.stderr.strip().startswith("crawler: another crawl is running (pid")
