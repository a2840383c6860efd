"""Fetch explicit URLs once each (interviews, articles); no link following."""
from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from corpus import Document
from crawler.config.settings import CrawlSettings
from crawler.config.sources import PagesSource
from crawler.errors import FetchError, HTTPStatusError, RobotsDisallowed
from crawler.kinds.site import accepted_type, page_document, validators
from crawler.net.fetch import SourceFetcher
from crawler.net.urls import page_key
from crawler.result import SourceResult
from crawler.text.decode import decode_body
from crawler.text.extract import ExtractedPage, extract_html

logger = logging.getLogger(__name__)


def crawl_pages(source: PagesSource, fetcher: SourceFetcher, settings: CrawlSettings, previous: list[Document],
                state: dict[str, Any], progress: Callable[[str], None] | None = None) -> SourceResult:
    result = SourceResult(source.name)
    by_id = {d.id: d for d in previous}
    old_pages: dict[str, dict[str, Any]] = state.get("pages", {})
    pages: dict[str, dict[str, Any]] = {}
    kept: dict[str, Document] = {}
    hashes: dict[str, str] = {}
    for url in source.urls:
        key = page_key(url)
        old = old_pages.get(key)
        if progress:
            progress(url)
        try:
            response = fetcher.get(url, validators(old), accept=accepted_type)
        except RobotsDisallowed:
            logger.info("robots.txt disallows %s", url)
            continue
        except FetchError as exc:
            result.errors += 1
            logger.warning("%s", exc)
            gone = isinstance(exc, HTTPStatusError) and exc.gone
            failures = int((old or {}).get("failures", 0)) + int(gone)
            keep = by_id.get((old or {}).get("doc_id", ""))
            if old is not None and not (gone and failures >= settings.gone_after):
                pages[key] = {**old, "failures": failures}
                if keep is not None and keep.id not in kept:
                    kept[keep.id] = result.keep(keep)
            continue
        if response.not_modified and old is not None:
            pages[key] = {**old, "failures": 0}
            keep = by_id.get(old.get("doc_id", ""))
            if keep is not None:
                kept.setdefault(keep.id, keep)
            continue
        result.fetched += 1
        if response.skipped:
            result.errors += 1
            logger.warning("%s: not a page (%s); skipped", url, response.content_type)
            continue
        text = decode_body(response.body, response.headers.get("content-type", ""))
        if response.content_type in ("text/plain", "text/markdown"):
            page = ExtractedPage(title=url.rsplit("/", 1)[-1], text=text)
        else:
            page = extract_html(text, response.url)
        doc = page_document(source.name, source.kind, source.lab, response.url, key, page, response)
        entry = {"url": url, "etag": doc.etag, "last_modified": doc.last_modified, "failures": 0}
        # The same text at two addresses (one page in two encodings, a mirror) is one document.
        if doc.content_hash in hashes:
            pages[key] = {**entry, "doc_id": hashes[doc.content_hash]}
            continue
        hashes[doc.content_hash] = doc.id
        doc = result.classify(doc, by_id.get(doc.id))
        result.kept_ids.discard(doc.id)
        kept[doc.id] = doc
        pages[key] = {**entry, "doc_id": doc.id}
    result.documents = list(kept.values())
    result.state = {"pages": pages}
    return result
