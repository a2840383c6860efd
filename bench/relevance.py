"""Relevance of each engine on the evaluation set (eval/judgments.json over the crawled fixtures).

Reuses the eval package: its fixture crawl, its judgment keys and its metrics (ir-measures nDCG@10).
modusearch searches its own index of that corpus; the peers search the same analyzed tokens.
"""
from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

from corpus import Corpus
from eval.judgments import doc_key, load_judgments
from eval.metrics import aggregate, per_query
from eval.runner import crawled_fixtures


def eval_corpus(folder: Path) -> Path:
    """The fixture sites crawled into ``folder/corpus`` (crawled once, then reused)."""
    corpus_path = folder / "corpus"
    if Corpus(corpus_path).exists():
        return corpus_path
    tmp = folder / "crawl"
    shutil.rmtree(tmp, ignore_errors=True)
    with crawled_fixtures(tmp) as crawled:
        shutil.move(str(crawled), corpus_path)
    shutil.rmtree(tmp, ignore_errors=True)
    return corpus_path


def keys_of(corpus_path: Path) -> dict[str, str]:
    return {doc.id: doc_key(doc) for doc in Corpus(corpus_path).documents()}


def evaluate(search: Callable[[str], list[str]], keys: dict[str, str]) -> dict[str, Any]:
    """Mean nDCG@10 (and MRR@10, R@10) over the judged queries; ``search`` returns doc ids, best first."""
    judgments = load_judgments()
    rankings = {q.id: [keys.get(i, i) for i in search(q.text)] for q in judgments.queries}
    scores = per_query(judgments.qrels(), rankings)
    return aggregate(scores)
