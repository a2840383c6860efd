"""Pages and JSON endpoints through the app's test client: facets, pagination, labs, i18n, OpenSearch,
OpenAPI, stats, error shape, escaping and redirects."""
from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import parse_qs, quote, unquote, urlsplit

import pytest
from flask.testing import FlaskClient

from web import create_app


@pytest.fixture(scope="module")
def client(crawled: dict[str, Path]) -> FlaskClient:
    return create_app({"TESTING": True, "INDEX_PATH": str(crawled["index"])}).test_client()


def page(client: FlaskClient, url: str, **headers: str) -> str:
    response = client.get(url, headers=headers)
    assert response.status_code == 200, (url, response.status_code)
    return response.get_data(as_text=True)


def hrefs(html: str, css_class: str) -> list[str]:
    return [h.replace("&amp;", "&") for h in re.findall(rf'<a class="{css_class}[^"]*" href="([^"]+)"', html)]


def test_facets_link_to_narrower_searches_and_back(client: FlaskClient) -> None:
    html = page(client, "/search?q=" + quote("강화학습"))
    links = hrefs(html, "facet-link")
    lang_ko = next(h for h in links if "lang=ko" in h)
    narrowed = page(client, lang_ko)
    assert 'aria-current="true"' in narrowed and "chip removable" in narrowed
    removal = hrefs(narrowed, "chip removable")[0]
    assert "lang=" not in removal and "q=" in removal


def test_pagination_keeps_query_filters_and_sort(client: FlaskClient) -> None:
    html = page(client, "/search?q=" + quote("강화학습") + "&lang=ko&sort=date")
    next_link = re.search(r'<a rel="next" href="([^"]+)"', html)
    assert next_link
    params = parse_qs(urlsplit(next_link.group(1).replace("&amp;", "&")).query)
    assert params == {"q": ["강화학습"], "lang": ["ko"], "sort": ["date"], "page": ["2"]}
    second = page(client, next_link.group(1).replace("&amp;", "&"))
    assert '<span class="current" aria-current="page">2</span>' in second


def test_result_shows_badge_lab_date_readable_url_and_highlight(client: FlaskClient) -> None:
    html = page(client, "/search?q=" + quote("세그멘테이션"))
    assert 'class="badge kind-page"' in html and "바이오메디컬랩" in html
    assert re.search(r"<time datetime=\"\d{4}-\d\d-\d\d\">", html)
    assert "<mark>" in html and "related-toggle" in html
    tag_page = page(client, "/search?q=" + quote("논문 리뷰"))
    assert "tag › 논문-리뷰" in tag_page  # a %-encoded Hangul path reads as Hangul


def test_no_results_page_helps(client: FlaskClient) -> None:
    html = page(client, "/search?q=" + quote("큐비트 zzqqxx") + "&kind=page")
    assert 'class="empty"' in html and "/labs" in html
    assert "q=%ED%81%90%EB%B9%84%ED%8A%B8" in html  # a "fewer words" link
    assert "filter" in html.lower() or "필터" in html


def test_labs_and_lab_page(client: FlaskClient) -> None:
    html = page(client, "/labs")
    for lab in ("바이오메디컬랩", "CTRL랩", "RL4RWS랩", "모두의연구소"):
        assert lab in html
    lab = page(client, "/labs/" + quote("바이오메디컬랩"))
    assert 'name="lab" value="바이오메디컬랩"' in lab  # the search box is scoped
    assert "key-terms" in lab and "U-Net" in lab
    assert client.get("/labs/" + quote("없는랩")).status_code == 404
    data = client.get("/api/labs").get_json()
    biomedical = next(x for x in data["labs"] if x["name"] == "바이오메디컬랩")
    assert biomedical["by_kind"] == {"page": 16, "readme": 1, "interview": 1}


def test_related_documents_json_and_page(client: FlaskClient) -> None:
    hit = client.get("/api/search?q=RL4RWS").get_json()["results"][0]
    data = client.get("/api/related?id=" + quote(hit["id"])).get_json()
    assert data["related"] and all(d["id"] != hit["id"] for d in data["related"])
    assert "result-link" in page(client, "/related?id=" + quote(hit["id"]))
    missing = client.get("/api/related?id=nope")
    assert missing.status_code == 404 and set(missing.get_json()["error"]) == {"status", "code", "message"}
    assert client.get("/api/related").status_code == 400


def test_ui_language_from_accept_language_switch_and_cookie(client: FlaskClient) -> None:
    assert '<html lang="en">' in page(client, "/", **{"Accept-Language": "en-US,en;q=0.9"})
    assert '<html lang="ko">' in page(client, "/", **{"Accept-Language": "ko-KR,ko;q=0.9,en;q=0.5"})
    response = client.get("/ui-language?hl=en&next=" + quote("/search?q=강화학습"))
    assert response.status_code == 303 and unquote(response.headers["Location"]) == "/search?q=강화학습"
    assert "hl=en" in response.headers["Set-Cookie"]
    assert '<html lang="en">' in page(client, "/labs", **{"Accept-Language": "ko"})  # the cookie wins
    client.get("/ui-language?hl=ko&next=/")


