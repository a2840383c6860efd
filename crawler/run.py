"""One crawl of every configured source into the corpus, under a lock, with a summary."""
from __future__ import annotations

import logging
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from corpus import Corpus
from crawler.fetch import Fetcher
from crawler.github import GitHubCrawler
from crawler.lock import RunLock
from crawler.pages import crawl_pages
from crawler.result import SourceResult
from crawler.settings import CrawlSettings
from crawler.site import SiteCrawler
from crawler.sources import GitHubSource, PagesSource, SiteSource, Source, SourcesConfig

logger = logging.getLogger(__name__)


@dataclass
class CrawlSummary:
    results: list[SourceResult] = field(default_factory=list)
    requests: int = 0
    conditional: int = 0
    not_modified: int = 0
    bytes: int = 0
    seconds: float = 0.0

    def total(self, name: str) -> int:
        return sum(getattr(r, name) for r in self.results)

    @property
    def failed_sources(self) -> list[SourceResult]:
        return [r for r in self.results if r.failed]

    def line(self) -> str:
        names = ("fetched", "unchanged", "new", "updated", "removed", "errors")
        parts = [f"{name} {self.total(name)}" for name in names]
        return (f"crawl done: {', '.join(parts)}; {self.requests} requests ({self.not_modified} answered 304), "
                f"{self.bytes} bytes, {self.seconds:.1f} s")


def crawl(config: SourcesConfig, corpus: Corpus, *, client: httpx.Client | None = None,
          clock: Callable[[], float] = time.monotonic, sleep: Callable[[float], None] = time.sleep,
          progress: Callable[[str], None] | None = None, only: list[str] | None = None) -> CrawlSummary:
    """Crawl the configured sources (or only the named ones) into ``corpus``.

    Sources run in parallel, one thread each (different hosts); within a host requests are serial.
    Each source's documents replace the old ones atomically only when something changed.
    Raises CrawlLocked when another crawl holds the corpus lock.
    """
    started = time.monotonic()
    sources = [s for s in config.sources if only is None or s.name in only]
    with RunLock(corpus.path / ".crawl.lock"):
        remove_stale_temporaries(corpus.path)
        own_client = client is None
        client = client or httpx.Client(timeout=config.settings.timeout)
        try:
            fetcher = Fetcher(client, config.settings, clock=clock, sleep=sleep)
            with ThreadPoolExecutor(max_workers=max(1, min(4, len(sources)))) as pool:
                results = list(pool.map(lambda s: _crawl_source(s, config.settings, fetcher, corpus, progress),
                                        sources))
        finally:
            if own_client:
                client.close()
    summary = CrawlSummary(results=results, requests=fetcher.stats.requests, conditional=fetcher.stats.conditional,
                           not_modified=fetcher.stats.not_modified, bytes=fetcher.stats.bytes,
                           seconds=time.monotonic() - started)
    return summary


def remove_stale_temporaries(folder: Path) -> None:
    """Delete what a killed crawl left behind: its half-written ``.<name>.*.tmp`` files.

    Readers never look at them (the corpus is replaced by rename), so they are only litter; with the
    crawl lock held no other writer can own them.
    """
    for tmp in folder.glob("**/.*.tmp"):
        logger.info("removing %s, left by an interrupted crawl", tmp)
        tmp.unlink(missing_ok=True)


def _crawl_source(source: Source, base: CrawlSettings, fetcher: Fetcher, corpus: Corpus,
                  progress: Callable[[str], None] | None) -> SourceResult:
    previous = list(corpus.source_documents(source.name))
    state = corpus.read_state(source.name)
    if isinstance(source, SiteSource):
        settings = base.with_overrides(source.settings) if source.settings else base
        result = SiteCrawler(source, fetcher, settings, previous, state, progress).run()
    elif isinstance(source, GitHubSource):
        result = GitHubCrawler(source, fetcher, base, previous, state, progress).run()
    elif isinstance(source, PagesSource):
        result = crawl_pages(source, fetcher, base, previous, state, progress)
    else:  # pragma: no cover - the config parser only builds the three kinds above
        raise TypeError(f"unknown source type {type(source).__name__}")
    if result.failed is None and result.errors and not (result.fetched or result.unchanged):
        result.failed = "no URL of this source could be fetched; previous documents kept"
        result.documents = previous
    changed = (result.new or result.updated or result.removed
               or {d.id for d in previous} != {d.id for d in result.documents}
               or not corpus.manifest().get(source.name))
    if changed and result.failed is None:
        corpus.write_source(source.name, result.documents)
    if result.failed is None and result.state != state:
        corpus.write_state(source.name, result.state)
    logger.info("%s: %d documents (%d new, %d updated, %d unchanged, %d removed, %d errors)%s",
                source.name, len(result.documents), result.new, result.updated, result.unchanged,
                result.removed, result.errors, "" if changed else "; nothing changed, corpus not rewritten")
    return result
