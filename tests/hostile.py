"""Hostile HTTP servers for crawler tests: real sockets on a chosen loopback address (127.0.0.2 is a
second host as far as the crawler can tell), answers built per path, and every request recorded.

A route is ``(handler) -> None`` and writes its own answer; ``page``, ``redirect``, ``json_answer`` and
``drip`` build the common ones. ``LoopbackOnly`` is the connection layer the tests give the crawler: it
connects only inside 127.0.0.0/8 and records anything else it was asked for, so a test can prove the
crawler refused an address before a connection was tried (and no test ever sends traffic elsewhere).
"""
from __future__ import annotations

import ipaddress
import json
import threading
import time
from collections.abc import Callable, Iterable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

import httpcore

Route = Callable[[BaseHTTPRequestHandler], None]


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        server: HostileServer = self.server.owner  # type: ignore[attr-defined]
        path = urlsplit(self.path).path
        with server.lock:
            server.requests.append((time.monotonic(), self.path, {k.lower(): v for k, v in self.headers.items()}))
            route = server.routes.get(path)
        try:
            (route or not_found)(self)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def log_message(self, format: str, *args: Any) -> None:
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # clients that hang up (deadlines, size limits) are the point of these servers


class HostileServer:
    """``with HostileServer("127.0.0.2", {"/": page("hi")}) as server:`` — ``server.url``, ``server.requests``."""

    def __init__(self, host: str = "127.0.0.1", routes: dict[str, Route] | None = None) -> None:
        self.routes: dict[str, Route] = dict(routes or {})
        self.requests: list[tuple[float, str, dict[str, str]]] = []
        self.lock = threading.Lock()
        self._httpd = _Server((host, 0), _Handler)
        self._httpd.owner = self  # type: ignore[attr-defined]
        self.host, self.port = host, self._httpd.server_address[1]
        self.netloc = f"{host}:{self.port}"
        self.url = f"http://{self.netloc}"
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05},
                                        daemon=True)
        self._thread.start()

    def __enter__(self) -> HostileServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join()

    def paths(self) -> list[str]:
        with self.lock:
            return [path for _, path, _ in self.requests]

    def headers_of(self, path_prefix: str) -> list[dict[str, str]]:
        with self.lock:
            return [headers for _, path, headers in self.requests if path.startswith(path_prefix)]


def _send(handler: BaseHTTPRequestHandler, status: int, headers: Iterable[tuple[str, str]], body: bytes) -> None:
    handler.send_response(status)
    for name, value in headers:
        handler.send_header(name, value)
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)


def not_found(handler: BaseHTTPRequestHandler) -> None:
    _send(handler, 404, [("Content-Type", "text/plain")], b"not found")


def page(title: str, text: str = "", links: Iterable[str] = ()) -> Route:
    anchors = " ".join(f'<a href="{link}">{link}</a>' for link in links)
    body = (f"<!doctype html><html><head><meta charset='utf-8'><title>{title}</title></head><body><main>"
            f"<h1>{title}</h1><p>{text or title + ' is a page with enough words to be a document.'}</p>"
            f"<p>{anchors}</p></main></body></html>").encode()
    return lambda handler: _send(handler, 200, [("Content-Type", "text/html; charset=utf-8")], body)


def redirect(location: str, status: int = 302) -> Route:
    return lambda handler: _send(handler, status, [("Location", location)], b"")


def json_answer(data: Any, headers: Iterable[tuple[str, str]] = ()) -> Route:
    body = json.dumps(data).encode()
    return lambda handler: _send(handler, 200, [("Content-Type", "application/json"), *headers], body)


def drip(every: float = 0.2, for_at_most: float = 30.0, headers_too: bool = False) -> Route:
    """An answer that never finishes: a byte every ``every`` seconds (the status line too, if asked)."""
    def route(handler: BaseHTTPRequestHandler) -> None:
        ends = time.monotonic() + for_at_most
        head = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 100000\r\n\r\n"
        if not headers_too:
            handler.wfile.write(head)
            handler.wfile.flush()
            head = b""
        stream = head + b"<html><body>" + b"x" * 100000
        for byte in stream:
            if time.monotonic() > ends:
                break
            handler.wfile.write(bytes([byte]))
            handler.wfile.flush()
            time.sleep(every)
        handler.close_connection = True
    return route


def slow(route: Route, seconds: float) -> Route:
    def delayed(handler: BaseHTTPRequestHandler) -> None:
        time.sleep(seconds)
        route(handler)
    return delayed


class LoopbackOnly(httpcore.SyncBackend):
    """The real connection layer, limited to 127.0.0.0/8; everything else is recorded and refused."""

    def __init__(self) -> None:
        self.refused: list[str] = []
        self.connected: list[tuple[str, int]] = []

    def connect_tcp(self, host: str, port: int, timeout: float | None = None, local_address: str | None = None,
                    socket_options: Any = None) -> httpcore.NetworkStream:
        if not ipaddress.ip_address(host).is_loopback:
            self.refused.append(host)
            raise httpcore.ConnectError(f"test connection layer: {host} is not a loopback address")
        self.connected.append((host, port))
        return super().connect_tcp(host, port, timeout, local_address, socket_options)
