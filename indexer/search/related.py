"""Documents around a document: related ones (Whoosh's more-like-this), labs, their key terms, index stats.

Everything here reads an opened Whoosh index and returns plain data; ``SearchIndex`` exposes it. Results that
scan a whole lab are cached per opened index, like the suggestions.
"""
from __future__ import annotations

import re
import threading
import weakref
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from whoosh import query as wq

from indexer.analysis import is_noun
from indexer.storage import FieldFacet

__all__ = ["DocSummary", "LabSummary", "document", "key_terms", "lab_documents", "labs", "related", "stats"]

KINDS = ("page", "readme", "interview")
_KEY_FIELD = "body"
_MAX_LAB_DOCS_FOR_TERMS = 300


@dataclass
class DocSummary:
    """What a listing shows of a document (no snippet: nothing was searched)."""

    id: str
    url: str
    title: str
    kind: str
    lab: str
    lang: str
    published: str = ""
    description: str = ""
    excerpt: str = ""
    score: float = 0.0

    @classmethod
    def from_stored(cls, stored: dict[str, Any], score: float = 0.0) -> DocSummary:
        body = " ".join((stored.get("body") or "")[:400].split())
        description = stored.get("description") or ""
        excerpt = description or body[:200] + ("…" if len(body) > 200 else "")
        return cls(id=stored.get("id", ""), url=stored.get("url", ""), title=stored.get("title", ""),
                   kind=stored.get("kind", ""), lab=stored.get("lab", ""), lang=stored.get("lang", ""),
                   published=stored.get("published_text", "") or "", description=description,
                   excerpt=excerpt, score=score)

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "url": self.url, "title": self.title, "kind": self.kind, "lab": self.lab,
                "lang": self.lang, "published": self.published, "excerpt": self.excerpt,
                "score": round(self.score, 4)}


@dataclass
class LabSummary:
    name: str
    documents: int
    by_kind: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "documents": self.documents, "by_kind": self.by_kind}


def related(whoosh_index: Any, doc_id: str, limit: int = 5) -> list[DocSummary] | None:
    """Content documents most like ``doc_id`` by its characteristic body terms (listings, which repeat
    other pages' summaries, are left out); None if there is no such document."""
    with whoosh_index.searcher() as searcher:
        docnum = searcher.document_number(id=doc_id)
        if docnum is None:
            return None
        hits = searcher.more_like(docnum, _KEY_FIELD, top=limit, numterms=12, normalize=True,
                                  filter=wq.Term("page_type", "content"))
        return [DocSummary.from_stored(hit.fields(), float(hit.score or 0.0)) for hit in hits]


def document(whoosh_index: Any, doc_id: str) -> DocSummary | None:
    """One document's summary by id; None if there is no such document."""
    with whoosh_index.searcher() as searcher:
        stored = searcher.document(id=doc_id)
        return DocSummary.from_stored(stored) if stored is not None else None


def labs(whoosh_index: Any) -> list[LabSummary]:
    """Every lab with its number of documents by kind, the largest first."""
    counts = _cached(whoosh_index, "counts", lambda: _count_kinds_by_lab(whoosh_index))
    summaries = [LabSummary(name, sum(kinds.values()), {k: kinds[k] for k in KINDS if kinds.get(k)})
                 for name, kinds in counts.items() if name]
    return sorted(summaries, key=lambda lab: (-lab.documents, lab.name))


def _count_kinds_by_lab(whoosh_index: Any) -> dict[str, Counter[str]]:
    counts: dict[str, Counter[str]] = {}
    with whoosh_index.searcher() as searcher:
        reader = searcher.reader()
        if reader.doc_count_all() == 0:  # an empty index has no columns to read
            return counts
        lab_column, kind_column = reader.column_reader("lab"), reader.column_reader("kind")
        for docnum in reader.all_doc_ids():
            counts.setdefault(lab_column[docnum] or "", Counter())[kind_column[docnum] or ""] += 1
    return counts


def lab_documents(whoosh_index: Any, lab: str, limit: int = 200) -> list[DocSummary]:
    """A lab's documents, the newest first (undated ones last)."""
    with whoosh_index.searcher() as searcher:
        results = searcher.search(wq.Term("lab", lab), limit=limit,
                                  sortedby=FieldFacet("published", reverse=True))
        documents = [DocSummary.from_stored(hit.fields()) for hit in results]
    documents.sort(key=lambda d: not d.published)  # stable: dated ones stay newest first, undated go last
    return documents


