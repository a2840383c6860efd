"""Crawled pages and API answers cannot steer the crawler: hosts, addresses, the token, URL schemes.

Real servers on two loopback addresses: 127.0.0.2 plays a source's own host, 127.0.0.1 (or ``localhost``)
the inside of the network a hostile page tries to reach. The crawler gets the real connection layer
limited to loopback (``LoopbackOnly``), so a refusal is proven to happen before any connection.
"""
from __future__ import annotations

import base64
import logging
from pathlib import Path
from typing import Any

import httpx
import pytest

from corpus import Corpus, Document, RecordError
from crawler import CrawlSettings, Fetcher, crawl, parse_sources
from crawler.errors import OutOfScope
from crawler.net.network import AddressPolicy, BlockedAddress, non_public
from crawler.net.scope import HostScope
from hostile import HostileServer, LoopbackOnly, json_answer, page, redirect

SETTINGS = {"delay": 0.0, "backoff": 0.0, "retries": 0, "timeout": 5.0}


def run_crawl(tmp_path: Path, entries: dict[str, Any], connector: LoopbackOnly | None = None, **kwargs: Any):
    config = parse_sources({"settings": SETTINGS, **entries})
    return crawl(config, Corpus(tmp_path / "corpus"), sleep=lambda s: None, connector=connector or LoopbackOnly(),
                 **kwargs)


def texts(tmp_path: Path) -> str:
    return "\n".join(d.title + " " + d.text for d in Corpus(tmp_path / "corpus").documents())


@pytest.fixture()
def inside():
    """A server 'inside' (on 127.0.0.1) holding something a crawled page must never get at."""
    with HostileServer("127.0.0.1", {"/secret": page("internal secret", "credentials of the intranet"),
                                     "/robots.txt": page("inside robots")}) as server:
        yield server


def test_a_redirect_to_a_host_the_source_does_not_name_is_not_followed(tmp_path: Path, inside: HostileServer,
                                                                       caplog: pytest.LogCaptureFixture) -> None:
    with HostileServer("127.0.0.2", {"/a": redirect(inside.url + "/secret"), "/b": page("fine page")}) as source:
        summary = run_crawl(tmp_path, {"pages": [{"name": "p", "urls": [source.url + "/a", source.url + "/b"]}]})
    assert inside.paths() == []
    assert "secret" not in texts(tmp_path) and "fine page" in texts(tmp_path)
    assert summary.results[0].errors == 1 and summary.results[0].failed is None
    assert any("not on the source's hosts" in r.getMessage() for r in caplog.records)


@pytest.mark.parametrize("target", ["127.0.0.1", "localhost"])
def test_an_allowed_host_that_resolves_to_loopback_is_refused(tmp_path: Path, inside: HostileServer,
                                                              target: str, caplog: pytest.LogCaptureFixture) -> None:
    """Host scope passes (the operator allowed the host), the address check does not: only a source's
    own configured host may be a non-public address."""
    netloc = f"{target}:{inside.port}"
    with HostileServer("127.0.0.2", {"/a": redirect(f"http://{netloc}/secret")}) as source:
        connector = LoopbackOnly()
        run_crawl(tmp_path, {"pages": [{"name": "p", "urls": [source.url + "/a"], "allow_hosts": [netloc]}]},
                  connector=connector)
    assert inside.paths() == []
    assert all(port != inside.port for _, port in connector.connected)
    assert any("loopback" in r.getMessage() and "only public addresses" in r.getMessage() for r in caplog.records)


def test_link_local_metadata_address_is_refused_before_any_connection(tmp_path: Path,
                                                                      caplog: pytest.LogCaptureFixture) -> None:
    metadata = "http://169.254.169.254/latest/meta-data/"
    with HostileServer("127.0.0.2", {"/a": redirect(metadata), "/b": redirect(metadata)}) as source:
        connector = LoopbackOnly()
        run_crawl(tmp_path, {"pages": [
            {"name": "scoped", "urls": [source.url + "/a"]},
            {"name": "allowed", "urls": [source.url + "/b"], "allow_hosts": ["169.254.169.254"]}]},
            connector=connector)
    assert connector.refused == []  # refused by the crawler itself, never handed to the connection layer
    messages = " ".join(r.getMessage() for r in caplog.records)
    assert "not on the source's hosts" in messages and "link-local" in messages


