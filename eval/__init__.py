"""The relevance yardstick: crawl the fixtures, index them with modusearch and three baselines, score the judgments.

``python -m eval`` prints nDCG@10, MRR@10 and Recall@10 per system, overall and per query category, and
writes the same table to ``eval/results.md``. :func:`evaluate_modusearch` is the fast path the CI gate uses.
"""
from __future__ import annotations

from eval.judgments import Judgments, load_judgments
from eval.metrics import MEASURES, aggregate, per_query
from eval.runner import ModusearchSystem, evaluate_modusearch, run_system

__all__ = [
    "MEASURES",
    "Judgments",
    "ModusearchSystem",
    "aggregate",
    "evaluate_modusearch",
    "load_judgments",
    "per_query",
    "run_system",
]
