"""The default sources.toml: the Modulabs articles it lists are in scope of their entries and come out with
the entry's kind and lab. Nothing can be fetched from here, so each URL's path is served by a local server
standing in for its host (brunch.co.kr, modulabs.co.kr) and the entries are crawled against it."""
from __future__ import annotations

import dataclasses
from pathlib import Path
from urllib.parse import urlsplit

from corpus import Corpus
from crawler import crawl, load_sources
from crawler.config.sources import PagesSource
from helpers import ROOT
from hostile import HostileServer, page

ARTICLE_HOSTS = {"brunch.co.kr", "modulabs.co.kr"}


def article_sources() -> list[PagesSource]:
    config = load_sources(ROOT / "sources.toml")
    return [s for s in config.sources if isinstance(s, PagesSource)]


def test_articles_are_modulabs_addresses_with_kind_and_lab() -> None:
    sources = article_sources()
    urls = [u for s in sources for u in s.urls]
    assert len(urls) == len(set(urls)) >= 9  # more than the one interview it used to hold
    for url in urls:
        parts = urlsplit(url)
        assert parts.scheme == "https" and parts.netloc in ARTICLE_HOSTS, url
        assert parts.path.startswith("/@modulabs/") if parts.netloc == "brunch.co.kr" else parts.path.startswith("/blog/")
    kinds = {s.name: (s.kind, s.lab) for s in sources}
    assert kinds["interviews"] == ("interview", "바이오메디컬랩")  # the first interview keeps its source (and ids)
    assert sum(len(s.urls) for s in sources if s.kind == "interview") >= 6
    assert all(s.lab == "" for s in sources if len(s.urls) > 1)  # articles about Modulabs as a whole: no lab


def test_each_entry_crawls_its_articles_with_its_kind_and_lab(tmp_path: Path) -> None:
    sources = article_sources()
    paths = {urlsplit(u).path for s in sources for u in s.urls}
    routes = {path: page(f"article {path}", f"모두의연구소 글 {path}") for path in paths}
    with HostileServer("127.0.0.1", routes) as server:
        # every host of the file served by the local server, paths unchanged
        local = [dataclasses.replace(s, urls=tuple(server.url + urlsplit(u).path for u in s.urls)) for s in sources]
        config = dataclasses.replace(load_sources(ROOT / "sources.toml"), sources=tuple(local))
        config = dataclasses.replace(config, settings=config.settings.with_overrides({"delay": 0.0, "retries": 0}))
        summary = crawl(config, Corpus(tmp_path / "corpus"), sleep=lambda s: None)
    assert not summary.failed_sources and summary.total("errors") == 0
    documents = list(Corpus(tmp_path / "corpus").documents())
    assert len(documents) == len(paths)
    expected = {urlsplit(u).path: (s.kind, s.lab, s.name) for s in sources for u in s.urls}
    for doc in documents:
        assert (doc.kind, doc.lab, doc.source) == expected[urlsplit(doc.url).path]
