"""The crawler's own connections: every address checked after DNS resolution, every read inside a deadline.

A crawled page must never steer the crawler inside the network it runs on. Host scope (which hosts a
source may reach) is checked on URLs by the fetcher; this module checks the *addresses* a host name
resolves to, on the connection actually made (so a name that resolves to a public address when checked
and to 127.0.0.1 when connected cannot slip through): loopback, private, link-local, multicast and other
non-public addresses are refused unless the host and port are a source's own configured host and that
host was such an address when the crawl started (an intranet source, or the tests' 127.0.0.1 servers).

It also enforces the total time of one response: the fetcher sets the deadline of the request it is
making (:func:`response_deadline`), and every connect, read and write of that request is given only the
time left, so a body dripped a byte at a time ends at the deadline instead of never.
"""
from __future__ import annotations

import ipaddress
import socket
import ssl
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

import httpcore
import httpx

from crawler.errors import BlockedAddress, ResponseTooSlow

#: ``resolve(host, port)`` → the IP addresses of ``host``, as ``socket.getaddrinfo`` finds them
Resolver = Callable[[str, int], list[str]]

_local = threading.local()


def system_resolve(host: str, port: int) -> list[str]:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise httpcore.ConnectError(f"cannot resolve {host}: {exc}") from exc
    found: dict[str, None] = {}
    for _family, _type, _proto, _name, sockaddr in infos:
        found.setdefault(str(sockaddr[0]), None)
    return list(found)


