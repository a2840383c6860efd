"""What crawling one source produced: its documents, its bookkeeping and the counts for the summary.

The counts are worked out once, at the end, from the documents the source held before and holds after
(:meth:`SourceResult.finish`), so they always add up:

    held after  = new + updated + unchanged + kept
    held before = updated + unchanged + kept + removed

``kept`` are previous documents carried over without being confirmed this time (their URL failed, was
not reached, or the whole source failed); ``unchanged`` were confirmed (304, or the same content).
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from corpus import Document

#: record fields that change on every fetch without the document changing
_BOOKKEEPING = ("fetched_at", "etag", "last_modified")


def signature(doc: Document) -> str:
    """What a document says, bookkeeping aside: equal signatures mean an unchanged document."""
    data = {k: v for k, v in dataclasses.asdict(doc).items() if k not in _BOOKKEEPING}
    return hashlib.sha1(json.dumps(data, sort_keys=True, ensure_ascii=False).encode("utf-8")).hexdigest()


@dataclass
class SourceResult:
    name: str
    documents: list[Document] = field(default_factory=list)
    state: dict[str, Any] = field(default_factory=dict)
    fetched: int = 0
    unchanged: int = 0
    new: int = 0
    updated: int = 0
    removed: int = 0
    kept: int = 0
    errors: int = 0
    failed: str | None = None  #: why the whole source failed (previous documents are kept)
    notes: list[str] = field(default_factory=list)
    #: ids of previous documents carried over unconfirmed (the crawlers mark them)
    kept_ids: set[str] = field(default_factory=set)

    def keep(self, doc: Document) -> Document:
        """Carry a previous document over without having confirmed it this time."""
        self.kept_ids.add(doc.id)
        return doc

    def classify(self, doc: Document, previous: Document | None) -> Document:
        """The record to store for a freshly fetched ``doc``: the previous one when the content is the same
        (it keeps its bookkeeping up to date), else ``doc``."""
        if previous is None or previous.content_hash != doc.content_hash:
            return doc
        if (previous.etag, previous.last_modified) != (doc.etag, doc.last_modified):
            previous.etag, previous.last_modified = doc.etag, doc.last_modified
        return previous

    def finish(self, before: dict[str, str]) -> None:
        """Count new/updated/unchanged/kept/removed against ``before`` (id → :func:`signature` of the
        documents held before the crawl, taken before the crawlers touched them)."""
        after = {d.id: d for d in self.documents}
        self.new = sum(1 for i in after if i not in before)
        self.removed = sum(1 for i in before if i not in after)
        self.kept = self.updated = self.unchanged = 0
        for doc_id, doc in after.items():
            if doc_id not in before:
                continue
            if doc_id in self.kept_ids:
                self.kept += 1
            elif signature(doc) != before[doc_id]:
                self.updated += 1
            else:
                self.unchanged += 1

    def counts(self) -> str:
        text = (f"{len(self.documents)} documents ({self.new} new, {self.updated} updated, {self.unchanged} "
                f"unchanged, {self.kept} kept after errors, {self.removed} removed; {self.errors} errors)")
        if self.failed:
            text = f"failed ({self.failed}); kept {self.kept} previous documents"
        return text
