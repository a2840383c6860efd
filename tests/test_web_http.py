"""The real app behind the production server, over HTTP."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest

from helpers import get, get_json, web_server


@pytest.fixture(scope="module")
def base_url(crawled: dict[str, Path]) -> Iterator[str]:
    with web_server(crawled["index"]) as url:
        yield url


def test_api_search_shape(base_url: str) -> None:
    status, data = get_json(f"{base_url}/api/search?q={quote('세그멘테이션을')}&page=1&per_page=5")
    assert status == 200
    assert {"query", "total", "page", "per_page", "took_ms", "results"} <= set(data)
    assert data["query"] == "세그멘테이션을" and data["page"] == 1 and data["per_page"] == 5
    first = data["results"][0]
    assert {"id", "url", "title", "kind", "lab", "lang", "snippet", "score"} <= set(first)
    assert first["url"].endswith("/U_Net") and first["kind"] == "page" and first["lab"] == "바이오메디컬랩"


def test_search_page_shows_results_with_highlights(base_url: str) -> None:
    status, headers, body = get(f"{base_url}/?q={quote('강화학습')}")
    html = body.decode("utf-8")
    assert status == 200
    assert "RL4RWS" in html and "<mark>" in html
    assert "results" in html
    assert "script-src 'self'" in headers["Content-Security-Policy"]


def test_home_page_has_a_search_box(base_url: str) -> None:
    status, _, body = get(base_url + "/")
    assert status == 200 and b'name="q"' in body


@pytest.mark.parametrize("query", ['"unclosed', "title:", "(((", "\u0000", "a" * 5000, "🙂", "ｓｅｇｍｅｎｔａｔｉｏｎ"])
def test_odd_queries_never_500(base_url: str, query: str) -> None:
    for path in ("/api/search?q=", "/?q="):
        status, _, _ = get(base_url + path + quote(query))
        assert status in (200, 400)


@pytest.mark.parametrize("params", ["page=-1", "page=abc", "per_page=0", "sort=random"])
def test_bad_parameters_get_a_json_400(base_url: str, params: str) -> None:
    status, data = get_json(f"{base_url}/api/search?q=unet&{params}")
    assert status == 400
    assert set(data["error"]) == {"status", "code", "message"} and data["error"]["status"] == 400


def test_no_match_is_an_empty_list(base_url: str) -> None:
    status, data = get_json(f"{base_url}/api/search?q=zzqqxxvv")
    assert status == 200 and data["total"] == 0 and data["results"] == []


def test_healthz(base_url: str) -> None:
    status, data = get_json(base_url + "/healthz")
    assert status == 200 and data["ok"] is True and data["documents"] == 62


def test_missing_index_is_a_503_that_shows_visitors_no_server_path(tmp_path: Path) -> None:
    with web_server(tmp_path / "nothing") as url:
        status, data = get_json(url + "/healthz")
        assert status == 503 and "rebuild" in data["error"]
        status, _, body = get(url + "/?q=unet")
        assert status == 503 and "검색 색인이 아직 준비되지 않았습니다".encode() in body
        assert b"python -m" not in body and str(tmp_path).encode() not in body
