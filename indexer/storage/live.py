"""The live generation of an index folder, followed while writers publish new ones.

:class:`LiveIndex` looks at ``CURRENT`` at most once per ``reload_interval`` seconds (and every interval in
a background thread, :meth:`LiveIndex.follow`), opens the generation it names and keeps serving the
previous one when the new one cannot be opened. Each opened :class:`Generation` holds a lease
(:class:`~indexer.storage.generations.Lease`), so writers do not delete it under a reader: it is
released once a newer generation serves and the last reader still using this one has left.
"""
from __future__ import annotations

import logging
import pickle
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index

from indexer.errors import IndexerError, IndexNotFound, SchemaMismatch
from indexer.storage.doctable import DocTable
from indexer.storage.generations import (
    META_FILE,
    POINTER,
    Lease,
    check_versions,
    current_generation,
    open_generation,
    read_meta,
)
from indexer.storage.postings import PostingCache

__all__ = ["OPEN_ERRORS", "READ_ERRORS", "Generation", "LiveIndex"]

logger = logging.getLogger(__name__)

#: What opening a damaged generation can raise; the previous generation then keeps serving.
OPEN_ERRORS = (IndexerError, OSError, EOFError, ValueError, pickle.UnpicklingError, whoosh_index.IndexError)
#: What reading an opened generation raises when its files are gone or unreadable (the folder deleted
#: under a server): Whoosh's files, the SQLite lookup files, the pickled parts.
READ_ERRORS = (OSError, EOFError, sqlite3.DatabaseError, pickle.UnpicklingError, whoosh_index.IndexError)


