"""The web app: a search page and a JSON API over the live index.

Nothing imports ``web``; it depends only on ``indexer``'s public API.
"""
from __future__ import annotations

from web.factory import create_app

__all__ = ["create_app"]
