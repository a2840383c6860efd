"""Deadlines: a dripping or stalled server costs one response deadline, a slow source its own deadline,
and neither holds up the other sources. Real servers that drip bytes; real time (the deadlines are
seconds), with generous bounds so a loaded machine does not make them flaky."""
from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from corpus import Corpus
from crawler import crawl, parse_sources
from hostile import HostileServer, LoopbackOnly, drip, page, slow


def run(tmp_path: Path, settings: dict[str, Any], entries: dict[str, Any]):
    config = parse_sources({"settings": {"delay": 0.0, "backoff": 0.0, "timeout": 5.0, **settings}, **entries})
    started = time.monotonic()
    summary = crawl(config, Corpus(tmp_path / "corpus"), sleep=lambda s: None, connector=LoopbackOnly())
    return summary, time.monotonic() - started


def test_a_dripped_body_ends_at_the_response_deadline_and_is_not_retried(tmp_path: Path) -> None:
    with HostileServer("127.0.0.1", {"/drip": drip(every=0.2), "/headers": drip(every=0.2, headers_too=True),
                                     "/ok": page("healthy page")}) as server:
        summary, took = run(tmp_path, {"response_deadline": 1.5, "retries": 3},
                            {"pages": [{"name": "p", "urls": [server.url + p for p in ("/drip", "/headers", "/ok")]}]})
        asked = server.paths()
    result = summary.results[0]
    assert result.failed is None and result.errors == 2
    assert asked.count("/drip") == 1 and asked.count("/headers") == 1  # a deadline is not retried
    assert took < 3 * 1.5 + 2  # two deadlines and change: each drip stopped at its deadline (no read timeout hit)
    assert [d.title for d in Corpus(tmp_path / "corpus").documents()] == ["healthy page"]


def test_a_source_past_its_deadline_fails_alone_and_keeps_its_documents(tmp_path: Path) -> None:
    routes = {f"/p{i}": slow(page(f"slow page {i}"), 0.6) for i in range(20)}
    routes["/"] = page("slow home", links=[f"/p{i}" for i in range(20)])
    with HostileServer("127.0.0.1", routes) as slow_site, \
            HostileServer("127.0.0.2", {"/": page("quick home")}) as quick:
        entries = {"site": [{"name": "slow", "start_urls": [slow_site.url + "/"]},
                            {"name": "quick", "start_urls": [quick.url + "/"]}]}
        first, _ = run(tmp_path, {"source_deadline": 60}, entries)
        assert not first.failed_sources
        before = len(list(Corpus(tmp_path / "corpus").source_documents("slow")))
        second, took = run(tmp_path, {"source_deadline": 1.5}, entries)
    failed = {r.name: r for r in second.failed_sources}
    assert list(failed) == ["slow"] and "source deadline" in failed["slow"].failed
    assert failed["slow"].kept == before == 21 and failed["slow"].removed == 0
    assert len(list(Corpus(tmp_path / "corpus").source_documents("slow"))) == 21
    assert took < 1.5 + 0.6 + 5  # stopped at the deadline, not after the 20 pages' 12 s


def test_slow_hosts_do_not_starve_a_fast_one(tmp_path: Path) -> None:
    """Six sources on stalled hosts and one healthy one: the healthy one is crawled at once (one thread
    per source), and the run ends at the stalled ones' response deadline."""
    stalled = [HostileServer("127.0.0.1", {"/": drip(every=0.5)}) for _ in range(6)]
    with HostileServer("127.0.0.2", {"/": page("fast home", links=["/a"]), "/a": page("fast a")}) as fast:
        try:
            started = time.monotonic()
            entries = {"site": [{"name": f"stalled{i}", "start_urls": [s.url + "/"]} for i, s in enumerate(stalled)]
                       + [{"name": "fast", "start_urls": [fast.url + "/"]}]}
            summary, took = run(tmp_path, {"response_deadline": 3, "retries": 0}, entries)
            fast_times = [t - started for t, path, _ in fast.requests if path in ("/", "/a")]
        finally:
            for server in stalled:
                server.__exit__()
    assert len(fast_times) == 2 and max(fast_times) < 2.5  # before any stalled response ended
    assert {r.name for r in summary.failed_sources} == {f"stalled{i}" for i in range(6)}
    assert took < 3 + 4


def test_the_run_deadline_stops_every_source(tmp_path: Path) -> None:
    routes = {f"/p{i}": slow(page(f"page {i}"), 0.5) for i in range(10)}
    routes["/"] = page("home", links=[f"/p{i}" for i in range(10)])
    with HostileServer("127.0.0.1", routes) as site:
        summary, took = run(tmp_path, {"run_deadline": 1.2}, {"site": [{"name": "s", "start_urls": [site.url + "/"]}]})
    assert summary.failed_sources and "run deadline" in summary.failed_sources[0].failed
    assert took < 1.2 + 0.5 + 5
