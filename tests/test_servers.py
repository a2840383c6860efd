"""The fixture servers answer like GitHub Pages, http.server and the GitHub API, over real sockets."""

from __future__ import annotations

import base64
import email.utils
import gzip
import json
import shutil
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from servers import (
    FixtureServers,
    GitHubAPIServer,
    InterviewServer,
    PagesServer,
    Response,
    fixtures_root,
    serve_all,
)

FIXTURES = fixtures_root()
SITE = FIXTURES / "sites" / "modulabs-biomedical.github.io"
DISTRACTOR = FIXTURES / "sites" / "talmo777.github.io"
REPOS = json.loads((FIXTURES / "github" / "repos.json").read_text(encoding="utf-8"))
TAG_URL_PATH = "/tag/%EA%B0%9C%EB%85%90-%EC%A0%95%EB%A6%AC/"  # /tag/개념-정리/


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_OPENER = urllib.request.build_opener(_NoRedirects)


def fetch(url: str, headers: dict[str, str] | None = None, method: str = "GET") -> tuple[int, Any, bytes]:
    """(status, headers, body) without following redirects and without raising on 4xx/5xx/304."""
    request = urllib.request.Request(url, headers=headers or {}, method=method)
    try:
        with _OPENER.open(request, timeout=10) as answer:
            return answer.status, answer.headers, answer.read()
    except urllib.error.HTTPError as error:
        with error:
            return error.code, error.headers, error.read()


def fetch_json(url: str, headers: dict[str, str] | None = None) -> tuple[int, Any, Any]:
    status, head, body = fetch(url, headers)
    return status, head, json.loads(body)


@pytest.fixture(scope="module")
def servers() -> Iterator[FixtureServers]:
    with serve_all() as started:
        yield started


@pytest.fixture
def site() -> Iterator[PagesServer]:
    """A private biomedical site server, for tests that read the log or change pages."""
    with PagesServer(SITE) as server:
        yield server


@pytest.fixture
def github() -> Iterator[GitHubAPIServer]:
    with GitHubAPIServer(FIXTURES) as server:
        yield server


