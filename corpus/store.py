"""The corpus on disk: one JSON-lines file per source, replaced atomically.

Layout of a corpus folder::

    sources/<source>.jsonl   one Document per line (UTF-8, NFC)
    state/<source>.json      the crawler's bookkeeping for that source (opaque here)
    MANIFEST.json            per source: document count and when it was last written
    CRAWL.json               the last crawl: when it started and ended, which sources failed

A folder with an empty ``sources/`` is a valid, empty corpus (a first crawl that reached nothing).

A writer fills a temporary file beside the target, fsyncs it and renames it over the old one, so a
process killed at any moment leaves either the old or the new file, never a mix.
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, BinaryIO, NamedTuple

from corpus.errors import CorpusError, RecordError
from corpus.record import Document

logger = logging.getLogger(__name__)

_SOURCE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$")


@dataclass
class ReadReport:
    """What a full read of the corpus saw: good records and skipped ones with reasons."""

    documents: int = 0
    skipped: list[str] = field(default_factory=list)


#: Bytes of a record digest (BLAKE2b): a collision between two different lines needs ~2**64 records.
DIGEST_SIZE = 16


class Record(NamedTuple):
    """One raw line of a source file and where it was read."""

    source: str
    file: str
    number: int
    raw: bytes

    def digest(self) -> bytes:
        return record_digest(self.raw)


def record_digest(raw: bytes) -> bytes:
    """A digest of one stored record line: the same bytes (trailing line break aside) give the same
    Document, so an indexer can recognise a record it already indexed without decoding it."""
    return hashlib.blake2b(raw.rstrip(b"\r\n"), digest_size=DIGEST_SIZE).digest()


def parse_record(record: Record, report: ReadReport | None = None) -> Document | None:
    """The Document of one raw line; None, after logging and reporting why, when it is unreadable."""
    try:
        doc = Document.from_json(_decode_line(record.raw))
    except RecordError as exc:
        reason = f"{record.file}:{record.number}: {exc}"
        logger.warning("skipping corpus record %s", reason)
        if report is not None:
            report.skipped.append(reason)
        return None
    if report is not None:
        report.documents += 1
    return doc


def atomic_replace(path: Path, fill: Callable[[BinaryIO], None]) -> None:
    """Replace ``path`` with what ``fill`` writes to a temporary file beside it (fsynced, then renamed),
    so readers see the old or the new bytes, never a mix, even if the process dies half way."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            fill(handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    _fsync_dir(path.parent)


