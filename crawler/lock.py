"""The crawl lock: an advisory file lock (flock) that the kernel releases when the holder dies.

The lock file records its holder (pid, host, start, when it turns stale), so a second crawl can say who
runs, and a crawl that finds the lock free but a holder still written in the file knows the previous
crawl ended without releasing it (killed, or the machine went down) and says so. A holder that is still
alive past its run deadline (stopped, or stuck where no deadline reaches) is stale: on the same host the
next crawl ends it (SIGTERM, then SIGKILL) and takes the lock over, with a log line.
"""
from __future__ import annotations

import fcntl
import json
import logging
import os
import signal
import socket
import time
from pathlib import Path
from types import TracebackType
from typing import Any

from crawler.errors import CrawlLocked

logger = logging.getLogger(__name__)

#: a holder gets this share of its run deadline (at most a minute) to write its results before it is stale
_GRACE_SHARE, _MAX_GRACE = 0.1, 60.0


def _stamp(epoch: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S%z", time.localtime(epoch))


def describe(holder: dict[str, Any]) -> str:
    if not holder:
        return "another process"
    if "text" in holder:
        return str(holder["text"])
    return f"pid {holder.get('pid')} on {holder.get('host')} since {_stamp(float(holder.get('started', 0)))}"


class RunLock:
    """``with RunLock(path, run_deadline=3600):`` — exclusive, never waits; CrawlLocked when held."""

    def __init__(self, path: Path, run_deadline: float, *, wait_for_end: float = 10.0) -> None:
        self.path = path
        self.run_deadline = run_deadline
        self.wait_for_end = wait_for_end
        self._fd: int | None = None

    def __enter__(self) -> RunLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            if not self._try(fd):
                holder = _read(fd)
                if not self._stale(holder) or not self._end(holder, fd):
                    raise CrawlLocked(f"another crawl is running ({describe(holder)}); not starting a second one")
            else:
                previous = _read(fd)
                if previous:
                    logger.warning("taking over the crawl lock: the previous crawl (%s) ended without releasing "
                                   "it (killed, or the machine stopped); its unfinished files are cleaned up",
                                   describe(previous))
        except BaseException:
            os.close(fd)
            raise
        now = time.time()
        grace = min(_MAX_GRACE, self.run_deadline * _GRACE_SHARE)
        record = {"pid": os.getpid(), "host": socket.gethostname(), "started": now,
                  "stale_after": now + self.run_deadline + grace}
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps(record).encode(), 0)
        self._fd = fd
        return self

    @staticmethod
    def _try(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    @staticmethod
    def _stale(holder: dict[str, Any]) -> bool:
        return bool(holder) and time.time() > float(holder.get("stale_after", float("inf")))

    def _end(self, holder: dict[str, Any], fd: int) -> bool:
        """End a stale holder on this host and take the lock; False when that is not possible."""
        pid = holder.get("pid")
        if holder.get("host") != socket.gethostname() or not isinstance(pid, int) or pid == os.getpid():
            return False
        logger.warning("taking over the crawl lock from %s: it is past its run deadline (stale since %s); "
                       "ending it", describe(holder), _stamp(float(holder["stale_after"])))
        for sig in (signal.SIGTERM, signal.SIGKILL):
            try:
                os.kill(pid, sig)
                os.kill(pid, signal.SIGCONT)  # a stopped process acts on SIGTERM only once it runs again
            except ProcessLookupError:
                pass
            except PermissionError:
                return False
            ends = time.monotonic() + self.wait_for_end
            while time.monotonic() < ends:
                if self._try(fd):
                    return True
                time.sleep(0.05)
        return False

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self._fd is not None:
            try:
                os.ftruncate(self._fd, 0)  # released cleanly: nobody to report next time
            except OSError:
                pass
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None


def _read(fd: int) -> dict[str, Any]:
    raw = os.pread(fd, 4096, 0).decode("utf-8", "replace").strip()
    if not raw:
        return {}
    try:
        data = json.loads(raw)
    except json.JSONDecodeError:
        return {"text": raw[:200]}
    return data if isinstance(data, dict) else {}
