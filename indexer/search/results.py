"""What a search returns: the hits of one page, with facets, filters and what the spelling check did."""
from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Choseong", "Hit", "SearchResults"]


@dataclass
class Hit:
    id: str
    url: str
    title: str
    kind: str
    lab: str
    lang: str
    snippet: str
    score: float
    published: str = ""
    author: str = ""
    description: str = ""
    extra: dict[str, Any] = field(default_factory=dict)
    #: the title and author as escaped HTML with the query's words marked (as in ``snippet``)
    title_html: str = ""
    author_html: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "url": self.url, "title": self.title, "kind": self.kind, "lab": self.lab,
                "lang": self.lang, "snippet": self.snippet, "score": round(self.score, 4),
                "published": self.published, "author": self.author, "description": self.description,
                "title_html": self.title_html or html.escape(self.title),
                "author_html": self.author_html or html.escape(self.author)}


@dataclass
class SearchResults:
    query: str
    total: int
    page: int
    per_page: int
    took_ms: float
    hits: list[Hit]
    facets: dict[str, dict[str, int]] = field(default_factory=dict)
    filters: dict[str, list[str]] = field(default_factory=dict)
    corrected: str | None = None
    suggestion: str | None = None
    timed_out: bool = False
    #: query words no result holds (a compound only in part counts as missing), as searched
    unmatched: list[str] = field(default_factory=list)
    #: a query of initial consonants (초성) and the completion searched for it
    choseong: Choseong | None = None
    #: no words, only filters: the matching documents, newest first
    browsing: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {"query": self.query, "total": self.total, "page": self.page, "per_page": self.per_page,
                "took_ms": round(self.took_ms, 2), "results": [h.to_dict() for h in self.hits],
                "facets": self.facets, "filters": self.filters, "corrected_query": self.corrected,
                "did_you_mean": self.suggestion, "timed_out": self.timed_out, "unmatched": self.unmatched,
                "choseong": self.choseong.to_dict() if self.choseong else None, "browsing": self.browsing}


@dataclass(frozen=True)
class Choseong:
    """A query of initial consonants (ㄱㅎㅎㅅ) answered by searching its best completion (강화학습)."""

    typed: str
    searched: str
    alternatives: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"typed": self.typed, "searched": self.searched, "alternatives": list(self.alternatives)}
