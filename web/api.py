"""JSON API: /api/search, /api/suggest, /api/related, /api/labs, /api/stats, /api/openapi.json and /healthz."""
from __future__ import annotations

import time

from flask import Blueprint, current_app, jsonify, request
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import NotFound

from web.links import http_url
from web.openapi import openapi_spec
from web.params import related_params, search_params, suggest_params
from web.search import run_search, search_index

bp = Blueprint("api", __name__)


@bp.get("/api/search")
def search() -> ResponseReturnValue:
    params = search_params(request.args)
    found = run_search(search_index(current_app), params).to_dict()
    _http_urls(found["results"])
    return jsonify(found)


def _http_urls(documents: list[dict]) -> list[dict]:
    """Hand out only http(s) document addresses ("" otherwise): a client may render them as links."""
    for document in documents:
        if "url" in document:
            document["url"] = http_url(document["url"])
    return documents


@bp.get("/api/suggest")
def suggest() -> ResponseReturnValue:
    started = time.perf_counter()
    q, limit, answer = suggest_params(request.args)
    suggestions = search_index(current_app).suggest(q, limit=limit)
    if answer == "opensearch":
        # The OpenSearch suggestions extension: [query, [completions]] (browsers' address bars read this).
        response = jsonify([q, [s.text for s in suggestions]])
        response.mimetype = "application/x-suggestions+json"
        return response
    return jsonify({"query": q, "suggestions": _http_urls([s.to_dict() for s in suggestions]),
                    "took_ms": round((time.perf_counter() - started) * 1000, 3)})


@bp.get("/api/related")
def related() -> ResponseReturnValue:
    doc_id, limit = related_params(request.args)
    documents = search_index(current_app).related(doc_id, limit=limit)
    if documents is None:
        raise NotFound(f"no document with id {doc_id[:80]!r}")
    return jsonify({"id": doc_id, "related": _http_urls([d.to_dict() for d in documents])})


@bp.get("/api/labs")
def labs() -> ResponseReturnValue:
    return jsonify({"labs": [lab.to_dict() for lab in search_index(current_app).labs()]})


@bp.get("/api/stats")
def stats() -> ResponseReturnValue:
    return jsonify(search_index(current_app).stats())


@bp.get("/api/openapi.json")
def openapi() -> ResponseReturnValue:
    return jsonify(openapi_spec(current_app.config["PUBLIC_URL"]))


@bp.get("/healthz")
def healthz() -> ResponseReturnValue:
    status = search_index(current_app).status()
    return jsonify(status), 200 if status["ok"] else 503
