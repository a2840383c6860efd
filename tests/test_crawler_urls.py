"""URL hygiene: normalisation, one key per page, scope; and one document per page in a real crawl."""
from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from corpus import Corpus
from crawler import crawl, parse_sources
from crawler.net.urls import in_scope, normalize_url, page_key
from servers import PagesServer


@pytest.mark.parametrize("raw,expected", [
    ("HTTP://Example.COM/a", "http://example.com/a"),
    ("http://example.com:80/a", "http://example.com/a"),
    ("https://example.com:443/a", "https://example.com/a"),
    ("http://example.com:8080/a", "http://example.com:8080/a"),
    ("http://example.com/a#section-2", "http://example.com/a"),
    ("http://example.com/a?b=2&a=1&c=", "http://example.com/a?a=1&b=2&c="),
    ("http://example.com/x/../a/./b", "http://example.com/a/b"),
    ("http://example.com", "http://example.com/"),
    ("http://example.com/tag/개념-정리/", "http://example.com/tag/%EA%B0%9C%EB%85%90-%EC%A0%95%EB%A6%AC/"),
    ("http://example.com/tag/%ea%b0%9c%eb%85%90-%ec%a0%95%eb%a6%ac/",
     "http://example.com/tag/%EA%B0%9C%EB%85%90-%EC%A0%95%EB%A6%AC/"),
])
def test_normalize_url(raw: str, expected: str) -> None:
    assert normalize_url(raw) == expected


def test_nfd_hangul_path_is_the_same_url_as_nfc() -> None:
    import unicodedata

    nfd = unicodedata.normalize("NFD", "http://example.com/tag/논문-리뷰/")
    assert normalize_url(nfd) == normalize_url("http://example.com/tag/논문-리뷰/")


@pytest.mark.parametrize("raw", ["mailto:lab@example.com", "javascript:void(0)", "ftp://example.com/x",
                                 "http://", "http://[::1", "tel:010"])
def test_non_http_urls_are_refused(raw: str) -> None:
    assert normalize_url(raw) is None


def test_relative_links_resolve_against_the_page() -> None:
    assert normalize_url("../assets/x.html", "http://h/posts/a/b.html") == "http://h/posts/assets/x.html"
    assert normalize_url("/FCN", "http://h/tag/x/") == "http://h/FCN"


def test_one_page_key_for_extensionless_html_and_slash_forms() -> None:
    keys = {page_key(normalize_url(u) or "") for u in
            ("http://h/FCN", "http://h/FCN.html", "http://h/FCN/", "http://h/FCN#top")}
    assert len(keys) == 1
    assert page_key("http://h/about/index.html") == page_key("http://h/about/")
    assert page_key("http://h/FCN") != page_key("http://h/FCN?page=2")


def test_scope_is_host_and_path_prefix() -> None:
    start = "http://h/modulabs_homepage/"
    assert in_scope("http://h/modulabs_homepage/about.html", start)
    assert in_scope("http://h/modulabs_homepage", start)
    assert not in_scope("http://h/other/", start)
    assert not in_scope("http://h/modulabs_homepage_evil/", start)
    assert not in_scope("http://localhost:4000/modulabs_homepage/", start)
    assert not in_scope("https://h/modulabs_homepage/", start)


@given(st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0xD7A3, blacklist_categories=("Cs",)), max_size=30))
def test_normalisation_is_idempotent(path: str) -> None:
    once = normalize_url("http://example.com/" + path)
    if once is not None:
        assert normalize_url(once) == once


def test_same_page_under_three_addresses_is_one_document(tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (site / "FCN.html").write_text("<html><head><title>FCN</title></head><body><article><h1>FCN</h1>"
                                   "<p>Fully convolutional networks for semantic segmentation.</p>"
                                   "</article></body></html>", "utf-8")
    with PagesServer(site) as server:
        server.set_page("/index.html", (
            '<html><head><title>Home</title></head><body><main><p>Links to one post under three names.</p>'
            '<a href="/FCN">a</a> <a href="/FCN.html">b</a> <a href="/FCN/">c</a> <a href="/FCN#x">d</a>'
            f'<a href="HTTP://127.0.0.1:{server.port}/FCN">e</a></main></body></html>'))
        config = parse_sources({"settings": {"delay": 0.0},
                                "site": [{"name": "s", "start_urls": [server.url + "/"]}]})
        crawl(config, Corpus(tmp_path / "corpus"), sleep=lambda s: None)
        fcn_requests = [r for r in server.requests if "FCN" in r.path]
    docs = list(Corpus(tmp_path / "corpus").documents())
    assert sorted(d.title for d in docs) == ["FCN", "Home"]
    assert len(fcn_requests) == 1
