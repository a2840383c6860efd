"""Progress for people and for cron: a live line on a terminal, periodic log lines otherwise."""
from __future__ import annotations

import logging
import sys
import threading
import time
from collections.abc import Callable
from typing import TextIO

logger = logging.getLogger(__name__)

_WIDTH = 110


class Progress:
    """Called with each URL the crawl requests.

    On a terminal it redraws one status line (count, rate, current URL); under cron (no TTY) it logs
    one line every ``interval`` seconds, so a long crawl shows it is alive without flooding the mail.
    """

    def __init__(self, stream: TextIO | None = None, interval: float = 30.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty()
        self.interval = interval
        self.clock = clock
        self.count = 0
        self._started = self._last = clock()
        self._lock = threading.Lock()

    def __call__(self, url: str) -> None:
        with self._lock:
            self.count += 1
            now = self.clock()
            elapsed = max(now - self._started, 1e-9)
            if self.tty:
                status = f"\r[{self.count:5d} requests {self.count / elapsed:5.1f}/s {elapsed:5.0f}s] "
                self.stream.write((status + url)[:_WIDTH].ljust(_WIDTH))
                self.stream.flush()
            elif now - self._last >= self.interval:
                self._last = now
                logger.info("%d requests in %.0f s; now %s", self.count, elapsed, url)

    def done(self) -> None:
        if self.tty and self.count:
            self.stream.write("\r" + " " * _WIDTH + "\r")
            self.stream.flush()
