"""Real local HTTP servers over the shared fixtures, for the test-suite.

Every server binds ``127.0.0.1`` on a free port, serves from a daemon thread
and is a context manager (or call ``close()``). They answer the way the real
services do, so the crawler is tested against real sockets and real headers:

* ``PagesServer``: a static folder served like GitHub Pages (``/FCN`` from
  ``FCN.html``, 301 to add a trailing slash, 404 with the site's ``404.html``,
  no directory listings, ETag/Last-Modified and 304s).
* ``InterviewServer``: the interview pages sent as ``text/html`` without a
  charset, like ``python -m http.server``.
* ``GitHubAPIServer``: the GitHub REST API calls the crawler makes, over
  ``github/repos.json`` and the README files (pagination, weak ETags,
  rate-limit headers).
* ``serve_all()``: all of them at once.

Misbehaviour (Retry-After, slow answers, redirect loops, gzip bombs...) is
injected per path with ``FixtureServer.override``; every request is recorded
in ``FixtureServer.requests``.
"""

from __future__ import annotations

import base64
import email.utils
import hashlib
import json
import os
import re
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, NamedTuple, Self
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit

__all__ = [
    "FixtureServer",
    "FixtureServers",
    "GitHubAPIServer",
    "InterviewServer",
    "PagesServer",
    "RequestRecord",
    "Response",
    "fixtures_root",
    "serve_all",
]

Headers = Mapping[str, str] | Iterable[tuple[str, str]]
Body = bytes | Iterable[bytes]


def fixtures_root() -> Path:
    """The shared fixture folder: ``$MODUSEARCH_FIXTURES``, else ``shared/fixtures`` beside the clone."""
    configured = os.environ.get("MODUSEARCH_FIXTURES")
    if configured:
        return Path(configured)
    return Path(__file__).resolve().parents[2] / "shared" / "fixtures"


class Response(NamedTuple):
    """What a server sends. ``body`` may be an iterable of chunks (streamed, no Content-Length)."""

    status: int
    headers: Headers
    body: Body


# An override answers one path: a fixed Response/tuple, or a callable
# ``(handler, count) -> (status, headers, body)`` where ``count`` is how many
# requests that path has had, this one included. A callable that writes to
# ``handler.wfile`` itself (truncated bodies, resets) returns None; its request
# is logged with status None once it returns.
Override = Response | tuple[int, Headers, Body] | Callable[[BaseHTTPRequestHandler, int], Any]


@dataclass(frozen=True)
class RequestRecord:
    """One request as the server saw it; header names are lower-cased."""

    method: str
    path: str
    headers: dict[str, str]
    status: int | None

    @property
    def conditional(self) -> bool:
        """True for a conditional GET (If-None-Match or If-Modified-Since)."""
        return "if-none-match" in self.headers or "if-modified-since" in self.headers


def request_path(target: str) -> str:
    """The %-decoded (UTF-8) path of a request target, query dropped, without Unicode normalization."""
    return unquote(urlsplit(target).path)


class _Handler(BaseHTTPRequestHandler):
    """Hands every GET/HEAD to the owning FixtureServer; keeps stderr quiet."""

    protocol_version = "HTTP/1.1"
    server_version = "modusearch-fixture"
    sys_version = ""

    def do_GET(self) -> None:
        self.server.fixture._handle(self)  # type: ignore[attr-defined]

    do_HEAD = do_GET

    def log_message(self, format: str, *args: Any) -> None:
        pass


class _QuietServer(ThreadingHTTPServer):
    """A client that hangs up early (size limits, timeouts) is normal here, not worth a traceback."""

    def handle_error(self, request: Any, client_address: Any) -> None:
        import sys

        if not isinstance(sys.exc_info()[1], (ConnectionResetError, BrokenPipeError)):
            super().handle_error(request, client_address)


