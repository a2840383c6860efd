"""The writers' lock: one rebuild or update at a time; waits with a timeout and names the holder.

An flock on ``<index>/.write.lock``: the kernel releases it when the holder exits or is killed (even
by SIGKILL), so a crashed writer never leaves a stale lock behind (unlike Whoosh's own lock files).
"""
from __future__ import annotations

import fcntl
import logging
import os
import socket
import time
from pathlib import Path
from types import TracebackType

from indexer.errors import IndexLocked

logger = logging.getLogger(__name__)


class WriterLock:
    """``with WriterLock(root, timeout=60):`` waits up to ``timeout`` s, then raises IndexLocked."""

    def __init__(self, root: Path, timeout: float = 600.0, poll: float = 0.2) -> None:
        self.path = root / ".write.lock"
        self.timeout = timeout
        self.poll = poll
        self._fd: int | None = None

    def holder(self) -> str:
        """Who holds the lock, as its holder wrote it ('' when nobody wrote anything)."""
        try:
            return self.path.read_text("utf-8", "replace").strip()
        except OSError:
            return ""

    def acquire(self) -> WriterLock:
        if self._fd is not None:
            return self
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        deadline = time.monotonic() + self.timeout
        waited = False
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                holder = os.pread(fd, 200, 0).decode("utf-8", "replace").strip() or "another process"
                if time.monotonic() >= deadline:
                    os.close(fd)
                    raise IndexLocked(f"index {self.path.parent} is locked by {holder}; "
                                      f"gave up after {self.timeout:.0f} s") from None
                if not waited:
                    logger.info("waiting up to %.0f s for the index lock held by %s", self.timeout, holder)
                    waited = True
                time.sleep(self.poll)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"pid {os.getpid()} on {socket.gethostname()} since {time.strftime('%H:%M:%S')}".encode(), 0)
        self._fd = fd
        return self

    def release(self) -> None:
        if self._fd is not None:
            try:
                os.ftruncate(self._fd, 0)
            except OSError:  # a read-only or full file system must not keep the lock held
                pass
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> WriterLock:
        return self.acquire()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.release()
