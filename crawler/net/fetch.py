"""HTTP fetching with manners and limits: robots.txt, per-host delay and concurrency 1, retries, size
limits, the source's hosts and deadlines.

The HTTP client, the clock and the sleep function are injected so tests can run against local
servers without waiting for real delays. Deadlines run on the real clock (``time.monotonic``).
"""
from __future__ import annotations

import email.utils
import logging
import threading
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import httpx

from crawler.config.settings import CrawlSettings
from crawler.errors import (
    BlockedAddress,
    DeadlineExceeded,
    FetchError,
    HTTPStatusError,
    OutOfScope,
    RedirectError,
    ResponseTooSlow,
    RobotsDisallowed,
    TooLarge,
    TooSlow,
)
from crawler.net.network import response_deadline
from crawler.net.robots import RobotsRules
from crawler.net.scope import Deadline, HostScope
from crawler.net.urls import normalize_url

logger = logging.getLogger(__name__)

_RETRY_STATUSES = {429, 500, 502, 503, 504}
_REDIRECT_STATUSES = {301, 302, 303, 307, 308}
_DRAIN_LIMIT = 64 * 1024
#: request headers that carry credentials: never sent on to another origin by a redirect
_CREDENTIALS = ("authorization", "cookie", "proxy-authorization")


@dataclass
class Response:
    """A fetched URL: final address after redirects, status, headers and body bytes."""

    url: str
    status: int
    headers: httpx.Headers
    body: bytes = b""
    #: the body was not downloaded because its content type is not one the caller accepts
    skipped: bool = False

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";", 1)[0].strip().lower()


@dataclass
class FetchStats:
    requests: int = 0
    conditional: int = 0
    not_modified: int = 0
    bytes: int = 0
    retries: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add(self, **counts: int) -> None:
        with self.lock:
            for name, value in counts.items():
                setattr(self, name, getattr(self, name) + value)


