"""Helpers (no tests) shared by the index-operation, fault and hostile-input tests."""
from __future__ import annotations

import dataclasses
import hashlib
import shutil
import time
from collections.abc import Callable
from pathlib import Path

from corpus import Corpus

MARKER = "zebracorn"


def copy_crawled(crawled: dict[str, Path], target: Path) -> dict[str, Path]:
    """A private, writable copy of the session's crawled corpus and index."""
    shutil.copytree(crawled["corpus"], target / "corpus")
    shutil.copytree(crawled["index"], target / "index")
    return {"corpus": target / "corpus", "index": target / "index", "sources": crawled["sources"]}


def mutate(corpus_path: Path) -> dict[str, str]:
    """Change one document, remove one and add one (in the small "distractor" source)."""
    corpus = Corpus(corpus_path)
    docs = list(corpus.source_documents("distractor"))
    changed = dataclasses.replace(docs[0], text=docs[0].text + f" 새로운 문장 {MARKER}", content_hash="")
    removed = docs[1]
    added = dataclasses.replace(docs[2], id="test-added-doc", url=docs[2].url + "?added",
                                title=f"Brand new {MARKER} page", content_hash="")
    corpus.write_source("distractor", [changed, *docs[2:], added])
    return {"changed": changed.id, "removed": removed.id, "added": added.id}


def touch_every_document(corpus_path: Path, word: str) -> int:
    """Append ``word`` to every document's text (an update that has to re-index everything)."""
    corpus = Corpus(corpus_path)
    count = 0
    for name in corpus.source_names():
        docs = [dataclasses.replace(d, text=d.text + f" {word}", content_hash="")
                for d in corpus.source_documents(name)]
        corpus.write_source(name, docs)
        count += len(docs)
    return count


def live_generation(index: Path) -> str:
    return (index / "CURRENT").read_text("utf-8").strip()


def file_hashes(folder: Path) -> dict[str, str]:
    """Content hashes of a generation's Whoosh files (not the lease or retirement markers)."""
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())
            if p.is_file() and not p.name.startswith(".")}


def wait_for(condition: Callable[[], bool], timeout: float, interval: float = 0.1) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(interval)
    return condition()
