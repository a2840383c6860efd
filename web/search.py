"""The app's search index, and one search call for the page and the API alike."""
from __future__ import annotations

import inspect
from functools import lru_cache
from typing import Any

from flask import Flask

from indexer import SearchIndex, SearchResults
from web.params import SearchParams


def search_index(app: Flask) -> SearchIndex:
    """The SearchIndex ``create_app`` put in the app's extensions."""
    index: SearchIndex = app.extensions["modusearch"]
    return index


@lru_cache(maxsize=4)
def _accepts(function: Any, name: str) -> bool:
    return name in inspect.signature(function).parameters


def run_search(index: SearchIndex, params: SearchParams) -> SearchResults:
    """Search with the validated parameters; ``spell=0`` asks the engine not to correct the query."""
    options: dict[str, Any] = {}
    # The engine's spelling correction is optional: pass the switch only to an engine that has it.
    if not params.spell and _accepts(SearchIndex.search, "correct"):
        options["correct"] = False
    return index.search(params.q, page=params.page, per_page=params.per_page, filters=params.filters,
                        sort=params.sort, **options)
