"""Incremental re-crawls of the fixture lab site: conditional GETs, nothing rewritten, edits and deletions."""
from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from corpus import Corpus
from crawler import crawl, parse_sources
from servers import PagesServer, fixtures_root

SITE = fixtures_root() / "sites" / "modulabs-biomedical.github.io"
# Links on the fixture site to author pages that do not exist (301, then 404), and the sitemap probe.
DEAD = {"/author/yspaik", "/author/yspaik/", "/author/soojin_jeon", "/author/soojin_jeon/",
        "/author/heedong_yoon", "/author/heedong_yoon/"}


@pytest.fixture(scope="module")
def site_server() -> Iterator[PagesServer]:
    with PagesServer(SITE) as server:
        yield server


@pytest.fixture(scope="module")
def first_crawl(site_server: PagesServer, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site crawled once; each test starts from a copy of this corpus."""
    corpus = Corpus(tmp_path_factory.mktemp("first") / "corpus")
    assert run(site_server, corpus).total("new") == 16
    return corpus.path


@pytest.fixture()
def site(site_server: PagesServer) -> Iterator[PagesServer]:
    yield site_server
    site_server.undo_changes()


@pytest.fixture()
def corpus(first_crawl: Path, tmp_path: Path) -> Corpus:
    shutil.copytree(first_crawl, tmp_path / "corpus")
    return Corpus(tmp_path / "corpus")


def run(server: PagesServer, corpus: Corpus, **settings: Any):  # type: ignore[no-untyped-def]
    config = parse_sources({"settings": {"delay": 0.0, "backoff": 0.0, **settings},
                            "site": [{"name": "blog", "start_urls": [server.url + "/"]}]})
    server.reset_log()
    return crawl(config, corpus, sleep=lambda s: None)


def by_path(corpus: Corpus) -> dict[str, Any]:
    return {d.url.split("/", 3)[-1]: d for d in corpus.documents()}


def file_identity(path: Path) -> tuple[int, int, int]:
    stat = path.stat()
    return stat.st_ino, stat.st_mtime_ns, stat.st_size


def test_second_crawl_without_changes_is_all_304_and_rewrites_nothing(site: PagesServer, tmp_path: Path) -> None:
    corpus = Corpus(tmp_path / "corpus")
    first = run(site, corpus)
    assert first.total("new") == 16  # a crawl of its own: the bytes of both runs are compared
    files = [corpus.path / "sources" / "blog.jsonl", corpus.path / "MANIFEST.json",
             corpus.path / "state" / "blog.json"]
    before = [file_identity(f) for f in files]

    second = run(site, corpus)
    requests = site.requests
    page_requests = [r for r in requests if r.path not in DEAD | {"/robots.txt", "/sitemap.xml"}]
    conditional = [r for r in page_requests if r.conditional]
    answered_304 = [r for r in page_requests if r.status == 304]
    # Every known page (16 pages and the feed) is asked "changed since?" and answers 304.
    assert len(page_requests) == 17
    assert len(conditional) == 17 and len(answered_304) == 17
    assert second.not_modified >= 17
    assert (second.total("new"), second.total("updated"), second.total("removed")) == (0, 0, 0)
    # Counted per document, not per URL (the feed is a URL but no document): 16 unchanged of 16.
    assert second.total("unchanged") == first.total("new") == 16
    # No page body was downloaded: what was received is only the small 404 pages of dead links.
    assert second.bytes < 100_000 and second.bytes < first.bytes / 5
    assert [file_identity(f) for f in files] == before  # not rewritten: same inode, mtime and size


def test_edited_page_is_updated_not_duplicated(site: PagesServer, corpus: Corpus) -> None:
    old = by_path(corpus)["FCN"]
    html = (SITE / "FCN.html").read_text("utf-8")
    site.set_page("/FCN.html", html.replace("<h2", "<p>편집된 문단: 새로 추가한 설명입니다.</p><h2", 1))

    summary = run(site, corpus)
    docs = list(corpus.documents())
    fcn = [d for d in docs if d.url.endswith("/FCN")]
    assert len(docs) == 16 and len(fcn) == 1
    assert "편집된 문단" in fcn[0].text and fcn[0].id == old.id and fcn[0].content_hash != old.content_hash
    assert (summary.total("updated"), summary.total("new"), summary.total("removed")) == (1, 0, 0)


def test_deleted_page_is_removed_only_after_the_second_failing_crawl(site: PagesServer, corpus: Corpus) -> None:
    site.delete_page("/TensorPack.html")

    first_miss = run(site, corpus)
    assert "TensorPack" in by_path(corpus)
    assert first_miss.total("removed") == 0
    second_miss = run(site, corpus)
    assert "TensorPack" not in by_path(corpus)
    assert second_miss.total("removed") == 1 and len(list(corpus.documents())) == 15


def test_page_back_after_one_miss_resets_the_count(site: PagesServer, corpus: Corpus) -> None:
    html = (SITE / "TensorPack.html").read_bytes()
    site.delete_page("/TensorPack.html")
    run(site, corpus)
    site.set_page("/TensorPack.html", html)
    run(site, corpus)
    site.delete_page("/TensorPack.html")
    run(site, corpus)  # one miss again, not two in a row
    assert "TensorPack" in by_path(corpus)


def test_server_errors_never_remove_a_document(site: PagesServer, corpus: Corpus) -> None:
    site.override("/U_Net", (503, {"Content-Length": "0"}, b""))
    for _ in range(3):
        summary = run(site, corpus, retries=0)
        assert "U_Net" in by_path(corpus) and summary.total("removed") == 0


def test_whole_site_down_keeps_everything_and_fails_the_source(site: PagesServer, corpus: Corpus) -> None:
    before = file_identity(corpus.path / "sources" / "blog.jsonl")
    config = parse_sources({"settings": {"delay": 0.0, "retries": 0, "timeout": 2.0},
                            "site": [{"name": "blog", "start_urls": ["http://127.0.0.1:9/"]}]})
    summary = crawl(config, corpus, sleep=lambda s: None)
    assert summary.failed_sources and len(list(corpus.documents())) == 16
    assert file_identity(corpus.path / "sources" / "blog.jsonl") == before
