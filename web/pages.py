"""HTML pages: search, labs, related documents, the language switch and the OpenSearch description.

Every page works without JavaScript (plain links and a GET form); static/app.js only adds suggestions,
keyboard navigation and related documents in place.
"""
from __future__ import annotations

from flask import Blueprint, abort, current_app, make_response, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from indexer import IndexNotFound, SchemaMismatch, SearchResults
from web.i18n import COOKIE, COOKIE_MAX_AGE, LANGUAGES
from web.links import page_count, safe_next, search_url
from web.params import related_params, search_params
from web.search import run_search, search_index
from web.status import empty_collection

bp = Blueprint("pages", __name__)

EXAMPLES = ("강화학습", "세그멘테이션", "풀잎스쿨", "U-Net", "ㄱㅎㅎㅅ", "reinforcement learning")


@bp.get("/")
@bp.get("/search")
def search_page() -> ResponseReturnValue:
    params = search_params(request.args)
    index = search_index(current_app)
    try:
        if params.q.strip() or params.filters:  # filters alone browse
            results = run_search(index, params)
            labs = index.labs() if not results.hits else []
        else:
            results, labs = None, index.labs()
    except (IndexNotFound, SchemaMismatch) as exc:
        # Visitors get the state in their language, never the server's paths or an admin command.
        reason = "unavailable_rebuild" if isinstance(exc, SchemaMismatch) else "unavailable_no_index"
        return render_template("search.html", params=params, results=None, labs=[], unavailable=reason,
                               examples=EXAMPLES, collection=None), 503
    if results is not None and not results.hits and results.total and results.page > 1:
        # past the last page (page=9 of 2): the last page instead
        return redirect(search_url(params, page=page_count(results.total, results.per_page)), code=302)
    return render_template("search.html", params=params, results=results, labs=labs, unavailable=None,
                           examples=EXAMPLES, collection=empty_collection(index),
                           without_missing=without_words(params.q, results))


def without_words(query: str, results: SearchResults | None) -> str:
    """The query searched, without the words that matched nothing (the "search without them" link)."""
    if results is None or not results.unmatched:
        return ""
    base = results.corrected or query
    kept = [w for w in base.split() if not any(missing in w for missing in results.unmatched)]
    return " ".join(kept)


@bp.get("/labs")
def labs_page() -> ResponseReturnValue:
    return render_template("labs.html", labs=search_index(current_app).labs())


@bp.get("/labs/<path:lab>")
def lab_page(lab: str) -> ResponseReturnValue:
    index = search_index(current_app)
    summary = next((s for s in index.labs() if s.name == lab), None)
    if summary is None:
        abort(404, description=f"No lab named {lab[:80]!r}.")
    documents = index.lab_documents(lab)
    by_kind = {kind: [d for d in documents if d.kind == kind] for kind in ("page", "readme", "interview")}
    return render_template("lab.html", lab=summary, by_kind=by_kind, key_terms=index.key_terms(lab))


@bp.get("/related")
def related_page() -> ResponseReturnValue:
    doc_id, limit = related_params(request.args)
    index = search_index(current_app)
    documents = index.related(doc_id, limit=limit)
    source = index.document(doc_id)
    if documents is None or source is None:
        abort(404, description="No such document.")
    return render_template("related.html", documents=documents, source=source)


@bp.get("/ui-language")
def set_language() -> ResponseReturnValue:
    """The language switch: remember the choice in a cookie and go back (only ever to a local path)."""
    language = request.args.get("hl", "")
    response = redirect(safe_next(request.args.get("next")), code=303)
    if language in LANGUAGES:
        response.set_cookie(COOKIE, language, max_age=COOKIE_MAX_AGE, samesite="Lax", httponly=True)
    return response


@bp.get("/opensearch.xml")
def opensearch() -> ResponseReturnValue:
    root = current_app.config["PUBLIC_URL"]  # configured, never the Host header ("" = relative links)
    body = render_template("opensearch.xml", root=root, search=url_for("pages.search_page"),
                           suggest=url_for("api.suggest"))
    response = make_response(body)
    response.mimetype = "application/opensearchdescription+xml"
    return response
