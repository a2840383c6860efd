"""Peer engines over the same pre-analyzed tokens: tantivy (tantivy-py) and SQLite FTS5.

Both score with BM25 over the same fields and weights modusearch uses (BM25F in Whoosh), run the
same OR query of the query's terms and Hangul bigrams, apply ``kind``/``lab``/``lang`` filters, and
return the top ten ids. Neither builds snippets or facets; modusearch's timings include both.
"""
from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from bench.tokens import PEER_FIELDS, query_terms

TEXT_FIELDS = [name for name, _s, kind, _w in PEER_FIELDS if kind == "text"]
GRAM_FIELDS = [name for name, _s, kind, _w in PEER_FIELDS if kind == "bigram"]
WEIGHTS = {name: weight for name, _s, _k, weight in PEER_FIELDS}
FILTERS = ("kind", "lab", "lang")


class TantivyEngine:
    name = "tantivy"

    def __init__(self, path: Path) -> None:
        import tantivy

        self.tantivy = tantivy
        self.path = path
        builder = tantivy.SchemaBuilder()
        builder.add_text_field("id", stored=True, tokenizer_name="raw")
        for name in FILTERS:
            builder.add_text_field(name, stored=False, tokenizer_name="raw")
        for name, _s, _k, _w in PEER_FIELDS:
            builder.add_text_field(name, stored=False, tokenizer_name="whitespace", index_option="freq")
        self.schema = builder.build()
        self.index: Any = None

    def build(self, records: Iterable[dict[str, Any]], heap_mb: int = 256, threads: int = 2) -> int:
        shutil.rmtree(self.path, ignore_errors=True)
        self.path.mkdir(parents=True)
        index = self.tantivy.Index(self.schema, path=str(self.path))
        writer = index.writer(heap_size=heap_mb * 1_000_000, num_threads=threads)
        count = 0
        for record in records:
            writer.add_document(self.tantivy.Document(**{k: record[k] for k in ("id", *FILTERS, *WEIGHTS)}))
            count += 1
        writer.commit()
        writer.wait_merging_threads()
        self.open()
        return count

    def open(self) -> None:
        self.index = self.tantivy.Index.open(str(self.path))
        self.index.reload()
        self.searcher = self.index.searcher()

    def search(self, text: str, filters: dict[str, list[str]] | None = None, limit: int = 10) -> list[str]:
        t = self.tantivy
        words, grams = query_terms(text)
        should = [t.Query.boost_query(t.Query.term_query(self.schema, f, w), WEIGHTS[f])
                  for w in words for f in TEXT_FIELDS]
        should += [t.Query.boost_query(t.Query.term_query(self.schema, f, g), WEIGHTS[f])
                   for g in grams for f in GRAM_FIELDS]
        if not should:
            return []
        clauses = [(t.Occur.Must, t.Query.boolean_query([(t.Occur.Should, q) for q in should]))]
        for name, values in (filters or {}).items():
            clauses.append((t.Occur.Must, t.Query.boolean_query(
                [(t.Occur.Should, t.Query.term_query(self.schema, name, v)) for v in values])))
        query = t.Query.boolean_query(clauses)
        hits = self.searcher.search(query, limit).hits
        return [self.searcher.doc(address)["id"][0] for _score, address in hits]


class Fts5Engine:
    """FTS5 with every distinct token renamed to an ASCII id, so FTS5's tokenizer keeps it whole."""

    name = "fts5"

    def __init__(self, path: Path) -> None:
        self.path = path
        self.vocab: dict[str, str] = {}
        self.db: sqlite3.Connection | None = None

    def _ids(self, terms: str) -> str:
        vocab = self.vocab
        out = []
        for term in terms.split():
            code = vocab.get(term)
            if code is None:
                code = vocab[term] = f"t{len(vocab):x}"
            out.append(code)
        return " ".join(out)

    def build(self, records: Iterable[dict[str, Any]]) -> int:
        self.path.unlink(missing_ok=True)
        self.vocab = {}
        db = sqlite3.connect(self.path)
        columns = ", ".join([*WEIGHTS, "id UNINDEXED", *(f"{f} UNINDEXED" for f in FILTERS)])
        db.execute(f"CREATE VIRTUAL TABLE docs USING fts5({columns}, tokenize='ascii', detail=column)")
        count = 0
        rows = []
        sql = f"INSERT INTO docs ({', '.join([*WEIGHTS, 'id', *FILTERS])}) VALUES ({', '.join('?' * (len(WEIGHTS) + 1 + len(FILTERS)))})"
        for record in records:
            rows.append([self._ids(record[f]) for f in WEIGHTS] + [record["id"]] + [record[f] for f in FILTERS])
            count += 1
            if len(rows) >= 2000:
                db.executemany(sql, rows)
                rows = []
        if rows:
            db.executemany(sql, rows)
        db.execute("INSERT INTO docs(docs) VALUES ('optimize')")
        db.commit()
        self.db = db
        return count

    def search(self, text: str, filters: dict[str, list[str]] | None = None, limit: int = 10) -> list[str]:
        assert self.db is not None
        words, grams = query_terms(text)
        words_ids = [self.vocab[w] for w in words if w in self.vocab]
        gram_ids = [self.vocab[g] for g in grams if g in self.vocab]
        parts = []
        if words_ids:
            parts.append("{" + " ".join(TEXT_FIELDS) + "}: (" + " OR ".join(words_ids) + ")")
        if gram_ids:
            parts.append("{" + " ".join(GRAM_FIELDS) + "}: (" + " OR ".join(gram_ids) + ")")
        if not parts:
            return []
        where, args = ["docs MATCH ?"], [" OR ".join(parts)]
        for name, values in (filters or {}).items():
            where.append(f"{name} IN ({', '.join('?' * len(values))})")
            args.extend(values)
        weights = ", ".join(str(w) for w in WEIGHTS.values())
        sql = f"SELECT id FROM docs WHERE {' AND '.join(where)} ORDER BY bm25(docs, {weights}) LIMIT {int(limit)}"
        return [row[0] for row in self.db.execute(sql, args)]
