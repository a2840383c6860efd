"""The evaluation sets and the document keys their judgments are written against.

Two sets, one format (``queries``: id, query, category, relevant {key: grade}, optional ``pooled``):

* ``eval/judgments.json`` over the Modulabs fixtures. A key names a crawled document independently of
  where the fixture servers happen to listen: ``biomed:/FCN`` (path on the biomedical lab site,
  ``.html``/``index.html`` and trailing slash dropped), ``talmo:/modulabs_homepage/about`` (the distractor
  site), ``github:owner/repo`` and ``interview:brunch-modulabs-18`` (the interview, published as
  brunch.co.kr/@modulabs/18).
* ``eval/judgments_large.json`` over ``fixtures/large`` (:mod:`eval.large`): a key is the file's path
  there. Each query keeps the documents it was judged on (``pooled``: the top 20 of every system plus
  grep hits); a pooled document without a grade is irrelevant, and a document a system ranks that is not
  in the pool is *unjudged* (:meth:`Judgments.unjudged`), which a later change that surfaces new documents
  must show.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from corpus import Document

JUDGMENTS = Path(__file__).resolve().parent / "judgments.json"
LARGE_JUDGMENTS = Path(__file__).resolve().parent / "judgments_large.json"
#: Source name (in the fixture sources file) → key prefix for crawled sites.
SITE_PREFIXES = {"biomedical-blog": "biomed", "distractor": "talmo"}
#: Interview page name on the fixture server → its published name.
INTERVIEWS = {"modulabs-biomedical-interview": "brunch-modulabs-18"}


@dataclass(frozen=True)
class Query:
    id: str
    text: str
    category: str
    relevant: dict[str, int]
    pooled: frozenset[str] = field(default_factory=frozenset)


@dataclass(frozen=True)
class Judgments:
    queries: list[Query]

    @property
    def categories(self) -> list[str]:
        return list(dict.fromkeys(q.category for q in self.queries))

    def qrels(self) -> dict[str, dict[str, int]]:
        return {q.id: dict(q.relevant) for q in self.queries}

    def held_out(self) -> set[str]:
        """Every third query of each category: not looked at while tuning weights (see docs/relevance.md)."""
        chosen: set[str] = set()
        for category in self.categories:
            ids = [q.id for q in self.queries if q.category == category]
            chosen.update(ids[2::3])
        return chosen

    def unjudged(self, rankings: dict[str, list[str]], depth: int = 10) -> int:
        """Documents in the top ``depth`` of ``rankings`` that their query was never judged on (only for
        sets that keep their pools)."""
        count = 0
        for query in self.queries:
            if query.pooled:
                judged = query.pooled | set(query.relevant)
                count += sum(1 for key in rankings.get(query.id, [])[:depth] if key not in judged)
        return count


def load_judgments(path: Path = JUDGMENTS) -> Judgments:
    data = json.loads(path.read_text("utf-8"))
    return Judgments([Query(q["id"], q["query"], q["category"], {k: int(v) for k, v in q["relevant"].items() if v},
                            frozenset(q.get("pooled", ())))
                      for q in data["queries"]])


def doc_key(doc: Document) -> str:
    """The judgment key of a crawled document."""
    if doc.kind == "readme":
        repo = (doc.extra or {}).get("repo") or urlsplit(doc.url).path.strip("/")
        return f"github:{repo}"
    path = unquote(urlsplit(doc.url).path)
    if doc.kind == "interview":
        name = re.sub(r"(\.euc-kr)?\.html?$", "", path.rsplit("/", 1)[-1])
        return f"interview:{INTERVIEWS.get(name, name)}"
    path = re.sub(r"(/index)?\.html?$", "", path).rstrip("/") or "/"
    return f"{SITE_PREFIXES.get(doc.source, doc.source)}:{path}"
