"""URL hygiene: normalisation, the page key that merges /FCN, /FCN.html and /FCN/, and scope checks."""
from __future__ import annotations

import posixpath
import unicodedata
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit, urlunsplit

_DEFAULT_PORTS = {"http": 80, "https": 443}
_PAGE_SUFFIXES = (".html", ".htm")
_SAFE_PATH = "/%:@!$&'()*+,;=-._~"


def normalize_url(url: str, base: str | None = None) -> str | None:
    """Canonical form of an http(s) URL, or None for anything else (mailto:, javascript:, …).

    Lower-case scheme and host, no default port, no fragment, ``.``/``..`` resolved, sorted query,
    and one percent-encoding (UTF-8, upper-case hex) so raw and encoded Hangul paths compare equal.

    >>> normalize_url("HTTP://Example.COM:80/a/../tag/개념-정리/?b=2&a=1#top")
    'http://example.com/tag/%EA%B0%9C%EB%85%90-%EC%A0%95%EB%A6%AC/?a=1&b=2'
    """
    from urllib.parse import urljoin

    url = url.strip()
    if base is not None:
        url = urljoin(base, url)
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS or not parts.hostname:
        return None
    host = parts.hostname.lower()
    if port is not None and port != _DEFAULT_PORTS[scheme]:
        host = f"{host}:{port}"
    path = unicodedata.normalize("NFC", unquote(parts.path)) or "/"
    trailing = path.endswith("/")
    path = posixpath.normpath(path)
    if path.startswith("//"):
        path = "/" + path.lstrip("/")
    if trailing and path != "/":
        path += "/"
    path = quote(path, safe=_SAFE_PATH)
    query = urlencode(sorted(parse_qsl(parts.query, keep_blank_values=True)))
    return urlunsplit((scheme, host, path, query, ""))


def page_key(url: str) -> str:
    """The identity of a page: ``/FCN``, ``/FCN.html``, ``/FCN/`` and ``/x/index.html`` ≡ ``/x``."""
    parts = urlsplit(url)
    path = parts.path
    if path.endswith("/index.html") or path.endswith("/index.htm"):
        path = path.rsplit("/", 1)[0] + "/"
    for suffix in _PAGE_SUFFIXES:
        if path.endswith(suffix):
            path = path[: -len(suffix)]
    path = path.rstrip("/") or "/"
    return urlunsplit((parts.scheme, parts.netloc, path, parts.query, ""))


def in_scope(url: str, prefix: str) -> bool:
    """True when ``url`` is on the prefix's host and under its path (the prefix's folder)."""
    target, scope = urlsplit(url), urlsplit(prefix)
    if (target.scheme, target.netloc) != (scope.scheme, scope.netloc):
        return False
    folder = scope.path if scope.path.endswith("/") else scope.path.rsplit("/", 1)[0] + "/"
    return (target.path + "/").startswith(folder) or target.path == folder.rstrip("/")


def display_url(url: str) -> str:
    """The URL with its percent-encoded UTF-8 decoded, for people (Hangul stays readable)."""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, unquote(parts.path), unquote(parts.query), ""))
