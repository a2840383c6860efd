"""bench/http_load.py against a real HTTP server that answers one request at a time in 20 ms."""
from __future__ import annotations

import statistics
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from bench.http_load import run_load


class _Slow(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        time.sleep(0.02)
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture()
def slow_server() -> Iterator[str]:
    server = HTTPServer(("127.0.0.1", 0), _Slow)  # one request at a time: at most 50 requests/s
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_paced_load_counts_the_wait_for_a_busy_server(slow_server: str) -> None:
    # 20 requests/s: the server keeps up, so latency is its 20 ms service time
    easy, errors, _ = run_load(slow_server, ["/a"], clients=1, seconds=1.5, warmup=0.2, rate=20)
    assert errors == 0 and 15 <= len(easy) <= 40
    assert statistics.median(easy) < 60
    # 100 requests/s offered to a server that manages 50: requests queue, and latency measured from the
    # scheduled send time keeps growing (a closed loop would report ~20 ms and hide the backlog)
    overload, errors, _ = run_load(slow_server, ["/a"], clients=1, seconds=1.5, warmup=0.2, rate=100)
    assert errors == 0
    assert max(overload) > 300
    assert len(overload) < 100


def test_closed_loop_runs_flat_out(slow_server: str) -> None:
    latencies, errors, seconds = run_load(slow_server, ["/a", "/b"], clients=1, seconds=1.0, warmup=0.2)
    assert errors == 0 and 30 <= len(latencies) / seconds <= 55
    assert statistics.median(latencies) < 40