def non_public(address: str) -> str:
    """Why ``address`` is not a public internet address ('' when it is one)."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    for reason, test in (("loopback", ip.is_loopback), ("link-local", ip.is_link_local),
                         ("multicast", ip.is_multicast), ("unspecified", ip.is_unspecified),
                         ("private", ip.is_private), ("reserved", ip.is_reserved)):
        if test:
            return reason
    if not ip.is_global:
        return "not globally routable"
    return ""


class AddressPolicy:
    """Which connections may go to non-public addresses: only to ``exempt`` (host, port) pairs."""

    def __init__(self, exempt: Iterable[tuple[str, int]] = (), resolve: Resolver = system_resolve) -> None:
        self.exempt = frozenset((host.lower(), port) for host, port in exempt)
        self.resolve = resolve

    @classmethod
    def for_hosts(cls, hosts: Iterable[tuple[str, int]], resolve: Resolver = system_resolve) -> AddressPolicy:
        """Exempt each configured (host, port) whose every address is non-public right now: an IP literal
        such as 127.0.0.1 or 10.0.0.5, or a name that resolves only inside (an intranet server). A name
        that resolves to a public address (or does not resolve) stays public-only for the whole crawl."""
        exempt = []
        for host, port in hosts:
            try:
                addresses = resolve(host, port)
            except (httpcore.ConnectError, OSError):
                continue
            if addresses and all(non_public(a) for a in addresses):
                exempt.append((host, port))
        return cls(exempt, resolve)

    def addresses(self, host: str, port: int) -> list[str]:
        """The addresses a connection to ``host:port`` may use; BlockedAddress when there are none."""
        found = self.resolve(host, port)
        if (host.lower(), port) in self.exempt:
            return found
        allowed = [a for a in found if not non_public(a)]
        if not allowed:
            shown = ", ".join(f"{a} ({non_public(a)})" for a in found[:3]) or "nothing"
            raise BlockedAddress(host, f"{host} resolves to {shown}; only public addresses are crawled "
                                       "unless the source's own configured host is such an address")
        return allowed


@contextmanager
def response_deadline(deadline: float | None) -> Iterator[None]:
    """Every connection use of this thread, until the block ends, must finish by ``deadline``
    (``time.monotonic()`` seconds; None: no total limit)."""
    previous = getattr(_local, "deadline", None)
    _local.deadline = deadline
    try:
        yield
    finally:
        _local.deadline = previous


def _time_left(timeout: float | None) -> tuple[float | None, bool]:
    """The timeout to give one socket operation, and whether the response deadline is what limits it."""
    deadline = getattr(_local, "deadline", None)
    if deadline is None:
        return timeout, False
    left = deadline - time.monotonic()
    if left <= 0:
        raise ResponseTooSlow("the response deadline passed")
    if timeout is None or left < timeout:
        return left, True
    return timeout, False


class _DeadlineStream(httpcore.NetworkStream):
    """A connection whose reads and writes never wait past the current response deadline."""

    def __init__(self, stream: httpcore.NetworkStream) -> None:
        self._stream = stream

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        timeout, capped = _time_left(timeout)
        try:
            return self._stream.read(max_bytes, timeout)
        except httpcore.ReadTimeout:
            if capped:
                raise ResponseTooSlow("the response deadline passed while reading") from None
            raise

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        timeout, capped = _time_left(timeout)
        try:
            self._stream.write(buffer, timeout)
        except httpcore.WriteTimeout:
            if capped:
                raise ResponseTooSlow("the response deadline passed while sending") from None
            raise

    def close(self) -> None:
        self._stream.close()

    def start_tls(self, ssl_context: ssl.SSLContext, server_hostname: str | None = None,
                  timeout: float | None = None) -> httpcore.NetworkStream:
        timeout, _ = _time_left(timeout)
        return _DeadlineStream(self._stream.start_tls(ssl_context, server_hostname, timeout))

    def get_extra_info(self, info: str) -> Any:
        return self._stream.get_extra_info(info)


class GuardedBackend(httpcore.NetworkBackend):
    """Resolves each host itself, checks the addresses (:class:`AddressPolicy`) and connects to an
    allowed one; TLS still verifies the host name (httpcore passes it as the server name)."""

    def __init__(self, policy: AddressPolicy, inner: httpcore.NetworkBackend | None = None) -> None:
        self.policy = policy
        self.inner = inner or httpcore.SyncBackend()

    def connect_tcp(self, host: str, port: int, timeout: float | None = None, local_address: str | None = None,
                    socket_options: Iterable[Any] | None = None) -> httpcore.NetworkStream:
        error: Exception | None = None
        for address in self.policy.addresses(host, port):
            limit, capped = _time_left(timeout)
            try:
                stream = self.inner.connect_tcp(address, port, limit, local_address, socket_options)
            except httpcore.ConnectTimeout as exc:
                if capped:
                    raise ResponseTooSlow(f"the response deadline passed while connecting to {host}") from None
                error = exc
            except httpcore.ConnectError as exc:
                error = exc
            else:
                return _DeadlineStream(stream)
        raise error or httpcore.ConnectError(f"no address for {host}")

    def connect_unix_socket(self, path: str, timeout: float | None = None,
                            socket_options: Iterable[Any] | None = None) -> httpcore.NetworkStream:
        raise BlockedAddress(path, "the crawler does not connect to Unix sockets")

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


class GuardedTransport(httpx.HTTPTransport):
    """httpx's transport with its connection pool built on :class:`GuardedBackend`.

    No proxies and nothing from the environment (``trust_env=False``): the address check needs the
    crawler to make its own connections, and a ``.netrc`` must not add credentials to crawled hosts.
    """

    def __init__(self, policy: AddressPolicy, inner: httpcore.NetworkBackend | None = None) -> None:
        super().__init__(trust_env=False)
        limits = httpx.Limits(max_connections=100, max_keepalive_connections=20, keepalive_expiry=5.0)
        # httpx builds its pool without a way to pass the network backend; build the same pool with ours.
        self._pool = httpcore.ConnectionPool(
            ssl_context=httpx.create_ssl_context(trust_env=False), max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections, keepalive_expiry=limits.keepalive_expiry,
            network_backend=GuardedBackend(policy, inner))


def guarded_client(policy: AddressPolicy, timeout: float, inner: httpcore.NetworkBackend | None = None
                   ) -> httpx.Client:
    """The crawler's HTTP client: guarded connections, ``timeout`` for each connect/read/write."""
    return httpx.Client(transport=GuardedTransport(policy, inner), timeout=timeout, trust_env=False,
                        follow_redirects=False)
