"""The analyzed tokens of a corpus, computed once with modusearch's own analyzers and cached.

The peer engines index these pre-tokenized fields, so tantivy, SQLite FTS5 and Whoosh all see the
same terms (same morphemes, stems and Hangul bigrams) and the comparison measures the engines.
"""
from __future__ import annotations

import json
import multiprocessing
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from corpus import Corpus, Document
from indexer import ANALYSIS_VERSION, bigram_analyzer, index_fields, text_analyzer

#: The fields the peers index: (name, field of ``index_fields``, analyzer kind, weight as in indexer.storage.schema).
PEER_FIELDS = (
    ("title", "title", "text", 4.0),
    ("headings", "headings", "text", 2.0),
    ("body", "body", "text", 1.0),
    ("title_bigram", "title_bigram", "bigram", 0.8),
    ("body_bigram", "body_bigram", "bigram", 0.3),
)

_TEXT = None
_GRAMS = None


def _analyzers() -> tuple[Any, Any]:
    global _TEXT, _GRAMS  # one pair per worker process
    if _TEXT is None:
        _TEXT, _GRAMS = text_analyzer(), bigram_analyzer()
    return _TEXT, _GRAMS


def _terms(analyzer: Any, value: str, mode: str = "index") -> list[str]:
    return [t.text for t in analyzer(value, mode=mode) if t.text and not any(c.isspace() for c in t.text)]


def analyze_document(doc: Document) -> dict[str, Any]:
    text, grams = _analyzers()
    fields = index_fields(doc)
    record: dict[str, Any] = {"id": doc.id, "kind": doc.kind, "lab": doc.lab, "lang": doc.lang}
    for name, source, kind, _weight in PEER_FIELDS:
        record[name] = " ".join(_terms(text if kind == "text" else grams, fields.get(source) or ""))
    return record


def query_terms(text: str) -> tuple[list[str], list[str]]:
    """(morpheme/stem terms, bigram terms) of a query, as modusearch's query parser makes them."""
    from indexer import query_terms as terms

    return terms(text)


def cached_tokens(corpus_path: Path, cache: Path, procs: int = 2) -> tuple[Path, float]:
    """The tokens file for a corpus (built with ``procs`` processes when missing); (path, seconds spent)."""
    import time

    marker = cache.with_suffix(".done")
    if cache.exists() and marker.exists() and marker.read_text() == str(ANALYSIS_VERSION):
        return cache, 0.0
    started = time.perf_counter()
    docs = Corpus(corpus_path).documents()
    tmp = cache.with_suffix(".tmp")
    with tmp.open("w", encoding="utf-8") as out:
        if procs > 1:
            with multiprocessing.get_context("fork").Pool(procs) as pool:
                for record in pool.imap(analyze_document, docs, chunksize=64):
                    out.write(json.dumps(record, ensure_ascii=False) + "\n")
        else:
            for doc in docs:
                out.write(json.dumps(analyze_document(doc), ensure_ascii=False) + "\n")
    tmp.replace(cache)
    marker.write_text(str(ANALYSIS_VERSION))
    return cache, time.perf_counter() - started


def read_tokens(cache: Path) -> Iterator[dict[str, Any]]:
    with cache.open(encoding="utf-8") as handle:
        for line in handle:
            yield json.loads(line)