class FixtureServer:
    """Base: thread lifecycle, request log and per-path overrides; subclasses implement ``respond``."""

    def __init__(self, overrides: Mapping[str, Override] | None = None) -> None:
        self._lock = threading.Lock()
        self._log: list[RequestRecord] = []
        self._counts: dict[str, int] = {}
        self._overrides: dict[str, Override] = dict(overrides or {})
        self._httpd = _QuietServer(("127.0.0.1", 0), _Handler)
        self._httpd.fixture = self  # type: ignore[attr-defined]
        self.port: int = self._httpd.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": 0.05},  # shutdown() waits up to one poll interval
            name=f"{type(self).__name__}:{self.port}",
            daemon=True,
        )
        self._thread.start()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Stop serving and release the port."""
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join()

    def url_for(self, path: str) -> str:
        """Absolute URL of ``path``, with non-ASCII characters percent-encoded."""
        return self.url + quote(path, safe="/%?&=#:;+,")

    # -- request log ------------------------------------------------------

    @property
    def requests(self) -> list[RequestRecord]:
        """A snapshot of every request so far, oldest first."""
        with self._lock:
            return list(self._log)

    def requests_to(self, path: str) -> list[RequestRecord]:
        """The logged requests whose decoded path (query ignored) is ``path``."""
        wanted = request_path(quote(path, safe="/%"))
        return [r for r in self.requests if request_path(r.path) == wanted]

    def reset_log(self) -> None:
        """Forget logged requests and the per-path counts that overrides see."""
        with self._lock:
            self._log.clear()
            self._counts.clear()

    # -- overrides --------------------------------------------------------

    def override(self, path: str, answer: Override) -> None:
        """Answer requests for the decoded ``path`` (query ignored) with ``answer`` instead."""
        with self._lock:
            self._overrides[path] = answer

    def remove_override(self, path: str) -> None:
        """Serve ``path`` normally again."""
        with self._lock:
            self._overrides.pop(path, None)

    # -- request handling -------------------------------------------------

    def respond(self, handler: BaseHTTPRequestHandler) -> Response:
        raise NotImplementedError

    def _handle(self, handler: BaseHTTPRequestHandler) -> None:
        path = request_path(handler.path)
        with self._lock:
            count = self._counts[path] = self._counts.get(path, 0) + 1
            answer = self._overrides.get(path)
        if answer is None:
            result: Any = self.respond(handler)
        elif callable(answer):
            result = answer(handler, count)
        else:
            result = answer
        response = None if result is None else Response(*result)
        # Logged before sending, so a client that has its answer also sees the record.
        record = RequestRecord(
            method=handler.command,
            path=handler.path,
            headers={k.lower(): v for k, v in handler.headers.items()},
            status=None if response is None else response.status,
        )
        with self._lock:
            self._log.append(record)
        if response is not None:
            _send(handler, response)


def _send(handler: BaseHTTPRequestHandler, response: Response) -> None:
    """Write ``response``; bodies of HEAD, 1xx, 204 and 304 are dropped as HTTP requires."""
    status, headers, body = response
    pairs = list(headers.items() if isinstance(headers, Mapping) else headers)
    names = {name.lower() for name, _ in pairs}
    no_body = handler.command == "HEAD" or status < 200 or status in (204, 304)
    if isinstance(body, (bytes, bytearray)):
        chunks: Iterable[bytes] = [bytes(body)]
        if "content-length" not in names and status not in (204, 304):
            pairs.append(("Content-Length", str(len(body))))
    else:
        chunks = body
        if "content-length" not in names:
            pairs.append(("Connection", "close"))  # the end of the body is the end of the connection
            handler.close_connection = True
    try:
        handler.send_response(status)
        for name, value in pairs:
            handler.send_header(name, str(value))
        handler.end_headers()
        if not no_body:
            for chunk in chunks:
                handler.wfile.write(chunk)
    except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeouts, size limits)
        handler.close_connection = True


# -- conditional requests -------------------------------------------------


def _etag_matches(if_none_match: str | None, etag: str) -> bool:
    """Weak comparison (RFC 9110 13.1.2): ``W/"x"`` matches ``"x"``; ``*`` matches anything."""
    if not if_none_match:
        return False
    bare = etag.removeprefix("W/")
    for candidate in if_none_match.split(","):
        candidate = candidate.strip()
        if candidate == "*" or candidate.removeprefix("W/") == bare:
            return True
    return False


def _not_modified_since(if_modified_since: str | None, mtime: float) -> bool:
    if not if_modified_since:
        return False
    try:
        since = email.utils.parsedate_to_datetime(if_modified_since)
    except (TypeError, ValueError):
        return False  # an unparsable date is ignored, as RFC 9110 says
    return int(mtime) <= since.timestamp()


# -- GitHub Pages ---------------------------------------------------------

_TEXT_TYPES = {
    ".html": "text/html",
    ".css": "text/css",
    ".js": "application/javascript",
    ".txt": "text/plain",
    ".md": "text/markdown",
}
_OTHER_TYPES = {".xml": "application/xml", ".json": "application/json"}


class _SiteFiles:
    """A read-only folder plus in-memory changes, so tests can edit a site without touching the fixtures."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._lock = threading.Lock()
        self._changed: dict[str, tuple[bytes, float]] = {}
        self._deleted: set[str] = set()

    def read(self, rel: str) -> tuple[bytes, float] | None:
        """Bytes and mtime of the file at ``rel`` (relative, ``/``-separated), or None."""
        with self._lock:
            if rel in self._changed:
                return self._changed[rel]
            if rel in self._deleted:
                return None
        path = self.root / rel
        if not rel or not path.is_file():
            return None
        return path.read_bytes(), path.stat().st_mtime

    def is_dir(self, rel: str) -> bool:
        with self._lock:
            if any(name.startswith(rel + "/") for name in self._changed):
                return True
        return (self.root / rel).is_dir()

    def write(self, rel: str, body: bytes) -> None:
        previous = self.read(rel)
        # Strictly newer, in whole seconds, so If-Modified-Since sees the change.
        mtime = max(time.time(), previous[1] + 1 if previous else 0)
        with self._lock:
            self._changed[rel] = (body, mtime)
            self._deleted.discard(rel)

    def delete(self, rel: str) -> None:
        with self._lock:
            self._changed.pop(rel, None)
            self._deleted.add(rel)


