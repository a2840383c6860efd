"""Crawl a web site breadth-first within its start URLs' host and path prefix."""
from __future__ import annotations

import hashlib
import logging
import re
from collections import deque
from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any
from urllib.parse import urlsplit

from corpus import Document
from crawler.config.settings import CrawlSettings
from crawler.config.sources import SiteSource
from crawler.errors import FetchError, HTTPStatusError, RobotsDisallowed
from crawler.net.fetch import Response, SourceFetcher
from crawler.net.urls import in_scope, normalize_url, page_key
from crawler.result import SourceResult
from crawler.text.decode import decode_body
from crawler.text.extract import ExtractedPage, extract_html
from crawler.text.lang import guess_language

logger = logging.getLogger(__name__)

_HTML_TYPES = ("text/html", "application/xhtml+xml")
_TEXT_TYPES = ("text/plain", "text/markdown", "text/x-markdown")
_FEED_TYPES = ("application/xml", "text/xml", "application/rss+xml", "application/atom+xml")
#: the content types worth downloading: documents (HTML, Markdown, text) and discovery files (feeds,
#: sitemaps); an empty type is accepted and judged by its bytes
ACCEPTED_TYPES = frozenset(("",) + _HTML_TYPES + _TEXT_TYPES + _FEED_TYPES)


def accepted_type(content_type: str) -> bool:
    return content_type in ACCEPTED_TYPES
_XML_LINK = re.compile(r"<loc>\s*([^<\s]+)\s*</loc>|<link[^>]*href=\"([^\"]+)\"|<link>\s*([^<\s]+)\s*</link>")
_SKIP_EXTENSIONS = re.compile(r"\.(png|jpe?g|gif|svg|webp|ico|css|js|map|pdf|zip|gz|tar|mp4|mp3|woff2?|ttf|eot)$",
                              re.IGNORECASE)


def doc_id(key: str) -> str:
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]


def now_iso() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()


def validators(entry: dict[str, Any] | None) -> dict[str, str]:
    headers = {}
    if entry and entry.get("etag"):
        headers["If-None-Match"] = entry["etag"]
    if entry and entry.get("last_modified"):
        headers["If-Modified-Since"] = entry["last_modified"]
    return headers


def page_document(source_name: str, kind: str, lab: str, url: str, key: str, page: ExtractedPage,
                  response: Response) -> Document:
    return Document(
        id=doc_id(key), url=url, title=page.title or url, text=page.text, kind=kind, lab=lab,
        lang=guess_language(page.title + "\n" + page.text) or page.lang, source=source_name,
        fetched_at=now_iso(), etag=response.headers.get("etag", ""),
        last_modified=response.headers.get("last-modified", ""), description=page.description,
        headings=page.headings, author=page.author, published=page.published,
        extra={**({"link_density": round(page.link_density, 3)} if page.link_density else {}),
               "page_type": "listing" if page.listing else "content"},
    )