def test_a_public_name_that_turns_into_a_loopback_address_mid_crawl_is_refused(tmp_path: Path) -> None:
    """DNS rebinding: the configured name resolved to a public address when the crawl started, so it
    stays public-only; the connection made later, to 127.0.0.1, is refused."""
    with HostileServer("127.0.0.1", {"/": page("rebound page")}) as server:
        answers = iter([["93.184.216.34"]])

        def resolve(host: str, port: int) -> list[str]:
            assert host == "news.example"
            return next(answers, ["127.0.0.1"])

        summary = run_crawl(tmp_path, {"pages": [{"name": "p", "urls": [f"http://news.example:{server.port}/"]}]},
                            resolve=resolve)
        assert server.paths() == []
    assert summary.results[0].failed  # its only URL was refused


def test_address_policy_classes() -> None:
    assert non_public("127.0.0.1") == "loopback" and non_public("::1") == "loopback"
    assert non_public("10.1.2.3") == "private" and non_public("192.168.0.1") == "private"
    assert non_public("169.254.169.254") == "link-local" and non_public("224.0.0.1") == "multicast"
    assert non_public("::ffff:127.0.0.1") == "loopback" and non_public("0.0.0.0") == "unspecified"
    assert non_public("100.64.0.1") and non_public("fe80::1")
    assert non_public("93.184.216.34") == "" and non_public("2606:2800:220:1::1") == ""
    intranet = AddressPolicy.for_hosts([("wiki.lab", 80), ("10.0.0.5", 8080), ("example.org", 443)],
                                       resolve=lambda h, p: {"wiki.lab": ["10.0.0.7"], "10.0.0.5": ["10.0.0.5"],
                                                             "example.org": ["93.184.216.34"]}[h])
    assert intranet.exempt == {("wiki.lab", 80), ("10.0.0.5", 8080)}
    with pytest.raises(BlockedAddress):
        AddressPolicy(intranet.exempt, resolve=lambda h, p: ["10.0.0.5"]).addresses("10.0.0.5", 6379)  # other port


def test_a_source_configured_on_a_name_that_resolves_inside_works(tmp_path: Path) -> None:
    """The intranet case: a source whose own host is (resolves to) a non-public address is crawled."""
    with HostileServer("127.0.0.1", {"/": page("intranet wiki")}) as server:
        run_crawl(tmp_path, {"pages": [{"name": "wiki", "urls": [f"http://localhost:{server.port}/"]}]})
    assert "intranet wiki" in texts(tmp_path)


def test_robots_txt_redirect_off_the_source_is_not_followed(tmp_path: Path, inside: HostileServer) -> None:
    with HostileServer("127.0.0.2", {"/robots.txt": redirect(inside.url + "/robots.txt"),
                                     "/a": page("behind robots")}) as source:
        summary = run_crawl(tmp_path, {"site": [{"name": "s", "start_urls": [source.url + "/a"]}]})
        assert source.paths() == ["/robots.txt"]  # robots.txt unreadable: the host is left alone this run
    assert inside.paths() == []
    assert summary.results[0].failed


def test_javascript_and_other_schemes_never_reach_the_corpus() -> None:
    for url in ("javascript:alert(1)", "data:text/html,x", "file:///etc/passwd", "//evil.example/x", "http:/x"):
        with pytest.raises(ValueError):
            Document(id="x", url=url, title="t", text="t", kind="page")
        with pytest.raises(RecordError):
            Document.from_json('{"id": "x", "url": "%s", "title": "t", "text": "t", "kind": "page"}' % url)
    assert Document(id="x", url="https://example.org/a", title="t", text="t", kind="page").url


