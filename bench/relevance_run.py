"""nDCG@10 of modusearch, tantivy and FTS5 on the evaluation set, all over the same crawled corpus."""
from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from bench.peers import Fts5Engine, TantivyEngine
from bench.relevance import eval_corpus, evaluate, keys_of
from bench.tokens import cached_tokens, read_tokens


def relevance_all(folder: Path, peers: bool = True) -> dict[str, Any]:
    from indexer import SearchIndex, rebuild

    folder.mkdir(parents=True, exist_ok=True)
    corpus = eval_corpus(folder)
    keys = keys_of(corpus)
    index = folder / "index"
    shutil.rmtree(index, ignore_errors=True)
    rebuild(corpus, index)
    search_index = SearchIndex(index)
    out = {"modusearch": evaluate(lambda q: [h.id for h in search_index.search(q, per_page=10).hits], keys)}
    if peers:
        tokens, _ = cached_tokens(corpus, folder / "tokens.jsonl", procs=1)
        for engine in (TantivyEngine(folder / "tantivy"), Fts5Engine(folder / "fts5.sqlite")):
            engine.build(read_tokens(tokens))
            out[engine.name] = evaluate(lambda q, e=engine: e.search(q), keys)
    return out
