"""The OpenAPI 3.1 description of the JSON API, served at /api/openapi.json."""
from __future__ import annotations

from typing import Any

from web.limits import MAX_TARGET_BYTES
from web.params import (
    FILTER_CHOICES,
    MAX_FILTER_CHARS,
    MAX_FILTER_VALUES,
    MAX_ID_CHARS,
    MAX_QUERY_BYTES,
    MAX_SUGGEST_CHARS,
    SORTS,
)


def _param(name: str, description: str, schema: dict[str, Any], required: bool = False,
           explode: bool | None = None) -> dict[str, Any]:
    param: dict[str, Any] = {"name": name, "in": "query", "required": required, "description": description,
                             "schema": schema}
    if explode is not None:
        param["explode"] = explode
    return param


_STRING = {"type": "string"}
_FILTERS = [
    _param("lab", f"Only documents of this lab (repeat for several labs: any of them; at most {MAX_FILTER_VALUES}).",
           {"type": "array", "maxItems": MAX_FILTER_VALUES, "items": {"type": "string", "maxLength": MAX_FILTER_CHARS}},
           explode=True),
    _param("kind", f"Only this kind of document: page, readme or interview (repeatable, at most {MAX_FILTER_VALUES}).",
           {"type": "array", "maxItems": MAX_FILTER_VALUES,
            "items": {"type": "string", "enum": list(FILTER_CHOICES["kind"])}}, explode=True),
    _param("lang", f"Only documents in this language: ko or en (repeatable, at most {MAX_FILTER_VALUES}).",
           {"type": "array", "maxItems": MAX_FILTER_VALUES,
            "items": {"type": "string", "enum": list(FILTER_CHOICES["lang"])}}, explode=True),
]

_HIT = {
    "type": "object",
    "required": ["id", "url", "title", "kind", "lab", "lang", "snippet", "score"],
    "properties": {
        "id": {"type": "string", "description": "Stable document id (hash of the canonical URL, or github:owner/repo)."},
        "url": {"type": "string", "description": "Where the document lives: an absolute http or https address "
                                                  "(empty when the stored address is neither)."},
        "title": {"type": "string", "description": "Title as plain text (escape it before putting it in HTML)."},
        "kind": {"type": "string", "enum": ["page", "readme", "interview"]},
        "lab": {"type": "string", "description": "The lab the document belongs to."},
        "lang": {"type": "string", "enum": ["ko", "en"]},
        "snippet": {"type": "string", "description": "HTML: one or two passages of the document's text that "
                                                      "show why it matched, text escaped, the words searched "
                                                      "(as typed, corrected, stemmed or a compound whole) in "
                                                      "<mark>, glossary twins in the other language in "
                                                      "<mark class=\"alt\">. The description stands in only "
                                                      "when no passage of the text matches."},
        "title_html": {"type": "string", "description": "The title as HTML, escaped, with the words searched "
                                                         "marked as in snippet."},
        "author_html": {"type": "string", "description": "The author as HTML, escaped, marked as in snippet."},
        "score": {"type": "number", "description": "Relevance score (higher is better; not comparable across queries)."},
        "published": {"type": "string", "description": "Publication date (ISO 8601) when known, else empty."},
        "author": {"type": "string"},
        "description": {"type": "string", "description": "The page's own summary, when it has one."},
    },
}

_SEARCH_RESULTS = {
    "type": "object",
    "required": ["query", "total", "page", "per_page", "took_ms", "results", "facets", "filters"],
    "properties": {
        "query": {"type": "string", "description": "The query as received."},
        "total": {"type": "integer", "description": "How many documents match (all pages)."},
        "page": {"type": "integer"},
        "per_page": {"type": "integer"},
        "took_ms": {"type": "number", "description": "Time the engine took, in milliseconds."},
        "results": {"type": "array", "items": {"$ref": "#/components/schemas/Hit"}},
        "facets": {"type": "object", "description": "Counts of the matching documents by kind, lab and lang.",
                   "properties": {name: {"type": "object", "additionalProperties": {"type": "integer"}}
                                  for name in ("kind", "lab", "lang")}},
        "filters": {"type": "object", "description": "Filters applied (from parameters and from lab:/kind:/lang: "
                                                     "in the query).",
                    "additionalProperties": {"type": "array", "items": _STRING}},
        "corrected_query": {"type": ["string", "null"], "description": "When the engine corrected a misspelt "
                                                                      "query, the query it searched instead."},
        "did_you_mean": {"type": ["string", "null"], "description": "A spelling suggestion, when there is one."},
        "timed_out": {"type": "boolean", "description": "True when the time limit cut the search short "
                                                        "(results are partial)."},
        "unmatched": {"type": "array", "items": _STRING,
                      "description": "Words of the query (as searched, particles left out) that no result "
                                     "holds; a compound only some results hold in part (학습 of 강화학습) "
                                     "counts as missing. The results match the other words."},
        "choseong": {"type": ["object", "null"], "description": "When the query was only initial consonants "
                                                              "(ㄱㅎㅎㅅ): the completion searched instead "
                                                              "and other completions.",
                     "properties": {"typed": _STRING, "searched": _STRING,
                                    "alternatives": {"type": "array", "items": _STRING}}},
        "browsing": {"type": "boolean", "description": "True when the query had no words, only filters: the "
                                                       "results are the filtered documents, newest first."},
    },
}

