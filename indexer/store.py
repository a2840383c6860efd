"""Index generations on disk and the atomic switch between them.

Layout of an index folder::

    CURRENT            name of the live generation (replaced atomically)
    gen-<time>-<pid>/  one complete Whoosh index plus modusearch.json (versions, counts, build time)

A rebuild fills a new generation and then points CURRENT at it; readers that opened the old one
keep using it until they reopen. Old generations are removed once they are no longer current and
older than a grace period, so no reader loses files it still has open.
"""
from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

from indexer.errors import IndexNotFound

logger = logging.getLogger(__name__)

META_FILE = "modusearch.json"
POINTER = "CURRENT"


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


def write_meta(generation: Path, meta: dict[str, Any]) -> None:
    path = generation / META_FILE
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(meta, ensure_ascii=False, indent=1), "utf-8")
    os.replace(tmp, path)


def clean_old_generations(root: Path, keep: Path, grace_seconds: float = 120.0) -> list[str]:
    """Delete generations that are neither live nor recently replaced (readers may still use those)."""
    removed = []
    now = time.time()
    for path in root.glob("gen-*"):
        if path == keep or not path.is_dir():
            continue
        meta_file = path / META_FILE
        age_ref = meta_file.stat().st_mtime if meta_file.exists() else path.stat().st_mtime
        replaced_at = _replaced_at(path, age_ref)
        if now - replaced_at < grace_seconds:
            continue
        shutil.rmtree(path, ignore_errors=True)
        removed.append(path.name)
    return removed


def _replaced_at(path: Path, fallback: float) -> float:
    marker = path / ".retired"
    if marker.exists():
        return marker.stat().st_mtime
    try:
        marker.touch()
    except OSError:
        return fallback
    return time.time()
