"""The crawler: lab web sites, GitHub READMEs and interview pages → the corpus.

Data flows ``crawler → corpus``; the crawler never imports the indexer or the web app.
"""
from __future__ import annotations

from crawler.config.settings import CrawlSettings
from crawler.config.sources import SourcesConfig, load_sources, parse_sources
from crawler.errors import (
    ConfigError,
    CrawlerError,
    CrawlLocked,
    DeadlineExceeded,
    FetchError,
    OutOfScope,
    RobotsDisallowed,
)
from crawler.net.fetch import Fetcher
from crawler.run import CrawlSummary, crawl

__all__ = [
    "ConfigError",
    "CrawlLocked",
    "CrawlSettings",
    "CrawlSummary",
    "CrawlerError",
    "DeadlineExceeded",
    "FetchError",
    "Fetcher",
    "OutOfScope",
    "RobotsDisallowed",
    "SourcesConfig",
    "crawl",
    "load_sources",
    "parse_sources",
]