_HEALTH = {
    "type": "object",
    "required": ["ok"],
    "properties": {
        "ok": {"type": "boolean"},
        "generation": {"type": "string", "description": "The live index generation (when ok)."},
        "documents": {"type": ["integer", "null"]},
        "built_at": {"type": ["string", "null"]},
        "error": {"type": "string", "description": "Why the index cannot serve (when not ok)."},
        "rebuild_needed": {"type": "boolean", "description": "True when the index was built by another version."},
    },
}

_ERROR = {
    "type": "object",
    "required": ["error"],
    "properties": {"error": {"type": "object", "required": ["status", "code", "message"], "properties": {
        "status": {"type": "integer", "description": "The HTTP status again."},
        "code": {"type": "string", "description": "Machine-readable: bad_request, not_found, index_not_ready, "
                                                  "rebuild_needed, index_error …"},
        "message": {"type": "string", "description": "What went wrong, for people."}}}},
}


def _errors(*statuses: int) -> dict[str, Any]:
    text = {400: "Bad parameter.", 404: "Not found.",
            414: f"The request target (path and query string) is over {MAX_TARGET_BYTES} bytes.",
            503: "The index is not built, cannot be read, or needs a rebuild."}
    return {str(s): {"description": text[s], "content": {"application/json": {
        "schema": {"$ref": "#/components/schemas/Error"}}}} for s in statuses}


