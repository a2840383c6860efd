"""Limits against traps and bombs: redirects, huge and compressed bodies, content types, pages, depth, URL length."""
from __future__ import annotations

import gzip
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from corpus import Corpus
from crawler import CrawlSettings, Fetcher, crawl, parse_sources
from crawler.errors import RedirectError, TooLarge
from helpers import html_page as page
from servers import PagesServer

MIB = 1024 * 1024


@pytest.fixture()
def server(tmp_path: Path) -> Iterator[PagesServer]:
    root = tmp_path / "site"
    root.mkdir()
    (root / "index.html").write_text(page("Home", "/a.html"), "utf-8")
    (root / "a.html").write_text(page("A"), "utf-8")
    with PagesServer(root) as running:
        yield running


def run(server: PagesServer, tmp_path: Path, **settings: Any):  # type: ignore[no-untyped-def]
    config = parse_sources({"settings": {"delay": 0.0, "backoff": 0.0, **settings},
                            "site": [{"name": "site", "start_urls": [server.url + "/"]}]})
    corpus = Corpus(tmp_path / "corpus")
    summary = crawl(config, corpus, sleep=lambda s: None)
    return summary, {d.title: d for d in corpus.documents()}


@pytest.fixture()
def fetcher() -> Iterator[Any]:
    """``fetcher(**settings)`` builds a Fetcher on a real client, closed after the test."""
    clients: list[httpx.Client] = []

    def make(**settings: Any) -> Fetcher:
        clients.append(httpx.Client(timeout=5.0))
        return Fetcher(clients[-1], CrawlSettings(delay=0.0, backoff=0.0, **settings), sleep=lambda s: None)

    yield make
    for client in clients:
        client.close()


def redirect(to: str) -> tuple[int, dict[str, str], bytes]:
    return 301, {"Location": to, "Content-Length": "0"}, b""


def test_redirect_loop_is_an_error_and_stops(server: PagesServer, tmp_path: Path) -> None:
    server.set_page("/index.html", page("Home", "/loop-a"))
    server.override("/loop-a", redirect("/loop-b"))
    server.override("/loop-b", redirect("/loop-a"))
    summary, docs = run(server, tmp_path)
    assert len(server.requests_to("/loop-a")) == 1 and len(server.requests_to("/loop-b")) == 1
    assert summary.total("errors") == 1 and set(docs) == {"Home"}


def test_redirect_chain_longer_than_the_limit_is_refused(server: PagesServer, fetcher: Any) -> None:
    for hop in range(10):
        server.override(f"/hop{hop}", redirect(f"/hop{hop + 1}"))
    with pytest.raises(RedirectError, match="more than 3 redirects"):
        fetcher(max_redirects=3).get(server.url + "/hop0")
    assert sum(len(server.requests_to(f"/hop{h}")) for h in range(10)) == 4


def test_redirect_off_the_site_is_not_followed(server: PagesServer, tmp_path: Path) -> None:
    with PagesServer(tmp_path) as elsewhere:
        server.set_page("/index.html", page("Home", "/away"))
        server.override("/away", redirect(elsewhere.url + "/x.html"))
        summary, docs = run(server, tmp_path)
        assert elsewhere.requests == []
    assert set(docs) == {"Home"} and summary.total("errors") == 1


class Streamed:
    """A long body sent in chunks; counts what the server managed to hand to the socket."""

    def __init__(self, total: int, chunk: bytes = b"<p>" + b"x" * 65530 + b"</p>") -> None:
        self.total, self.chunk, self.sent = total, chunk, 0

    def __iter__(self) -> Iterator[bytes]:
        while self.sent < self.total:
            self.sent += len(self.chunk)
            yield self.chunk


def test_30_mb_streamed_response_is_cut_at_max_bytes(server: PagesServer, fetcher: Any) -> None:
    body = Streamed(30 * MIB)
    server.override("/big", lambda handler, count: (200, {"Content-Type": "text/html"}, body))
    with pytest.raises(TooLarge):
        fetcher(max_bytes=1 * MIB).get(server.url + "/big")
    # We stopped reading after ~1 MiB; what the server wrote beyond that sat in socket buffers.
    assert body.sent < 12 * MIB


def test_30_mb_declared_length_is_refused_before_reading(server: PagesServer, fetcher: Any) -> None:
    body = Streamed(30 * MIB)
    headers = {"Content-Type": "text/html", "Content-Length": str(30 * MIB)}
    server.override("/big", lambda handler, count: (200, headers, body))
    f = fetcher(max_bytes=1 * MIB)
    with pytest.raises(TooLarge, match="Content-Length"):
        f.get(server.url + "/big")
    assert f.stats.bytes < 1 * MIB


