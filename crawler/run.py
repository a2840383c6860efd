"""One crawl of every configured source into the corpus, under a lock, within deadlines, with a summary."""
from __future__ import annotations

import logging
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import httpcore
import httpx

from corpus import Corpus, Document
from crawler.config.settings import CrawlSettings
from crawler.config.sources import GitHubSource, PagesSource, SiteSource, Source, SourcesConfig
from crawler.errors import DeadlineExceeded
from crawler.kinds.github import GitHubCrawler
from crawler.kinds.pages import crawl_pages
from crawler.kinds.site import SiteCrawler
from crawler.lock import RunLock
from crawler.net.fetch import Fetcher, SourceFetcher
from crawler.net.network import AddressPolicy, Resolver, guarded_client, system_resolve
from crawler.net.scope import Deadline, host_port
from crawler.result import SourceResult, signature

logger = logging.getLogger(__name__)

#: sources crawled at once, each in its own thread (a slow host holds up only its own source)
MAX_PARALLEL_SOURCES = 32


@dataclass
class CrawlSummary:
    results: list[SourceResult] = field(default_factory=list)
    requests: int = 0
    conditional: int = 0
    not_modified: int = 0
    bytes: int = 0
    seconds: float = 0.0
    #: sources no longer in the sources file whose documents left the corpus: name → documents
    dropped_sources: dict[str, int] = field(default_factory=dict)

    def total(self, name: str) -> int:
        return sum(getattr(r, name) for r in self.results)

    @property
    def failed_sources(self) -> list[SourceResult]:
        return [r for r in self.results if r.failed]

    @property
    def all_failed(self) -> bool:
        """Nothing came in: there were sources and every one of them failed."""
        return bool(self.results) and len(self.failed_sources) == len(self.results)

    def line(self) -> str:
        names = ("fetched", "new", "updated", "unchanged", "kept", "removed", "errors")
        parts = [f"{name} {self.total(name)}" for name in names]
        failed = len(self.failed_sources)
        dropped = f", {len(self.dropped_sources)} dropped" if self.dropped_sources else ""
        return (f"crawl done: {', '.join(parts)}; sources {len(self.results) - failed} ok, {failed} failed{dropped}; "
                f"{self.requests} requests ({self.not_modified} answered 304), {self.bytes} bytes, "
                f"{self.seconds:.1f} s")


def configured_hosts(config: SourcesConfig) -> list[tuple[str, int]]:
    """(host, port) of every URL the sources file names as a source's own."""
    found = (host_port(url) for source in config.sources for url in source.urls_named())
    return sorted({h for h in found if h is not None})


def crawl(config: SourcesConfig, corpus: Corpus, *, client: httpx.Client | None = None,
          clock: Callable[[], float] = time.monotonic, sleep: Callable[[float], None] = time.sleep,
          progress: Callable[[str], None] | None = None, only: list[str] | None = None,
          keep_removed_sources: bool = False, resolve: Resolver = system_resolve,
          connector: httpcore.NetworkBackend | None = None) -> CrawlSummary:
    """Crawl the configured sources (or only the named ones) into ``corpus``.

    Every source runs in its own thread within its hosts and deadlines; within a host requests are
    serial. Each source's documents replace the old ones atomically only when something changed; a
    source that failed keeps its previous documents. Sources no longer in the file leave the corpus
    (unless ``keep_removed_sources`` or ``only``). Raises CrawlLocked when another crawl holds the
    corpus lock. ``resolve`` and ``connector`` (the connection layer under the address checks) are
    for tests; an injected ``client`` replaces the guarded one altogether.
    """
    started = time.monotonic()
    started_at = _now()
    settings = config.settings
    sources = [s for s in config.sources if only is None or s.name in only]
    run_deadline = Deadline(started + settings.run_deadline, f"the run deadline ({settings.run_deadline:.0f} s)")
    with RunLock(corpus.path / ".crawl.lock", settings.run_deadline):
        corpus.create()
        remove_stale_temporaries(corpus.path)
        dropped = {} if keep_removed_sources or only else drop_removed_sources(config, corpus)
        own_client = client is None
        if client is None:
            policy = AddressPolicy.for_hosts(configured_hosts(config), resolve)
            client = guarded_client(policy, settings.timeout, connector)
        try:
            fetcher = Fetcher(client, settings, clock=clock, sleep=sleep)
            with ThreadPoolExecutor(max_workers=max(1, min(MAX_PARALLEL_SOURCES, len(sources)))) as pool:
                results = list(pool.map(
                    lambda s: _crawl_source(s, settings, fetcher, corpus, progress, run_deadline), sources))
        finally:
            if own_client:
                client.close()
        summary = CrawlSummary(results=results, requests=fetcher.stats.requests,
                               conditional=fetcher.stats.conditional, not_modified=fetcher.stats.not_modified,
                               bytes=fetcher.stats.bytes, seconds=time.monotonic() - started, dropped_sources=dropped)
        corpus.write_crawl_record(crawl_record(summary, started_at, only))
    return summary


