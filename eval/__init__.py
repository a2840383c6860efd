"""The relevance yardstick: crawl the fixtures, index them with modusearch and three baselines, score the judgments.

``python -m eval`` prints nDCG@10, MRR@10 and Recall@10 per system, overall and per query category, and
writes the same table to ``eval/results.md``, with the share of first-page results whose snippet marks why
they matched. :func:`evaluate_modusearch` is the fast path the CI gate uses.
"""
from __future__ import annotations

from eval.judgments import Judgments, load_judgments
from eval.metrics import MEASURES, aggregate, per_query
from eval.runner import MarkShare, ModusearchSystem, evaluate_modusearch, mark_share, run_system

__all__ = [
    "MEASURES",
    "Judgments",
    "MarkShare",
    "ModusearchSystem",
    "aggregate",
    "evaluate_modusearch",
    "load_judgments",
    "mark_share",
    "per_query",
    "run_system",
]