def test_30_mb_page_in_a_crawl_is_one_error_and_the_rest_is_indexed(server: PagesServer, tmp_path: Path) -> None:
    server.set_page("/index.html", page("Home", "/big", "/a.html"))
    server.override("/big", lambda handler, count: (200, {"Content-Type": "text/html"}, Streamed(30 * MIB)))
    summary, docs = run(server, tmp_path, max_bytes=MIB)
    assert set(docs) == {"Home", "A"} and summary.total("errors") == 1
    assert summary.bytes < 12 * MIB


def test_gzip_bomb_is_cut_off_without_inflating_it(server: PagesServer, fetcher: Any) -> None:
    bomb = gzip.compress(b"\0" * (40 * MIB), compresslevel=6)
    assert len(bomb) < 100 * 1024  # 1000:1
    server.override("/bomb", (200, {"Content-Type": "text/html", "Content-Encoding": "gzip"}, bomb))
    f = fetcher(max_bytes=MIB)
    with pytest.raises(TooLarge):
        f.get(server.url + "/bomb")
    assert f.stats.bytes < 100 * 1024  # 40 KB on the wire; inflating stopped at 1 MiB


def test_gzip_page_is_decompressed(server: PagesServer, tmp_path: Path) -> None:
    body = gzip.compress(page("Zipped").encode("utf-8"))
    server.set_page("/index.html", page("Home", "/zipped"))
    server.override("/zipped", (200, {"Content-Type": "text/html; charset=utf-8", "Content-Encoding": "gzip"}, body))
    _, docs = run(server, tmp_path)
    assert "Zipped" in docs and "long enough" in docs["Zipped"].text


def test_only_html_markdown_text_and_feeds_are_downloaded(server: PagesServer, tmp_path: Path) -> None:
    video = Streamed(20 * MIB, b"\0" * 65536)
    server.set_page("/index.html", page("Home", "/clip", "/photo", "/data", "/notes"))
    server.override("/clip", lambda handler, count: (200, {"Content-Type": "video/mp4"}, video))
    server.override("/photo", (200, {"Content-Type": "image/png"}, b"\x89PNG" + b"\0" * 1000))
    server.override("/data", (200, {"Content-Type": "application/json"}, b'{"title": "not a page"}'))
    server.override("/notes", (200, {"Content-Type": "text/markdown; charset=utf-8"},
                               "# Notes\n\n실험 노트입니다.".encode("utf-8")))
    summary, docs = run(server, tmp_path)
    assert set(docs) == {"Home", "notes"}
    assert "실험 노트입니다." in docs["notes"].text
    assert video.sent < 10 * MIB  # the video's body was never read
    assert summary.bytes < 64 * 1024


def test_max_pages_bounds_a_source(server: PagesServer, tmp_path: Path) -> None:
    server.set_page("/index.html", page("Home", *(f"/p{i}.html" for i in range(30))))
    for i in range(30):
        server.set_page(f"/p{i}.html", page(f"P{i}"))
    summary, docs = run(server, tmp_path, max_pages=10)
    page_requests = [r for r in server.requests if re.fullmatch(r"/p\d+\.html", r.path)]
    assert len(docs) <= 10 and len(page_requests) <= 10
    assert any("max_pages=10" in note for r in summary.results for note in r.notes)


def test_max_depth_bounds_a_chain_of_links(server: PagesServer, tmp_path: Path) -> None:
    server.set_page("/index.html", page("Home", "/d1.html"))
    for i in range(1, 20):
        server.set_page(f"/d{i}.html", page(f"D{i}", f"/d{i + 1}.html"))
    _, docs = run(server, tmp_path, max_depth=3)
    assert set(docs) == {"Home", "D1", "D2", "D3"}


def test_overlong_urls_are_skipped(server: PagesServer, tmp_path: Path) -> None:
    long_path = "/" + "x" * 3000
    server.set_page("/index.html", page("Home", long_path, "/a.html"))
    run(server, tmp_path, max_url_length=2048)
    assert not any(len(r.path) > 2048 for r in server.requests)
    assert server.requests_to("/a.html")


def test_calendar_link_trap_is_bounded(server: PagesServer, tmp_path: Path) -> None:
    def calendar(handler: Any, count: int) -> Any:
        month = int(parse_qs(urlsplit(handler.path).query).get("month", ["0"])[0])
        html = page(f"Calendar {month}", f"/calendar?month={month + 1}", f"/calendar?month={month - 1}")
        return 200, {"Content-Type": "text/html; charset=utf-8"}, html.encode("utf-8")

    server.set_page("/index.html", page("Home", "/calendar?month=1", "/a.html"))
    server.override("/calendar", calendar)
    summary, docs = run(server, tmp_path, max_depth=12, max_pages=2000)
    months = len(server.requests_to("/calendar"))
    assert 10 <= months <= 2 * 12  # depth 12 each way from month 1, then it stops
    assert "A" in docs and not summary.failed_sources
