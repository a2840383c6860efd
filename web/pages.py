"""HTML pages: the search page (works without JavaScript: a plain GET form)."""
from __future__ import annotations

from flask import Blueprint, current_app, render_template, request
from flask.typing import ResponseReturnValue

from indexer import IndexNotFound, SchemaMismatch
from web.factory import search_index
from web.params import search_params

bp = Blueprint("pages", __name__)

KIND_LABELS = {"page": "lab page", "readme": "README", "interview": "interview"}


@bp.get("/")
@bp.get("/search")
def search_page() -> ResponseReturnValue:
    params = search_params(request.args)
    index = search_index(current_app)
    try:
        results = index.search(params.q, page=params.page, per_page=params.per_page, filters=params.filters,
                               sort=params.sort) if params.q.strip() else None
    except (IndexNotFound, SchemaMismatch) as exc:
        return render_template("search.html", params=params, results=None, unavailable=str(exc),
                               kind_labels=KIND_LABELS), 503
    return render_template("search.html", params=params, results=results, unavailable=None,
                           kind_labels=KIND_LABELS)
