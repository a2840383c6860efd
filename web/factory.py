"""``create_app``: the Flask application factory."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from flask import Flask

from indexer import SearchIndex
from web.links import public_url

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_INDEX = ROOT / "var" / "index"


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    app = Flask(__name__)
    app.config.from_mapping(
        INDEX_PATH=os.environ.get("MODUSEARCH_INDEX") or str(DEFAULT_INDEX),
        RELOAD_INTERVAL=2.0,
        SEARCH_TIME_LIMIT=2.0,
        JSON_AS_ASCII=False,
        # The site's absolute address for generated links ("" = relative links); never the Host header.
        PUBLIC_URL=os.environ.get("MODUSEARCH_PUBLIC_URL", ""),
    )
    if test_config:
        app.config.update(test_config)
    if app.config["PUBLIC_URL"]:
        app.config["PUBLIC_URL"] = public_url(app.config["PUBLIC_URL"])  # ValueError when it is not http(s)
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    app.extensions["modusearch"] = SearchIndex(app.config["INDEX_PATH"],
                                               reload_interval=app.config["RELOAD_INTERVAL"],
                                               time_limit=app.config["SEARCH_TIME_LIMIT"])
    from web import api, errors, i18n, limits, links, pages, security

    limits.register(app)  # first: nothing may read the request target before it is checked
    app.register_blueprint(api.bp)
    app.register_blueprint(pages.bp)
    errors.register(app)
    security.register(app)
    i18n.register(app)
    links.register(app)
    return app

