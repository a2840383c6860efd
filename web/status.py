"""What the search page tells visitors when there is nothing to search yet: that nothing has been
collected, and when the last crawl ran and whether it reached anything. Never a server path or a command.

The index generation records the corpus it was built from (``corpus_path`` in its meta); the crawler
writes how each crawl went into that corpus (``CRAWL.json``, read with :meth:`corpus.Corpus.last_crawl`).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from corpus import Corpus
from indexer import IndexerError, SearchIndex


@dataclass(frozen=True)
class Collection:
    """An empty index: ``crawled_at`` (readable UTC time, '' if no crawl is recorded), ``failed`` when the
    last crawl reached no source at all."""

    crawled_at: str
    failed: bool

    @property
    def message(self) -> str:
        if not self.crawled_at:
            return "empty_never"
        return "empty_failed" if self.failed else "empty_nothing"


def empty_collection(index: SearchIndex) -> Collection | None:
    """None when the index holds documents (or cannot be read: the page says so on its own)."""
    try:
        meta = index.meta()
    except (IndexerError, OSError):
        return None
    if meta.get("documents"):
        return None
    corpus_path = meta.get("corpus_path")
    last = Corpus(corpus_path).last_crawl() if isinstance(corpus_path, str) else {}
    sources = last.get("sources") if isinstance(last.get("sources"), dict) else {}
    failed = bool(sources) and not any(isinstance(s, dict) and s.get("ok") for s in sources.values())
    return Collection(crawled_at=_readable(last.get("finished_at")), failed=failed)


def _readable(stamp: object) -> str:
    if not isinstance(stamp, str):
        return ""
    try:
        when = datetime.fromisoformat(stamp)
    except ValueError:
        return ""
    return when.strftime("%Y-%m-%d %H:%M UTC") if when.utcoffset() is not None else when.strftime("%Y-%m-%d %H:%M")
