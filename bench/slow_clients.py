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
import selectors
import socket
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

from bench.webserver import start_web

ROOT = Path(__file__).resolve().parents[1]
KINDS = ("drip", "stalled", "silent")
QUERIES = ("딥러닝", "강화학습", "segmentation", "형태소 분석", "모두의연구소", "U-Net", "reinforcement learning",
           "풀잎스쿨", "임베딩", "논문 리뷰")


@dataclass
class _Held:
    sock: socket.socket
    kind: str
    request: bytes
    opened: float
    sent: int = 0
    next_drip: float = 0.0


@dataclass
class Attackers:
    """``count`` connections kept open against ``host:port`` until :meth:`stop`, all from one thread (a
    selector), so the attack costs the measuring side almost nothing; each connection the server closes
    is reopened at once. ``lifetimes`` are the seconds each lived until the server closed it."""

    host: str
    port: int
    count: int
    drip_interval: float = 0.5
    lifetimes: dict[str, list[float]] = field(default_factory=lambda: {k: [] for k in KINDS})
    answered: dict[str, list[bytes]] = field(default_factory=lambda: {k: [] for k in KINDS})
    opened: int = 0
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="attackers", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)

    def _open(self, kind: str, rng: random.Random) -> _Held | None:
        try:
            sock = socket.create_connection((self.host, self.port), timeout=5)
        except OSError:
            return None
        sock.setblocking(False)
        self.opened += 1
        request = (f"GET /api/search?q=slow{rng.randrange(10**6)} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                   f"User-Agent: slow-client\r\nX-Padding: {'x' * 200}\r\n\r\n").encode()
        held = _Held(sock, kind, request, time.monotonic())
        if kind == "stalled":  # the request line and a header, then nothing
            try:
                sock.send(request[:request.index(b"\r\n") + 2] + b"Host: 127.0.0.1\r\n")
            except OSError:
                pass
        return held

    def _run(self) -> None:
        rng = random.Random(7)
        selector = selectors.DefaultSelector()
        wanted = [KINDS[n % len(KINDS)] for n in range(self.count)]
        try:
            while not self._stop.is_set():
                while wanted and not self._stop.is_set():  # (re)open what the server closed
                    held = self._open(wanted[-1], rng)
                    if held is None:
                        self._stop.wait(0.05)
                        break
                    wanted.pop()
                    selector.register(held.sock, selectors.EVENT_READ, held)
                now = time.monotonic()
                for key in list(selector.get_map().values()):
                    held = key.data
                    if held.kind == "drip" and now >= held.next_drip and held.sent < len(held.request) - 4:
                        try:  # one byte, never the final blank line
                            held.sent += held.sock.send(held.request[held.sent:held.sent + 1])
                        except OSError:
                            pass
                        held.next_drip = now + self.drip_interval
                for key, _ in selector.select(timeout=0.05):
                    held = key.data
                    try:
                        data = held.sock.recv(4096)
                    except BlockingIOError:
                        continue
                    except OSError:
                        data = b""
                    self.lifetimes[held.kind].append(time.monotonic() - held.opened)
                    if data:  # an answer (an error status) before the server closed
                        self.answered[held.kind].append(data[:40])
                    selector.unregister(held.sock)
                    held.sock.close()
                    wanted.append(held.kind)
        finally:
            for key in list(selector.get_map().values()):
                key.fileobj.close()  # type: ignore[union-attr]
            selector.close()


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
            if time.monotonic() >= stop_at + timeout:  # still due when a stalled server let go: failed
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
        try:
            process, base = start_web(args.index, args.server_args)
        except RuntimeError as exc:
            raise SystemExit(str(exc)) from None
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
