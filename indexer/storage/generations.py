"""Index generations on disk and the atomic switch between them.

Layout of an index folder::

    CURRENT            name of the live generation (replaced atomically)
    .write.lock        the writers' lock (see indexer.operations.lock)
    gen-<time>-<pid>/  one complete Whoosh index plus modusearch.json (versions, counts, build time)
        .lease         readers hold a shared flock on it while they serve this generation

A rebuild fills a new generation; an update hard-links the live generation's files into a new one
and applies its changes there (Whoosh never rewrites a file it has written: new segments and a new
TOC get new names, deletions live in the TOC). Either way the live generation is never written to,
and CURRENT is pointed at the new one in one rename. Readers that opened the old one keep using it
until they reopen. A generation is removed only when it is not current, no process holds its lease
(the kernel drops a dead reader's flock, even after SIGKILL) and it was retired longer than a grace
period ago; a generation without metadata is the leftover of a killed writer and goes at once.
"""
from __future__ import annotations

import errno
import fcntl
import json
import logging
import os
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

from indexer.analysis import ANALYSIS_VERSION
from indexer.errors import IndexNotFound, SchemaMismatch
from indexer.storage.schema import SCHEMA_VERSION
from indexer.storage.whoosh_internals import open_index_files

logger = logging.getLogger(__name__)

META_FILE = "modusearch.json"
POINTER = "CURRENT"
LEASE_FILE = ".lease"
#: Whoosh's own lock file: never shared between generations.
_NOT_LINKED = {"MAIN_WRITELOCK", LEASE_FILE, ".retired", META_FILE}


def open_generation(generation: Path) -> Any:
    """The Whoosh index in ``generation``, read through file handles (shared page cache) rather than a
    memory map Whoosh would copy into every searcher (:func:`~indexer.storage.whoosh_internals.open_index_files`)."""
    return open_index_files(generation)


def new_generation_dir(root: Path) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    name = f"gen-{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}-{time.monotonic_ns() % 1_000_000:06d}"
    path = root / name
    path.mkdir()
    return path


def current_generation(root: Path) -> Path:
    """The folder of the live generation; IndexNotFound if none has been published."""
    try:
        name = (root / POINTER).read_text("utf-8").strip()
    except FileNotFoundError:
        raise IndexNotFound(f"no index at {root}; build one with: python -m indexer rebuild") from None
    except OSError as exc:
        raise IndexNotFound(f"cannot read {root / POINTER}: {exc}") from exc
    path = root / name
    if not name or not (path / META_FILE).is_file():
        raise IndexNotFound(f"index pointer at {root} names a missing generation {name!r}; run a rebuild")
    return path


def publish(root: Path, generation: Path) -> None:
    """Make ``generation`` the live index in one atomic rename."""
    fd, tmp = tempfile.mkstemp(prefix=".CURRENT.", dir=root)
    os.fchmod(fd, 0o644)  # readable by a web server running as another user
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(generation.name + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, root / POINTER)
    dir_fd = os.open(root, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def read_meta(generation: Path) -> dict[str, Any]:
    try:
        data = json.loads((generation / META_FILE).read_text("utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise IndexNotFound(f"index metadata unreadable in {generation}: {exc}") from exc
    return data if isinstance(data, dict) else {}


def check_versions(generation: Path, meta: dict[str, Any]) -> None:
    """SchemaMismatch unless ``generation`` was built with this code's schema and analysis versions."""
    built = (meta.get("schema_version"), meta.get("analysis_version"))
    if built != (SCHEMA_VERSION, ANALYSIS_VERSION):
        raise SchemaMismatch(
            f"index at {generation} was built with schema {built[0]}/analysis {built[1]}, this code needs "
            f"{SCHEMA_VERSION}/{ANALYSIS_VERSION}: rebuild needed (python -m indexer rebuild)")


def write_meta(generation: Path, meta: dict[str, Any]) -> None:
    path = generation / META_FILE
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(meta, ensure_ascii=False, indent=1), "utf-8")
    os.replace(tmp, path)


def link_generation(source: Path, target: Path) -> int:
    """Hard-link (or, across file systems, copy) the index files of ``source`` into ``target``."""
    count = 0
    for path in source.iterdir():
        if path.name in _NOT_LINKED or path.name.startswith(".") or not path.is_file():
            continue
        try:
            os.link(path, target / path.name)
        except OSError as exc:
            if exc.errno not in (errno.EXDEV, errno.EPERM, errno.EMLINK):
                raise
            shutil.copy2(path, target / path.name)
        count += 1
    return count


class Lease:
    """A reader's claim on a generation: a shared flock that writers' cleanup will not delete under.

    The kernel releases it when the holder closes it or dies, so a crashed web worker never pins an
    old generation forever.
    """

    def __init__(self, generation: Path) -> None:
        self.generation = generation
        self._fd: int | None = None
        try:  # flock needs no write access, so a read-only index can still be leased if the file exists
            fd = os.open(generation / LEASE_FILE, os.O_RDONLY | os.O_CREAT, 0o644)
        except OSError as exc:  # a read-only folder without the file: the grace period still protects
            logger.debug("no lease on %s: %s", generation, exc)
            return
        fcntl.flock(fd, fcntl.LOCK_SH)
        self._fd = fd

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


def _in_use(generation: Path) -> bool:
    try:
        fd = os.open(generation / LEASE_FILE, os.O_RDONLY)
    except FileNotFoundError:
        return False
    except OSError:
        return True
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)  # closing drops the probe's lock as well
    return False


def clean_old_generations(root: Path, keep: Path, grace_seconds: float = 120.0) -> list[str]:
    """Delete generations no reader can still be using; call only under the writers' lock.

    A generation without metadata was never published (a writer was killed while building it), so
    it goes at once. A retired one goes when no process holds its lease and it was retired more than
    ``grace_seconds`` ago (covers a reader between reading CURRENT and taking the lease).
    """
    removed = []
    now = time.time()
    live = _live_name(root)
    for path in root.glob("gen-*"):
        if path == keep or path.name == live or not path.is_dir():
            continue
        meta_file = path / META_FILE
        if meta_file.exists():
            if _in_use(path) or now - _retired_at(path, now) < grace_seconds:
                continue
        else:
            logger.info("removing %s, left unfinished by an interrupted build", path.name)
        shutil.rmtree(path, ignore_errors=True)
        removed.append(path.name)
    return removed


def _live_name(root: Path) -> str:
    try:
        return (root / POINTER).read_text("utf-8").strip()
    except OSError:
        return ""


def _retired_at(path: Path, now: float) -> float:
    """When a cleanup first saw ``path`` no longer current (marked by a ``.retired`` file)."""
    marker = path / ".retired"
    try:
        return marker.stat().st_mtime
    except FileNotFoundError:
        pass
    try:
        marker.touch()
    except OSError:
        return (path / META_FILE).stat().st_mtime
    return now
