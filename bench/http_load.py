"""HTTP load: N client threads, each with one keep-alive connection, for a fixed time.

Closed loop (``rate=None``): each client sends its next request as soon as the last one is answered, so
the server runs flat out: this measures throughput, and latency under saturation (clients / throughput).
Paced (``rate`` requests/s in total): each client sends on a fixed schedule, and latency is measured from
the scheduled time, so time spent waiting for a busy server counts (no coordinated omission).
"""
from __future__ import annotations

import http.client
import random
import threading
import time
from collections.abc import Sequence
from urllib.parse import urlencode, urlsplit


def _path(endpoint: str, params: dict[str, str]) -> str:
    return f"{endpoint}?{urlencode(params)}"


def run_load(base_url: str, paths: Sequence[str], *, clients: int = 8, seconds: float = 20.0,
             warmup: float = 2.0, seed: int = 7, rate: float | None = None) -> tuple[list[float], int, float]:
    """(latencies in ms of successful requests, error count, measured seconds)."""
    parts = urlsplit(base_url)
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    start_at = time.monotonic() + warmup
    stop_at = start_at + seconds

    def client(number: int) -> None:
        rng = random.Random(seed * 100 + number)
        order = list(paths)
        rng.shuffle(order)
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        mine: list[float] = []
        failed = 0
        i = 0
        interval = clients / rate if rate else 0.0
        scheduled = time.monotonic() + (number / rate if rate else 0.0)
        while True:
            if rate:
                pause = scheduled - time.monotonic()
                if pause > 0:
                    time.sleep(pause)
            now = time.monotonic()
            if now >= stop_at:
                break
            path = order[i % len(order)]
            i += 1
            began = time.perf_counter() - (max(0.0, now - scheduled) if rate else 0.0)
            scheduled += interval
            try:
                connection.request("GET", path)
                response = connection.getresponse()
                response.read()
                ok = response.status == 200
            except (OSError, http.client.HTTPException):
                connection.close()
                connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
                ok = False
            elapsed = (time.perf_counter() - began) * 1000.0
            if now >= start_at:
                if ok:
                    mine.append(elapsed)
                else:
                    failed += 1
        connection.close()
        with lock:
            latencies.extend(mine)
            errors[0] += failed

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, errors[0], seconds


def search_path(text: str, filters: dict[str, list[str]]) -> str:
    params = {"q": text}
    for name, values in filters.items():
        params[name] = values[0]
    return _path("/api/search", params)


def suggest_path(prefix: str) -> str:
    return _path("/api/suggest", {"q": prefix})
