"""Runs the systems over the judged queries and lays out the comparison table."""
from __future__ import annotations

import sys
import time
import tomllib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from corpus import Corpus, Document
from eval.judgments import Judgments, doc_key
from eval.metrics import MEASURES, aggregate, per_query

TESTS = Path(__file__).resolve().parents[1] / "tests"
Scores = dict[str, dict[str, float]]


class System(Protocol):
    name: str

    def search(self, text: str, limit: int = 10) -> list[str]: ...


def fixtures_root() -> Path:
    """The shared fixtures folder the tests use (``$MODUSEARCH_FIXTURES`` or ``../shared/fixtures``)."""
    if str(TESTS) not in sys.path:
        sys.path.insert(0, str(TESTS))
    from servers import fixtures_root as root

    return root()  # type: ignore[no-any-return]


@contextmanager
def crawled_fixtures(workdir: Path) -> Iterator[Path]:
    """Serve ``../shared/fixtures`` locally, crawl them with the real crawler into ``workdir/corpus``."""
    if str(TESTS) not in sys.path:
        sys.path.insert(0, str(TESTS))
    from conftest import fixture_sources_toml  # the same sources file the test suite crawls
    from crawler import crawl, parse_sources
    from servers import serve_all

    with serve_all() as servers:
        config = parse_sources(tomllib.loads(fixture_sources_toml(servers)))
        summary = crawl(config, Corpus(workdir / "corpus"), sleep=lambda s: None)
        if summary.failed_sources:
            raise RuntimeError(f"fixture crawl failed: {summary.failed_sources}")
        yield workdir / "corpus"


def keyed_documents(corpus_path: Path) -> list[tuple[str, Document]]:
    return [(doc_key(doc), doc) for doc in Corpus(corpus_path).documents()]


class ModusearchSystem:
    name = "modusearch"

    def __init__(self, index_path: Path, keys: dict[str, str]) -> None:
        from indexer import SearchIndex

        self.index = SearchIndex(index_path)
        self.keys = keys

    def search(self, text: str, limit: int = 10) -> list[str]:
        return [self.keys.get(hit.id, hit.id) for hit in self.index.search(text, per_page=limit).hits]


@dataclass(frozen=True)
class MarkShare:
    """How many first-page results show why they matched: a mark in the snippet, or anywhere shown
    (snippet, title or author)."""

    results: int
    in_snippet: int
    anywhere: int

    def line(self) -> str:
        return (f"first-page results with a marked match: {self.in_snippet / max(1, self.results):.3f} in the "
                f"snippet ({self.in_snippet}/{self.results}), {self.anywhere / max(1, self.results):.3f} in the "
                f"snippet, title or author ({self.anywhere}/{self.results})")


def mark_share(index_path: Path, judgments: Judgments, per_page: int = 10) -> MarkShare:
    """The marks on the first page of every judged query (indexer/search/snippets.py)."""
    from indexer import SearchIndex

    index = SearchIndex(index_path, warm=False)
    results = in_snippet = anywhere = 0
    for query in judgments.queries:
        for hit in index.search(query.text, per_page=per_page).hits:
            results += 1
            in_snippet += "<mark" in hit.snippet
            anywhere += "<mark" in hit.snippet + hit.title_html + hit.author_html
    return MarkShare(results, in_snippet, anywhere)


def run_system(system: System, judgments: Judgments) -> Scores:
    return per_query(judgments.qrels(), rankings_of(system, judgments))


def rankings_of(system: System, judgments: Judgments, depth: int = 10) -> dict[str, list[str]]:
    """Each judged query's top ``depth`` document keys from ``system``."""
    return {q.id: system.search(q.text, depth) for q in judgments.queries}


def evaluate_modusearch(corpus_path: Path, index_path: Path, judgments: Judgments) -> Scores:
    keys = {doc.id: key for key, doc in keyed_documents(corpus_path)}
    return run_system(ModusearchSystem(index_path, keys), judgments)


def analysis_rate(docs: list[Document], analyze: Callable[[Document], int], passes: int = 3) -> float:
    """Documents per second through ``analyze`` (best of ``passes``)."""
    best = float("inf")
    for _ in range(passes):
        started = time.perf_counter()
        for doc in docs:
            analyze(doc)
        best = min(best, time.perf_counter() - started)
    return len(docs) / best if best > 0 else 0.0


def modusearch_analysis(doc: Document) -> int:
    """Every analyzer pass the indexer makes over one document's text fields (tokens counted)."""
    from indexer.analysis import bigram_analyzer, text_analyzer

    text, grams = text_analyzer(), bigram_analyzer()
    headings = "\n".join(doc.headings)
    count = 0
    for value in (doc.title, headings, doc.description, doc.text, doc.lab, doc.author):
        count += sum(1 for _ in text(value))
    for value in (doc.title + "\n" + headings, doc.text):
        count += sum(1 for _ in grams(value))
    return count


def table(results: dict[str, Scores], judgments: Judgments, *, held_out: bool = True,
          measures: tuple[str, ...] | None = None) -> str:
    """Markdown: one table per measure, rows overall / held-out / categories, one column per system."""
    systems = list(results)
    groups: list[tuple[str, list[str]]] = [("**overall**", [q.id for q in judgments.queries])]
    if held_out:
        held = judgments.held_out()
        groups.append(("held-out third", [q.id for q in judgments.queries if q.id in held]))
    for category in judgments.categories:
        groups.append((category, [q.id for q in judgments.queries if q.category == category]))
    lines: list[str] = []
    for measure in measures or tuple(MEASURES):
        lines += [f"### {measure}", "", "| queries | n | " + " | ".join(systems) + " |",
                  "| --- | ---: | " + " | ".join("---:" for _ in systems) + " |"]
        for label, ids in groups:
            values = [aggregate(results[s], ids)[measure] for s in systems]
            lines.append(f"| {label} | {len(ids)} | " + " | ".join(f"{v:.3f}" for v in values) + " |")
        lines.append("")
    return "\n".join(lines)