def openapi_spec(server: str) -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {"title": "modusearch API", "version": "1",
                 "description": "Search the lab pages, GitHub READMEs and interviews of 모두의연구소 (Modulabs)."},
        "servers": [{"url": server or "/"}],
        "paths": {
            "/api/search": {"get": {
                "summary": "Ranked, highlighted, faceted search results",
                "parameters": [
                    _param("q", f"The query: words (any may match, more rank higher), \"exact phrase\", -word, "
                                "and filters lab:, kind:, lang:. Korean and English; only initial consonants "
                                "(ㄱㅎㅎㅅ) search their best completion. Empty with filters: the filtered "
                                f"documents, newest first. At most {MAX_QUERY_BYTES} characters are used.",
                           _STRING),
                    _param("page", "Page number from 1 (pages past 100 answer as page 100).",
                           {"type": "integer", "minimum": 1, "default": 1}),
                    _param("per_page", "Results per page, 1–50 (larger values are capped at 50).",
                           {"type": "integer", "minimum": 1, "default": 10}),
                    _param("sort", "relevance (default) or date (newest first).",
                           {"type": "string", "enum": list(SORTS), "default": "relevance"}),
                    *_FILTERS,
                    _param("spell", "0 searches the words as typed, without spelling correction.",
                           {"type": "string", "enum": ["0", "1"], "default": "1"}),
                ],
                "responses": {"200": {"description": "Results", "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/SearchResults"}}}}, **_errors(400, 414, 503)},
            }},
            "/api/suggest": {"get": {
                "summary": "Completions while typing (titles, labs, repositories, frequent terms)",
                "description": "Prefix matching on jamo, so a syllable still being composed matches (풀이 → 풀잎스쿨); "
                               "a query of initial consonants matches 초성 (ㄱㅎㅎㅅ → 강화학습); English by prefix. "
                               "The last word of a longer query is completed with the words before it kept "
                               "(U-Net 세그 → U-Net 세그멘테이션); keys typed in the wrong keyboard mode are "
                               "completed too (rkdgh → 강화학습). Labs, programme names and whole compounds "
                               "come before common words.",
                "parameters": [
                    _param("q", f"What has been typed so far (first {MAX_SUGGEST_CHARS} characters used).", _STRING),
                    _param("limit", "At most this many suggestions, from 1 (more than 20 are capped at 20).",
                           {"type": "integer", "minimum": 1, "default": 8}),
                    _param("format", "json (the default) or opensearch: the OpenSearch suggestions array "
                                     "[query, [completions]].",
                           {"type": "string", "enum": ["json", "opensearch"], "default": "json"}),
                ],
                "responses": {"200": {"description": "Suggestions, best first (with format=opensearch: the "
                                                     "OpenSearch suggestions array)", "content": {
                    "application/x-suggestions+json": {"schema": {
                        "type": "array", "minItems": 2, "maxItems": 2, "description": "[query, [completions]]",
                        "items": {"anyOf": [_STRING, {"type": "array", "items": _STRING}]}}},
                    "application/json": {
                    "schema": {"type": "object", "required": ["query", "suggestions", "took_ms"], "properties": {
                        "query": _STRING,
                        "took_ms": {"type": "number"},
                        "suggestions": {"type": "array", "items": {"type": "object", "required": ["text", "type", "count"],
                                        "properties": {
                                            "text": {"type": "string", "description": "What to search for."},
                                            "type": {"type": "string", "enum": ["lab", "repo", "title", "term"]},
                                            "count": {"type": "integer", "description": "Documents it occurs in."},
                                            "lab": {"type": "string"},
                                            "url": {"type": "string", "description": "The document (titles, repos): "
                                                                                     "an http(s) address or empty; "
                                                                                     "a document suggestion opens it."},
                                            "match": {"type": "array", "items": {"type": "integer"},
                                                      "minItems": 2, "maxItems": 2,
                                                      "description": "[start, end): the characters of text "
                                                                     "(code points) that what was typed stands "
                                                                     "for, to show in bold."},
                                        }}}}}}}}, **_errors(400, 414, 503)},
            }},
            "/api/related": {"get": {
                "summary": "Documents like a given one (Whoosh more-like-this over the body text)",
                "parameters": [_param("id", f"A document id from /api/search (first {MAX_ID_CHARS} characters used).",
                                      {"type": "string", "minLength": 1}, required=True),
                               _param("limit", "From 1 (more than 20 are capped at 20).",
                                      {"type": "integer", "minimum": 1, "default": 5})],
                "responses": {"200": {"description": "Related documents", "content": {"application/json": {
                    "schema": {"type": "object", "properties": {"id": _STRING, "related": {"type": "array", "items": {
                        "type": "object", "properties": {k: _STRING for k in (
                            "id", "url", "title", "kind", "lab", "lang", "published", "excerpt")}}}}}}}},
                    **_errors(400, 404, 414, 503)},
            }},
            "/api/labs": {"get": {
                "summary": "Every lab with its number of documents by kind",
                "responses": {"200": {"description": "Labs, largest first", "content": {"application/json": {
                    "schema": {"type": "object", "properties": {"labs": {"type": "array", "items": {
                        "type": "object", "properties": {"name": _STRING, "documents": {"type": "integer"},
                                                         "by_kind": {"type": "object"}}}}}}}}},
                    **_errors(414, 503)},
            }},
            "/api/stats": {"get": {
                "summary": "Index statistics and corpus freshness",
                "responses": {"200": {"description": "Statistics", "content": {"application/json": {"schema": {
                    "type": "object", "properties": {
                        "documents": {"type": "integer"},
                        "by_kind": {"type": "object", "additionalProperties": {"type": "integer"}},
                        "by_lab": {"type": "object", "additionalProperties": {"type": "integer"}},
                        "index_built_at": {"type": "string", "description": "When the live index was built."},
                        "corpus": {"type": "object", "description": "Per source: documents and written_at (when the "
                                                                    "crawler last changed it); oldest and newest."},
                    }}}}}, **_errors(414, 503)},
            }},
            "/healthz": {"get": {
                "summary": "Whether the index can serve",
                "responses": {
                    "200": {"description": "The index serves", "content": {"application/json": {"schema": _HEALTH}}},
                    "503": {"description": "It cannot: ok false and why (no index yet, unreadable, rebuild needed)",
                            "content": {"application/json": {"schema": _HEALTH}}},
                    "414": _errors(414)["414"]},
            }},
        },
        "components": {"schemas": {"Hit": _HIT, "SearchResults": _SEARCH_RESULTS, "Error": _ERROR}},
    }