def key_terms(whoosh_index: Any, lab: str, limit: int = 12) -> list[str]:
    """The terms that set a lab's documents apart from the rest (Whoosh's Bo1 key terms), as written."""
    return _cached(whoosh_index, ("key_terms", lab, limit), lambda: _key_terms(whoosh_index, lab, limit))


def _key_terms(whoosh_index: Any, lab: str, limit: int) -> list[str]:
    with whoosh_index.searcher() as searcher:
        docnums = list(searcher.docs_for_query(wq.Term("lab", lab)))[:_MAX_LAB_DOCS_FOR_TERMS]
        if not docnums:
            return []
        candidates = [term for term, _ in searcher.key_terms(docnums, _KEY_FIELD, numterms=limit * 4)]
        texts = [searcher.stored_fields(d).get(_KEY_FIELD) or "" for d in docnums[:50]]
    shown: list[str] = []
    for term in candidates:
        if len(term) < 2 or term.isdigit() or term in _NOISE:
            continue
        if term.isascii():
            written = _surface(term, texts)
            if written is None:
                continue
        elif is_noun(term) and _stands_alone(term, texts):
            written = term
        else:
            continue
        if written.lower() not in {s.lower() for s in shown}:
            shown.append(written)
        if len(shown) == limit:
            break
    return shown


_NOISE = frozenset({"http", "https", "www", "com", "github", "html", "png", "jpg", "io", "md"})


def _surface(stem: str, texts: list[str]) -> str | None:
    """The most common written form of an English stem (convolut → convolutional)."""
    pattern = re.compile(rf"\b{re.escape(stem)}[a-z0-9]*\b", re.IGNORECASE)
    forms: Counter[str] = Counter()
    for text in texts:
        forms.update(match.group(0) for match in pattern.finditer(text))
    if not forms:
        return None
    best = max(forms.items(), key=lambda kv: (kv[1], -len(kv[0])))[0]
    return best


_PARTICLES = "은는이가을를의에와과도로만"


def _stands_alone(term: str, texts: list[str]) -> bool:
    """A Hangul noun written as a word somewhere (대하 in 대하여 is a verb, not the noun 대하)."""
    pattern = re.compile(rf"{re.escape(term)}(?:[{_PARTICLES}]|[^\uac00-\ud7a3]|$)")
    return any(pattern.search(text) for text in texts)


def stats(whoosh_index: Any, meta: dict[str, Any]) -> dict[str, Any]:
    """Documents by kind and lab, when the index was built and when each corpus source was written."""
    counts = _cached(whoosh_index, "counts", lambda: _count_kinds_by_lab(whoosh_index))
    by_kind: Counter[str] = sum(counts.values(), Counter())
    by_lab = {lab.name: lab.documents for lab in labs(whoosh_index)}
    manifest = meta.get("corpus_manifest") or {}
    sources = {name: {"documents": info.get("documents"), "written_at": info.get("written_at")}
               for name, info in sorted(manifest.items()) if isinstance(info, dict)}
    written = [s["written_at"] for s in sources.values() if s.get("written_at")]
    with whoosh_index.searcher() as searcher:
        total = searcher.doc_count()
    return {
        "documents": total,
        "by_kind": {k: by_kind[k] for k in KINDS if by_kind.get(k)},
        "by_lab": by_lab,
        "index_built_at": meta.get("built_at"),
        "corpus": {"sources": sources, "oldest_source_written_at": min(written) if written else None,
                   "newest_source_written_at": max(written) if written else None},
    }


_cache: weakref.WeakKeyDictionary[Any, dict[Any, Any]] = weakref.WeakKeyDictionary()
_cache_lock = threading.Lock()


def _cached(whoosh_index: Any, key: Any, compute: Any) -> Any:
    with _cache_lock:
        per_index = _cache.setdefault(whoosh_index, {})
        if key in per_index:
            return per_index[key]
    value = compute()
    with _cache_lock:
        _cache.setdefault(whoosh_index, {})[key] = value
    return value
