"""One place decides the error format: JSON under /api/ (and /healthz), an HTML page elsewhere."""
from __future__ import annotations

import logging

from flask import Flask, Response, jsonify, make_response, render_template, request
from werkzeug.exceptions import HTTPException, MethodNotAllowed

from indexer import IndexerError, IndexNotFound, SchemaMismatch

logger = logging.getLogger(__name__)


class BadQuery(HTTPException):
    code = 400
    description = "bad request"


def wants_json() -> bool:
    """The API and the health check answer errors in JSON; pages in HTML."""
    return request.path.startswith("/api/") or request.path == "/healthz"


def error_response(status: int, code: str, message: str) -> Response:
    if wants_json():
        response = jsonify({"error": {"status": status, "code": code, "message": message}})
    else:
        response = make_response(render_template("error.html", status=status, message=message))
    response.status_code = status
    return response


def register(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> Response:
        code = (exc.name or "error").lower().replace(" ", "_")
        response = error_response(exc.code or 500, code, exc.description or exc.name or "error")
        if isinstance(exc, MethodNotAllowed) and exc.valid_methods:  # RFC 9110: a 405 says what is allowed
            response.headers["Allow"] = ", ".join(exc.valid_methods)
        return response

    @app.errorhandler(IndexNotFound)
    def no_index(exc: IndexNotFound) -> Response:
        return error_response(503, "index_not_ready", f"The index is not ready. {exc}")

    @app.errorhandler(SchemaMismatch)
    def schema_mismatch(exc: SchemaMismatch) -> Response:
        return error_response(503, "rebuild_needed", str(exc))

    @app.errorhandler(IndexerError)
    def indexer_error(exc: IndexerError) -> Response:
        logger.error("indexer error: %s", exc)
        return error_response(500, "index_error", "The index could not answer; try again shortly.")