def test_fixtures_root_points_at_the_shared_fixtures(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    assert (fixtures_root() / "README.md").is_file()
    monkeypatch.setenv("MODUSEARCH_FIXTURES", str(tmp_path))
    assert fixtures_root() == tmp_path


# -- GitHub Pages behaviour ----------------------------------------------


def test_extensionless_post_url_serves_the_html_file(servers: FixtureServers) -> None:
    status, head, body = fetch(servers.site.url + "/FCN")
    assert status == 200
    assert head["Content-Type"] == "text/html; charset=utf-8"
    assert body == (SITE / "FCN.html").read_bytes()
    assert fetch(servers.site.url + "/FCN.html")[2] == body


def test_root_serves_index(servers: FixtureServers) -> None:
    status, _, body = fetch(servers.site.url + "/")
    assert (status, body) == (200, (SITE / "index.html").read_bytes())


def test_folder_without_slash_redirects_permanently(servers: FixtureServers) -> None:
    status, head, _ = fetch(servers.site.url + "/author/hks")
    assert status == 301
    assert head["Location"] == servers.site.url + "/author/hks/"
    status, _, body = fetch(head["Location"])
    assert (status, body) == (200, (SITE / "author" / "hks" / "index.html").read_bytes())


def test_folder_without_index_is_404_not_a_listing(servers: FixtureServers) -> None:
    not_found_page = (SITE / "404.html").read_bytes()
    status, head, body = fetch(servers.site.url + "/author/yspaik/")
    assert (status, body) == (404, not_found_page)
    assert head["Content-Type"] == "text/html; charset=utf-8"
    assert fetch(servers.site.url + "/author/yspaik")[0] == 301


def test_unknown_path_gets_the_sites_404_page(servers: FixtureServers) -> None:
    status, _, body = fetch(servers.site.url + "/no-such-post")
    assert (status, body) == (404, (SITE / "404.html").read_bytes())


def test_path_traversal_is_refused(servers: FixtureServers) -> None:
    assert fetch(servers.site.url + "/../README.md")[0] == 404
    assert fetch(servers.site.url + "/%2E%2E/%2E%2E/README.md")[0] == 404


def test_percent_encoded_hangul_tag_path(servers: FixtureServers) -> None:
    status, _, body = fetch(servers.site.url + TAG_URL_PATH)
    assert status == 200
    assert body == (SITE / "tag" / "개념-정리" / "index.html").read_bytes()
    assert servers.site.url_for("/tag/개념-정리/") == servers.site.url + TAG_URL_PATH


def test_content_types(servers: FixtureServers) -> None:
    assert fetch(servers.site.url + "/feed.xml")[1]["Content-Type"] == "application/xml"
    assert fetch(servers.site.url + "/assets/built/screen.css")[1]["Content-Type"].startswith("text/css")


def test_robots_txt_is_absent(servers: FixtureServers) -> None:
    assert fetch(servers.site.url + "/robots.txt")[0] == 404


def test_head_has_headers_but_no_body(servers: FixtureServers) -> None:
    status, head, body = fetch(servers.site.url + "/FCN", method="HEAD")
    assert (status, body) == (200, b"")
    assert int(head["Content-Length"]) == (SITE / "FCN.html").stat().st_size


# -- conditional requests and the request log ----------------------------


def test_if_none_match_gives_304_and_is_logged(site: PagesServer) -> None:
    _, head, _ = fetch(site.url + "/FCN")
    etag = head["ETag"]
    assert etag.startswith('"') and etag.endswith('"')
    status, head304, body = fetch(site.url + "/FCN", {"If-None-Match": etag})
    assert (status, body) == (304, b"")
    assert head304["ETag"] == etag
    assert fetch(site.url + "/FCN", {"If-None-Match": '"something-else"'})[0] == 200

    log = site.requests_to("/FCN")
    assert [r.status for r in log] == [200, 304, 200]
    assert [r.conditional for r in log] == [False, True, True]
    assert log[1].headers["if-none-match"] == etag


def test_if_modified_since(site: PagesServer) -> None:
    _, head, _ = fetch(site.url + "/about/")
    last_modified = head["Last-Modified"]
    assert fetch(site.url + "/about/", {"If-Modified-Since": last_modified})[0] == 304
    earlier = email.utils.formatdate(time.time() - 10 * 365 * 86400, usegmt=True)
    assert fetch(site.url + "/about/", {"If-Modified-Since": earlier})[0] == 200
    assert fetch(site.url + "/about/", {"If-Modified-Since": "not a date"})[0] == 200


def test_reset_log(site: PagesServer) -> None:
    fetch(site.url + "/")
    assert len(site.requests) == 1
    site.reset_log()
    assert site.requests == []


# -- runtime changes and overrides ---------------------------------------


def test_set_and_delete_pages_in_memory(site: PagesServer) -> None:
    _, old_head, _ = fetch(site.url + "/FCN")
    site.set_page("/FCN.html", "<html><body>바뀐 글</body></html>")
    status, head, body = fetch(site.url + "/FCN", {"If-None-Match": old_head["ETag"]})
    assert status == 200
    assert body.decode("utf-8") == "<html><body>바뀐 글</body></html>"
    assert head["ETag"] != old_head["ETag"]
    later = email.utils.parsedate_to_datetime(head["Last-Modified"])
    assert later > email.utils.parsedate_to_datetime(old_head["Last-Modified"])

    site.set_page("/new/index.html", b"<p>new</p>")
    assert fetch(site.url + "/new")[0] == 301
    assert fetch(site.url + "/new/")[2] == b"<p>new</p>"

    site.delete_page("/U_Net.html")
    assert fetch(site.url + "/U_Net")[0] == 404
    assert (SITE / "U_Net.html").is_file()


def test_fixed_override(site: PagesServer) -> None:
    robots = b"User-agent: *\nCrawl-delay: 2\nDisallow: /author/\n"
    site.override("/robots.txt", (200, {"Content-Type": "text/plain"}, robots))
    assert fetch(site.url + "/robots.txt")[2] == robots
    site.remove_override("/robots.txt")
    assert fetch(site.url + "/robots.txt")[0] == 404


def test_callable_override_sees_the_request_count(site: PagesServer) -> None:
    def flaky(handler: Any, count: int) -> Response:
        if count == 1:
            return Response(503, {"Retry-After": "1"}, b"busy")
        return Response(200, {"Content-Type": "text/plain"}, handler.headers.get("User-Agent", "").encode())

    site.override("/FCN", flaky)
    first = fetch(site.url + "/FCN?x=1")
    assert (first[0], first[1]["Retry-After"]) == (503, "1")
    assert fetch(site.url + "/FCN", {"User-Agent": "modusearch-test"})[2] == b"modusearch-test"
    assert [r.status for r in site.requests] == [503, 200]


def test_streamed_gzip_body(site: PagesServer) -> None:
    packed = gzip.compress(b"<p>" + b"a" * 100_000 + b"</p>")
    chunks = [packed[i:i + 1000] for i in range(0, len(packed), 1000)]
    site.override("/bomb", (200, {"Content-Encoding": "gzip", "Content-Type": "text/html"}, iter(chunks)))
    status, head, body = fetch(site.url + "/bomb")
    assert status == 200 and "Content-Length" not in head
    assert gzip.decompress(body).endswith(b"a</p>")


# -- distractor site and interviews --------------------------------------


def test_distractor_lives_under_its_project_path(servers: FixtureServers) -> None:
    base = servers.distractor.url
    assert fetch(base + "/modulabs_homepage")[1]["Location"] == base + "/modulabs_homepage/"
    index = (DISTRACTOR / "modulabs_homepage" / "index.html").read_bytes()
    assert fetch(base + "/modulabs_homepage/")[2] == index
    assert fetch(base + "/modulabs_homepage/about")[0] == 200
    status, _, body = fetch(base + "/nothing-here")
    assert (status, body) == (404, b"404 Not Found\n")


def test_folder_mounted_under_a_prefix() -> None:
    with PagesServer(DISTRACTOR / "modulabs_homepage", prefix="/modulabs_homepage/") as server:
        assert fetch(server.url + "/modulabs_homepage")[0] == 301
        assert fetch(server.url + "/modulabs_homepage/members.html")[0] == 200
        assert fetch(server.url + "/members.html")[0] == 404


@pytest.mark.parametrize(
    "name", ["modulabs-biomedical-interview.html", "modulabs-biomedical-interview.euc-kr.html"]
)
def test_interviews_are_sent_without_charset(servers: FixtureServers, name: str) -> None:
    status, head, body = fetch(servers.interviews.url + "/" + name)
    assert status == 200
    assert head["Content-Type"] == "text/html"
    assert body == (FIXTURES / "interviews" / name).read_bytes()


def test_interview_server_defaults_to_the_fixture_folder() -> None:
    with InterviewServer() as server:
        head = fetch(server.url + "/modulabs-biomedical-interview.txt")[1]
        assert head["Content-Type"] == "text/plain"


# -- GitHub API ----------------------------------------------------------


def _modulabs_names() -> list[str]:
    return [r["name"] for r in REPOS if r["owner"]["login"] == "modulabs"]


def test_listing_is_paginated_with_github_link_headers(servers: FixtureServers) -> None:
    api = servers.github.url
    listing = f"{api}/orgs/modulabs/repos"
    status, head, page1 = fetch_json(listing + "?per_page=10")
    assert status == 200 and len(page1) == 10
    assert head["Link"] == (
        f'<{listing}?per_page=10&page=2>; rel="next", <{listing}?per_page=10&page=3>; rel="last"'
    )
    _, head2, _ = fetch_json(listing + "?per_page=10&page=2")
    assert head2["Link"] == (
        f'<{listing}?per_page=10&page=1>; rel="prev", <{listing}?per_page=10&page=3>; rel="next", '
        f'<{listing}?per_page=10&page=3>; rel="last", <{listing}?per_page=10&page=1>; rel="first"'
    )

    names: list[str] = []
    url: str | None = listing + "?per_page=10"
    while url:
        _, head, page = fetch_json(url)
        names += [repo["name"] for repo in page]
        links = dict(
            (part.split(";")[1].strip(), part.split(";")[0].strip(" <>")) for part in head["Link"].split(",")
        )
        url = links.get('rel="next"')
    assert names == _modulabs_names()


def test_listing_defaults_and_case_insensitive_owner(servers: FixtureServers) -> None:
    status, head, repos = fetch_json(servers.github.url + "/users/MODULABS/repos")
    assert status == 200
    assert [r["name"] for r in repos] == _modulabs_names()  # 29 repositories fit the default 30
    assert "Link" not in head
    assert fetch_json(servers.github.url + "/orgs/modulabs/repos?page=9")[2] == []


def test_repo_objects_are_complete_and_deterministic(servers: FixtureServers) -> None:
    _, _, repos = fetch_json(servers.github.url + "/orgs/modulabs-ctrl/repos")
    repo = repos[0]
    for field in ("id", "node_id", "private", "description", "topics", "language", "stargazers_count",
                  "pushed_at", "updated_at", "archived", "fork", "url", "html_url", "default_branch"):
        assert field in repo
    assert repo["full_name"] == "modulabs-ctrl/pommerman-2018"
    assert repo["html_url"] == "https://github.com/modulabs-ctrl/pommerman-2018"
    assert repo["url"] == servers.github.url + "/repos/modulabs-ctrl/pommerman-2018"
    assert "readme_path" not in repo
    with GitHubAPIServer() as other:
        again = fetch_json(other.url + "/repos/modulabs-ctrl/pommerman-2018")[2]
    assert (again["id"], again["pushed_at"]) == (repo["id"], repo["pushed_at"])


def test_unknown_owner_and_repo_are_github_404s(servers: FixtureServers) -> None:
    expected = {"message": "Not Found", "documentation_url": "https://docs.github.com/rest"}
    for path in ("/orgs/nobody-here/repos", "/repos/modulabs/nothing", "/repos/modulabs/nothing/readme"):
        status, _, body = fetch_json(servers.github.url + path)
        assert (status, body) == (404, expected)


def test_readme_is_base64_in_60_character_lines(servers: FixtureServers) -> None:
    status, head, readme = fetch_json(servers.github.url + "/repos/modulabs/moducon/readme")
    data = (FIXTURES / "github" / "modulabs" / "moducon" / "README.md").read_bytes()
    assert status == 200 and head["ETag"].startswith('W/"')
    assert (readme["type"], readme["encoding"], readme["name"], readme["size"]) == (
        "file", "base64", "README.md", len(data))
    lines = readme["content"].split("\n")
    assert lines[-1] == "" and all(len(line) == 60 for line in lines[:-2])
    assert base64.b64decode(readme["content"]) == data
    if shutil.which("git"):
        sha = subprocess.run(["git", "hash-object", "--stdin"], input=data, capture_output=True, check=True)
        assert readme["sha"] == sha.stdout.decode().strip()
    raw = fetch(readme["download_url"])
    assert raw[2] == data


def test_raw_media_type_returns_the_bytes(servers: FixtureServers) -> None:
    data = (FIXTURES / "github" / "modulabs" / "DeepNLP" / "README.md").read_bytes()
    for accept in ("application/vnd.github.raw", "application/vnd.github.raw+json"):
        status, _, body = fetch(servers.github.url + "/repos/modulabs/DeepNLP/readme", {"Accept": accept})
        assert (status, body) == (200, data)


def test_if_none_match_gives_304_without_spending(github: GitHubAPIServer) -> None:
    url = github.url + "/repos/modulabs/RL4RWS/readme"
    _, head, _ = fetch(url, {"Authorization": "Bearer test-token"})
    assert head["X-RateLimit-Remaining"] == "4999" and head["X-RateLimit-Resource"] == "core"
    status, head304, body = fetch(url, {"If-None-Match": head["ETag"]})
    assert (status, body) == (304, b"")
    assert head304["X-RateLimit-Remaining"] == "4999"
    assert github.requests[0].headers["authorization"] == "Bearer test-token"
    assert [r.status for r in github.requests] == [200, 304]


def test_changed_readme_changes_etag_and_pushed_at(github: GitHubAPIServer) -> None:
    url = github.url + "/repos/modulabs/Swift/readme"
    _, head, _ = fetch(url)
    before = fetch_json(github.url + "/repos/modulabs/Swift")[2]["pushed_at"]
    github.set_readme("modulabs", "Swift", "# Swift\n\n새 내용\n")
    status, _, readme = fetch_json(url, {"If-None-Match": head["ETag"]})
    assert status == 200
    assert base64.b64decode(readme["content"]).decode("utf-8") == "# Swift\n\n새 내용\n"
    assert fetch_json(github.url + "/repos/modulabs/Swift")[2]["pushed_at"] > before
    github.delete_readme("modulabs", "Swift")
    assert fetch(url)[0] == 404


def test_added_and_removed_repos(github: GitHubAPIServer) -> None:
    github.add_repo({"name": "new-lab", "owner": {"login": "modulabs-newlab"}}, readme="# 새 연구실\n")
    _, _, repos = fetch_json(github.url + "/orgs/modulabs-newlab/repos")
    assert [r["full_name"] for r in repos] == ["modulabs-newlab/new-lab"]
    assert fetch(github.url + "/repos/modulabs-newlab/new-lab/readme")[0] == 200
    github.remove_repo("modulabs-newlab", "new-lab")
    assert fetch(github.url + "/orgs/modulabs-newlab/repos")[0] == 404


def test_rate_limit_exhaustion_gives_403() -> None:
    with GitHubAPIServer(rate_limit=2) as api:
        url = api.url + "/orgs/modulabs/repos"
        assert [fetch(url)[1]["X-RateLimit-Remaining"] for _ in range(2)] == ["1", "0"]
        status, head, body = fetch_json(url)
        assert status == 403
        assert head["X-RateLimit-Remaining"] == "0" and head["X-RateLimit-Used"] == "2"
        assert int(head["X-RateLimit-Reset"]) > time.time()
        assert body["message"].startswith("API rate limit exceeded for ")
        assert set(body) == {"message", "documentation_url"}
        api.reset_rate_limit()
        assert fetch(url)[0] == 200
