"""Politeness: robots.txt, Crawl-delay, User-Agent, retries with Retry-After, per-host serialisation.

Delays are observed through an injected clock and sleep, so no test really waits for them.
"""
from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from corpus import Corpus
from crawler import CrawlSettings, Fetcher, FetchError, crawl, parse_sources
from helpers import html_page as page
from servers import PagesServer


class FakeTime:
    """A clock that only moves when the crawler sleeps; remembers every sleep."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.slept: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(round(seconds, 6))
        self.now += seconds


@pytest.fixture()
def site(tmp_path: Path) -> Path:
    root = tmp_path / "site"
    (root / "private").mkdir(parents=True)
    (root / "index.html").write_text(page("Home", "/a.html", "/b.html", "/private/secret.html"), "utf-8")
    (root / "a.html").write_text(page("A", "/"), "utf-8")
    (root / "b.html").write_text(page("B", "/a.html"), "utf-8")
    (root / "private" / "secret.html").write_text(page("Secret"), "utf-8")
    return root


def run(server: PagesServer, tmp_path: Path, fake: FakeTime | None = None, **settings: Any):  # type: ignore[no-untyped-def]
    fake = fake or FakeTime()
    config = parse_sources({"settings": {"delay": 0.0, "backoff": 0.0, **settings},
                            "site": [{"name": "site", "start_urls": [server.url + "/"]}]})
    corpus = Corpus(tmp_path / "corpus")
    summary = crawl(config, corpus, clock=fake.clock, sleep=fake.sleep)
    return summary, {d.title: d for d in corpus.documents()}


def test_robots_disallow_for_our_agent_and_crawl_delay_are_obeyed(site: Path, tmp_path: Path) -> None:
    with PagesServer(site) as server:
        # Our own group wins over "*": we may crawl, except /private/, one request per 4 s.
        server.set_page("/robots.txt", "User-agent: *\nDisallow: /\n\n"
                                       "User-agent: modusearch\nDisallow: /private/\nCrawl-delay: 4\n")
        fake = FakeTime()
        summary, docs = run(server, tmp_path, fake, delay=1.0)
        paths = [r.path for r in server.requests]
    assert "/private/secret.html" not in paths
    assert set(docs) == {"Home", "A", "B"}
    # robots.txt, then /sitemap.xml, /, /a.html, /b.html: every request after the first waits 4 s.
    assert paths[0] == "/robots.txt"
    assert fake.slept == [4.0] * (len(paths) - 1)
    assert not summary.failed_sources


def test_crawl_delay_above_the_cap_is_capped(site: Path, tmp_path: Path) -> None:
    with PagesServer(site) as server:
        server.set_page("/robots.txt", "User-agent: *\nCrawl-delay: 600\n")
        fake = FakeTime()
        run(server, tmp_path, fake, max_crawl_delay=30.0)
    assert fake.slept and set(fake.slept) == {30.0}


def test_default_delay_spaces_requests_to_one_host(site: Path, tmp_path: Path) -> None:
    with PagesServer(site) as server:
        fake = FakeTime()
        run(server, tmp_path, fake, delay=1.0)
        count = len(server.requests)
    assert fake.slept == [1.0] * (count - 1)


def test_robots_disallow_all_removes_nothing_it_never_had_and_fetches_nothing(site: Path, tmp_path: Path) -> None:
    with PagesServer(site) as server:
        server.set_page("/robots.txt", "User-agent: *\nDisallow: /\n")
        summary, docs = run(server, tmp_path)
        paths = [r.path for r in server.requests]
    assert paths == ["/robots.txt"] and docs == {}


def test_robots_txt_5xx_keeps_the_documents_of_that_host(site: Path, tmp_path: Path) -> None:
    with PagesServer(site) as server:
        run(server, tmp_path)
        server.override("/robots.txt", (503, {"Content-Type": "text/plain"}, b"down"))
        server.reset_log()
        summary, docs = run(server, tmp_path, retries=0)
        pages_requested = [r.path for r in server.requests if r.path != "/robots.txt"]
    assert set(docs) == {"Home", "A", "B", "Secret"}
    assert pages_requested == []  # the host is left alone for this run
    assert summary.failed_sources  # the whole site failed this time: exit code 1, documents kept


def test_user_agent_names_us_and_a_contact_url(site: Path, tmp_path: Path) -> None:
    with PagesServer(site) as server:
        run(server, tmp_path)
        agents = {r.headers.get("user-agent") for r in server.requests}
    (agent,) = agents
    assert agent == CrawlSettings().user_agent
    assert agent.startswith("modusearch/") and "+https://" in agent


def test_429_waits_for_retry_after_then_succeeds(site: Path, tmp_path: Path) -> None:
    with PagesServer(site) as server:
        def busy(handler: Any, count: int) -> Any:
            if count == 1:
                return 429, {"Retry-After": "7", "Content-Length": "0"}, b""
            return server.respond(handler)

        server.override("/a.html", busy)
        fake = FakeTime()
        summary, docs = run(server, tmp_path, fake, backoff=2.0)
        attempts = server.requests_to("/a.html")
    assert [r.status for r in attempts] == [429, 200]
    assert fake.slept == [7.0]  # Retry-After wins over the 2 s backoff; no other waits at delay 0
    assert "A" in docs


def test_retry_after_longer_than_allowed_fails_the_url_without_waiting(site: Path, tmp_path: Path) -> None:
    with PagesServer(site) as server:
        server.override("/a.html", (429, {"Retry-After": "3600"}, b""))
        fake = FakeTime()
        summary, docs = run(server, tmp_path, fake, max_retry_after=120.0)
        attempts = server.requests_to("/a.html")
    assert len(attempts) == 1 and fake.slept == []
    assert "A" not in docs and summary.total("errors") == 1


def test_500_then_success_with_exponential_backoff(site: Path, tmp_path: Path) -> None:
    with PagesServer(site) as server:
        def flaky(handler: Any, count: int) -> Any:
            return (500, {}, b"oops") if count <= 2 else server.respond(handler)

        server.override("/b.html", flaky)
        fake = FakeTime()
        summary, docs = run(server, tmp_path, fake, backoff=2.0, retries=3)
        statuses = [r.status for r in server.requests_to("/b.html")]
    assert statuses == [500, 500, 200]
    assert fake.slept == [2.0, 4.0]
    assert "B" in docs and summary.total("errors") == 0


def test_404_is_not_retried(site: Path, tmp_path: Path) -> None:
    with PagesServer(site) as server:
        server.set_page("/index.html", page("Home", "/missing.html"))
        fake = FakeTime()
        summary, _ = run(server, tmp_path, fake, backoff=2.0, retries=3)
        assert len(server.requests_to("/missing.html")) == 1
    assert fake.slept == []


def test_timeout_is_retried_then_given_up_and_never_removes_a_document(site: Path, tmp_path: Path) -> None:
    with PagesServer(site) as server:
        run(server, tmp_path)

        attempts = []

        def slow(handler: Any, count: int) -> Any:
            attempts.append(count)
            time.sleep(1.5)  # well past the timeout, even on a loaded machine
            return server.respond(handler)

        server.override("/a.html", slow)
        for _ in range(2):  # as many crawls as gone_after: a timeout is never a deletion
            summary, docs = run(server, tmp_path, timeout=0.6, retries=1)
            assert "A" in docs
            assert summary.total("errors") == 1 and summary.total("removed") == 0
        assert len(attempts) == 2 * 2  # two attempts (retries=1) in each crawl


def test_fetcher_gives_up_on_a_dead_port_with_a_fetch_error() -> None:
    fake = FakeTime()
    with httpx.Client(timeout=1.0) as client:
        fetcher = Fetcher(client, CrawlSettings(delay=0.0, backoff=1.0, retries=2), clock=fake.clock,
                          sleep=fake.sleep)
        with pytest.raises(FetchError):
            fetcher.get("http://127.0.0.1:9/x", robots=False)
    assert fake.slept == [1.0, 2.0]


class SlowServer(PagesServer):
    """Answers after a short real pause and records how many requests overlap, here and overall."""

    overall_lock = threading.Lock()

    def __init__(self, root: Path, overall: dict[str, int]) -> None:
        self.in_flight = self.max_in_flight = 0
        self.overall = overall
        super().__init__(root)

    def respond(self, handler: Any) -> Any:
        with self.overall_lock:
            self.in_flight += 1
            self.overall["now"] += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
            self.overall["max"] = max(self.overall["max"], self.overall["now"])
        time.sleep(0.05)
        with self.overall_lock:
            self.in_flight -= 1
            self.overall["now"] -= 1
        return super().respond(handler)


def test_one_request_at_a_time_per_host_while_hosts_run_in_parallel(site: Path, tmp_path: Path) -> None:
    overall = {"now": 0, "max": 0}
    with SlowServer(site, overall) as one, SlowServer(site, overall) as two:
        config = parse_sources({"settings": {"delay": 0.0}, "site": [
            {"name": "one", "start_urls": [one.url + "/"]}, {"name": "two", "start_urls": [two.url + "/"]}]})
        crawl(config, Corpus(tmp_path / "corpus"), sleep=lambda s: None)
    assert one.max_in_flight == 1 and two.max_in_flight == 1  # never two requests to one host at once
    assert overall["max"] == 2  # but the two hosts were crawled at the same time