@pytest.mark.parametrize("target", ["//evil.example/", "https://evil.example/", "/\\evil.example", "javascript:alert(1)",
                                    "\\\\evil.example", "/%0d%0aSet-Cookie:x=1", ""])
def test_language_switch_never_redirects_off_site(client: FlaskClient, target: str) -> None:
    response = client.get("/ui-language?hl=ko&next=" + quote(target, safe=""))
    location = response.headers["Location"]
    assert response.status_code == 303 and location.startswith("/") and not location.startswith("//")
    assert "evil" not in urlsplit(location).netloc and "\n" not in location


def test_opensearch_description_is_linked_and_points_at_suggest(client: FlaskClient) -> None:
    assert 'rel="search" type="application/opensearchdescription+xml"' in page(client, "/labs")
    response = client.get("/opensearch.xml")
    body = response.get_data(as_text=True)
    assert response.mimetype == "application/opensearchdescription+xml"
    assert "/search?q={searchTerms}" in body and "/api/suggest?format=opensearch&amp;q={searchTerms}" in body
    suggestions = client.get("/api/suggest?format=opensearch&q=" + quote("ㄱㅎㅎㅅ"))
    assert suggestions.get_json() == ["ㄱㅎㅎㅅ", ["강화학습"]]


def test_suggest_api_shape_and_limits(client: FlaskClient) -> None:
    data = client.get("/api/suggest?q=" + quote("풀이")).get_json()
    assert data["query"] == "풀이" and data["took_ms"] < 50
    assert any(s["text"] == "풀잎스쿨" and s["type"] == "term" for s in data["suggestions"])
    assert client.get("/api/suggest?q=m&limit=3").get_json()["suggestions"].__len__() <= 3
    bad = client.get("/api/suggest?q=m&limit=x")
    assert bad.status_code == 400 and bad.get_json()["error"]["status"] == 400


def test_openapi_documents_every_search_parameter_and_field(client: FlaskClient) -> None:
    spec = client.get("/api/openapi.json").get_json()
    search = spec["paths"]["/api/search"]["get"]
    names = {p["name"] for p in search["parameters"]}
    assert names == {"q", "page", "per_page", "sort", "lab", "kind", "lang", "spell"}
    fields = set(client.get("/api/search?q=unet").get_json())
    assert fields <= set(spec["components"]["schemas"]["SearchResults"]["properties"])
    hit = client.get("/api/search?q=unet").get_json()["results"][0]
    assert set(hit) <= set(spec["components"]["schemas"]["Hit"]["properties"])
    assert {"/api/suggest", "/api/stats", "/api/related", "/healthz"} <= set(spec["paths"])
    assert all(p.get("description") for p in search["parameters"])


def test_stats(client: FlaskClient) -> None:
    stats = client.get("/api/stats").get_json()
    assert stats["documents"] == 62 and sum(stats["by_kind"].values()) == 62
    assert stats["by_lab"]["바이오메디컬랩"] == 18 and stats["index_built_at"]
    assert set(stats["corpus"]["sources"]) == {"biomedical-blog", "distractor", "github", "interviews"}
    assert stats["corpus"]["newest_source_written_at"]


def test_api_errors_have_the_fixed_shape(client: FlaskClient) -> None:
    for url in ("/api/nothing-here", "/api/search?q=x&page=abc", "/api/related?id=zz"):
        response = client.get(url)
        error = response.get_json()["error"]
        assert set(error) == {"status", "code", "message"} and error["status"] == response.status_code
    html = client.get("/nothing-here")
    assert html.status_code == 404 and html.mimetype == "text/html"


def test_no_inline_script_or_style(client: FlaskClient) -> None:
    for url in ("/", "/search?q=unet", "/labs", "/labs/" + quote("CTRL랩")):
        response = client.get(url)
        html = response.get_data(as_text=True)
        assert "script-src 'self'" in response.headers["Content-Security-Policy"]
        assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html) == []
        assert " style=" not in html and " onclick=" not in html


def test_document_text_and_query_are_escaped(tmp_path: Path) -> None:
    from corpus import Corpus, Document
    from indexer import rebuild

    Corpus(tmp_path / "corpus").write_source("xss", [Document(
        id="x1", url="https://example.org/a?b=<c>", title="<script>alert(1)</script>", kind="page",
        text="alert text <img src=x onerror=alert(2)> alert", lab="<i>랩</i>", lang="ko", source="xss")])
    rebuild(tmp_path / "corpus", tmp_path / "index")
    client = create_app({"TESTING": True, "INDEX_PATH": str(tmp_path / "index")}).test_client()
    for url in ("/search?q=" + quote('alert "<script>x</script>'), "/labs", "/labs/" + quote("<i>랩</i>"),
                "/related?id=x1&title=" + quote("<script>t</script>")):
        html = client.get(url).get_data(as_text=True)
        assert "<script>alert" not in html and "<img src=x" not in html and "<i>랩" not in html
        assert "<script>x" not in html and "<script>t" not in html
    shown = re.sub(r"</?mark[^>]*>", "", client.get("/search?q=alert").get_data(as_text=True))  # titles are marked
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in shown
