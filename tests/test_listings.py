"""Listing pages (home, tag, author, archive) are told from content by their own structure at crawl time
(crawler/text/extract.py), stored as such (page_type), ranked below the content they list and left out of related
documents (indexer/search/tiers.py, indexer/search/related.py)."""
from __future__ import annotations

from pathlib import Path

import pytest

from corpus import Corpus
from crawler.text.extract import extract_html
from indexer import SearchIndex

#: Hand labels of the crawled fixture sites: the biomedical blog's home, author and tag pages list posts;
#: everything else (posts, the about page with its member cards, the distractor's landing page) is content.
LISTING_PATHS = {"/", "/author/peter_cha/", "/author/kyungmo_kim/", "/author/eunsook_kang/", "/author/hks/",
                 "/author/june_oh/", "/author/seungil_kim/", "/tag/%EA%B0%9C%EB%85%90-%EC%A0%95%EB%A6%AC/",
                 "/tag/%EB%85%BC%EB%AC%B8-%EB%A6%AC%EB%B7%B0/"}


def _path(url: str) -> str:
    return "/" + url.split("/", 3)[3] if url.count("/") >= 3 else "/"


def test_every_fixture_page_is_told_right(crawled: dict[str, Path]) -> None:
    pages = [d for d in Corpus(crawled["corpus"]).documents() if d.kind != "readme"]
    assert len(pages) == 24
    right = [(d.extra.get("page_type") == "listing") == (d.source == "biomedical-blog" and _path(d.url) in LISTING_PATHS)
             for d in pages]
    assert all(right), [d.url for d, ok in zip(pages, right, strict=True) if not ok]
    assert sum(d.extra.get("page_type") == "listing" for d in pages) == len(LISTING_PATHS)


def _page(main: str, title: str = "t") -> str:
    return f"<html><head><title>{title}</title></head><body><nav><a href='/'>home</a></nav>{main}</body></html>"


SUMMARY = "요약 문장이 여기에 옵니다. " * 6


@pytest.mark.parametrize("html", [
    # Jekyll (minima): a list of posts with linked titles and excerpts under an unlinked section title
    _page("<main><div class='home'><h2>Posts</h2><ul>" + "".join(
        f"<li><span>2020-01-0{i}</span><h3><a href='/2020/p{i}.html'>글 {i}</a></h3><p>{SUMMARY}</p></li>"
        for i in range(1, 5)) + "</ul></div></main>"),
    # WordPress: a category archive of articles, title link inside the header, summary beside it
    _page("<main><header><h1>Category: 딥러닝</h1></header>" + "".join(
        f"<article><header><h2><a href='/p/{i}/'>제목 {i}</a></h2></header><div><p>{SUMMARY}</p></div></article>"
        for i in range(3)) + "</main>"),
    # cards whose whole box is the link (Ghost and many themes)
    _page("<div class='feed'>" + "".join(
        f"<a href='/post-{i}/'><h2>카드 {i}</h2><p>{SUMMARY}</p></a>" for i in range(5)) + "</div>"),
    # an author with a single post: one teaser and no other heading
    _page("<main><div><a href='/only-post/'><h2>하나뿐인 글</h2></a><p>" + SUMMARY + "</p></div></main>"),
    # an archive by date: nearly only links
    _page("<main><ul>" + "".join(f"<li><a href='/{y}/post-{i}.html'>{y}년의 글 {i}</a></li>"
                                 for y in (2019, 2020) for i in range(6)) + "</ul></main>"),
])
def test_listings_of_any_engine_are_detected(html: str) -> None:
    assert extract_html(html, "https://blog.example/list/").listing


@pytest.mark.parametrize("html", [
    # a post whose one section heading links to the paper it reviews
    _page("<main><article><h1>논문 리뷰</h1><p>" + "본문 " * 300 + "</p><h2><a href='https://arxiv.org/x'>원문</a>"
          "</h2><p>" + "설명 " * 300 + "</p></article></main>"),
    # a short note that is one linked heading and its text, but the page has its own title heading
    _page("<main><h1>짧은 글</h1><section><h2><a href='/other/'>다른 글</a></h2><p>" + SUMMARY + "</p></section>"
          "<p>" + "내용 " * 100 + "</p></main>"),
    # a landing page: a hero, a few linked feature boxes, a lot of its own text
    _page("<main><h1>세상의 문제를 데이터로</h1><p>" + "소개 " * 200 + "</p>" + "".join(
        f"<div><h3><a href='/f{i}.html'>기능 {i}</a></h3><p>짧은 설명</p></div>" for i in range(3))
          + "<h2>프로젝트</h2><p>" + "설명 " * 200 + "</p></main>"),
    # a post that links a lot inline, to few pages
    _page("<main><article><h1>링크 많은 글</h1><p>" + " ".join(
        f"<a href='/a{i % 3}'>참고 {i}</a> 문장" for i in range(40)) + "</p></article></main>"),
])
def test_content_is_not_taken_for_a_listing(html: str) -> None:
    assert not extract_html(html, "https://blog.example/post/").listing


def test_listings_rank_below_the_content_they_list(search_index: SearchIndex) -> None:
    # the home, tag and author pages repeat the U-Net post's summary: all of them come after all content
    hits = search_index.search("U-Net", per_page=50).hits
    listing = [h.kind == "page" and _path(h.url) in LISTING_PATHS for h in hits]
    assert sum(listing) >= 3 and listing == sorted(listing)
    assert hits[0].title == "U-Net"


def test_a_listing_named_by_the_query_keeps_its_place(search_index: SearchIndex) -> None:
    # the author's name finds the author's page, the tag finds the tag page
    assert search_index.search("오상준").hits[0].url.rstrip("/").endswith("/author/june_oh")
    assert "/tag/" in search_index.search("논문 리뷰").hits[0].url


def test_related_documents_leave_listings_out(search_index: SearchIndex) -> None:
    checked = 0
    for hit in search_index.search("segmentation", per_page=10).hits:
        related = search_index.related(hit.id, limit=5) or []
        assert related and not any(_path(d.url) in LISTING_PATHS and d.kind == "page" for d in related), hit.title
        checked += 1
    assert checked >= 5
