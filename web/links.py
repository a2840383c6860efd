"""URLs the pages link to (search state kept in every link) and the text filters templates use."""
from __future__ import annotations

import math
from typing import Any
from urllib.parse import unquote, urlencode, urlsplit

from flask import Flask, request, url_for

from web.limits import target_ok
from web.params import FILTER_NAMES, SearchParams


def search_url(params: SearchParams, **changes: Any) -> str:
    """/search with the current query, filters and sort, changed by ``changes`` (page resets unless given)."""
    state: dict[str, Any] = {"q": params.q, "sort": params.sort, "page": 1, "per_page": params.per_page,
                             **{name: list(params.filters.get(name, [])) for name in FILTER_NAMES}}
    state.update(changes)
    pairs: list[tuple[str, Any]] = []
    for name in ("q", *FILTER_NAMES, "sort", "page", "per_page", "spell"):
        value = state.get(name)
        if name == "spell":  # only ever asked for explicitly ("search instead for …"): spell=0
            value = "0" if value in ("0", 0, False) else None
        if name == "sort" and value == "relevance":
            continue
        if (name == "page" and value == 1) or (name == "per_page" and value == 10):
            continue
        if isinstance(value, list):
            pairs.extend((name, v) for v in value)
        elif value not in (None, ""):
            pairs.append((name, value))
    return url_for("pages.search_page") + ("?" + urlencode(pairs) if pairs else "")


def toggle_filter_url(params: SearchParams, name: str, value: str) -> str:
    current = list(params.filters.get(name, []))
    current = [v for v in current if v != value] if value in current else current + [value]
    return search_url(params, **{name: current})


def page_numbers(page: int, pages: int, around: int = 2) -> list[int]:
    low, high = max(1, page - around), min(pages, page + around)
    return list(range(low, high + 1))


def page_count(total: int, per_page: int, max_page: int = 100) -> int:
    return min(max_page, max(1, math.ceil(total / per_page)))


def readable_url(url: str) -> str:
    """``https://host/a%20b/c`` → ``host › a b › c``: decoded, so Hangul paths read as Hangul."""
    parts = urlsplit(url)
    segments = [unquote(s) for s in parts.path.split("/") if s]
    return " › ".join([parts.netloc, *segments]) if parts.netloc else unquote(url)


def short_date(value: str) -> str:
    return (value or "")[:10]


def http_url(url: str) -> str:
    """``url`` when it is an absolute http or https address, else "": a ``javascript:``, ``data:`` or
    relative address from a crawled page is never rendered as a link (nor handed out by the API)."""
    url = (url or "").strip()
    try:
        parts = urlsplit(url)  # drops tabs and newlines and leading controls, as browsers do
    except ValueError:
        return ""
    return url if parts.scheme.lower() in ("http", "https") and parts.netloc else ""


def public_url(value: str | None, host: str = "127.0.0.1", port: int = 8000) -> str:
    """The site's absolute address for generated links (``/opensearch.xml``, the OpenAPI ``servers``):
    ``value`` when given (http or https, a host, an optional path prefix; no query, fragment or user),
    else the address the server listens on. Never the client's Host header, which anyone can set."""
    if not value:
        shown = "127.0.0.1" if host in ("", "0.0.0.0", "::") else host
        return f"http://{f'[{shown}]' if ':' in shown else shown}:{port}"
    try:
        parts = urlsplit(value.strip())
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        raise ValueError(f"public URL is not a valid URL: {value!r}") from None
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment \
            or parts.username or parts.password:
        raise ValueError(f"public URL must be http(s)://host[:port][/path], got {value!r}")
    return f"{parts.scheme}://{parts.netloc}{parts.path.rstrip('/')}"


def here() -> str:
    """The current page as a local path, for the language switch; the home page when the request target
    was refused (too long, not UTF-8), so an error page never echoes it."""
    return request.full_path.rstrip("?") if target_ok() else "/"


def safe_next(target: str | None) -> str:
    """A local path to go back to; anything else (other hosts, schemes, //evil) becomes the home page."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or any(ord(c) < 32 for c in target):
        return "/"
    return target


def register(app: Flask) -> None:
    app.jinja_env.globals.update(search_url=search_url, toggle_filter_url=toggle_filter_url,
                                 page_numbers=page_numbers, page_count=page_count, here=here)
    app.jinja_env.filters.update(readable_url=readable_url, short_date=short_date, http_url=http_url)
