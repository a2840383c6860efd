"""Links the site generates: only http(s) document addresses become links (page and API alike), absolute
URLs come from the configured public address and never from the Host header, 405s say what is allowed,
and request targets the app cannot read are refused in the route's error shape."""
from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from corpus import Corpus
from helpers import get, run_module, web_server
from indexer import index_fields, rebuild
from indexer.storage import current_generation, index_codec, open_generation
from web import create_app
from web.links import http_url, public_url

HOSTILE_URLS = {
    "js": "javascript:alert(document.domain)",
    "js-mixed-case": " JaVaScRiPt:alert(1)",
    "js-with-tab": "java\tscript:alert(1)",
    "data": "data:text/html,<script>alert(1)</script>",
    "vbscript": "vbscript:msgbox(1)",
    "relative": "//evil.example/x",
    "no-host": "https:alert(1)",
}


@pytest.fixture(scope="module")
def odd_index(crawled: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The crawled corpus plus documents whose stored URLs are not http(s), all about "zyxwax"."""
    root = tmp_path_factory.mktemp("odd-urls")
    corpus = Corpus(root / "corpus")
    source = Corpus(crawled["corpus"])
    for name in source.source_names():
        corpus.write_source(name, list(source.source_documents(name)))
    template = next(iter(source.source_documents("interviews")))
    rebuild(root / "corpus", root / "index")
    # The corpus refuses records whose URL is not http(s); an index written before that check (or by any
    # other bug) may still hold such documents, so they are added to the index itself, as such a
    # crawler and indexer would have stored them.
    ix = open_generation(current_generation(root / "index"))
    with ix.writer(codec=index_codec()) as writer:
        for key, url in HOSTILE_URLS.items():
            document = dataclasses.replace(template, id=f"odd-{key}", title=f"zyxwax {key}", content_hash="",
                                           text=f"zyxwax zyxwax {key} " + template.text[:500])
            document.url = url
            writer.add_document(**index_fields(document))
    return root / "index"


def test_http_url_keeps_only_absolute_http_addresses() -> None:
    assert http_url("https://a.example/x?y=1") == "https://a.example/x?y=1"
    assert http_url("HTTP://A.example") == "HTTP://A.example"
    for url in [*HOSTILE_URLS.values(), "", "/local/path", "ftp://a.example/", "mailto:a@b.c"]:
        assert http_url(url) == "", url


def test_only_http_urls_are_links_on_the_page_and_in_the_api(odd_index: Path) -> None:
    client = create_app({"TESTING": True, "INDEX_PATH": str(odd_index)}).test_client()
    html = client.get("/?q=zyxwax&per_page=50").get_data(as_text=True)
    assert html.count("zyxwax") >= len(HOSTILE_URLS)  # the documents are shown …
    for url in HOSTILE_URLS.values():  # … but never as links
        assert f'href="{url.strip()}' not in html and "href=\"javascript" not in html.lower()
    assert 'href="data:' not in html and 'href="//evil' not in html and 'href="vbscript' not in html.lower()
    found = client.get("/api/search?q=zyxwax&per_page=50").get_json()["results"]
    odd = [hit for hit in found if hit["id"].startswith("odd-")]
    assert len(odd) == len(HOSTILE_URLS) and all(hit["url"] == "" for hit in odd)
    normal = [hit for hit in found if not hit["id"].startswith("odd-")]
    assert all(hit["url"].startswith("http://") for hit in normal)
    for key in HOSTILE_URLS:
        related = client.get(f"/api/related?id=odd-{key}").get_json()["related"]
        assert all(doc["url"] == "" or doc["url"].startswith("http") for doc in related)
    suggestions = client.get("/api/suggest?q=zyxw").get_json()["suggestions"]
    assert all(s.get("url", "") == "" or s["url"].startswith("http") for s in suggestions)


def client_for(crawled: dict[str, Path], **config: str) -> FlaskClient:
    return create_app({"TESTING": True, "INDEX_PATH": str(crawled["index"]), **config}).test_client()


def test_absolute_urls_come_from_the_public_url_never_from_host(crawled: dict[str, Path]) -> None:
    client = client_for(crawled, PUBLIC_URL="https://search.example.org/find/")
    for host in ("evil.example", "search.example.org"):
        xml = client.get("/opensearch.xml", headers={"Host": host, "X-Forwarded-Host": "evil.example"}).get_data(as_text=True)
        assert "evil.example" not in xml
        assert 'template="https://search.example.org/find/search?q={searchTerms}"' in xml
        spec = client.get("/api/openapi.json", headers={"Host": host}).get_json()
        assert spec["servers"] == [{"url": "https://search.example.org/find"}]
    relative = client_for(crawled, PUBLIC_URL="")
    xml = relative.get("/opensearch.xml", headers={"Host": "evil.example"}).get_data(as_text=True)
    assert "evil.example" not in xml and 'template="/search?q={searchTerms}"' in xml
    assert relative.get("/api/openapi.json", headers={"Host": "evil.example"}).get_json()["servers"] == [{"url": "/"}]


@pytest.mark.parametrize("bad", ["javascript:alert(1)", "ftp://a.example", "https://", "https://a.example/?q=1",
                                 "https://user:pw@a.example", "https://a.example:notaport", "a.example"])
def test_a_public_url_that_is_not_http_is_refused(crawled: dict[str, Path], bad: str) -> None:
    with pytest.raises(ValueError):
        public_url(bad)
    with pytest.raises(ValueError):
        client_for(crawled, PUBLIC_URL=bad)
    result = run_module("web", "--public-url", bad, "--index", str(crawled["index"]), timeout=60)
    assert result.returncode == 2 and "public URL" in result.stderr and "Traceback" not in result.stderr


def test_the_server_uses_the_public_url_flag_and_variable(crawled: dict[str, Path]) -> None:
    with web_server(crawled["index"], "--public-url", "https://flag.example") as url:
        _, _, body = get(url + "/opensearch.xml", headers={"Host": "evil.example"})
        assert b"https://flag.example/search?q=" in body and b"evil" not in body
    with web_server(crawled["index"], env={"MODUSEARCH_PUBLIC_URL": "https://env.example"}) as url:
        _, _, body = get(url + "/api/openapi.json", headers={"Host": "evil.example"})
        assert json.loads(body)["servers"] == [{"url": "https://env.example"}]
    with web_server(crawled["index"]) as url:  # default: the address it listens on
        _, _, body = get(url + "/opensearch.xml", headers={"Host": "evil.example"})
        assert f'template="{url}/search?q='.encode() in body and b"evil" not in body


@pytest.mark.parametrize("path", ["/healthz", "/api/search", "/api/suggest", "/api/openapi.json", "/", "/labs"])
@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH"])
def test_405_names_the_allowed_methods(crawled: dict[str, Path], path: str, method: str) -> None:
    response = client_for(crawled).open(path, method=method)
    assert response.status_code == 405
    assert set(response.headers["Allow"].replace(" ", "").split(",")) >= {"GET", "HEAD"}
    if path.startswith("/api/") or path == "/healthz":
        assert response.get_json()["error"]["status"] == 405


@pytest.mark.parametrize("query_string", [b"q=\xff", b"q=ok&lab=\xc0\xaf", b"hl=\xed\xa0\x80"])
@pytest.mark.parametrize("path", ["/api/search", "/", "/api/suggest", "/labs"])
def test_raw_bytes_reaching_the_app_are_a_400(crawled: dict[str, Path], path: str, query_string: bytes) -> None:
    """The HTTP front refuses these already; the app refuses them too, whatever server runs it."""
    response = client_for(crawled).get(path, environ_overrides={"QUERY_STRING": query_string.decode("latin-1")})
    assert response.status_code == 400
    if path.startswith("/api/"):
        assert response.get_json()["error"]["status"] == 400
    else:
        assert "\\xff" not in response.get_data(as_text=True)