class SiteCrawler:
    """One crawl of one site; the previous crawl's state makes it incremental."""

    def __init__(self, source: SiteSource, fetcher: SourceFetcher, settings: CrawlSettings,
                 previous: list[Document], state: dict[str, Any],
                 progress: Callable[[str], None] | None = None) -> None:
        self.source = source
        self.fetcher = fetcher
        self.settings = settings
        self.previous = {d.id: d for d in previous}
        self.old_pages: dict[str, dict[str, Any]] = dict(state.get("pages", {}))
        self.progress = progress or (lambda url: None)
        self.result = SourceResult(source.name)
        self.pages: dict[str, dict[str, Any]] = {}
        self.kept: dict[str, Document] = {}
        self.hashes: set[str] = set()
        self.discovery: set[str] = set()  #: sitemap URLs (allowed anywhere on the host)

    def in_scope(self, url: str) -> bool:
        return any(in_scope(url, start) for start in self.source.start_urls)

    def sitemaps(self) -> list[str]:
        """Sitemaps named in robots.txt, else ``/sitemap.xml``: read for links, never indexed.

        They may sit outside the start URL's folder (robots.txt is per host), so they are allowed
        on the start URL's host whatever their path.
        """
        found: dict[str, None] = {}
        for start in self.source.start_urls:
            if self.fetcher.robots(start).unavailable_reason:
                continue
            listed = [normalize_url(u) for u in self.fetcher.robots(start).sitemaps()]
            for url in [u for u in listed if u] or [normalize_url("/sitemap.xml", start)]:
                if url and urlsplit(url).netloc == urlsplit(start).netloc:
                    found.setdefault(url, None)
        return list(found)

    def run(self) -> SourceResult:
        queue: deque[tuple[str, int]] = deque((u, 0) for u in self.source.start_urls)
        self.discovery = set(self.sitemaps())
        queue.extend((url, 0) for url in self.discovery)
        # Pages seen last time are visited again even if nothing links to them now: that is how
        # deletions are noticed.
        queue.extend((entry["url"], 1) for entry in self.old_pages.values() if entry.get("url"))
        visited: set[str] = set()
        while queue:
            url, depth = queue.popleft()
            key = page_key(url)
            if key in visited or not self._acceptable(url, depth):
                continue
            if len(visited) >= self.settings.max_pages:
                self.result.notes.append(f"stopped at max_pages={self.settings.max_pages}")
                break
            visited.add(key)
            for link in self._visit(url, key, visited):
                queue.append((link, depth + 1))
        self._carry_over_failures(visited)
        self.result.documents = list(self.kept.values())
        self.result.state = {"pages": self.pages}
        return self.result

    def _acceptable(self, url: str, depth: int) -> bool:
        if url in self.discovery:
            return True
        return (depth <= self.settings.max_depth and len(url) <= self.settings.max_url_length
                and self.in_scope(url) and not _SKIP_EXTENSIONS.search(url.split("?", 1)[0]))

    def _visit(self, url: str, key: str, visited: set[str]) -> list[str]:
        old = self.old_pages.get(key)
        self.progress(url)
        try:
            response = self.fetcher.get(url, validators(old), scope=self.in_scope, accept=accepted_type)
        except RobotsDisallowed:
            logger.info("robots.txt disallows %s", url)
            return []
        except HTTPStatusError as exc:
            if url in self.discovery and exc.gone:
                return []  # no sitemap is normal, not an error
            return self._failed(key, old, exc, gone=exc.gone)
        except FetchError as exc:
            return self._failed(key, old, exc, gone=False)
        final_key = page_key(response.url)
        if final_key != key:
            if final_key in visited:
                return []
            visited.add(final_key)
            key, old = final_key, self.old_pages.get(final_key, old)
        if response.not_modified and old is not None:
            if old.get("canonical_key"):
                visited.add(old["canonical_key"])
            self.pages[key] = {**old, "failures": 0}
            previous = self.previous.get(old.get("doc_id", ""))
            if previous is not None:
                self.kept[previous.id] = previous
                self.hashes.add(previous.content_hash)
            return list(old.get("links", []))
        self.result.fetched += 1
        return self._handle_body(response, key, visited)

    def _handle_body(self, response: Response, key: str, visited: set[str]) -> list[str]:
        ctype = response.content_type
        entry: dict[str, Any] = {"url": response.url, "etag": response.headers.get("etag", ""),
                                 "last_modified": response.headers.get("last-modified", ""), "failures": 0}
        if response.skipped:
            logger.debug("not downloading %s (%s)", response.url, ctype)
            return []
        if ctype in _FEED_TYPES or response.url.endswith((".xml", ".rss", ".atom")):
            # Feeds and sitemaps lead to pages; they are not documents themselves.
            text = decode_body(response.body, response.headers.get("content-type", ""))
            links = [u for u in (normalize_url(next(g for g in m.groups() if g), response.url)
                                 for m in _XML_LINK.finditer(text)) if u and self.in_scope(u)]
            self.pages[key] = {**entry, "links": links, "doc_id": ""}
            return links
        text = decode_body(response.body, response.headers.get("content-type", ""))
        if ctype in _TEXT_TYPES:
            page = ExtractedPage(title=response.url.rsplit("/", 1)[-1], text=text)
        else:
            page = extract_html(text, response.url)
        links = [] if page.nofollow else [u for u in page.links + page.feeds if self.in_scope(u)]
        entry["links"] = links
        # rel=canonical is trusted only inside the site: a canonical pointing elsewhere (the build
        # host, localhost:4000, a mirror) is a mistake or a trap, and the fetched address is kept.
        url, doc_key = response.url, key
        if page.canonical and self.in_scope(page.canonical):
            url, doc_key = page.canonical, page_key(page.canonical)
            visited.add(doc_key)
            entry["canonical_key"] = doc_key
        if page.noindex or not (page.text.strip() or page.title.strip()):
            self.pages[key] = {**entry, "doc_id": ""}
            return links
        doc = page_document(self.source.name, self.source.kind, self.source.lab, url, doc_key, page, response)
        if doc.content_hash in self.hashes:
            self.pages[key] = {**entry, "doc_id": ""}
            return links
        self.hashes.add(doc.content_hash)
        doc = self.result.classify(doc, self.previous.get(doc.id))
        self.result.kept_ids.discard(doc.id)
        self.kept[doc.id] = doc
        self.pages[key] = {**entry, "doc_id": doc.id}
        return links

    def _failed(self, key: str, old: dict[str, Any] | None, exc: FetchError, *, gone: bool) -> list[str]:
        self.result.errors += 1
        logger.warning("%s", exc)
        if old is None:
            return []
        failures = int(old.get("failures", 0)) + 1 if gone else int(old.get("failures", 0))
        previous = self.previous.get(old.get("doc_id", ""))
        if gone and failures >= self.settings.gone_after:
            logger.info("removing %s: gone on %d crawls in a row", old.get("url"), failures)
            return []
        self.pages[key] = {**old, "failures": failures}
        if previous is not None and previous.id not in self.kept:
            self.kept[previous.id] = self.result.keep(previous)
        return list(old.get("links", []))

    def _carry_over_failures(self, visited: set[str]) -> None:
        """Pages not reached this time (limits, robots) keep their documents only if still in scope."""
        for key, old in self.old_pages.items():
            if key in visited or key in self.pages:
                continue
            previous = self.previous.get(old.get("doc_id", ""))
            if previous is not None and self.in_scope(old.get("url", "")) and previous.id not in self.kept:
                self.pages[key] = old
                self.kept[previous.id] = self.result.keep(previous)
