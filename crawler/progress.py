"""Progress for people and for cron: a live line on a terminal, periodic log lines otherwise."""
from __future__ import annotations

import logging
import sys
import threading
import time
from typing import TextIO

logger = logging.getLogger(__name__)


class Progress:
    def __init__(self, stream: TextIO | None = None, interval: float = 30.0) -> None:
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty()
        self.interval = interval
        self.count = 0
        self._last = time.monotonic()
        self._lock = threading.Lock()

    def __call__(self, url: str) -> None:
        with self._lock:
            self.count += 1
            if self.tty:
                line = f"\r[{self.count:5d}] {url[:100]}"
                self.stream.write(line.ljust(110))
                self.stream.flush()
            elif time.monotonic() - self._last >= self.interval:
                self._last = time.monotonic()
                logger.info("%d requests so far; now %s", self.count, url)

    def done(self) -> None:
        if self.tty and self.count:
            self.stream.write("\r" + " " * 110 + "\r")
            self.stream.flush()
