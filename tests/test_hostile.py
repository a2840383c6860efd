"""Hostile and odd input through the real HTTP API of the production server: never a 500.

Each request gets results or a clear 400 in the JSON error shape; a few also pin what the answer
must be (NFD Hangul finds the NFC documents, wildcards are text, the time limit holds).
"""
from __future__ import annotations

import time
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from whoosh import query as wq

from helpers import get, web_server
from indexer import SearchIndex
from indexer.search import query as userquery


@pytest.fixture(scope="module")
def base_url(crawled: dict[str, Path]) -> Iterator[str]:
    with web_server(crawled["index"]) as url:
        yield url


def api(base_url: str, query_string: str) -> tuple[int, dict]:
    status, headers, body = get(f"{base_url}/api/search?{query_string}", timeout=30)
    assert status != 500 and status < 500, (query_string[:80], status, body[:300])
    if status == 414 and not body and len(query_string) > 64 * 1024:
        return status, {}  # refused by the HTTP front before the app (web/server.py), with no body
    assert headers.get("Content-Type", "").startswith("application/json"), headers
    import json

    data = json.loads(body)
    if status == 200:
        assert isinstance(data["results"], list) and isinstance(data["total"], int)
    else:
        assert status in (400, 414), (status, data)  # 414: a request target over web.limits.MAX_TARGET_BYTES
        assert set(data) == {"error"} and set(data["error"]) == {"status", "code", "message"}
        assert data["error"]["status"] == status and data["error"]["message"]
    return status, data


HOSTILE_QUERIES = {
    "empty": "",
    "spaces": "   \t  ",
    "10 KB": "세그멘테이션 " * 1700,
    "10 KB one word": "a" * 10240,
    "punctuation only": "!!! ??? ... ;;; --- *** ''' ```",
    "unbalanced quote": '"unet segmentation',
    "unbalanced quotes": '""" " "a" "',
    "unbalanced brackets": "((( [[[ {{{ unet )) ]",
    "unknown field": "title:unet",
    "unknown empty field": "foo: bar:",
    "filter without value": "lab: kind: lang:",
    "odd filter value": 'lab:"" kind:nonsense lang:xx',
    "wildcard": "*",
    "prefix wildcard": "a*",
    "wildcards": "* ? ** *a* ???",
    "boolean syntax": "unet AND OR NOT ^2 ~3 NEAR/2",
    "nul and controls": "unet\x00\x01\x07\x1b[31m\x7f",
    "emoji": "🙂🧠🔬 unet 👩‍🔬",
    "rtl": "\u202eunet\u202c مرحبا שלום",
    "zero width": "세그\u200b멘테이션\ufeff",
    "combining marks": "u\u0301\u0301\u0301net",
    "full-width": "ｓｅｇｍｅｎｔａｔｉｏｎ",
    "nfd hangul": unicodedata.normalize("NFD", "세그멘테이션"),
    "hanja": "研究所 硏究",
    "only minus": "- -- -unet",
    "html": "<script>alert(1)</script>",
    "sql": "' OR 1=1; DROP TABLE docs; --",
    "percent": "100% %s %d {}",
    "newlines": "unet\r\nsegmentation\n\n",
}


@pytest.mark.parametrize("name", sorted(HOSTILE_QUERIES))
def test_hostile_query_never_500(base_url: str, name: str) -> None:
    started = time.monotonic()
    status, data = api(base_url, "q=" + quote(HOSTILE_QUERIES[name]))
    assert time.monotonic() - started < 10
    if status == 200 and name not in ("10 KB", "10 KB one word"):
        assert data["query"] == HOSTILE_QUERIES[name] or name in ("nul and controls",)


@pytest.mark.parametrize("raw", ["%ED%A0%80", "%ED%A0%80%ED%B0%80unet", "%FF%FE", "%C0%AF", "%00", "%E2%80%AE",
                                 "%F0%9F", "%", "%%%", "%ZZ"])
def test_undecodable_bytes_in_the_url(base_url: str, raw: str) -> None:
    api(base_url, "q=" + raw)
    status, _, _ = get(f"{base_url}/?q={raw}")
    assert status in (200, 400)


@pytest.mark.parametrize("params", ["page=-1", "page=0", "page=abc", "page=1e3", "page=", "page=99999999999999999999",
                                    "page=" + "9" * 5000, "per_page=0", "per_page=-5", "per_page=100000",
                                    "per_page=x", "per_page=51", "page=2.5", "page=%EF%BC%91", "sort=random",
                                    "lab=%00&kind=%ED%A0%80&lang=" + "x" * 3000, "q=unet&q=%00"])
def test_odd_parameters(base_url: str, params: str) -> None:
    status, data = api(base_url, "q=unet&" + params)
    if status == 200:
        assert 1 <= data["page"] <= 100 and 1 <= data["per_page"] <= 50
        assert len(data["results"]) <= data["per_page"]


def test_out_of_range_numbers_are_clamped_or_refused(base_url: str) -> None:
    assert api(base_url, "q=unet&page=-1")[0] == 400
    assert api(base_url, "q=unet&page=abc")[0] == 400
    status, data = api(base_url, "q=unet&per_page=100000")
    assert status == 200 and data["per_page"] == 50
    status, data = api(base_url, "q=unet&page=99999999999999999999")
    assert status == 200 and data["results"] == []


def ids(base_url: str, query: str) -> list[str]:
    status, data = api(base_url, "per_page=50&q=" + quote(query))
    assert status == 200
    return [r["id"] for r in data["results"]]


def test_nfd_hangul_matches_nfc_documents(base_url: str) -> None:
    nfc = ids(base_url, "세그멘테이션")
    assert nfc and ids(base_url, unicodedata.normalize("NFD", "세그멘테이션")) == nfc


def test_full_width_latin_matches_ascii(base_url: str) -> None:
    ascii_ids = ids(base_url, "segmentation")
    assert ascii_ids and ids(base_url, "ｓｅｇｍｅｎｔａｔｉｏｎ") == ascii_ids


def test_wildcards_are_text_not_expansions(base_url: str) -> None:
    assert ids(base_url, "*") == []  # not every document
    assert ids(base_url, "segment*") == ids(base_url, "segment")
    for text in ("*", "a*", "seg*ation", "?", "unet~2", "[a TO z]"):
        built = userquery.build(userquery.parse(text))
        assert not any(isinstance(node, (wq.Wildcard, wq.Prefix, wq.FuzzyTerm, wq.Regex, wq.TermRange))
                       for node in built.leaves()), (text, built)


def test_query_size_is_capped(search_index: SearchIndex) -> None:
    words = " ".join(f"word{i} 단어{i}" for i in range(5000))
    built = userquery.build(userquery.parse(words))
    assert len(list(built.leaves())) <= 1000
    started = time.monotonic()
    search_index.search(words)
    assert time.monotonic() - started < 5


def test_pathological_query_is_bounded_over_http(base_url: str) -> None:
    phrases = " ".join(f'"{a} {b}"' for a, b in zip("abcdefghijklmnopqrstuvwxyz" * 40, "zyxwvutsrqponmlkjihgfedcba" * 40, strict=False))
    started = time.monotonic()
    status, _ = api(base_url, "q=" + quote(phrases[:9000]))
    assert status in (200, 400, 414) and time.monotonic() - started < 5


def test_searcher_time_limit_stops_a_slow_search(crawled: dict[str, Path]) -> None:
    hurried = SearchIndex(crawled["index"], time_limit=1e-6)
    started = time.monotonic()
    results = hurried.search("modulabs 연구소 딥러닝 the a learning")
    assert results.timed_out and time.monotonic() - started < 2