class Generation:
    """One opened generation: its Whoosh index, metadata, lease, and the scorer's arrays (loaded once)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.meta = read_meta(path)
        check_versions(path, self.meta)
        self.index = open_generation(path)
        self.lease = Lease(path)
        self._readers = 0
        self._retired = False
        self._count_lock = threading.Lock()
        self._tables: tuple[DocTable, PostingCache] | None = None
        self._tables_lock = threading.Lock()

    def tables(self, searcher: Any) -> tuple[DocTable, PostingCache]:
        """The per-document arrays and the postings cache of this generation, loaded on first use."""
        if self._tables is None:
            with self._tables_lock:
                if self._tables is None:
                    table = DocTable.load(searcher)
                    self._tables = (table, PostingCache(table.live))
        return self._tables

    def enter(self) -> None:
        with self._count_lock:
            self._readers += 1

    def leave(self) -> None:
        with self._count_lock:
            self._readers -= 1
            done = self._retired and self._readers == 0
        if done:
            self.lease.release()

    def retire(self) -> None:
        with self._count_lock:
            self._retired = True
            done = self._readers == 0
        if done:
            self.lease.release()


class LiveIndex:
    """The generation ``root``/CURRENT names, reopened when a writer publishes a new one.

    ``on_open`` runs in a background thread for every generation switched to (while it is held), to
    load what its first readers would otherwise wait for.
    """

    def __init__(self, root: Path, reload_interval: float = 2.0,
                 on_open: Callable[[Generation], None] | None = None) -> None:
        self.root = root
        self.reload_interval = reload_interval
        self.on_open = on_open
        self._lock = threading.Lock()
        self._generation: Generation | None = None
        self._checked = 0.0
        self._pointer: tuple[int, int] | None = None

    def current(self) -> Generation:
        """The live generation (IndexNotFound / SchemaMismatch when none can serve)."""
        now = time.monotonic()
        generation = self._generation
        if generation is not None and now - self._checked < self.reload_interval:
            return generation
        with self._lock:
            self._checked = now
            try:
                stat = (self.root / POINTER).stat()
                pointer: tuple[int, int] | None = (stat.st_ino, stat.st_mtime_ns)  # publish renames a new file
            except OSError:
                pointer = None
            try:
                switched = (self._generation is None or pointer != self._pointer) and self._switch()
            except IndexerError:
                raise
            except OPEN_ERRORS as exc:  # a generation that cannot be opened at all: not ready, not a crash
                raise IndexNotFound(f"the index at {self.root} cannot be opened: {exc}") from exc
            if switched:
                self._pointer = pointer
            assert self._generation is not None
            return self._generation

    def unreadable(self, exc: BaseException) -> IndexNotFound:
        """What reading the live generation failing with ``exc`` (an OSError: its folder deleted, a file
        unreadable) means for callers: IndexNotFound, after letting go of a generation that is gone,
        so every later request and the health check say so too until a writer publishes a new one."""
        with self._lock:
            generation = self._generation
            if generation is not None and not _readable(generation.path):
                self._drop()
        logger.error("the index at %s cannot be read: %s", self.root, exc)
        return IndexNotFound(f"the index at {self.root} cannot be read ({exc}); rebuild it with: "
                             "python -m indexer rebuild")

    def _drop(self) -> None:
        """Stop serving the current generation (its folder is gone); called with the lock held."""
        old, self._generation, self._pointer = self._generation, None, None
        if old is not None:
            logger.error("index generation %s is gone; not serving until a new one is published", old.path.name)
            old.retire()

    @contextmanager
    def held(self) -> Iterator[Generation]:
        """The live generation, held (its lease kept) while the caller reads it."""
        generation = self.current()
        generation.enter()
        try:
            yield generation
        finally:
            generation.leave()

    def status(self) -> dict[str, Any]:
        """What /healthz reports: ok, or why the index cannot serve."""
        try:
            generation = self.current()
            if not _readable(generation.path):  # deleted under us: say so now, not after the next check
                raise self.unreadable(FileNotFoundError(f"{generation.path} is missing"))
        except (IndexNotFound, SchemaMismatch) as exc:
            return {"ok": False, "error": str(exc), "rebuild_needed": isinstance(exc, SchemaMismatch)}
        return {"ok": True, "generation": generation.path.name, "documents": generation.meta.get("documents"),
                "built_at": generation.meta.get("built_at")}

    def follow(self) -> threading.Thread:
        """Look for a new generation every reload interval in the background, not only when a reader
        comes: a web worker that gets no request still switches and lets the old generation go (writers
        delete a generation only when no process holds it)."""

        def loop() -> None:
            said = ""
            while True:
                time.sleep(self.reload_interval)
                try:
                    self.current()
                    said = ""
                except Exception as exc:  # noqa: BLE001 - the loop must outlive any one failed check
                    if str(exc) != said:  # once per problem, not every interval (searches report it too)
                        logger.warning("checking for a new index generation failed: %s", exc)
                        said = str(exc)

        thread = threading.Thread(target=loop, name="modusearch-follow", daemon=True)
        thread.start()
        return thread

    def _switch(self) -> bool:
        """Serve the generation CURRENT names; if it cannot be opened, keep serving the previous one
        (and try again after the next reload interval)."""
        old = self._generation
        try:
            path = current_generation(self.root)
            if old is not None and old.path == path:
                return True
            new = Generation(path)
        except OPEN_ERRORS as exc:
            if old is None or not _readable(old.path):
                if old is not None:
                    self._drop()
                raise
            logger.error("cannot switch to the published index (%s); still serving %s", exc, old.path.name)
            return False
        self._generation = new
        logger.info("serving index generation %s", path.name)
        if old is not None:
            old.retire()
        if self.on_open is not None:
            threading.Thread(target=self._opened, args=(new,), name="modusearch-warm", daemon=True).start()
        return True

    def _opened(self, generation: Generation) -> None:
        """Run ``on_open`` for a new generation, held, logging instead of raising."""
        assert self.on_open is not None
        started = time.monotonic()
        try:
            generation.enter()
            try:
                self.on_open(generation)
            finally:
                generation.leave()
        except OPEN_ERRORS as exc:
            logger.warning("warming %s failed (%s); it will be built on first use", generation.path.name, exc)
            return
        logger.info("warmed %s in %.1f s", generation.path.name, time.monotonic() - started)


def _readable(generation: Path) -> bool:
    """Whether a generation's folder is still there with its metadata (deleted folders are not)."""
    try:
        return (generation / META_FILE).is_file()
    except OSError:
        return False
