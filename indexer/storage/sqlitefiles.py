"""Read-only SQLite files inside an index generation (the spelling lexicon, the suggestion index).

Written whole at index time: the database is filled in memory, serialized and written to a hidden
temporary name, fsynced and renamed into place, so a killed writer leaves no half file under the final
name (and the generation itself is published only afterwards). Because the bytes go through ordinary
file I/O, a full or read-only disk raises ``OSError`` like every other write of a rebuild.

Read through one connection per thread (``sqlite3`` connections must not be shared between threads),
opened ``immutable``: a published generation never changes, so SQLite takes no locks, needs no journal
and works on a read-only file system. Memory per connection is SQLite's small page cache.
"""
from __future__ import annotations

import logging
import os
import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from indexer.storage.whoosh_internals import index_folder

logger = logging.getLogger(__name__)
T = TypeVar("T")

#: Pages of SQLite's cache per connection (negative: KiB), bounding what a reader keeps in memory.
CACHE_KIB = 2048


class FileMismatch(Exception):
    """A generation file is missing, of another format, or was written for another Whoosh commit."""


def replace_file(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` in the (existing) generation folder atomically: a temporary file beside
    it, fsynced, renamed over it. A hard link from the previous generation (an update links every file)
    is replaced, never written through, so the live generation's file keeps its bytes."""
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        with tmp.open("wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_database(memory: sqlite3.Connection, path: Path) -> None:
    """Write the in-memory database ``memory`` to ``path`` atomically (temporary file, fsync, rename)."""
    memory.commit()
    data = memory.serialize()
    replace_file(path, data)


def finish_database(memory: sqlite3.Connection, path: Path, meta: dict[str, str]) -> Path:
    """Record ``meta`` in the in-memory database's ``meta`` table, write it to ``path`` and close it."""
    memory.executemany("INSERT INTO meta VALUES (?, ?)", sorted(meta.items()))
    write_database(memory, path)
    memory.close()
    return path


def read_meta(connection: sqlite3.Connection) -> dict[str, str]:
    return {str(k): str(v) for k, v in connection.execute("SELECT key, value FROM meta")}


class ThreadConnections:
    """One read-only connection to ``path`` per thread, opened on first use by that thread."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._uri = path.resolve().as_uri() + "?immutable=1"
        self._local = threading.local()

    def get(self) -> sqlite3.Connection:
        connection = getattr(self._local, "connection", None)
        if connection is None:
            connection = sqlite3.connect(self._uri, uri=True)
            connection.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
            self._local.connection = connection
        return connection

    def check(self, fmt: str | tuple[str, ...], whoosh_generation: int) -> dict[str, str]:
        """The file's metadata; FileMismatch unless it has format ``fmt`` (one of them, for a tuple) and
        matches ``whoosh_generation``."""
        if not self.path.is_file():
            raise FileMismatch(f"{self.path.name} is missing")
        try:
            meta = read_meta(self.get())
        except sqlite3.DatabaseError as exc:
            raise FileMismatch(f"{self.path.name} is unreadable: {exc}") from exc
        formats = (fmt,) if isinstance(fmt, str) else fmt
        if meta.get("format") not in formats:
            raise FileMismatch(f"{self.path.name} has format {meta.get('format')!r}, this code reads "
                               f"{' or '.join(map(repr, formats))}")
        if meta.get("whoosh_generation") != str(whoosh_generation):
            raise FileMismatch(f"{self.path.name} was written for Whoosh commit {meta.get('whoosh_generation')}, "
                               f"the index is at {whoosh_generation}")
        return meta


def open_stored(whoosh_index: Any, opener: Callable[[Path, int], T], what: str) -> T | None:
    """``opener(folder, whoosh_generation)`` for the index's generation folder; None (after a warning)
    when its file is missing or belongs to another commit, so the caller builds ``what`` in memory."""
    folder = index_folder(whoosh_index)
    if folder is None:
        return None
    try:
        return opener(folder, whoosh_index.latest_generation())
    except FileMismatch as exc:
        logger.warning("%s: %s; building the %s in memory (python -m indexer rebuild writes it)",
                       folder.name, exc, what)
        return None

