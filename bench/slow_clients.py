"""Slow and hostile clients against the real server, side by side with the idle server in one run.

Three phases of the same paced normal load (each request on a new connection, as a browser's first
request would be): *idle* (no attackers), *hostile* (``hostile`` connections held open all the time:
dripping a request one byte at a time, stopping mid-request after the headers started, or saying nothing
at all; each reopened as soon as the server closes it, as an attacker would), and *idle again*. Prints,
per phase, the normal requests' p50/p95/max and failures, and how long the server kept the attackers'
connections open before closing them (the documented client timeout)::

    python -m bench.slow_clients [--index DIR] [--hostile 200] [--seconds 8] [--rate 20] [--url URL]

Without ``--url`` it starts ``python -m web`` on the index (default: the fixture corpus is not built
here; pass an index folder). ``tests/test_slow_clients.py`` runs :func:`measure` against the real
server and holds the result to the issue's bar (hostile p95 within 2× of the idle p95, no failures).
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parents[1]
KINDS = ("drip", "stalled", "silent")
QUERIES = ("딥러닝", "강화학습", "segmentation", "형태소 분석", "모두의연구소", "U-Net", "reinforcement learning",
           "풀잎스쿨", "임베딩", "논문 리뷰")


@dataclass
class Attackers:
    """``count`` connections kept open against ``host:port`` until :meth:`stop`; each closed by the
    server is reopened at once. ``lifetimes`` are the seconds each connection lived until the server
    closed it."""

    host: str
    port: int
    count: int
    drip_interval: float = 0.5
    lifetimes: dict[str, list[float]] = field(default_factory=lambda: {k: [] for k in KINDS})
    answered: dict[str, list[bytes]] = field(default_factory=lambda: {k: [] for k in KINDS})
    opened: int = 0
    _stop: threading.Event = field(default_factory=threading.Event)
    _threads: list[threading.Thread] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def start(self) -> None:
        for number in range(self.count):
            thread = threading.Thread(target=self._run, args=(KINDS[number % len(KINDS)], number), daemon=True)
            thread.start()
            self._threads.append(thread)

    def stop(self) -> None:
        self._stop.set()
        deadline = time.monotonic() + 10
        for thread in self._threads:
            thread.join(timeout=max(0.0, deadline - time.monotonic()))

    def _run(self, kind: str, number: int) -> None:
        rng = random.Random(number)
        while not self._stop.is_set():
            try:
                sock = socket.create_connection((self.host, self.port), timeout=5)
            except OSError:
                self._stop.wait(0.05)
                continue
            with self._lock:
                self.opened += 1
            began = time.monotonic()
            try:
                closed, first = self._attack(sock, kind, rng)
            finally:
                sock.close()
            if closed:
                with self._lock:
                    self.lifetimes[kind].append(time.monotonic() - began)
                    if first:
                        self.answered[kind].append(first[:40])

    def _attack(self, sock: socket.socket, kind: str, rng: random.Random) -> tuple[bool, bytes]:
        """Hold one connection: (closed by the server, the first bytes it answered)."""
        request = (f"GET /api/search?q=slow{rng.randrange(10**6)} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                   f"User-Agent: slow-client\r\nX-Padding: {'x' * 200}\r\n\r\n").encode()
        if kind == "stalled":  # the request line and a header, then nothing
            sock.sendall(request[:request.index(b"\r\n") + 2] + b"Host: 127.0.0.1\r\n")
        position = 0
        sock.settimeout(self.drip_interval)
        while not self._stop.is_set():
            if kind == "drip" and position < len(request) - 4:  # never the final blank line
                try:
                    sock.send(request[position:position + 1])
                except OSError:
                    return True, b""
                position += 1
            try:
                data = sock.recv(4096)
            except TimeoutError:
                continue
            except OSError:
                return True, b""
            return True, data  # b"" (closed) or an error response, then closed
        return False, b""


def _request(host: str, port: int, path: str, timeout: float) -> float | None:
    """Milliseconds for one GET on a new connection; None when it failed or did not answer 200."""
    began = time.perf_counter()
    connection = http.client.HTTPConnection(host, port, timeout=timeout)
    try:
        connection.request("GET", path, headers={"Connection": "close"})
        response = connection.getresponse()
        response.read()
        ok = response.status == 200
    except (OSError, http.client.HTTPException):
        ok = False
    finally:
        connection.close()
    return (time.perf_counter() - began) * 1000.0 if ok else None


def paced_load(base_url: str, paths: Sequence[str], seconds: float, rate: float, clients: int = 2,
               timeout: float = 10.0) -> tuple[list[float], int]:
    """(latencies in ms, failures) of ``rate`` requests/s over ``clients`` threads for ``seconds``;
    latency counts from the scheduled time, so waiting for a stalled server counts too."""
    parts = urlsplit(base_url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    latencies: list[float] = []
    failures = [0]
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def client(number: int) -> None:
        interval = clients / rate
        scheduled = time.monotonic() + number / rate
        i = number
        while scheduled < stop_at:
            if time.monotonic() >= stop_at:  # requests due while the server stalled count as failed
                with lock:
                    failures[0] += 1
                scheduled += interval
                continue
            pause = scheduled - time.monotonic()
            if pause > 0:
                time.sleep(pause)
            late = max(0.0, time.monotonic() - scheduled) * 1000.0
            elapsed = _request(host, port, paths[i % len(paths)], timeout)
            i += clients
            scheduled += interval
            with lock:
                if elapsed is None:
                    failures[0] += 1
                else:
                    latencies.append(elapsed + late)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, failures[0]


def _summary(latencies: list[float], failures: int) -> dict[str, float]:
    ordered = sorted(latencies)

    def pct(p: float) -> float:
        return ordered[min(len(ordered) - 1, max(0, int(round(p / 100 * len(ordered) + 0.5)) - 1))] if ordered else 0.0

    return {"n": len(ordered), "failures": failures, "p50": pct(50), "p95": pct(95),
            "max": ordered[-1] if ordered else 0.0}


def measure(base_url: str, *, hostile: int = 200, seconds: float = 8.0, rate: float = 20.0,
            paths: Sequence[str] | None = None) -> dict[str, Any]:
    """The three phases against a running server; see the module docstring."""
    paths = list(paths or [f"/api/search?{urlencode({'q': q})}" for q in QUERIES])
    parts = urlsplit(base_url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    for path in paths:  # warm every worker's caches a little
        _request(host, port, path, 30)
    result: dict[str, Any] = {"hostile_connections": hostile}
    result["idle"] = _summary(*paced_load(base_url, paths, seconds, rate))
    attackers = Attackers(host, port, hostile)
    attackers.start()
    time.sleep(1.0)  # let them all connect and start dripping
    try:
        result["hostile"] = _summary(*paced_load(base_url, paths, seconds, rate))
    finally:
        attackers.stop()
    result["idle_again"] = _summary(*paced_load(base_url, paths, seconds, rate))
    result["attacker_connections_opened"] = attackers.opened
    result["closed_by_server"] = {kind: {"n": len(times), "min_s": min(times, default=0.0),
                                        "max_s": max(times, default=0.0)}
                                  for kind, times in attackers.lifetimes.items()}
    result["answers_to_attackers"] = sorted({a.decode("latin-1") for v in attackers.answered.values() for a in v})
    return result


def report(result: dict[str, Any]) -> str:
    lines = [f"{'phase':<12} {'requests':>8} {'failed':>6} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}"]
    for phase in ("idle", "hostile", "idle_again"):
        s = result[phase]
        lines.append(f"{phase:<12} {s['n']:>8} {s['failures']:>6} {s['p50']:>8.1f} {s['p95']:>8.1f} {s['max']:>8.1f}")
    idle_p95 = max(result["idle"]["p95"], result["idle_again"]["p95"])
    ratio = result["hostile"]["p95"] / idle_p95 if idle_p95 else float("inf")
    lines.append(f"hostile p95 / idle p95 (the larger idle phase): {ratio:.2f}")
    lines.append(f"{result['hostile_connections']} attacker connections held open; "
                 f"{result['attacker_connections_opened']} opened in all")
    for kind, closed in result["closed_by_server"].items():
        lines.append(f"  {kind:<8} closed by the server: {closed['n']:>4}, after {closed['min_s']:.1f}–"
                     f"{closed['max_s']:.1f} s")
    if result["answers_to_attackers"]:
        lines.append(f"  answers they got: {result['answers_to_attackers']}")
    return "\n".join(lines)


def _start_server(index: Path, extra: Sequence[str]) -> tuple[subprocess.Popen[bytes], str]:
    sys.path.insert(0, str(ROOT / "tests"))
    from helpers import free_port, get  # type: ignore[import-not-found]

    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "web", "--port", str(port), "--index", str(index), *extra],
                               cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            get(base + "/healthz", timeout=2)
            return process, base
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit("the web server did not start") from None
            time.sleep(0.3)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.slow_clients", description=__doc__.split("\n")[0])
    parser.add_argument("--url", help="a running server (else one is started on --index)")
    parser.add_argument("--index", type=Path, default=Path(os.environ.get("MODUSEARCH_INDEX", ROOT / "var" / "index")))
    parser.add_argument("--hostile", type=int, default=200, help="attacker connections held open")
    parser.add_argument("--seconds", type=float, default=8.0, help="length of each phase")
    parser.add_argument("--rate", type=float, default=20.0, help="normal requests per second")
    parser.add_argument("--json", action="store_true", help="print the result as JSON too")
    parser.add_argument("server_args", nargs="*", help="extra arguments for python -m web (after --)")
    args = parser.parse_args(argv)
    process = None
    base = args.url
    if base is None:
        process, base = _start_server(args.index, args.server_args)
    try:
        result = measure(base, hostile=args.hostile, seconds=args.seconds, rate=args.rate)
    finally:
        if process is not None:
            process.terminate()
            process.wait(timeout=20)
    print(report(result))
    if args.json:
        print(json.dumps(result))


if __name__ == "__main__":
    main()