def crawl_record(summary: CrawlSummary, started_at: str, only: list[str] | None) -> dict[str, object]:
    """What ``CRAWL.json`` says about a crawl (read by the search page and by operators)."""
    return {
        "started_at": started_at, "finished_at": _now(), "only": only or [],
        "sources": {r.name: {"ok": r.failed is None, "documents": len(r.documents), "error": r.failed or ""}
                    for r in summary.results},
        "failed": [r.name for r in summary.failed_sources],
        "documents": sum(len(r.documents) for r in summary.results),
    }


def _now() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()


def drop_removed_sources(config: SourcesConfig, corpus: Corpus) -> dict[str, int]:
    """Take the documents (and crawl state) of sources no longer in the sources file out of the corpus."""
    wanted = {s.name for s in config.sources}
    dropped: dict[str, int] = {}
    for name in sorted(set(corpus.source_names()) | set(corpus.state_names())):
        if name in wanted:
            continue
        count = sum(1 for _ in corpus.source_records(name))
        corpus.remove_source(name)
        dropped[name] = count
        logger.info("source %s is no longer in the sources file: removed its %d documents from the corpus",
                    name, count)
    return dropped


def remove_stale_temporaries(folder: Path) -> None:
    """Delete what a killed crawl left behind: its half-written ``.<name>.*.tmp`` files.

    Readers never look at them (the corpus is replaced by rename), so they are only litter; with the
    crawl lock held no other writer can own them.
    """
    for tmp in folder.glob("**/.*.tmp"):
        logger.info("removing %s, left by an interrupted crawl", tmp)
        tmp.unlink(missing_ok=True)


def _source_settings(source: Source, base: CrawlSettings) -> CrawlSettings:
    if isinstance(source, SiteSource) and source.settings:
        return base.with_overrides(source.settings)
    return base


def _run_source(source: Source, settings: CrawlSettings, fetcher: SourceFetcher, previous: list[Document],
                state: dict[str, Any], progress: Callable[[str], None] | None) -> SourceResult:
    if isinstance(source, SiteSource):
        return SiteCrawler(source, fetcher, settings, previous, state, progress).run()
    if isinstance(source, GitHubSource):
        return GitHubCrawler(source, fetcher, settings, previous, state, progress).run()
    if isinstance(source, PagesSource):
        return crawl_pages(source, fetcher, settings, previous, state, progress)
    raise TypeError(f"unknown source type {type(source).__name__}")  # pragma: no cover - the parser builds these


def _crawl_source(source: Source, base: CrawlSettings, fetcher: Fetcher, corpus: Corpus,
                  progress: Callable[[str], None] | None, run_deadline: Deadline) -> SourceResult:
    previous = list(corpus.source_documents(source.name))
    before = {d.id: signature(d) for d in previous}  # taken now: the crawlers update previous records in place
    state = corpus.read_state(source.name)
    settings = _source_settings(source, base)
    own = Deadline(time.monotonic() + settings.source_deadline,
                   f"the source deadline ({settings.source_deadline:.0f} s)")
    view = fetcher.for_source(source.hosts(), Deadline.earliest(own, run_deadline))
    try:
        result = _run_source(source, settings, view, previous, state, progress)
    except DeadlineExceeded as exc:
        result = SourceResult(source.name, failed=str(exc))
        logger.warning("%s: %s", source.name, exc)
    if result.failed is None and result.errors and not (result.fetched or _confirmed(result)):
        result.failed = "no URL of this source could be fetched"
    if result.failed is not None:
        result.documents = [result.keep(d) for d in previous]
    result.finish(before)
    changed = result.failed is None and (result.new or result.updated or result.removed
                                         or not corpus.manifest().get(source.name))
    if changed:
        corpus.write_source(source.name, result.documents)
    if result.failed is None and result.state != state:
        corpus.write_state(source.name, result.state)
    logger.info("%s: %s%s", source.name, result.counts(),
                "" if changed or result.failed else "; nothing changed, corpus not rewritten")
    return result


def _confirmed(result: SourceResult) -> bool:
    """Some document was confirmed this crawl (fetched, or answered 304) rather than only carried over."""
    return any(d.id not in result.kept_ids for d in result.documents)