class PagesServer(FixtureServer):
    """A static folder served like GitHub Pages, mounted at URL ``prefix``.

    ``/X`` serves ``X`` or else ``X.html``; a folder without a trailing slash is
    redirected (301) to ``folder/``; ``folder/`` serves ``folder/index.html``
    or 404 (never a listing); misses get ``404.html`` with status 404. Paths
    are matched exactly as decoded, without Unicode normalization, as on a
    Linux file system. ``charset=None`` sends text types without a charset.
    """

    def __init__(
        self,
        root_dir: Path | str,
        prefix: str = "/",
        *,
        charset: str | None = "utf-8",
        overrides: Mapping[str, Override] | None = None,
    ) -> None:
        self.files = _SiteFiles(Path(root_dir))
        self.prefix = "/" + prefix.strip("/") + "/" if prefix.strip("/") else "/"
        self.charset = charset
        super().__init__(overrides)

    def set_page(self, path: str, body: bytes | str) -> None:
        """Add or replace the file at site path ``path`` (e.g. ``/new.html``) in memory."""
        self.files.write(path.strip("/"), body.encode("utf-8") if isinstance(body, str) else body)

    def delete_page(self, path: str) -> None:
        """Make the file at site path ``path`` disappear (in memory only)."""
        self.files.delete(path.strip("/"))

    def undo_changes(self) -> None:
        """Forget every ``set_page``/``delete_page`` and override: serve the folder as it is again."""
        with self.files._lock:
            self.files._changed.clear()
            self.files._deleted.clear()
        with self._lock:
            self._overrides.clear()

    def respond(self, handler: BaseHTTPRequestHandler) -> Response:
        path = request_path(handler.path)
        if path + "/" == self.prefix:
            return self._redirect(handler)
        if not path.startswith(self.prefix):
            return self._not_found()
        rel = path[len(self.prefix):]
        if ".." in rel.split("/"):
            return self._not_found()
        if rel == "" or rel.endswith("/"):
            return self._file(handler, rel + "index.html") or self._not_found()
        found = self._file(handler, rel) or self._file(handler, rel + ".html")
        if found:
            return found
        if self.files.is_dir(rel):
            return self._redirect(handler)
        return self._not_found()

    def _content_type(self, rel: str) -> str:
        suffix = Path(rel).suffix.lower()
        if suffix in _TEXT_TYPES:
            kind = _TEXT_TYPES[suffix]
            return f"{kind}; charset={self.charset}" if self.charset else kind
        return _OTHER_TYPES.get(suffix, "application/octet-stream")

    def _file(self, handler: BaseHTTPRequestHandler, rel: str) -> Response | None:
        found = self.files.read(rel)
        if found is None:
            return None
        body, mtime = found
        headers = {
            "Content-Type": self._content_type(rel),
            "ETag": '"' + hashlib.sha256(body).hexdigest()[:20] + '"',
            "Last-Modified": email.utils.formatdate(mtime, usegmt=True),
            "Cache-Control": "max-age=600",
        }
        if_none_match = handler.headers.get("If-None-Match")
        if if_none_match:  # it wins over If-Modified-Since when both are sent (RFC 9110 13.2.2)
            unchanged = _etag_matches(if_none_match, headers["ETag"])
        else:
            unchanged = _not_modified_since(handler.headers.get("If-Modified-Since"), mtime)
        if unchanged:
            return Response(304, {k: v for k, v in headers.items() if k != "Content-Type"}, b"")
        return Response(200, headers, body)

    def _redirect(self, handler: BaseHTTPRequestHandler) -> Response:
        target = urlsplit(handler.path)
        location = self.url + target.path + "/" + (f"?{target.query}" if target.query else "")
        body = b"<html><head><title>301 Moved Permanently</title></head><body>Moved</body></html>\n"
        return Response(301, {"Location": location, "Content-Type": "text/html"}, body)

    def _not_found(self) -> Response:
        page = self.files.read("404.html")
        body = page[0] if page else b"404 Not Found\n"
        kind = self._content_type("404.html" if page else "404.txt")
        return Response(404, {"Content-Type": kind}, body)


