"""READMEs of GitHub repositories through the REST API (listing, then one README per repository).

Conditional requests (If-None-Match) make unchanged READMEs free against the rate limit; when the
limit runs out the source stops cleanly and keeps what it already has.
"""
from __future__ import annotations

import base64
import binascii
import json
import logging
import os
import re
import time
from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any
from urllib.parse import quote

from corpus import Document
from crawler.config.settings import CrawlSettings
from crawler.config.sources import GitHubSource
from crawler.errors import CrawlerError, FetchError, HTTPStatusError, RateLimited
from crawler.kinds.site import doc_id, now_iso
from crawler.net.fetch import Response, SourceFetcher
from crawler.net.scope import host_of
from crawler.net.urls import normalize_url
from crawler.result import SourceResult
from crawler.text.extract import extract_markdown
from crawler.text.lang import guess_language

logger = logging.getLogger(__name__)

_NEXT = re.compile(r"<([^>]+)>\s*;\s*rel=\"next\"")
_FULL_NAME = re.compile(r"^[A-Za-z0-9-]+/[A-Za-z0-9_.-]+$")
_ACCEPT = "application/vnd.github+json"


class GitHubCrawler:
    def __init__(self, source: GitHubSource, fetcher: SourceFetcher, settings: CrawlSettings,
                 previous: list[Document], state: dict[str, Any],
                 progress: Callable[[str], None] | None = None, token: str | None = None) -> None:
        self.source = source
        self.fetcher = fetcher
        self.settings = settings
        self.previous = {d.id: d for d in previous}
        self.old_repos: dict[str, dict[str, Any]] = dict(state.get("repos", {}))
        self.progress = progress or (lambda url: None)
        self.token = token if token is not None else os.environ.get("GITHUB_TOKEN", "")
        self.result = SourceResult(source.name)
        self.repos: dict[str, dict[str, Any]] = {}
        self.kept: dict[str, Document] = {}
        #: repository listings by page URL, with their ETag: an unchanged listing costs no budget
        self.old_listings: dict[str, dict[str, Any]] = dict(state.get("listings", {}))
        self.listings: dict[str, dict[str, Any]] = {}

    def _headers(self, url: str, etag: str = "") -> dict[str, str]:
        headers = {"Accept": _ACCEPT, "X-GitHub-Api-Version": "2022-11-28"}
        # The token goes to the configured API host only, whatever a Link header or an answer names.
        if self.token and host_of(url) == host_of(self.source.api_url):
            headers["Authorization"] = f"Bearer {self.token}"
        if etag:
            headers["If-None-Match"] = etag
        return headers

    def _get(self, url: str, etag: str = "") -> Response:
        try:
            response = self.fetcher.get(url, self._headers(url, etag), robots=False)
        except HTTPStatusError as exc:
            if exc.status in (403, 429) and exc.headers is not None and exc.headers.get("x-ratelimit-remaining") == "0":
                raise _rate_limited(exc.headers) from exc
            raise
        return response

    def run(self) -> SourceResult:
        try:
            listing = self._list_repositories()
        except RateLimited as exc:
            return self._stop(exc, keep_all=True)
        except FetchError as exc:
            self.result.failed = f"cannot list repositories: {exc}"
            self.result.documents = list(self.previous.values())
            self.result.state = {"repos": self.old_repos}
            return self.result
        try:
            for repo in listing:
                self._readme(repo)
        except RateLimited as exc:
            return self._stop(exc, keep_all=False)
        self.result.documents = list(self.kept.values())
        self.result.state = {"repos": self.repos, "listings": self.listings}
        return self.result

    def _stop(self, exc: RateLimited, *, keep_all: bool) -> SourceResult:
        when = (datetime.fromtimestamp(exc.reset_at, timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
                if exc.reset_at else "later")
        message = f"GitHub rate limit exhausted; kept what we have, retry after {when}"
        logger.warning("%s: %s", self.source.name, message)
        self.result.notes.append(message)
        for doc in self.previous.values():
            if doc.id not in self.kept:
                self.kept[doc.id] = self.result.keep(doc)
        for name, entry in self.old_repos.items():
            self.repos.setdefault(name, entry)
        self.result.documents = list(self.kept.values())
        self.result.state = {"repos": self.repos, "listings": {**self.old_listings, **self.listings}}
        return self.result

    def _list_repositories(self) -> list[dict[str, Any]]:
        repos: dict[str, dict[str, Any]] = {}
        for owner in self.source.owners:
            login = quote(owner, safe="")
            for repo in self._paginate(f"{self.source.api_url}/orgs/{login}/repos?per_page=100&type=public",
                                       fallback=f"{self.source.api_url}/users/{login}/repos?per_page=100"):
                if repo.get("fork") and self.settings.skip_forks and not self.source.include_forks:
                    continue
                if not _valid_name(repo.get("full_name")):
                    self.result.errors += 1
                    logger.warning("%s: skipping a listed repository with an impossible name %r", self.source.name,
                                   str(repo.get("full_name"))[:100])
                    continue
                repos.setdefault(repo["full_name"].lower(), repo)
        for full_name in self.source.repos:
            if full_name.lower() in repos:
                continue
            repo = _json(self._get(f"{self.source.api_url}/repos/{_path(full_name)}"))
            if not isinstance(repo, dict) or not _valid_name(repo.get("full_name")):
                raise FetchError(f"{self.source.api_url}/repos/{_path(full_name)}", "not a repository answer")
            repos[full_name.lower()] = repo
        return list(repos.values())

    def _paginate(self, url: str, fallback: str) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        next_url: str | None = url
        while next_url:
            self.progress(next_url)
            cached = self.old_listings.get(next_url)
            try:
                response = self._get(next_url, cached["etag"] if cached else "")
            except HTTPStatusError as exc:
                if exc.status == 404 and next_url == url and fallback:
                    next_url, url, fallback = fallback, fallback, ""
                    continue
                raise
            if response.not_modified and cached is not None:
                entry = cached
            else:
                page = _json(response)
                if not isinstance(page, list):
                    raise FetchError(next_url, "repository listing is not a JSON list")
                match = _NEXT.search(response.headers.get("link", ""))
                entry = {"etag": response.headers.get("etag", ""), "next": match.group(1) if match else "",
                         "items": [_listing_item(r) for r in page if isinstance(r, dict) and "full_name" in r]}
            self.listings[next_url] = entry
            items.extend(entry["items"])
            if entry["next"] and entry["next"] in self.listings:
                raise FetchError(entry["next"], "the listing's next page points back to a page already read")
            next_url = entry["next"] or None
        return items

    def _readme(self, repo: dict[str, Any]) -> None:
        full_name = repo["full_name"]
        key = full_name.lower()
        old = self.old_repos.get(key)
        previous = self.previous.get(doc_id(f"github:{key}"))
        url = f"{self.source.api_url}/repos/{_path(full_name)}/readme"
        self.progress(url)
        # A README crawled when titles were "owner/repo: heading" is fetched again, to be titled anew.
        fresh = previous is None or previous.title == full_name or previous.title.startswith(full_name + ": ")
        try:
            response = self._get(url, "" if fresh else (old or {}).get("etag", ""))
        except HTTPStatusError as exc:
            if exc.gone:
                failures = int((old or {}).get("failures", 0)) + 1
                if previous is not None and failures < self.settings.gone_after:
                    self.kept[previous.id] = self.result.keep(previous)
                    self.repos[key] = {**(old or {}), "failures": failures}
                elif previous is not None:
                    logger.info("removing README of %s: gone on %d crawls in a row", full_name, failures)
                return
            self.result.errors += 1
            logger.warning("%s", exc)
            self._keep(key, old, previous)
            return
        except FetchError as exc:
            self.result.errors += 1
            logger.warning("%s", exc)
            self._keep(key, old, previous)
            return
        if response.not_modified and previous is not None:
            self._count_metadata(previous, repo)
            self.kept[previous.id] = previous
            self.repos[key] = {**(old or {}), "failures": 0}
            return
        self.result.fetched += 1
        try:
            doc = self._document(repo, response)
        except CrawlerError as exc:
            self.result.errors += 1
            logger.warning("%s: %s", full_name, exc)
            self._keep(key, old, previous)
            return
        if previous is not None and previous.content_hash == doc.content_hash:
            previous.etag = doc.etag
            self._count_metadata(previous, repo)
            doc = previous
        else:
            doc = self.result.classify(doc, previous)
        self.kept[doc.id] = doc
        self.repos[key] = {"etag": response.headers.get("etag", ""), "failures": 0}

    def _count_metadata(self, doc: Document, repo: dict[str, Any]) -> None:
        """Same README text: still an update when the repository's facts (stars, topics...) moved."""
        metadata = _metadata(repo)
        if {k: doc.extra.get(k) for k in metadata} == metadata:
            return
        doc.extra.update(metadata)
        doc.published = metadata["pushed_at"] or doc.published

    def _keep(self, key: str, old: dict[str, Any] | None, previous: Document | None) -> None:
        if previous is not None:
            self.kept[previous.id] = self.result.keep(previous)
        if old is not None:
            self.repos[key] = old

    def _document(self, repo: dict[str, Any], response: Response) -> Document:
        payload = _json(response)
        if not isinstance(payload, dict) or payload.get("encoding") != "base64":
            raise CrawlerError("README answer is not base64 content")
        try:
            markdown = base64.b64decode(payload.get("content", ""), validate=False).decode("utf-8", "replace")
        except (binascii.Error, ValueError) as exc:
            raise CrawlerError(f"README content is not valid base64: {exc}") from exc
        page = extract_markdown(markdown)
        full_name = repo["full_name"]
        description = repo.get("description") or ""
        return Document(
            id=doc_id(f"github:{full_name.lower()}"),
            url=_html_url(repo.get("html_url"), full_name),
            title=readme_title(full_name, page, description),
            text=page.text, kind=self.source.kind, lab=self.source.lab_for(full_name),
            lang=guess_language(description + "\n" + page.text), source=self.source.name,
            fetched_at=now_iso(), etag=response.headers.get("etag", ""), description=description,
            headings=page.headings, published=repo.get("pushed_at") or "", extra=_metadata(repo),
        )


#: README sections that are no title (normalised: lowercase, letters and digits only).
_SECTIONS = frozenset("""introduction intro overview about usage howtouse howtorun installation install installing
gettingstarted gettingstart quickstart start requirements requirement prerequisites prerequisite dependencies
setup build run running example examples demo description summary what why how features tableofcontents
contents toc license contributing contribute howtocontribute contributors authors author acknowledgements
acknowledgments credits references reference faq todo changelog news updates documentation docs background
motivation results result notes contact 소개 개요 목차 설치 설치방법 사용법 사용방법 실행 실행방법 시작하기 요구사항
참고 참고자료 참고문헌 라이선스 기여 결과 문서 예제 데모 업데이트""".split())
_NOT_WORD = re.compile(r"[\W_]+")


def readme_title(full_name: str, page: Any, description: str) -> str:
    """A human title for a repository's README, never repeating the repository's name.

    The README's first top-level heading, unless it is a section name (Usage, Introduction, 소개 …) or
    the repository's name again; else the repository's description; else the README's first sentence;
    else the repository's name (``pommerman-2018``), which the result's address shows with its owner.
    """
    name = full_name.rsplit("/", 1)[-1]

    def real(text: str) -> bool:
        key = _NOT_WORD.sub("", text.lower())
        key = re.sub(r"^\d+", "", key)  # "1. Introduction"
        return bool(key) and key not in _SECTIONS and key != _NOT_WORD.sub("", name.lower()) \
            and key != _NOT_WORD.sub("", full_name.lower())

    levels = list(zip(page.headings, page.heading_levels, strict=False))
    top = min((level for _, level in levels), default=0)
    for heading, level in levels:
        if level == top and level <= 2 and real(heading):
            return heading.strip()
        if level == top:
            break  # only the first heading of the top level names the README
    for candidate in (description, page.lead):
        if candidate and real(candidate):
            return " ".join(candidate.split())
    return name


def _valid_name(full_name: object) -> bool:
    """GitHub's own shape of ``owner/name``: no other slashes, no dot segments, no query or spaces."""
    return (isinstance(full_name, str) and _FULL_NAME.match(full_name) is not None
            and full_name.split("/", 1)[1] not in (".", ".."))


def _path(full_name: str) -> str:
    """``owner/name`` for a URL path, each part quoted (a name from an answer is never trusted raw)."""
    owner, _, name = full_name.partition("/")
    return f"{quote(owner, safe='')}/{quote(name, safe='')}"


def _html_url(html_url: object, full_name: str) -> str:
    """The repository's page: the API's ``html_url`` when it is an http(s) URL, else the github.com one."""
    if isinstance(html_url, str) and normalize_url(html_url) is not None:
        return html_url
    return f"https://github.com/{_path(full_name)}"


def _metadata(repo: dict[str, Any]) -> dict[str, Any]:
    """Repository facts that help search and display."""
    return {
        "repo": repo.get("full_name", ""),
        "repo_name": repo.get("name", ""),
        "topics": list(repo.get("topics") or []),
        "language": repo.get("language") or "",
        "stars": int(repo.get("stargazers_count") or 0),
        "pushed_at": repo.get("pushed_at") or "",
        "archived": bool(repo.get("archived")),
        "fork": bool(repo.get("fork")),
    }


_LISTING_FIELDS = ("name", "full_name", "html_url", "description", "topics", "language", "stargazers_count",
                   "pushed_at", "archived", "fork")


def _listing_item(repo: dict[str, Any]) -> dict[str, Any]:
    """The fields of a listed repository the crawler uses (kept in the state with the listing's ETag)."""
    return {name: repo.get(name) for name in _LISTING_FIELDS}


def _json(response: Response) -> Any:
    try:
        return json.loads(response.body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise FetchError(response.url, f"answer is not JSON: {exc}") from exc


def _rate_limited(headers: Any) -> RateLimited:
    reset = headers.get("x-ratelimit-reset", "")
    reset_at = float(reset) if reset.isdigit() else None
    wait = f" in {max(0, int(reset_at - time.time()))} s" if reset_at else ""
    return RateLimited(f"GitHub API rate limit exhausted; it resets{wait}", reset_at)
