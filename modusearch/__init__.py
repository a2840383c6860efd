"""The ``modusearch`` command: one entry point for an operator (and cron) over the three packages.

``modusearch crawl|rebuild|update|verify|serve`` are the commands of ``python -m crawler``,
``python -m indexer`` and ``python -m web``; ``modusearch refresh`` is a crawl followed by an index update,
with the exit codes cron needs (README "Exit codes"). This package only wires the others together:
nothing imports it.
"""
from __future__ import annotations

from modusearch.cli import main

__all__ = ["main"]
