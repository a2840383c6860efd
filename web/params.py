"""Request parameters, validated once for the page and the API alike."""
from __future__ import annotations

from dataclasses import dataclass, field

from werkzeug.datastructures import MultiDict

from web.errors import BadQuery

MAX_QUERY_BYTES = 2000
SORTS = ("relevance", "date")
FILTER_NAMES = ("kind", "lab", "lang")
MAX_SUGGEST_CHARS = 100


@dataclass
class SearchParams:
    q: str = ""
    page: int = 1
    per_page: int = 10
    sort: str = "relevance"
    spell: bool = True  # False: search the words as typed ("search instead for …")
    filters: dict[str, list[str]] = field(default_factory=dict)


def _int(args: MultiDict[str, str], name: str, default: int, low: int, high: int) -> int:
    raw = args.get(name, "")
    if raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise BadQuery(f"{name} must be a whole number, got {raw[:20]!r}") from None
    if value < low:
        raise BadQuery(f"{name} must be at least {low}")
    return min(value, high)


def search_params(args: MultiDict[str, str]) -> SearchParams:
    q = args.get("q", "")
    if len(q.encode("utf-8", "surrogatepass")) > MAX_QUERY_BYTES * 5:
        raise BadQuery(f"query too long (at most {MAX_QUERY_BYTES} characters are used)")
    sort = args.get("sort", "relevance") or "relevance"
    if sort not in SORTS:
        raise BadQuery(f"sort must be one of {', '.join(SORTS)}")
    filters = {name: list(dict.fromkeys(v for v in args.getlist(name) if v)) for name in FILTER_NAMES}
    return SearchParams(
        q=q[:MAX_QUERY_BYTES], page=_int(args, "page", 1, 1, 100), per_page=_int(args, "per_page", 10, 1, 50),
        sort=sort, spell=args.get("spell", "") != "0", filters={k: v for k, v in filters.items() if v},
    )


def suggest_params(args: MultiDict[str, str]) -> tuple[str, int]:
    """``q`` (what is typed so far, cut to 100 characters) and ``limit`` (1–20, default 8)."""
    return args.get("q", "")[:MAX_SUGGEST_CHARS], _int(args, "limit", 8, 1, 20)


def related_params(args: MultiDict[str, str]) -> tuple[str, int]:
    """``id`` of a document (required) and ``limit`` (1–20, default 5)."""
    doc_id = args.get("id", "")
    if not doc_id:
        raise BadQuery("id is required")
    return doc_id[:200], _int(args, "limit", 5, 1, 20)
