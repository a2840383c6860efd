"""What the app refuses before it reads a request: a request target that is too long or not UTF-8.

The HTTP front (web/server.py) already closes slow connections and refuses request heads over 64 KiB and
bytes that are not HTTP; this is the app's own cap, checked once for every route before anything reads
the query string, so the answer is in the route's error shape (JSON under /api/, HTML elsewhere) and
costs the same whatever the route. The parameters' own caps (query length, filter values per facet)
are in web/params.py.
"""
from __future__ import annotations

from flask import Flask, request
from werkzeug.exceptions import RequestURITooLarge

from web.errors import BadQuery

#: Bytes of the request target (path and query string, as sent: percent-encoded). A query of 2,000
#: Latin letters or 900 Hangul syllables with a few filters fits; longer targets get a 414.
MAX_TARGET_BYTES = 8192


def raw_target() -> tuple[bytes, bytes]:
    """The path and query string as the client sent them (WSGI carries raw bytes as latin-1 text)."""
    environ = request.environ
    path = (environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", "")).encode("latin-1", "replace")
    return path, environ.get("QUERY_STRING", "").encode("latin-1", "replace")


def check_target() -> None:
    """414 for a target over :data:`MAX_TARGET_BYTES`; 400 for raw bytes that are not UTF-8 (werkzeug
    would raise UnicodeDecodeError reading them: a 500 and a traceback)."""
    path, query = raw_target()
    if len(path) + len(query) + 1 > MAX_TARGET_BYTES:
        raise RequestURITooLarge(f"The request target is over {MAX_TARGET_BYTES} bytes; shorten the query "
                                 "or use fewer filters.")
    try:
        path.decode("utf-8")
        query.decode("utf-8")
    except UnicodeDecodeError:
        raise BadQuery("The request target holds bytes that are not UTF-8; percent-encode them.") from None


def target_ok() -> bool:
    """Whether the current request passed :func:`check_target` (error pages must not echo it otherwise)."""
    try:
        check_target()
    except (RequestURITooLarge, BadQuery):
        return False
    return True


def register(app: Flask) -> None:
    """Check every request first: register before any other before_request hook (i18n reads ?hl=)."""
    app.before_request_funcs.setdefault(None, []).insert(0, check_target)
