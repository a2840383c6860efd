"""Request parameters, validated once for the page and the API alike."""
from __future__ import annotations

from dataclasses import dataclass, field

from werkzeug.datastructures import MultiDict

from web.errors import BadQuery

MAX_QUERY_BYTES = 2000
SORTS = ("relevance", "date")
FILTER_NAMES = ("kind", "lab", "lang")
#: The values a filter parameter may take (lab is free text: lab names come from the sources file).
FILTER_CHOICES: dict[str, tuple[str, ...]] = {"kind": ("page", "readme", "interview"), "lang": ("ko", "en")}
#: Values of one filter parameter per request (lab=a&lab=b … counts repeats too): every active filter
#: is a link on the page that carries all the others, so their number must stay small.
MAX_FILTER_VALUES = 20
#: Characters of one filter value (the longest lab name is far shorter).
MAX_FILTER_CHARS = 200
MAX_SUGGEST_CHARS = 100
MAX_ID_CHARS = 200


@dataclass
class SearchParams:
    q: str = ""
    page: int = 1
    per_page: int = 10
    sort: str = "relevance"
    spell: bool = True  # False: search the words as typed ("search instead for …")
    filters: dict[str, list[str]] = field(default_factory=dict)


def _int(args: MultiDict[str, str], name: str, default: int, low: int, high: int) -> int:
    raw = args.get(name)
    if raw is None:
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
    sort = args.get("sort", "relevance")
    if sort not in SORTS:
        raise BadQuery(f"sort must be one of {', '.join(SORTS)}")
    spell = args.get("spell", "1")
    if spell not in ("0", "1"):
        raise BadQuery("spell must be 0 (search the words as typed) or 1")
    filters = {name: _filter_values(args, name) for name in FILTER_NAMES}
    return SearchParams(
        q=q[:MAX_QUERY_BYTES], page=_int(args, "page", 1, 1, 100), per_page=_int(args, "per_page", 10, 1, 50),
        sort=sort, spell=spell != "0", filters={k: v for k, v in filters.items() if v},
    )


def _filter_values(args: MultiDict[str, str], name: str) -> list[str]:
    """The distinct values of one filter parameter, checked: at most MAX_FILTER_VALUES of at most
    MAX_FILTER_CHARS characters, and one of FILTER_CHOICES where the parameter has fixed values."""
    values = args.getlist(name)
    if len(values) > MAX_FILTER_VALUES:
        raise BadQuery(f"at most {MAX_FILTER_VALUES} {name} values per request, got {len(values)}")
    choices = FILTER_CHOICES.get(name)
    for value in values:
        if len(value) > MAX_FILTER_CHARS:
            raise BadQuery(f"a {name} value is at most {MAX_FILTER_CHARS} characters")
        if choices and value not in choices:
            raise BadQuery(f"{name} must be one of {', '.join(choices)}, got {value[:20]!r}")
    return list(dict.fromkeys(v for v in values if v))


def suggest_params(args: MultiDict[str, str]) -> tuple[str, int, str]:
    """``q`` (what is typed so far, cut to 100 characters), ``limit`` (1–20, default 8) and ``format``
    (json, the default, or opensearch)."""
    answer = args.get("format", "json")
    if answer not in ("json", "opensearch"):
        raise BadQuery("format must be json or opensearch")
    return args.get("q", "")[:MAX_SUGGEST_CHARS], _int(args, "limit", 8, 1, 20), answer


def related_params(args: MultiDict[str, str]) -> tuple[str, int]:
    """``id`` of a document (required) and ``limit`` (1–20, default 5)."""
    doc_id = args.get("id", "")
    if not doc_id:
        raise BadQuery("id is required")
    return doc_id[:MAX_ID_CHARS], _int(args, "limit", 5, 1, 20)
