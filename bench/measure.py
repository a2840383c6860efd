"""Measuring helpers: percentiles, directory sizes and the peak RSS of a process tree."""
from __future__ import annotations

import math
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psutil


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile (0 for an empty list)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100.0 * len(ordered)))
    return ordered[rank - 1]


def latency_summary(ms: list[float], seconds: float | None = None) -> dict[str, float]:
    out = {"n": float(len(ms)), "p50": percentile(ms, 50), "p95": percentile(ms, 95), "p99": percentile(ms, 99),
           "mean": sum(ms) / len(ms) if ms else 0.0}
    if seconds:
        out["qps"] = len(ms) / seconds
    return out


def dir_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in Path(path).rglob("*") if p.is_file())


def tree_rss(pid: int) -> int:
    """Resident memory of a process and all its descendants, in bytes."""
    return _tree_sum(pid, lambda proc: proc.memory_info().rss)


def tree_pss(pid: int) -> int:
    """Proportional set size of a process tree, in bytes: memory shared between the processes (the
    mapped index files and mecab's dictionary, the code) counted once in total, not once per process
    as a sum of RSS does."""
    return _tree_sum(pid, lambda proc: proc.memory_full_info().pss)


def _tree_sum(pid: int, measure: Callable[[psutil.Process], int]) -> int:
    try:
        root = psutil.Process(pid)
        procs = [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0
    total = 0
    for proc in procs:
        try:
            total += measure(proc)
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
    return total


class PeakRSS:
    """Samples a process tree's RSS (and PSS, if asked) every ``interval`` seconds in a thread; peaks in bytes."""

    def __init__(self, pid: int, interval: float = 0.2, pss: bool = False) -> None:
        self.pid = pid
        self.interval = interval
        self.pss = pss
        self.peak = 0
        self.last = 0
        self.peak_pss = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.last = tree_rss(self.pid)
            self.peak = max(self.peak, self.last)
            if self.pss:
                self.peak_pss = max(self.peak_pss, tree_pss(self.pid))
            self._stop.wait(self.interval)

    def __enter__(self) -> PeakRSS:
        self._thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._stop.set()
        self._thread.join()


class Stopwatch:
    def __enter__(self) -> Stopwatch:
        self.started = time.perf_counter()
        self.seconds = 0.0
        return self

    def __exit__(self, *exc: Any) -> None:
        self.seconds = time.perf_counter() - self.started


def mb(n: float) -> float:
    return n / 1e6


def cpu_count() -> int:
    return os.cpu_count() or 1
