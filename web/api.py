"""JSON API: /api/search and /healthz."""
from __future__ import annotations

from flask import Blueprint, current_app, jsonify, request
from flask.typing import ResponseReturnValue

from web.factory import search_index
from web.params import search_params

bp = Blueprint("api", __name__)


@bp.get("/api/search")
def search() -> ResponseReturnValue:
    params = search_params(request.args)
    results = search_index(current_app).search(params.q, page=params.page, per_page=params.per_page,
                                               filters=params.filters, sort=params.sort)
    return jsonify(results.to_dict())


@bp.get("/healthz")
def healthz() -> ResponseReturnValue:
    status = search_index(current_app).status()
    return jsonify(status), 200 if status["ok"] else 503