# -- GitHub: the token stays with the API host ------------------------------------------------------------


def _readme(text: str) -> dict[str, str]:
    return {"encoding": "base64", "content": base64.b64encode(text.encode()).decode()}


def _repo(full_name: str, **extra: Any) -> dict[str, Any]:
    return {"full_name": full_name, "name": full_name.split("/")[-1], "html_url": f"https://github.com/{full_name}",
            "description": "", "fork": False, **extra}


TOKEN = "ghp_test-token-that-must-not-leak"


def test_github_next_page_on_another_host_gets_no_request_and_no_token(tmp_path: Path, inside: HostileServer,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    with HostileServer("127.0.0.2") as api:
        api.routes.update({
            "/orgs/o/repos": json_answer([_repo("o/one")], [("Link", f'<{inside.url}/orgs/o/repos?page=2>; rel="next"')]),
            "/repos/o/one/readme": json_answer(_readme("# One\n\nthe first repository")),
        })
        summary = run_crawl(tmp_path, {"github": [{"name": "gh", "api_url": api.url, "owners": ["o"]}]})
        assert all(h.get("authorization") == f"Bearer {TOKEN}" for h in api.headers_of("/"))
    assert inside.paths() == []
    assert summary.results[0].failed and "not on the source's hosts" in summary.results[0].failed


def test_readme_redirects_stay_on_the_api_host_and_names_are_quoted(tmp_path: Path, inside: HostileServer,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    with HostileServer("127.0.0.2") as api:
        api.routes.update({
            "/orgs/o/repos": json_answer([_repo("o/away"), _repo("o/moved", html_url="javascript:alert(1)"),
                                          _repo("a/../../x?y="), _repo("o/..")]),
            "/repos/o/away/readme": redirect(inside.url + "/steal"),
            "/repos/o/moved/readme": redirect("/repositories/7/readme", 301),
            "/repositories/7/readme": json_answer(_readme("# Moved\n\nthe repository that moved")),
            "/x": json_answer(_readme("# X\n\nreached through an unquoted name")),
        })
        summary = run_crawl(tmp_path, {"github": [{"name": "gh", "api_url": api.url, "owners": ["o"]}]})
        assert "/x" not in [p.split("?")[0] for p in api.paths()]
        assert api.headers_of("/repositories/7/readme")[0]["authorization"] == f"Bearer {TOKEN}"
    assert inside.paths() == []
    docs = list(Corpus(tmp_path / "corpus").documents())
    assert [d.url for d in docs] == ["https://github.com/o/moved"]  # not the javascript: html_url
    assert summary.results[0].errors == 3  # the off-host redirect and the two impossible names


def test_credentials_are_dropped_when_a_redirect_changes_origin() -> None:
    with HostileServer("127.0.0.1", {"/landing": page("landing")}) as other, \
            HostileServer("127.0.0.2", {}) as first:
        first.routes["/go"] = redirect(other.url + "/landing")
        hosts = HostScope.of([first.url + "/", other.url + "/"])
        with httpx.Client() as client:
            fetcher = Fetcher(client, CrawlSettings(delay=0, retries=0))
            fetcher.get(first.url + "/go", {"Authorization": "Bearer secret", "Cookie": "a=b"}, robots=False,
                        hosts=hosts)
        assert first.headers_of("/go")[0]["authorization"] == "Bearer secret"
        landed = other.headers_of("/landing")[0]
        assert "authorization" not in landed and "cookie" not in landed


def test_out_of_scope_is_a_fetch_error_of_that_url_only() -> None:
    with httpx.Client() as client:
        fetcher = Fetcher(client, CrawlSettings(delay=0)).for_source(HostScope.of(["http://127.0.0.2:1/"]))
        with pytest.raises(OutOfScope):
            fetcher.get("http://127.0.0.1:1/x", robots=False)


@pytest.fixture(autouse=True)
def _warnings_logged(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
