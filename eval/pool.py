"""``python -m eval.pool``: the pool each query of ``eval/judgments_large.json`` is judged on, kept current.

``refresh``: for every query, the top 20 of modusearch and of each baseline plus the documents of
``fixtures/large`` that the query's ``grep`` pattern (written with the query, before any system was asked)
matches most often (case-insensitive, title and body as indexed). Documents not judged yet for the query
go to its ``pending`` list and are printed — title, headings, and the passages around the pattern —
without saying which system found them, so they are graded from the document alone.

``grade FILE``: FILE holds ``query-id<TAB>key<TAB>grade`` lines for pending documents; grades 1 and 2 go
to ``relevant``, and every graded document moves from ``pending`` to ``pooled`` (a pooled document
without a grade is irrelevant).
"""
from __future__ import annotations

import json
import re
import tempfile
from pathlib import Path
from typing import Any

import click

from corpus import Document
from eval.judgments import LARGE_JUDGMENTS
from eval.large import large_systems

POOL_DEPTH = 20
GREP_DEPTH = 15


def grep_pool(pattern: str, docs: list[Document], depth: int = GREP_DEPTH) -> list[str]:
    """The ``depth`` documents with the most matches of ``pattern`` (a title match counts five; ties: key order)."""
    compiled = re.compile(pattern, re.IGNORECASE)
    counts = []
    for doc in docs:
        found = len(compiled.findall(doc.title)) * 5 + len(compiled.findall(doc.text))
        if found:
            counts.append((-found, doc.id))
    return [key for _, key in sorted(counts)[:depth]]


def passages(doc: Document, pattern: str, count: int = 3, width: int = 90) -> list[str]:
    """Up to ``count`` passages of ``doc`` around matches of ``pattern``."""
    compiled = re.compile(pattern, re.IGNORECASE)
    found: list[tuple[int, int]] = []
    for match in compiled.finditer(doc.text):
        if found and match.start() < found[-1][1]:
            continue
        found.append((max(0, match.start() - width), min(len(doc.text), match.end() + width)))
        if len(found) >= count:
            break
    return [" ".join(doc.text[s:e].split()) for s, e in found]


def _load(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text("utf-8"))  # type: ignore[no-any-return]


def _save(path: Path, data: dict[str, Any]) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", "utf-8")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Keep the large set's pools current and record grades."""


@main.command()
@click.option("--judgments", "path", type=click.Path(dir_okay=False, exists=True, path_type=Path),
              default=LARGE_JUDGMENTS, show_default=True)
@click.option("--query", "only", multiple=True, help="only these query ids")
def refresh(path: Path, only: tuple[str, ...]) -> None:
    """Pool every system's top 20 and the grep hits; print the documents not judged yet."""
    from eval.runner import fixtures_root

    data = _load(path)
    with tempfile.TemporaryDirectory(prefix="modusearch-pool-") as tmp:
        systems, docs = large_systems(fixtures_root() / "large", Path(tmp))
        by_key = {d.id: d for d in docs}
        waiting = 0
        for query in data["queries"]:
            if only and query["id"] not in only:
                continue
            candidates = dict.fromkeys(grep_pool(query["grep"], docs))
            for system in systems:
                candidates.update(dict.fromkeys(system.search(query["query"], POOL_DEPTH)))
            judged = set(query.setdefault("pooled", [])) | set(query.setdefault("relevant", {}))
            pending = sorted((set(query.get("pending", [])) | set(candidates)) - judged)
            query["pending"] = pending
            waiting += len(pending)
            if pending:
                click.echo(f"\n##### {query['id']} [{query['category']}] {query['query']}  — {query['note']}")
            for key in pending:
                doc = by_key[key]
                click.echo(f"--- {key}\n    title: {doc.title[:120]}  ({len(doc.text)} chars)")
                if doc.headings:
                    click.echo("    headings: " + " | ".join(h[:40] for h in doc.headings[:8]))
                for passage in passages(doc, query["grep"]):
                    click.echo(f"    > {passage}")
    _save(path, data)
    click.echo(f"\n{waiting} pooled documents not graded yet", err=True)


@main.command()
@click.argument("grades", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.option("--judgments", "path", type=click.Path(dir_okay=False, exists=True, path_type=Path),
              default=LARGE_JUDGMENTS, show_default=True)
def grade(grades: Path, path: Path) -> None:
    """Record ``query-id<TAB>key<TAB>grade`` lines (0, 1 or 2) for pending documents."""
    data = _load(path)
    queries = {q["id"]: q for q in data["queries"]}
    recorded = 0
    for line in grades.read_text("utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        qid, key, value = line.split("\t")[:3]
        query = queries[qid]
        if int(value) not in (0, 1, 2):
            raise click.BadParameter(f"{qid} {key}: grade {value} is not 0, 1 or 2")
        if int(value):
            query["relevant"][key] = int(value)
        else:
            query["relevant"].pop(key, None)
        query["pooled"] = sorted(set(query["pooled"]) | {key})
        query["pending"] = [k for k in query.get("pending", []) if k != key]
        recorded += 1
    _save(path, data)
    left = sum(len(q.get("pending", [])) for q in data["queries"])
    click.echo(f"{recorded} grades recorded; {left} pooled documents not graded yet", err=True)


if __name__ == "__main__":
    main()
