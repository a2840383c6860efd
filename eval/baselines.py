"""The three comparison systems, each indexing the same corpus documents as modusearch.

* ``standard``: Whoosh's StandardAnalyzer over title and body, BM25F, words OR-ed.
* ``nori+bigram``: the Nori-like analyzer (:mod:`eval.nori`) plus a CJK bigram field, both fields OR-ed
  (Elasticsearch's usual ``multi_match`` over ``text`` and ``text.cjk``), BM25F.
* ``fts5-trigram``: SQLite FTS5 with the trigram tokenizer, ``bm25()`` ranking, OR of the query's trigrams.

All get the same fields: title (weight 2) and body = headings + description + text (weight 1).
"""
from __future__ import annotations

import sqlite3
from collections.abc import Iterable

from whoosh import query as wq
from whoosh.analysis import Analyzer, StandardAnalyzer
from whoosh.fields import ID, TEXT, Schema
from whoosh.filedb.filestore import RamStorage
from whoosh.scoring import BM25F

from corpus import Document
from eval.nori import cjk_analyzer, nori_analyzer

TITLE_WEIGHT = 2.0
BIGRAM_WEIGHT = 0.5  # the recall field counts less than the morphemes, as usually configured


def _body(doc: Document) -> str:
    return "\n".join([*doc.headings, doc.description, doc.text])


class WhooshBaseline:
    """BM25F over ``fields`` ({name: (analyzer, source, weight)}), any query term may match."""

    def __init__(self, name: str, fields: dict[str, tuple[Analyzer, str, float]]) -> None:
        self.name = name
        self.fields = fields
        self.schema = Schema(key=ID(stored=True), **{f: TEXT(analyzer=a) for f, (a, _, _) in fields.items()})
        self.index = RamStorage().create_index(self.schema)
        self.searcher = None

    def add(self, docs: Iterable[tuple[str, Document]]) -> None:
        with self.index.writer() as writer:
            for key, doc in docs:
                values = {"title": doc.title, "body": _body(doc)}
                writer.add_document(key=key, **{f: values[src] for f, (_, src, _) in self.fields.items()})
        self.searcher = self.index.searcher(weighting=BM25F())

    def search(self, text: str, limit: int = 10) -> list[str]:
        terms = []
        for field, (analyzer, _, weight) in self.fields.items():
            words = dict.fromkeys(t.text for t in analyzer(text, mode="query"))
            terms += [wq.Term(field, w, boost=weight) for w in words]
        if not terms or self.searcher is None:
            return []
        return [hit["key"] for hit in self.searcher.search(wq.Or(terms), limit=limit)]


def standard_baseline() -> WhooshBaseline:
    analyzer = StandardAnalyzer()
    return WhooshBaseline("standard", {"title": (analyzer, "title", TITLE_WEIGHT), "body": (analyzer, "body", 1.0)})


def nori_bigram_baseline() -> WhooshBaseline:
    nori, cjk = nori_analyzer(), cjk_analyzer()
    return WhooshBaseline("nori+bigram", {
        "title": (nori, "title", TITLE_WEIGHT), "body": (nori, "body", 1.0),
        "title_cjk": (cjk, "title", TITLE_WEIGHT * BIGRAM_WEIGHT), "body_cjk": (cjk, "body", BIGRAM_WEIGHT),
    })


class Fts5TrigramBaseline:
    name = "fts5-trigram"

    def __init__(self) -> None:
        self.db = sqlite3.connect(":memory:")
        self.db.execute("CREATE VIRTUAL TABLE docs USING fts5(key UNINDEXED, title, body, tokenize='trigram')")

    def add(self, docs: Iterable[tuple[str, Document]]) -> None:
        with self.db:
            self.db.executemany("INSERT INTO docs(key, title, body) VALUES (?, ?, ?)",
                                [(key, doc.title, _body(doc)) for key, doc in docs])

    @staticmethod
    def match_expression(text: str) -> str:
        """OR of every trigram of every word (words under 3 characters cannot match a trigram index)."""
        grams: dict[str, None] = {}
        for word in text.lower().split():
            for i in range(len(word) - 2):
                grams.setdefault(word[i:i + 3], None)
        return " OR ".join('"' + g.replace('"', '""') + '"' for g in grams)

    def search(self, text: str, limit: int = 10) -> list[str]:
        expression = self.match_expression(text)
        if not expression:
            return []
        rows = self.db.execute(
            "SELECT key FROM docs WHERE docs MATCH ? ORDER BY bm25(docs, 0.0, ?, 1.0) LIMIT ?",
            (expression, TITLE_WEIGHT, limit))
        return [key for (key,) in rows]


def all_baselines() -> list[WhooshBaseline | Fts5TrigramBaseline]:
    return [standard_baseline(), nori_bigram_baseline(), Fts5TrigramBaseline()]
