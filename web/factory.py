"""``create_app``: the Flask application factory."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from flask import Flask

from indexer import SearchIndex

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_INDEX = ROOT / "var" / "index"


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    app = Flask(__name__)
    app.config.from_mapping(
        INDEX_PATH=os.environ.get("MODUSEARCH_INDEX") or str(DEFAULT_INDEX),
        RELOAD_INTERVAL=2.0,
        SEARCH_TIME_LIMIT=2.0,
        JSON_AS_ASCII=False,
    )
    if test_config:
        app.config.update(test_config)
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    app.extensions["modusearch"] = SearchIndex(app.config["INDEX_PATH"],
                                               reload_interval=app.config["RELOAD_INTERVAL"],
                                               time_limit=app.config["SEARCH_TIME_LIMIT"])
    from web import api, errors, i18n, links, pages, security

    app.register_blueprint(api.bp)
    app.register_blueprint(pages.bp)
    errors.register(app)
    security.register(app)
    i18n.register(app)
    links.register(app)
    return app

