"""The sources file (TOML): which sites, GitHub owners and single pages to crawl.

Example::

    [settings]            # optional overrides of crawler.settings.CrawlSettings
    delay = 1.0

    [[site]]              # a web site, crawled within the start URL's host and path prefix
    name = "biomedical-blog"
    lab = "바이오메디컬랩"
    start_urls = ["https://modulabs-biomedical.github.io/"]

    [[github]]            # READMEs of repositories, through the GitHub REST API
    name = "github"
    owners = ["modulabs"]
    repos = ["modulabs-ctrl/pommerman-2018"]
    labs = { modulabs-ctrl = "강화학습 CTRL 랩" }   # lab per owner or per owner/repo

    [[pages]]             # single URLs fetched once each, no link following
    name = "interviews"
    kind = "interview"
    urls = ["https://brunch.co.kr/@modulabs/18"]
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from crawler.errors import ConfigError
from crawler.settings import CrawlSettings
from crawler.urls import normalize_url

_KINDS = ("page", "readme", "interview")
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
_REPO = re.compile(r"^[A-Za-z0-9-]+/[A-Za-z0-9_.-]+$")


@dataclass(frozen=True)
class Source:
    name: str
    lab: str = ""
    kind: str = "page"


@dataclass(frozen=True)
class SiteSource(Source):
    start_urls: tuple[str, ...] = ()
    settings: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class GitHubSource(Source):
    kind: str = "readme"
    api_url: str = "https://api.github.com"
    owners: tuple[str, ...] = ()
    repos: tuple[str, ...] = ()
    labs: dict[str, str] = field(default_factory=dict)
    include_forks: bool = False

    def lab_for(self, full_name: str) -> str:
        owner = full_name.split("/", 1)[0]
        lowered = {k.lower(): v for k, v in self.labs.items()}
        return lowered.get(full_name.lower()) or lowered.get(owner.lower()) or self.lab


@dataclass(frozen=True)
class PagesSource(Source):
    urls: tuple[str, ...] = ()


@dataclass(frozen=True)
class SourcesConfig:
    sources: tuple[Source, ...]
    settings: CrawlSettings


def load_sources(path: str | Path) -> SourcesConfig:
    """Read and validate a sources file; every problem is a ConfigError naming the entry."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text("utf-8"))
    except FileNotFoundError as exc:
        raise ConfigError(f"sources file not found: {path}") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read sources file {path}: {exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path} is not valid TOML: {exc}") from exc
    return parse_sources(data, origin=str(path))


def parse_sources(data: dict[str, Any], origin: str = "sources") -> SourcesConfig:
    unknown = set(data) - {"settings", "site", "github", "pages"}
    if unknown:
        raise ConfigError(f"{origin}: unknown section(s) {', '.join(sorted(unknown))}; use site, github, pages")
    settings = CrawlSettings().with_overrides(_table(data, "settings", origin))
    sources: list[Source] = []
    for entry in _entries(data, "site", origin):
        sources.append(SiteSource(**_common(entry, "site", "page", origin),
                                  start_urls=_urls(entry, "start_urls", origin),
                                  settings=dict(entry.get("settings", {}))))
    for entry in _entries(data, "github", origin):
        repos = tuple(_strings(entry, "repos", origin))
        for repo in repos:
            if not _REPO.match(repo):
                raise ConfigError(f"{origin}: github repo {repo!r} must look like owner/name")
        owners = tuple(_strings(entry, "owners", origin))
        if not owners and not repos:
            raise ConfigError(f"{origin}: a [[github]] entry needs owners and/or repos")
        api_url = str(entry.get("api_url", "https://api.github.com")).rstrip("/")
        if normalize_url(api_url) is None:
            raise ConfigError(f"{origin}: api_url {api_url!r} is not an http(s) URL")
        labs = entry.get("labs", {})
        if not isinstance(labs, dict) or not all(isinstance(v, str) for v in labs.values()):
            raise ConfigError(f"{origin}: github labs must be a table of owner or owner/repo = \"lab name\"")
        sources.append(GitHubSource(**_common(entry, "github", "readme", origin), api_url=api_url,
                                    owners=owners, repos=repos, labs=dict(labs),
                                    include_forks=bool(entry.get("include_forks", False))))
    for entry in _entries(data, "pages", origin):
        sources.append(PagesSource(**_common(entry, "pages", "page", origin), urls=_urls(entry, "urls", origin)))
    names = [s.name for s in sources]
    duplicates = {n for n in names if names.count(n) > 1}
    if duplicates:
        raise ConfigError(f"{origin}: source names must be unique; repeated: {', '.join(sorted(duplicates))}")
    return SourcesConfig(tuple(sources), settings)


def _table(data: dict[str, Any], key: str, origin: str) -> dict[str, Any]:
    value = data.get(key, {})
    if not isinstance(value, dict):
        raise ConfigError(f"{origin}: [{key}] must be a table")
    return value


def _entries(data: dict[str, Any], key: str, origin: str) -> list[dict[str, Any]]:
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise ConfigError(f"{origin}: use [[{key}]] entries")
    return value


def _common(entry: dict[str, Any], section: str, default_kind: str, origin: str) -> dict[str, Any]:
    name = entry.get("name")
    if not isinstance(name, str) or not _NAME.match(name):
        raise ConfigError(f"{origin}: every [[{section}]] needs a name of letters, digits, '-', '_', '.'")
    kind = entry.get("kind", default_kind)
    if kind not in _KINDS:
        raise ConfigError(f"{origin}: source {name}: kind must be one of {', '.join(_KINDS)}")
    lab = entry.get("lab", "")
    if not isinstance(lab, str):
        raise ConfigError(f"{origin}: source {name}: lab must be text")
    return {"name": name, "kind": kind, "lab": lab}


def _strings(entry: dict[str, Any], key: str, origin: str) -> list[str]:
    value = entry.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise ConfigError(f"{origin}: source {entry.get('name')}: {key} must be a list of text")
    return value


def _urls(entry: dict[str, Any], key: str, origin: str) -> tuple[str, ...]:
    urls = []
    for raw in _strings(entry, key, origin):
        url = normalize_url(raw)
        if url is None:
            raise ConfigError(f"{origin}: source {entry.get('name')}: {raw!r} is not an http(s) URL")
        urls.append(url)
    if not urls:
        raise ConfigError(f"{origin}: source {entry.get('name')}: {key} is empty")
    return tuple(urls)