def atomic_write(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` atomically (see :func:`atomic_replace`)."""
    def fill(handle: BinaryIO) -> None:
        handle.write(data)

    atomic_replace(path, fill)


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def check_source_name(name: str) -> str:
    if not _SOURCE_NAME.match(name):
        raise CorpusError(f"invalid source name {name!r}: use letters, digits, '-', '_' and '.'")
    return name


class Corpus:
    """A folder of crawled documents.

    >>> corpus = Corpus(tmp_path)                                   # doctest: +SKIP
    >>> corpus.write_source("lab-blog", [doc1, doc2])               # doctest: +SKIP
    >>> [d.title for d in corpus.documents()]                       # doctest: +SKIP
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)

    @property
    def sources_dir(self) -> Path:
        return self.path / "sources"

    def _source_file(self, name: str) -> Path:
        return self.sources_dir / f"{check_source_name(name)}.jsonl"

    def _state_file(self, name: str) -> Path:
        return self.path / "state" / f"{check_source_name(name)}.json"

    # -- writing --------------------------------------------------------------------------

    def write_source(self, name: str, documents: Iterable[Document]) -> int:
        """Replace every document of source ``name`` at once; returns how many were written."""
        target = self._source_file(name)
        count = 0

        def fill(handle: BinaryIO) -> None:
            nonlocal count
            for doc in documents:
                handle.write(doc.to_json().encode("utf-8") + b"\n")
                count += 1

        atomic_replace(target, fill)
        self._update_manifest(name, count)
        return count

    def remove_source(self, name: str) -> None:
        self._source_file(name).unlink(missing_ok=True)
        self._state_file(name).unlink(missing_ok=True)
        manifest = self.manifest()
        if manifest.pop(name, None) is not None:
            atomic_write(self.path / "MANIFEST.json", _dump(manifest))

    def create(self) -> None:
        """Make the folder a corpus (an empty one if nothing is written yet)."""
        self.sources_dir.mkdir(parents=True, exist_ok=True)

    def write_crawl_record(self, record: dict[str, Any]) -> None:
        """Record how the last crawl went (read by :meth:`last_crawl`, for the search page and operators)."""
        atomic_write(self.path / "CRAWL.json", _dump(record))

    def last_crawl(self) -> dict[str, Any]:
        """What :meth:`write_crawl_record` last recorded ({} before the first crawl or when unreadable)."""
        try:
            data = json.loads((self.path / "CRAWL.json").read_text("utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError):
            return {}
        return data if isinstance(data, dict) else {}

    def write_state(self, name: str, state: dict[str, Any]) -> None:
        atomic_write(self._state_file(name), _dump(state))

    def _update_manifest(self, name: str, count: int) -> None:
        manifest = self.manifest()
        manifest[name] = {"documents": count, "written_at": now_iso()}
        atomic_write(self.path / "MANIFEST.json", _dump(manifest))

    # -- reading --------------------------------------------------------------------------

    def source_names(self) -> list[str]:
        if not self.sources_dir.is_dir():
            return []
        return sorted(p.stem for p in self.sources_dir.glob("*.jsonl") if _SOURCE_NAME.match(p.stem))

    def read_state(self, name: str) -> dict[str, Any]:
        path = self._state_file(name)
        try:
            data = json.loads(path.read_text("utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            logger.warning("ignoring unreadable crawl state %s: %s", path, exc)
            return {}
        return data if isinstance(data, dict) else {}

    def manifest(self) -> dict[str, Any]:
        try:
            data = json.loads((self.path / "MANIFEST.json").read_text("utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError):
            return {}
        return data if isinstance(data, dict) else {}

    def source_records(self, name: str) -> Iterator[Record]:
        """The raw, non-blank lines of one source file, in file order (nothing is decoded)."""
        path = self._source_file(name)
        try:
            handle = path.open("rb")
        except FileNotFoundError:
            return
        with handle:
            for number, raw in enumerate(handle, start=1):
                if raw.strip():
                    yield Record(name, path.name, number, raw)

    def records(self) -> Iterator[Record]:
        """The raw lines of every source, in the order :meth:`documents` reads them."""
        for name in self.source_names():
            yield from self.source_records(name)

    def source_documents(self, name: str, report: ReadReport | None = None) -> Iterator[Document]:
        """The documents of one source; unreadable records are skipped, logged and reported."""
        for record in self.source_records(name):
            doc = parse_record(record, report)
            if doc is not None:
                yield doc

    def documents(self, report: ReadReport | None = None) -> Iterator[Document]:
        """Every readable document of every source, each id once (the first source wins)."""
        for _, doc in self._unique(report, digests=False):
            yield doc

    def digested_documents(self, report: ReadReport | None = None) -> Iterator[tuple[bytes, Document]]:
        """:meth:`documents`, each with the :func:`record_digest` of the line it was read from."""
        return self._unique(report, digests=True)

    def _unique(self, report: ReadReport | None, *, digests: bool) -> Iterator[tuple[bytes, Document]]:
        seen: set[str] = set()
        for record in self.records():
            doc = parse_record(record, report)
            if doc is None or doc.id in seen:
                continue
            seen.add(doc.id)
            yield (record.digest() if digests else b""), doc

    def exists(self) -> bool:
        """True when the folder is a corpus (it has a ``sources/`` folder, perhaps empty)."""
        return self.sources_dir.is_dir()

    def state_names(self) -> list[str]:
        """Sources that have crawl state (a source can have state and no documents)."""
        folder = self.path / "state"
        if not folder.is_dir():
            return []
        return sorted(p.stem for p in folder.glob("*.json") if _SOURCE_NAME.match(p.stem))


def _decode_line(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise RecordError(f"not UTF-8 (byte {exc.start})") from exc


def _dump(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8")


def now_iso() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()
