"""Exceptions of the crawler.

CrawlerError
 ├── ConfigError        the sources file or a setting is wrong (exit code 2)
 ├── CrawlLocked        another crawl holds the lock (exit code 75: try again later)
 ├── FetchError         a request failed for good (after retries); the rest of the source goes on
 │    ├── HTTPStatusError    the server answered with an error status
 │    ├── TooLarge           the body passed the size limit
 │    ├── RedirectError      too many redirects, a loop, or a redirect off the site
 │    ├── OutOfScope         a URL, redirect or next page off the source's hosts, or to a non-public address
 │    └── TooSlow            no complete answer within the response deadline
 ├── DeadlineExceeded   the source's or the run's deadline passed: the source stops (an error for it only)
 ├── BlockedAddress     (network layer) a host resolved only to addresses the crawler may not connect to
 ├── ResponseTooSlow    (network layer) a connect, read or write would pass the response deadline
 ├── RobotsDisallowed   robots.txt forbids the URL for our user agent
 ├── RateLimited        the GitHub API budget is spent; carries when to retry
 └── ExtractError       a response could not be turned into a document
"""
from __future__ import annotations

from typing import Any


class CrawlerError(Exception):
    """Base class for crawler failures."""


class ConfigError(CrawlerError):
    """The sources file or a setting is invalid."""


class CrawlLocked(CrawlerError):
    """Another crawl is running on the same corpus."""


class FetchError(CrawlerError):
    """A URL could not be fetched."""

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(f"{url}: {reason}")
        self.url = url
        self.reason = reason


class HTTPStatusError(FetchError):
    def __init__(self, url: str, status: int, headers: Any = None) -> None:
        super().__init__(url, f"HTTP {status}")
        self.status = status
        self.headers = headers

    @property
    def gone(self) -> bool:
        """404 and 410 say the page no longer exists; other statuses may be temporary."""
        return self.status in (404, 410)


class TooLarge(FetchError):
    """The response body is larger than the configured limit."""


class RedirectError(FetchError):
    """Redirect limit reached, loop detected, or redirect target outside the allowed site."""


class OutOfScope(FetchError):
    """The URL is outside the hosts the source names, or its host resolves to a non-public address."""


class TooSlow(FetchError):
    """The response did not complete within the response deadline (a dripping or stalled server)."""


class DeadlineExceeded(CrawlerError):
    """The source's or the whole run's deadline passed; the source stops and keeps its previous documents."""


class BlockedAddress(CrawlerError):
    """Raised by the connection layer, which knows the host but not the URL; the fetcher turns it into
    :class:`OutOfScope` for the URL it was fetching."""

    def __init__(self, host: str, reason: str) -> None:
        super().__init__(reason)
        self.host = host
        self.reason = reason


class ResponseTooSlow(CrawlerError):
    """Raised by the connection layer when the response deadline passes; becomes :class:`TooSlow`."""


class RobotsDisallowed(CrawlerError):
    """robots.txt disallows the URL for our user agent."""


class RateLimited(CrawlerError):
    """The API's rate limit is exhausted; ``reset_at`` is when it refills (epoch seconds)."""

    def __init__(self, message: str, reset_at: float | None) -> None:
        super().__init__(message)
        self.reset_at = reset_at


class ExtractError(CrawlerError):
    """A fetched body could not be turned into a document."""