class InterviewServer(PagesServer):
    """``fixtures/interviews`` as ``text/html`` without charset, so decoders must read ``<meta charset>``."""

    def __init__(self, root_dir: Path | str | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("charset", None)
        super().__init__(root_dir or fixtures_root() / "interviews", **kwargs)


# -- GitHub REST API ------------------------------------------------------

_NOT_FOUND = {"message": "Not Found", "documentation_url": "https://docs.github.com/rest"}
_RATE_DOCS = "https://docs.github.com/rest/overview/resources-in-the-rest-api#rate-limiting"
_RAW_MEDIA = re.compile(r"application/vnd\.github(?:\.v3)?\.raw")
_EPOCH = datetime(2015, 1, 1, tzinfo=UTC)

# A route's answer before rate limiting and ETags: status, JSON-able object or raw bytes, headers.
_Answer = tuple[int, Any, dict[str, str]]


def _stable_int(text: str, modulo: int) -> int:
    """A number derived from ``text`` that is the same on every run (unlike ``hash``)."""
    return int(hashlib.sha1(text.lower().encode("utf-8")).hexdigest()[:12], 16) % modulo


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def git_blob_sha(data: bytes) -> str:
    """The SHA-1 git gives ``data`` as a blob, which GitHub reports as a file's ``sha``."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def _base64_lines(data: bytes) -> str:
    """Base64 with a newline after every 60 characters, as GitHub's contents API sends it."""
    text = base64.b64encode(data).decode("ascii")
    return "".join(text[i:i + 60] + "\n" for i in range(0, len(text), 60))


def _link_header(url: str, query: list[tuple[str, str]], page: int, last: int) -> str | None:
    """GitHub's ``Link`` header: prev, next, last, first; absent when everything fits one page."""
    if last <= 1:
        return None
    params = [(k, v) for k, v in query if k != "page"]

    def link(number: int, rel: str) -> str:
        return f'<{url}?{urlencode(params + [("page", str(number))])}>; rel="{rel}"'

    links = []
    if page > 1:
        links.append(link(min(page - 1, last), "prev"))
    if page < last:
        links += [link(page + 1, "next"), link(last, "last")]
    if page > 1:
        links.append(link(1, "first"))
    return ", ".join(links)


@dataclass
class _Repo:
    """One fixture repository and its README; ``changed`` is set when a test edits it."""

    fields: dict[str, Any]
    readme: bytes | None
    changed: datetime | None = None

    @property
    def owner(self) -> str:
        return str(self.fields["owner"]["login"])

    @property
    def name(self) -> str:
        return str(self.fields["name"])

    @property
    def key(self) -> str:
        return f"{self.owner}/{self.name}".lower()


class GitHubAPIServer(FixtureServer):
    """The GitHub REST API calls the crawler makes, over ``github/repos.json`` and the READMEs.

    Routes: ``/orgs|users/{owner}/repos``, ``/repos/{owner}/{repo}``,
    ``/repos/{owner}/{repo}/readme`` (JSON with base64, or raw bytes for
    ``Accept: application/vnd.github.raw``). Answers carry weak ETags and
    rate-limit headers; matching If-None-Match gives 304 and is free; once
    ``rate_limit`` requests are spent every answer is 403. README
    ``download_url`` points at ``/raw/{owner}/{repo}/{branch}/README.md`` here,
    which is outside the rate limit like raw.githubusercontent.com.
    """

    _LIST = re.compile(r"/(?:orgs|users)/([^/]+)/repos/?")
    _README = re.compile(r"/repos/([^/]+)/([^/]+)/readme/?")
    _REPO = re.compile(r"/repos/([^/]+)/([^/]+)/?")
    _RAW = re.compile(r"/raw/([^/]+)/([^/]+)/[^/]+/README\.md")

    def __init__(
        self,
        root: Path | str | None = None,
        *,
        rate_limit: int = 5000,
        overrides: Mapping[str, Override] | None = None,
        max_per_page: int = 100,
    ) -> None:
        github = Path(root or fixtures_root()) / "github"
        self.max_per_page = max_per_page  # GitHub's cap is 100; lower it to test pagination
        self._repos: list[_Repo] = []
        for fields in json.loads((github / "repos.json").read_text(encoding="utf-8")):
            readme = github / fields["full_name"] / fields.get("readme_path", "README.md")
            self._repos.append(_Repo(fields, readme.read_bytes() if readme.is_file() else None))
        self.rate_limit = rate_limit
        self._remaining = rate_limit
        self._reset_at = int(time.time()) + 3600
        super().__init__(overrides)

    # -- changes for tests ------------------------------------------------

    def set_readme(self, owner: str, repo: str, text: str | bytes) -> None:
        """Replace (or create) a README; the repo's ``pushed_at`` moves to now."""
        found = self._get(owner, repo)
        with self._lock:
            found.readme = text.encode("utf-8") if isinstance(text, str) else text
            found.changed = datetime.now(UTC).replace(microsecond=0)

    def delete_readme(self, owner: str, repo: str) -> None:
        """Remove a README, so ``/readme`` answers 404."""
        found = self._get(owner, repo)
        with self._lock:
            found.readme = None
            found.changed = datetime.now(UTC).replace(microsecond=0)

    def add_repo(self, fields: Mapping[str, Any], readme: str | bytes | None = None) -> None:
        """Add a repository (needs ``name`` and ``owner.login``), replacing one of the same name."""
        owner, name = fields["owner"]["login"], fields["name"]
        complete = {
            "full_name": f"{owner}/{name}",
            "html_url": f"https://github.com/{owner}/{name}",
            "default_branch": "main",
            "fork": False,
            **fields,
        }
        data = readme.encode("utf-8") if isinstance(readme, str) else readme
        self.remove_repo(owner, name)
        with self._lock:
            self._repos.append(_Repo(complete, data, datetime.now(UTC).replace(microsecond=0)))

    def remove_repo(self, owner: str, repo: str) -> None:
        key = f"{owner}/{repo}".lower()
        with self._lock:
            self._repos = [r for r in self._repos if r.key != key]

    def reset_rate_limit(self, remaining: int | None = None) -> None:
        """Refill the budget (to ``rate_limit`` unless ``remaining`` is given)."""
        with self._lock:
            self._remaining = self.rate_limit if remaining is None else remaining

    @property
    def rate_remaining(self) -> int:
        with self._lock:
            return self._remaining

    # -- responses --------------------------------------------------------

    def respond(self, handler: BaseHTTPRequestHandler) -> Response:
        path = request_path(handler.path)
        raw = self._RAW.fullmatch(path)
        if raw:
            return self._raw(*raw.groups())
        status, payload, headers = self._route(handler, path)
        if isinstance(payload, bytes):
            body = payload
        else:
            body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        headers.setdefault("Content-Type", "application/json; charset=utf-8")
        not_modified = False
        if status == 200:
            headers["ETag"] = 'W/"' + hashlib.sha256(body).hexdigest() + '"'
            not_modified = _etag_matches(handler.headers.get("If-None-Match"), headers["ETag"])
        with self._lock:
            if not not_modified and self._remaining <= 0:
                return self._rate_limited(handler)
            if not_modified:
                status, body = 304, b""
                del headers["Content-Type"]
            else:
                self._remaining -= 1
            headers.update(self._rate_headers())
        return Response(status, headers, body)

    def _route(self, handler: BaseHTTPRequestHandler, path: str) -> _Answer:
        routes: list[tuple[re.Pattern[str], Callable[..., _Answer]]] = [
            (self._LIST, self._list_repos),
            (self._README, self._readme),
            (self._REPO, self._repo),
        ]
        for pattern, route in routes:
            match = pattern.fullmatch(path)
            if match:
                return route(handler, *match.groups())
        return 404, _NOT_FOUND, {}

    def _list_repos(self, handler: BaseHTTPRequestHandler, owner: str) -> _Answer:
        query = parse_qsl(urlsplit(handler.path).query)
        params = dict(query)
        with self._lock:
            repos = [r for r in self._repos if r.owner.lower() == owner.lower()]
        if not repos:
            return 404, _NOT_FOUND, {}
        kind = params.get("type", "all")
        if kind in ("forks", "sources"):
            repos = [r for r in repos if bool(r.fields.get("fork")) == (kind == "forks")]
        per_page = min(max(_int(params.get("per_page"), 30), 1), self.max_per_page)
        page = max(_int(params.get("page"), 1), 1)
        last = max(-(-len(repos) // per_page), 1)
        chosen = repos[(page - 1) * per_page:page * per_page]
        headers = {}
        link = _link_header(self.url + urlsplit(handler.path).path, query, page, last)
        if link:
            headers["Link"] = link
        return 200, [self._api_repo(r) for r in chosen], headers

    def _repo(self, handler: BaseHTTPRequestHandler, owner: str, name: str) -> _Answer:
        found = self._find(owner, name)
        return (200, self._api_repo(found), {}) if found else (404, _NOT_FOUND, {})

    def _readme(self, handler: BaseHTTPRequestHandler, owner: str, name: str) -> _Answer:
        found = self._find(owner, name)
        if found is None or found.readme is None:
            return 404, _NOT_FOUND, {}
        if _RAW_MEDIA.search(handler.headers.get("Accept", "")):
            return 200, found.readme, {"Content-Type": "application/vnd.github.raw; charset=utf-8"}
        return 200, self._readme_object(found), {}

    def _raw(self, owner: str, name: str) -> Response:
        found = self._find(owner, name)
        if found is None or found.readme is None:
            return Response(404, {"Content-Type": "text/plain; charset=utf-8"}, b"404: Not Found")
        return Response(200, {"Content-Type": "text/plain; charset=utf-8"}, found.readme)

    def _rate_limited(self, handler: BaseHTTPRequestHandler) -> Response:
        who = "user ID 1" if handler.headers.get("Authorization") else handler.client_address[0]
        body = {"message": f"API rate limit exceeded for {who}.", "documentation_url": _RATE_DOCS}
        headers = {"Content-Type": "application/json; charset=utf-8", **self._rate_headers()}
        return Response(403, headers, json.dumps(body).encode("utf-8"))

    def _rate_headers(self) -> dict[str, str]:
        """Called with the lock held."""
        return {
            "X-RateLimit-Limit": str(self.rate_limit),
            "X-RateLimit-Remaining": str(max(self._remaining, 0)),
            "X-RateLimit-Reset": str(self._reset_at),
            "X-RateLimit-Used": str(self.rate_limit - max(self._remaining, 0)),
            "X-RateLimit-Resource": "core",
        }

    # -- API objects ------------------------------------------------------

    def _find(self, owner: str, name: str) -> _Repo | None:
        key = f"{owner}/{name}".lower()
        with self._lock:
            return next((r for r in self._repos if r.key == key), None)

    def _get(self, owner: str, name: str) -> _Repo:
        found = self._find(owner, name)
        if found is None:
            raise KeyError(f"no repository {owner}/{name} in the fixture")
        return found

    def _api_repo(self, repo: _Repo) -> dict[str, Any]:
        """The fixture's partial object completed the way the API fills it, deterministically."""
        fields, full = repo.fields, f"{repo.owner}/{repo.name}"
        repo_id = 10_000_000 + _stable_int(full, 900_000_000)
        owner_id = 1_000_000 + _stable_int(repo.owner, 90_000_000)
        created = _EPOCH + timedelta(seconds=_stable_int(full, 3 * 365 * 86400))
        pushed = repo.changed or created + timedelta(seconds=_stable_int(full[::-1], 3 * 365 * 86400))
        api = f"{self.url}/repos/{full}"
        return {
            "id": repo_id,
            "node_id": base64.b64encode(f"010:Repository{repo_id}".encode()).decode("ascii"),
            "name": repo.name,
            "full_name": full,
            "private": False,
            "owner": {
                "login": repo.owner,
                "id": owner_id,
                "node_id": base64.b64encode(f"012:Organization{owner_id}".encode()).decode("ascii"),
                "type": "Organization",
                "url": f"{self.url}/users/{repo.owner}",
                "html_url": f"https://github.com/{repo.owner}",
                "site_admin": False,
            },
            "html_url": fields["html_url"],
            "description": fields.get("description"),
            "fork": bool(fields.get("fork", False)),
            "url": api,
            "contents_url": api + "/contents/{+path}",
            "created_at": _iso(created),
            "updated_at": _iso(pushed),
            "pushed_at": _iso(pushed),
            "homepage": fields.get("homepage"),
            "size": max(1, len(repo.readme or b"") // 1024),
            "stargazers_count": int(fields.get("stargazers_count", 0)),
            "watchers_count": int(fields.get("stargazers_count", 0)),
            "language": fields.get("language"),
            "forks_count": 0,
            "archived": bool(fields.get("archived", False)),
            "disabled": False,
            "open_issues_count": 0,
            "license": None,
            "topics": list(fields.get("topics", [])),
            "visibility": "public",
            "default_branch": fields["default_branch"],
        }

    def _readme_object(self, repo: _Repo) -> dict[str, Any]:
        data = repo.readme or b""
        full, branch, sha = f"{repo.owner}/{repo.name}", repo.fields["default_branch"], git_blob_sha(data)
        url = f"{self.url}/repos/{full}/contents/README.md?ref={branch}"
        git_url = f"{self.url}/repos/{full}/git/blobs/{sha}"
        html_url = f"https://github.com/{full}/blob/{branch}/README.md"
        return {
            "name": "README.md",
            "path": "README.md",
            "sha": sha,
            "size": len(data),
            "url": url,
            "html_url": html_url,
            "git_url": git_url,
            "download_url": f"{self.url}/raw/{full}/{branch}/README.md",
            "type": "file",
            "content": _base64_lines(data),
            "encoding": "base64",
            "_links": {"self": url, "git": git_url, "html": html_url},
        }


def _int(text: str | None, default: int) -> int:
    try:
        return int(text) if text is not None else default
    except ValueError:
        return default


# -- everything at once ---------------------------------------------------


@dataclass(frozen=True)
class FixtureServers:
    """The four fixture servers started by ``serve_all``."""

    site: PagesServer
    distractor: PagesServer
    interviews: InterviewServer
    github: GitHubAPIServer


@contextmanager
def serve_all(root: Path | str | None = None) -> Iterator[FixtureServers]:
    """Start every fixture server. The distractor's start URL is ``.url + "/modulabs_homepage/"``."""
    base = Path(root or fixtures_root())
    with ExitStack() as stack:
        yield FixtureServers(
            site=stack.enter_context(PagesServer(base / "sites" / "modulabs-biomedical.github.io")),
            distractor=stack.enter_context(PagesServer(base / "sites" / "talmo777.github.io")),
            interviews=stack.enter_context(InterviewServer(base / "interviews")),
            github=stack.enter_context(GitHubAPIServer(base)),
        )
