"""nDCG@10, MRR@10 and Recall@10 through ir-measures (trec_eval's definitions, linear gain = grade).

A query a system returns nothing for scores 0 on every measure (trec_eval would silently skip it).
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping

import ir_measures
from ir_measures import RR, R, nDCG

MEASURES = {"nDCG@10": nDCG @ 10, "MRR@10": RR @ 10, "R@10": R @ 10}


def per_query(qrels: Mapping[str, Mapping[str, int]],
              rankings: Mapping[str, list[str]]) -> dict[str, dict[str, float]]:
    """{query id: {measure name: value}} for every judged query; ``rankings`` are doc keys, best first."""
    run = {qid: {key: float(len(keys) - rank) for rank, key in enumerate(dict.fromkeys(keys))}
           for qid, keys in rankings.items() if keys}
    scores = {qid: {name: 0.0 for name in MEASURES} for qid in qrels}
    by_measure = {measure: name for name, measure in MEASURES.items()}
    for metric in ir_measures.iter_calc(list(MEASURES.values()), dict(qrels), run):
        if metric.query_id in scores:
            scores[metric.query_id][by_measure[metric.measure]] = float(metric.value)
    return scores


def aggregate(scores: Mapping[str, Mapping[str, float]], ids: Iterable[str] | None = None) -> dict[str, float]:
    """Mean of each measure over ``ids`` (default: all queries)."""
    chosen = list(scores if ids is None else ids)
    if not chosen:
        return {name: 0.0 for name in MEASURES}
    return {name: sum(scores[q][name] for q in chosen) / len(chosen) for name in MEASURES}
