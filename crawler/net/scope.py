"""Where one source may go and until when: its hosts, and its deadline.

Every request a source makes (its URLs, each redirect hop, robots.txt and its redirects, a GitHub
``Link: rel="next"`` page) must be on a host the source names; whatever a crawled page or an API
answer says cannot add a host. The deadline is the earlier of the source's and the whole run's.
"""
from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from crawler.errors import DeadlineExceeded
from crawler.net.urls import normalize_url

_DEFAULT_PORTS = {"http": 80, "https": 443}


def host_of(url: str) -> str:
    """The normalised ``host[:port]`` of an http(s) URL ('' for anything else)."""
    normal = normalize_url(url)
    return urlsplit(normal).netloc if normal else ""


def host_port(url: str) -> tuple[str, int] | None:
    """(host, port) a connection to ``url`` goes to; None for anything that is not http(s)."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    if parts.scheme not in _DEFAULT_PORTS or not parts.hostname:
        return None
    return parts.hostname.lower(), port or _DEFAULT_PORTS[parts.scheme]


@dataclass(frozen=True)
class HostScope:
    """The hosts (``host[:port]``, default ports left out) one source may send requests to."""

    hosts: frozenset[str]

    @classmethod
    def of(cls, urls: Iterable[str], extra_hosts: Iterable[str] = ()) -> HostScope:
        hosts = {host_of(u) for u in urls} | {h.lower() for h in extra_hosts}
        return cls(frozenset(h for h in hosts if h))

    def allows(self, url: str) -> bool:
        host = host_of(url)
        return bool(host) and host in self.hosts

    def describe(self) -> str:
        return ", ".join(sorted(self.hosts)) or "none"


@dataclass(frozen=True)
class Deadline:
    """A point in ``time.monotonic()`` time and what it is, for the message when it passes."""

    at: float
    what: str

    @classmethod
    def earliest(cls, *deadlines: Deadline | None) -> Deadline | None:
        found = [d for d in deadlines if d is not None]
        return min(found, key=lambda d: d.at) if found else None

    def left(self) -> float:
        return self.at - time.monotonic()

    def check(self, extra: float = 0.0) -> None:
        """Raise DeadlineExceeded if the deadline has passed (or would have, ``extra`` seconds from now)."""
        if self.left() <= extra:
            raise DeadlineExceeded(f"stopped: {self.what} passed")
