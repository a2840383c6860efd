"""One place decides the error format: JSON under /api/, an HTML page elsewhere."""
from __future__ import annotations

import logging

from flask import Flask, Response, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from indexer import IndexerError, IndexNotFound, SchemaMismatch

logger = logging.getLogger(__name__)


class BadQuery(HTTPException):
    code = 400
    description = "bad request"


def error_response(status: int, code: str, message: str) -> tuple[Response | str, int]:
    if request.path.startswith("/api/"):
        return jsonify({"error": {"status": status, "code": code, "message": message}}), status
    return render_template("error.html", status=status, message=message), status


def register(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):  # type: ignore[no-untyped-def]
        code = (exc.name or "error").lower().replace(" ", "_")
        return error_response(exc.code or 500, code, exc.description or exc.name or "error")

    @app.errorhandler(IndexNotFound)
    def no_index(exc: IndexNotFound):  # type: ignore[no-untyped-def]
        return error_response(503, "index_not_ready", f"The index is not built yet. {exc}")

    @app.errorhandler(SchemaMismatch)
    def schema_mismatch(exc: SchemaMismatch):  # type: ignore[no-untyped-def]
        return error_response(503, "rebuild_needed", str(exc))

    @app.errorhandler(IndexerError)
    def indexer_error(exc: IndexerError):  # type: ignore[no-untyped-def]
        logger.error("indexer error: %s", exc)
        return error_response(500, "index_error", "The index could not answer; try again shortly.")