class _HostGate:
    """Per-host mutual exclusion plus the earliest time the next request may start."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.robots_lock = threading.Lock()
        self.next_time = 0.0
        self.delay: float | None = None
        self.robots: RobotsRules | None = None


class Fetcher:
    """Fetches URLs politely; one instance is shared by every source of a crawl.

    >>> with httpx.Client() as client:                        # doctest: +SKIP
    ...     fetcher = Fetcher(client, CrawlSettings(delay=0))
    ...     fetcher.get("http://127.0.0.1:8000/").status
    200
    """

    def __init__(
        self,
        client: httpx.Client,
        settings: CrawlSettings,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.client = client
        self.settings = settings
        self.clock = clock
        self.sleep = sleep
        self.stats = FetchStats()
        self._gates: dict[str, _HostGate] = {}
        self._gates_lock = threading.Lock()

    # -- politeness ----------------------------------------------------------------------

    def _gate(self, url: str) -> _HostGate:
        host = urlsplit(url).netloc
        with self._gates_lock:
            return self._gates.setdefault(host, _HostGate())

    def robots(self, url: str, hosts: HostScope | None = None, deadline: Deadline | None = None) -> RobotsRules:
        """The robots.txt rules of the URL's host (fetched on first use, then cached)."""
        gate = self._gate(url)
        with gate.robots_lock:
            if gate.robots is None:
                gate.robots = self._load_robots(url, hosts, deadline)
                crawl_delay = gate.robots.crawl_delay()
                if crawl_delay is not None:
                    gate.delay = max(self.settings.delay, min(crawl_delay, self.settings.max_crawl_delay))
                    gate.next_time = self.clock() + gate.delay  # the robots.txt request itself counts
                    logger.info("%s asks for Crawl-delay %s s; waiting %s s", urlsplit(url).netloc, crawl_delay,
                                gate.delay)
        return gate.robots

    def _load_robots(self, url: str, hosts: HostScope | None, deadline: Deadline | None) -> RobotsRules:
        robots_url = urljoin(url, "/robots.txt")
        agent = self.settings.user_agent
        try:
            # Its redirects stay on the source's hosts like any other request (robots.txt is no way out).
            response = self._request(robots_url, {}, allow_redirects=True, use_robots=False, hosts=hosts,
                                     deadline=deadline)
        except HTTPStatusError as exc:
            if exc.status >= 500:
                logger.warning("robots.txt at %s answered %s; not crawling that host now", robots_url, exc.status)
                return RobotsRules.unavailable(agent, f"robots.txt answered HTTP {exc.status}")
            return RobotsRules.allow_all(agent)  # 4xx: the site has no rules for anyone
        except FetchError as exc:
            # An unreachable robots.txt is not permission: stay away this run (and keep what we have).
            logger.warning("robots.txt unreachable (%s); not crawling that host now", exc.reason)
            return RobotsRules.unavailable(agent, f"robots.txt unreachable: {exc.reason}")
        return RobotsRules(response.body.decode("utf-8", "replace"), agent)

    def host_delay(self, url: str) -> float:
        gate = self._gate(url)
        return gate.delay if gate.delay is not None else self.settings.delay

    # -- requests ------------------------------------------------------------------------

    def for_source(self, hosts: HostScope, deadline: Deadline | None = None) -> SourceFetcher:
        """This fetcher as one source sees it: only ``hosts`` reachable, everything before ``deadline``."""
        return SourceFetcher(self, hosts, deadline)

    def get(self, url: str, headers: dict[str, str] | None = None, *, allow_redirects: bool = True,
            scope: Callable[[str], bool] | None = None, robots: bool = True,
            accept: Callable[[str], bool] | None = None, hosts: HostScope | None = None,
            deadline: Deadline | None = None) -> Response:
        """GET with robots check, retries and redirect following (within ``scope`` if given).

        ``robots=False`` is for APIs (the GitHub REST API), which robots.txt does not govern.
        ``accept(content_type)`` false leaves the body unread (``Response.skipped``): no images or
        videos are downloaded just to be thrown away. ``hosts``: every hop must stay on them
        (OutOfScope otherwise); ``deadline``: DeadlineExceeded once it passes.
        """
        return self._request(url, dict(headers or {}), allow_redirects=allow_redirects, scope=scope,
                             use_robots=robots, accept=accept, hosts=hosts, deadline=deadline)

    def _request(self, url: str, headers: dict[str, str], *, allow_redirects: bool,
                 use_robots: bool = True, scope: Callable[[str], bool] | None = None,
                 accept: Callable[[str], bool] | None = None, hosts: HostScope | None = None,
                 deadline: Deadline | None = None) -> Response:
        seen: list[str] = [url]
        current = url
        for _ in range(self.settings.max_redirects + 1):
            if hosts is not None and not hosts.allows(current):
                where = "" if current == url else f" (a redirect from {url})"
                raise OutOfScope(current, f"not on the source's hosts ({hosts.describe()}){where}")
            if deadline is not None:
                deadline.check()
            if use_robots:
                rules = self.robots(current, hosts, deadline)
                if rules.unavailable_reason:
                    raise FetchError(current, rules.unavailable_reason)
                if not rules.allowed(current):
                    raise RobotsDisallowed(f"robots.txt disallows {current}")
            response = self._with_retries(current, headers, accept, deadline)
            if response.status not in _REDIRECT_STATUSES or not allow_redirects:
                return response
            location = response.headers.get("location")
            target = normalize_url(location, current) if location else None
            if target is None:
                raise RedirectError(current, f"redirect without a usable Location ({location!r})")
            if target in seen:
                raise RedirectError(url, f"redirect loop via {target}")
            if scope is not None and not scope(target):
                raise RedirectError(url, f"redirects outside the site to {target}")
            if _origin(target) != _origin(current):
                headers = {k: v for k, v in headers.items() if k.lower() not in _CREDENTIALS}
            seen.append(target)
            current = target
        raise RedirectError(url, f"more than {self.settings.max_redirects} redirects")

    def _with_retries(self, url: str, headers: dict[str, str], accept: Callable[[str], bool] | None = None,
                      deadline: Deadline | None = None) -> Response:
        attempt = 0
        while True:
            try:
                response = self._polite_send(url, headers, accept, deadline)
            except BlockedAddress as exc:
                raise OutOfScope(url, exc.reason) from None
            except (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError) as exc:
                if attempt >= self.settings.retries:
                    raise FetchError(url, f"{type(exc).__name__}: {exc or 'no answer'}") from exc
                wait = self.settings.backoff * 2**attempt
            else:
                if response.status < 400 or response.status == 304:
                    return response
                if response.status not in _RETRY_STATUSES or attempt >= self.settings.retries:
                    raise HTTPStatusError(url, response.status, response.headers)
                wait = self._retry_after(response) or self.settings.backoff * 2**attempt
                if wait > self.settings.max_retry_after:
                    raise FetchError(url, f"HTTP {response.status}, Retry-After {wait:.0f} s is too long")
            if deadline is not None:
                deadline.check(extra=wait)
            attempt += 1
            self.stats.add(retries=1)
            logger.info("retrying %s in %.1f s (attempt %d)", url, wait, attempt + 1)
            self.sleep(wait)

    def _retry_after(self, response: Response) -> float | None:
        value = response.headers.get("retry-after")
        if not value:
            return None
        if value.strip().isdigit():
            return float(value.strip())
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        return max(0.0, when.timestamp() - time.time())

    def _polite_send(self, url: str, headers: dict[str, str], accept: Callable[[str], bool] | None,
                     deadline: Deadline | None = None) -> Response:
        gate = self._gate(url)
        # Another source's request to this host holds the gate at most one response deadline.
        if not gate.lock.acquire(timeout=-1 if deadline is None else max(0.0, deadline.left())):
            raise DeadlineExceeded(f"stopped: {deadline.what if deadline else 'the deadline'} passed "
                                   f"while waiting for {urlsplit(url).netloc}")
        try:
            wait = gate.next_time - self.clock()
            if wait > 0:
                if deadline is not None:
                    deadline.check(extra=wait)
                self.sleep(wait)
            ends = time.monotonic() + self.settings.response_deadline
            limit = Deadline.earliest(Deadline(ends, "the response deadline"), deadline)
            try:
                with response_deadline(limit.at if limit else None):
                    return self._send(url, headers, accept)
            except ResponseTooSlow:
                if deadline is not None:
                    deadline.check()
                raise TooSlow(url, f"no complete answer within the {self.settings.response_deadline:.0f} s "
                                   "response deadline") from None
            finally:
                gate.next_time = self.clock() + self.host_delay(url)
        finally:
            gate.lock.release()

    def _send(self, url: str, headers: dict[str, str], accept: Callable[[str], bool] | None = None) -> Response:
        headers = {"User-Agent": self.settings.user_agent, "Accept-Encoding": "gzip, deflate", **headers}
        conditional = any(h.lower() in ("if-none-match", "if-modified-since") for h in headers)
        self.stats.add(requests=1, conditional=int(conditional))
        request = self.client.build_request("GET", url, headers=headers)
        response = self.client.send(request, stream=True, follow_redirects=False)
        status = response.status_code
        content_type = response.headers.get("content-type", "").split(";", 1)[0].strip().lower()
        # Only a successful answer's body is worth reading: error pages, redirects and 304s are
        # decided by their status and headers alone.
        skipped = 200 <= status < 300 and accept is not None and not accept(content_type)
        drained = 0
        try:
            body = b""
            if 200 <= status < 300 and not skipped:
                body = self._read_limited(url, response)
            else:
                drained = self._drain_small(response)
        finally:
            response.close()
        self.stats.add(not_modified=int(status == 304), bytes=drained)
        return Response(url=url, status=status, headers=response.headers, body=body, skipped=skipped)

    @staticmethod
    def _drain_small(response: httpx.Response) -> int:
        """Read and drop a short unwanted body (an error page) so the connection can be reused."""
        declared = response.headers.get("content-length", "")
        if not declared.isdigit() or int(declared) > _DRAIN_LIMIT:
            return 0  # unknown or large: closing the connection is cheaper than reading it
        try:
            return sum(len(chunk) for chunk in response.iter_raw())
        except (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError):
            return 0

    def _read_limited(self, url: str, response: httpx.Response) -> bytes:
        """Read the body, decompressing by hand so a gzip bomb is cut off at ``max_bytes``."""
        limit = self.settings.max_bytes
        declared = response.headers.get("content-length", "")
        encoding = response.headers.get("content-encoding", "").lower().strip()
        if declared.isdigit() and int(declared) > limit and not encoding:
            raise TooLarge(url, f"Content-Length {declared} exceeds the {limit}-byte limit")
        decoder = None
        if encoding in ("gzip", "x-gzip"):
            decoder = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif encoding == "deflate":
            decoder = zlib.decompressobj()
        chunks: list[bytes] = []
        size = wire = 0
        try:
            for raw in response.iter_raw():
                wire += len(raw)
                # max_length stops inflating at the limit, so a bomb never fills memory
                piece = decoder.decompress(raw, limit + 1 - size) if decoder else raw
                size += len(piece)
                if size > limit:
                    raise TooLarge(url, f"body exceeds the {limit}-byte limit (cut after {wire} bytes received)")
                chunks.append(piece)
            if decoder is not None:
                chunks.append(decoder.flush())
        except zlib.error as exc:
            raise FetchError(url, f"broken {encoding} body: {exc}") from exc
        except (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError) as exc:
            raise FetchError(url, f"{type(exc).__name__} while reading the body") from exc
        finally:
            self.stats.add(bytes=wire)  # bytes on the wire, counted even when the body is refused
        return b"".join(chunks)


def _origin(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.scheme, parts.netloc


class SourceFetcher:
    """A :class:`Fetcher` bound to one source's hosts and deadline (the shared fetcher keeps the
    per-host politeness and the statistics of the whole crawl)."""

    def __init__(self, fetcher: Fetcher, hosts: HostScope, deadline: Deadline | None) -> None:
        self.fetcher = fetcher
        self.hosts = hosts
        self.deadline = deadline
        self.settings = fetcher.settings
        self.stats = fetcher.stats

    def get(self, url: str, headers: dict[str, str] | None = None, *, allow_redirects: bool = True,
            scope: Callable[[str], bool] | None = None, robots: bool = True,
            accept: Callable[[str], bool] | None = None) -> Response:
        return self.fetcher.get(url, headers, allow_redirects=allow_redirects, scope=scope, robots=robots,
                                accept=accept, hosts=self.hosts, deadline=self.deadline)

    def robots(self, url: str) -> RobotsRules:
        return self.fetcher.robots(url, self.hosts, self.deadline)
