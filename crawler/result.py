"""What crawling one source produced: its documents, its bookkeeping and the counts for the summary."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from corpus import Document


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
    errors: int = 0
    failed: str | None = None  #: why the whole source failed (previous documents are kept)
    notes: list[str] = field(default_factory=list)

    def classify(self, doc: Document, previous: Document | None) -> Document:
        """Count ``doc`` as new, updated or unchanged; an unchanged document keeps its old record."""
        if previous is None:
            self.new += 1
            return doc
        if previous.content_hash == doc.content_hash:
            self.unchanged += 1
            if (previous.etag, previous.last_modified) != (doc.etag, doc.last_modified):
                previous.etag, previous.last_modified = doc.etag, doc.last_modified
            return previous
        self.updated += 1
        return doc
