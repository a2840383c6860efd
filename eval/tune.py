"""``python -m eval.tune``: grid search of the ranking knobs on the tuning part of the evaluation set.

Prints nDCG@10 on the tuning queries and on the held-out third for each setting; the defaults in
``indexer/storage/schema.py``, ``indexer/search/scoring.py`` and ``indexer/search/expand.py`` were chosen
from its output.
"""
from __future__ import annotations

import itertools
import tempfile
from pathlib import Path

from eval.judgments import load_judgments
from eval.metrics import aggregate
from eval.runner import ModusearchSystem, crawled_fixtures, keyed_documents, run_system

GRID = {
    "expansion": [0.3, 0.5, 0.7],
    "title": [2.0, 4.0],
    "body": [1.0],
    "B": [0.5, 0.75],
    "K1": [1.2, 2.0],
}


def main() -> None:
    from indexer import rebuild
    from indexer.search import expand, query, scoring
    from indexer.storage import schema

    judgments = load_judgments()
    held = judgments.held_out()
    tune_ids = [q.id for q in judgments.queries if q.id not in held]
    with tempfile.TemporaryDirectory(prefix="modusearch-tune-") as tmp, crawled_fixtures(Path(tmp)) as corpus:
        rebuild(corpus, Path(tmp) / "index")
        system = ModusearchSystem(Path(tmp) / "index", {d.id: k for k, d in keyed_documents(corpus)})
        original = dict(schema.FIELD_WEIGHTS)
        for values in itertools.product(*GRID.values()):
            setting = dict(zip(GRID, values, strict=False))
            expand.expand.__defaults__ = (None, setting["expansion"])
            query.FIELD_WEIGHTS.update(original, title=setting["title"], body=setting["body"])
            system.index.weighting = scoring.PriorBM25F(B=setting["B"], K1=setting["K1"])
            scores = run_system(system, judgments)
            print(f"{aggregate(scores, tune_ids)['nDCG@10']:.4f} tune  {aggregate(scores, held)['nDCG@10']:.4f} held  "
                  + " ".join(f"{k}={v}" for k, v in setting.items()), flush=True)


if __name__ == "__main__":
    main()
