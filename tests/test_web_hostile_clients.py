"""Slow and hostile clients against the real server (``python -m web``) over raw sockets.

Each test here failed on the gunicorn gthread server this project ran before (issue 15): slow clients
stalled every worker, a 16 MB request line cost a worker seconds of CPU, thousands of filter values made
megabytes of HTML, raw bytes that are not UTF-8 were a 500 with a traceback.
"""
from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest

from bench import slow_clients
from helpers import get, web_server
from web.limits import MAX_TARGET_BYTES
from web.params import MAX_FILTER_VALUES
from web.server import CLIENT_TIMEOUT


@pytest.fixture(scope="module")
def server(crawled: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """The server with its default settings; (base URL, its log file)."""
    log = tmp_path_factory.mktemp("web-log") / "web.log"
    with web_server(crawled["index"], log=log) as url:
        yield url, log


def raw(base_url: str, data: bytes, timeout: float = 15.0) -> tuple[int | None, bytes, float]:
    """Send ``data`` on a new connection and read until the server closes it (or ``timeout``):
    (status or None, everything answered, seconds until the connection ended)."""
    parts = urlsplit(base_url)
    began = time.monotonic()
    answer = b""
    with socket.create_connection((parts.hostname, parts.port), timeout=timeout) as sock:
        try:
            sock.sendall(data)
        except OSError:  # the server closed on us mid-send (a refused request head)
            pass
        try:
            while chunk := sock.recv(65536):
                answer += chunk
        except OSError:
            pass
    status = int(answer.split(b" ", 2)[1]) if answer.startswith(b"HTTP/1.1 ") else None
    return status, answer, time.monotonic() - began


def request(target: bytes, *headers: bytes) -> bytes:
    lines = [b"GET " + target + b" HTTP/1.1", b"Host: 127.0.0.1", *headers, b"Connection: close", b"", b""]
    return b"\r\n".join(lines)


def no_traceback(log: Path) -> None:
    text = log.read_text("utf-8", "replace")
    assert "Traceback" not in text and " 500 " not in text, text[-3000:]


# -- slow clients ------------------------------------------------------------------------------------

def test_200_slow_connections_leave_normal_latency_alone(crawled: dict[str, Path], tmp_path: Path) -> None:
    """200 connections dripping a request a byte at a time, stopping mid-request or saying nothing, each
    reopened as soon as the server drops it: normal requests in the same run keep their latency.

    The bar is the issue's (hostile p95 within 2× of the idle server's p95, both measured in this run,
    the larger of the idle phases before and after) plus 25 ms of slack for a shared, loaded 2-core
    machine; the server this replaced failed every request of the hostile phase."""
    with web_server(crawled["index"], "--client-timeout", "3", log=tmp_path / "web.log") as url:
        result = slow_clients.measure(url, hostile=200, seconds=5.0, rate=20.0)
    print(slow_clients.report(result))
    for phase in ("idle", "hostile", "idle_again"):
        assert result[phase]["failures"] == 0 and result[phase]["n"] >= 90, (phase, result[phase])
    idle_p95 = max(result["idle"]["p95"], result["idle_again"]["p95"])
    assert result["hostile"]["p95"] <= 2 * idle_p95 + 25, slow_clients.report(result)
    for kind, closed in result["closed_by_server"].items():  # each attacker was cut off at the deadline
        assert closed["n"] >= 30 and 2.5 <= closed["min_s"] and closed["max_s"] <= 6.0, (kind, closed)
    no_traceback(tmp_path / "web.log")


def test_idle_and_half_sent_connections_close_after_the_client_timeout(server: tuple[str, Path]) -> None:
    url, _ = server
    kinds = {
        "silent": b"",
        "half a request line": b"GET /api/search?q=un",
        "headers never finished": b"GET /api/search?q=unet HTTP/1.1\r\nHost: 127.0.0.1\r\n",
        "keep-alive, idle after a response": b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
    }
    results: dict[str, tuple[int | None, bytes, float]] = {}

    def hold(name: str, data: bytes) -> None:
        results[name] = raw(url, data, timeout=CLIENT_TIMEOUT + 20)

    threads = [threading.Thread(target=hold, args=item) for item in kinds.items()]
    for thread in threads:
        thread.start()
    dripper_closed = drip(url, interval=0.5, limit=CLIENT_TIMEOUT + 20)
    for thread in threads:
        thread.join()
    for name, (_, _, seconds) in results.items():
        assert CLIENT_TIMEOUT - 0.5 <= seconds <= CLIENT_TIMEOUT + 5, (name, seconds)
    assert results["keep-alive, idle after a response"][0] == 200
    assert CLIENT_TIMEOUT - 0.5 <= dripper_closed <= CLIENT_TIMEOUT + 5


def drip(base_url: str, interval: float, limit: float) -> float:
    """Send a request one byte every ``interval`` seconds (never finishing it): seconds until closed."""
    parts = urlsplit(base_url)
    data = request(b"/api/search?q=" + b"a" * 500)
    began = time.monotonic()
    with socket.create_connection((parts.hostname, parts.port), timeout=interval) as sock:
        for byte in data[:-4]:
            try:
                sock.send(bytes([byte]))
                if sock.recv(1) == b"":
                    break
            except TimeoutError:
                pass
            except OSError:
                break
            if time.monotonic() - began > limit:
                break
    return time.monotonic() - began


# -- huge request lines ------------------------------------------------------------------------------

def test_request_target_over_the_cap_is_a_json_414_under_api(server: tuple[str, Path]) -> None:
    url, log = server
    fits = "/api/search?q=" + "a" * (MAX_TARGET_BYTES - 200)
    status, _, body = get(url + fits)
    assert status == 200 and json.loads(body)["query"]
    status, headers, body = get(url + "/api/search?q=" + "a" * MAX_TARGET_BYTES)
    assert status == 414 and headers["Content-Type"].startswith("application/json")
    assert json.loads(body)["error"]["status"] == 414 and json.loads(body)["error"]["code"] == "request_uri_too_long"
    status, headers, body = get(url + "/?q=" + quote("가" * 5000))
    assert status == 414 and headers["Content-Type"].startswith("text/html")
    assert len(body) < 20_000 and b"%EA%B0%80" * 10 not in body  # the page does not echo the request
    no_traceback(log)


def test_huge_request_lines_are_refused_at_once_and_do_not_stall_the_site(server: tuple[str, Path]) -> None:
    """Six 16 MB request lines at once (on the old server each cost a worker ~15 s of CPU): each is
    refused within seconds, and a normal request meanwhile is answered as usual."""
    url, log = server
    huge = request(b"/api/search?q=" + b"a" * (16 * 1024 * 1024))
    outcomes: list[tuple[int | None, float]] = []

    def send() -> None:
        status, _, seconds = raw(url, huge, timeout=30)
        outcomes.append((status, seconds))

    threads = [threading.Thread(target=send) for _ in range(6)]
    for thread in threads:
        thread.start()
    time.sleep(0.2)
    began = time.monotonic()
    status, _, _ = get(url + "/api/search?q=unet", timeout=10)
    normal = time.monotonic() - began
    for thread in threads:
        thread.join()
    assert status == 200 and normal < 2.0, normal
    assert len(outcomes) == 6
    for answered, seconds in outcomes:
        assert answered in (414, 431, None) and seconds < 10, (answered, seconds)
    no_traceback(log)


# -- many filters ------------------------------------------------------------------------------------

def test_filter_values_are_capped_per_facet(server: tuple[str, Path]) -> None:
    url, log = server
    too_many = "&".join(f"lab=lab{i}" for i in range(MAX_FILTER_VALUES + 1))
    status, headers, body = get(f"{url}/api/search?q=unet&{too_many}")
    assert status == 400 and json.loads(body)["error"]["status"] == 400
    assert str(MAX_FILTER_VALUES) in json.loads(body)["error"]["message"]
    status, _, body = get(f"{url}/?q=unet&{too_many}")
    assert status == 400 and len(body) < 20_000
    # the 2,000 values (a 31 KB URL; 76 MB of HTML before): refused, small answer
    status, _, body = get(f"{url}/?q=unet&" + "&".join(f"lab=l{i}" for i in range(2000)), timeout=30)
    assert status in (400, 414) and len(body) < 20_000
    no_traceback(log)


def test_the_html_grows_linearly_with_the_request(server: tuple[str, Path]) -> None:
    """The largest page a request can ask for is bounded by a fixed multiple of the request: every
    active filter is a link carrying the whole search state, so the cap on values per facet bounds the
    number of links; the fixture labs are real so the facets and chips are all there."""
    url, _ = server
    sizes = []
    for count in (5, 10, 20):
        values = [f"{name}={quote(f'{i:02d}' + 'x' * 100)}" for i in range(count) for name in ("lab",)]
        values += [f"kind={k}" for k in ("page", "readme", "interview")] + ["lang=ko", "lang=en"]
        target = "/?q=" + quote("강화학습 segmentation") + "&" + "&".join(values)
        status, _, body = get(url + target)
        assert status == 200
        sizes.append((len(target), len(body)))
    print("request bytes → HTML bytes:", sizes)
    for target_bytes, html_bytes in sizes:
        assert html_bytes <= 150 * target_bytes + 64_000, (target_bytes, html_bytes)
    (small_t, small_h), (_, _), (big_t, big_h) = sizes
    assert big_h - small_h <= 150 * (big_t - small_t)


# -- malformed bytes ---------------------------------------------------------------------------------

@pytest.mark.parametrize("target", [b"/api/search?q=\xff", b"/?q=\xff\xfe", b"/api/search?q=ok&lab=\xc0",
                                    b"/labs/\xff", b"/api/suggest?q=\xed\xa0\x80", b"/healthz?\xff",
                                    b"/opensearch.xml?x=\x80", b"/related?id=\xff", b"/api/\xff"])
def test_raw_bytes_in_the_request_target_are_a_400(server: tuple[str, Path], target: bytes) -> None:
    url, log = server
    status, _, _ = raw(url, request(target))
    assert status == 400
    no_traceback(log)


@pytest.mark.parametrize("header", [b"Cookie: hl=\xff\xfe", b"Accept-Language: \xff;q=\x80", b"User-Agent: \xc0\xaf",
                                    b"Referer: http://\xff/", b"X-Forwarded-Host: \xff", b"If-None-Match: \xed\xa0\x80"])
@pytest.mark.parametrize("target", [b"/?q=unet", b"/api/search?q=unet", b"/labs"])
def test_raw_bytes_in_headers_never_fail_the_request(server: tuple[str, Path], header: bytes, target: bytes) -> None:
    url, log = server
    status, _, _ = raw(url, request(target, header))
    assert status in (200, 400)
    no_traceback(log)


@pytest.mark.parametrize("garbage", [b"\x00\x01\x02\xff\r\n\r\n", b"GET / HTTP/1.1\r\nHost: a\r\nBad Header\r\n\r\n",
                                     b"GET /\x00 HTTP/1.1\r\nHost: a\r\n\r\n", b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03",
                                     b"GET / HTTP/9.9\r\nHost: a\r\n\r\n"])
def test_bytes_that_are_not_http_are_refused(server: tuple[str, Path], garbage: bytes) -> None:
    url, log = server
    status, _, seconds = raw(url, garbage)
    assert status in (400, 505, None) and seconds < CLIENT_TIMEOUT + 5
    no_traceback(log)
