"""Correct text: charsets, broken HTML, canonical links, feeds and sitemaps for discovery only, extracted fields."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from corpus import Corpus
from crawler import crawl, parse_sources
from crawler.text.decode import decode_body, sniff_encoding
from crawler.text.extract import extract_html
from helpers import html_page as page
from servers import FixtureServers, PagesServer, fixtures_root

INTERVIEW = fixtures_root() / "interviews" / "modulabs-biomedical-interview.txt"


@pytest.fixture()
def server(tmp_path: Path) -> Iterator[PagesServer]:
    root = tmp_path / "site"
    root.mkdir()
    (root / "index.html").write_text(page("Home"), "utf-8")
    with PagesServer(root, charset=None) as running:
        yield running


def run(server: PagesServer, tmp_path: Path, start: str = "/") -> dict[str, Any]:
    config = parse_sources({"settings": {"delay": 0.0}, "site": [{"name": "site", "start_urls": [server.url + start]}]})
    corpus = Corpus(tmp_path / "corpus")
    crawl(config, corpus, sleep=lambda s: None)
    return {d.title: d for d in corpus.documents()}


def test_page_with_no_charset_anywhere_is_detected(server: PagesServer, tmp_path: Path) -> None:
    lines = [line for line in INTERVIEW.read_text("utf-8").splitlines() if line.strip()]
    html = "<html><head><title>인터뷰</title></head><body>" + "".join(f"<p>{line}</p>" for line in lines[3:12])
    body = (html + "</body></html>").replace("&", "&amp;").encode("euc-kr")
    assert b"charset" not in body
    server.set_page("/index.html", page("Home", "/interview.html"))
    server.set_page("/interview.html", body)
    docs = run(server, tmp_path)
    text = docs["인터뷰"].text
    assert "\ufffd" not in text
    for line in lines[3:12]:
        assert line.strip() in text


@pytest.mark.parametrize("body,content_type,expected", [
    ("한국어 본문".encode("utf-8"), "text/html; charset=euc-kr", "cp949"),  # the header wins
    (b"\xef\xbb\xbf<meta charset=euc-kr>", "text/html", "utf-8"),  # then the BOM
    ('<meta charset="euc-kr"><p>모두의연구소</p>'.encode("euc-kr"), "text/html", "cp949"),  # then <meta>
    ('<meta http-equiv="Content-Type" content="text/html; charset=EUC-KR">'.encode("ascii"), "", "cp949"),
])
def test_charset_order_header_bom_meta(body: bytes, content_type: str, expected: str) -> None:
    assert sniff_encoding(body, content_type) == expected


def test_cp949_only_syllable_decodes_under_the_euc_kr_label() -> None:
    body = '<meta charset="euc-kr"><p>똠방각하</p>'.encode("cp949")  # 똠 is not in strict EUC-KR
    assert "똠방각하" in decode_body(body, "text/html")


def test_broken_html_still_gives_text_title_and_links() -> None:
    broken = ("<html><head><title>Broken <b>page</title><body><div><p>First paragraph <i>unclosed"
              "<p>Second</div></div></span><a href='/next'>next<table><tr><td>cell</p>"
              "<script>var x = '</div>';</script>")
    page_ = extract_html(broken, "http://h/")
    assert page_.title.startswith("Broken")
    assert "First paragraph" in page_.text and "Second" in page_.text and "cell" in page_.text
    assert "var x" not in page_.text
    assert "http://h/next" in page_.links


def test_broken_html_page_is_crawled(server: PagesServer, tmp_path: Path) -> None:
    server.set_page("/index.html", "<html><title>Home</title><body><p>Start <a href=/b.html>b<p>unclosed")
    server.set_page("/b.html", b"<html><head><title>B</title><body><div><div><p>\xed\x95\x9c text</span>")
    docs = run(server, tmp_path)
    assert set(docs) == {"Home", "B"}


def test_canonical_outside_the_site_is_ignored(server: PagesServer, tmp_path: Path) -> None:
    server.set_page("/index.html", page("Home", "/post.html",
                                       head='<link rel="canonical" href="http://localhost:4000/">'))
    server.set_page("/post.html", page("Post", head='<link rel="canonical" href="http://localhost:4000/post">'))
    docs = run(server, tmp_path)
    assert {d.url for d in docs.values()} == {server.url + "/", server.url + "/post.html"}


def test_canonical_inside_the_site_merges_two_addresses(server: PagesServer, tmp_path: Path) -> None:
    canonical = f'<link rel="canonical" href="{server.url}/post">'
    server.set_page("/index.html", page("Home", "/post-copy.html", "/post"))
    server.set_page("/post-copy.html", page("Post", head=canonical))
    server.set_page("/post.html", page("Post", head=canonical))
    docs = run(server, tmp_path)
    assert {d.url for d in docs.values()} == {server.url + "/", server.url + "/post"}
    assert len(server.requests_to("/post")) + len(server.requests_to("/post.html")) <= 1


def test_feeds_lead_to_pages_but_are_not_documents(server: PagesServer, tmp_path: Path) -> None:
    feed = (f'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Feed</title>'
            f'<entry><title>Only in feed</title><link href="{server.url}/feed-only.html"/></entry>'
            f'<entry><link href="http://localhost:4000/elsewhere"/></entry></feed>')
    rss = f'<rss><channel><item><title>x</title><link>{server.url}/rss-only.html</link></item></channel></rss>'
    server.set_page("/feed.xml", feed)
    server.set_page("/atom.xml", rss)
    server.set_page("/index.html", page("Home", "/atom.xml", head='<link rel="alternate" '
                                        'type="application/atom+xml" href="/feed.xml">'))
    server.set_page("/feed-only.html", page("Feed only"))
    server.set_page("/rss-only.html", page("RSS only"))
    docs = run(server, tmp_path)
    assert set(docs) == {"Home", "Feed only", "RSS only"}
    assert server.requests_to("/feed.xml") and server.requests_to("/atom.xml")


def test_sitemap_from_robots_and_default_sitemap_are_read_for_links_only(server: PagesServer,
                                                                         tmp_path: Path) -> None:
    sitemap = (f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
               f'<url><loc>{server.url}/blog/orphan.html</loc></url>'
               f'<url><loc>{server.url}/outside/x.html</loc></url></urlset>')
    server.set_page("/maps/site.xml", sitemap)
    server.set_page("/robots.txt", f"User-agent: *\nAllow: /\nSitemap: {server.url}/maps/site.xml\n")
    server.set_page("/blog/index.html", page("Blog"))
    server.set_page("/blog/orphan.html", page("Orphan"))
    server.set_page("/outside/x.html", page("Outside"))
    docs = run(server, tmp_path, start="/blog/")
    # The sitemap sits outside /blog/ but on the same host; its out-of-scope entry is not fetched.
    assert set(docs) == {"Blog", "Orphan"}
    assert not server.requests_to("/outside/x.html") and not server.requests_to("/sitemap.xml")


def test_default_sitemap_xml_is_tried_when_robots_names_none(server: PagesServer, tmp_path: Path) -> None:
    sitemap = f'<urlset><url><loc>{server.url}/hidden.html</loc></url></urlset>'
    server.set_page("/sitemap.xml", sitemap)
    server.set_page("/hidden.html", page("Hidden"))
    docs = run(server, tmp_path)
    assert set(docs) == {"Home", "Hidden"}


def test_fixture_site_has_no_feed_or_sitemap_documents_and_no_build_host(crawled: dict[str, Path],
                                                                         servers: FixtureServers) -> None:
    docs = list(Corpus(crawled["corpus"]).source_documents("biomedical-blog"))
    assert not [d.url for d in docs if d.url.endswith(".xml")]
    assert not [d.url for d in docs if "localhost:4000" in d.url]
    assert servers.site.requests_to("/feed.xml")  # the feed was read for links


def test_post_fields_are_kept_apart(crawled: dict[str, Path]) -> None:
    docs = {d.url.rsplit("/", 1)[-1]: d for d in Corpus(crawled["corpus"]).source_documents("biomedical-blog")}
    fcn = docs["FCN"]
    assert fcn.author == "김승일" and fcn.published.startswith("2017-12-21")
    assert fcn.description and fcn.headings
    assert "김승일" not in fcn.text  # the bio card is not the post's text
