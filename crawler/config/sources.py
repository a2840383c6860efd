"""The sources file (TOML): which sites, GitHub owners and single pages to crawl.

Example::

    [settings]            # optional overrides of crawler.config.settings.CrawlSettings
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
    allow_hosts = ["www.brunch.co.kr"]   # optional: other hosts its redirects may go to

The whole file is checked before any request: an unknown section, entry key or setting is an error that
names the file and the entry and suggests the closest known key.
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from crawler.config.settings import CrawlSettings, unknown_key
from crawler.errors import ConfigError
from crawler.net.scope import HostScope, host_of
from crawler.net.urls import normalize_url

_KINDS = ("page", "readme", "interview")
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
_REPO = re.compile(r"^[A-Za-z0-9-]+/[A-Za-z0-9_.-]+$")
_OWNER = re.compile(r"^[A-Za-z0-9-]{1,39}$")
_HOST = re.compile(r"^[a-z0-9.-]+(:[0-9]{1,5})?$|^\[[0-9a-f:.]+\](:[0-9]{1,5})?$")
_COMMON_KEYS = ("name", "lab", "kind")
#: the keys each kind of entry takes (anything else is a typo, refused with a suggestion)
KEYS = {
    "site": (*_COMMON_KEYS, "start_urls", "settings"),
    "github": (*_COMMON_KEYS, "api_url", "owners", "repos", "labs", "include_forks"),
    "pages": (*_COMMON_KEYS, "urls", "allow_hosts"),
}


@dataclass(frozen=True)
class Source:
    name: str
    lab: str = ""
    kind: str = "page"

    def urls_named(self) -> tuple[str, ...]:
        """The URLs the sources file gives this source (their hosts are its own hosts)."""
        return ()

    def hosts(self) -> HostScope:
        """The hosts this source may send requests to."""
        return HostScope.of(self.urls_named())


@dataclass(frozen=True)
class SiteSource(Source):
    start_urls: tuple[str, ...] = ()
    settings: dict[str, Any] = field(default_factory=dict)

    def urls_named(self) -> tuple[str, ...]:
        return self.start_urls


@dataclass(frozen=True)
class GitHubSource(Source):
    kind: str = "readme"
    api_url: str = "https://api.github.com"
    owners: tuple[str, ...] = ()
    repos: tuple[str, ...] = ()
    labs: dict[str, str] = field(default_factory=dict)
    include_forks: bool = False

    def urls_named(self) -> tuple[str, ...]:
        return (self.api_url,)

    def lab_for(self, full_name: str) -> str:
        owner = full_name.split("/", 1)[0]
        lowered = {k.lower(): v for k, v in self.labs.items()}
        return lowered.get(full_name.lower()) or lowered.get(owner.lower()) or self.lab


@dataclass(frozen=True)
class PagesSource(Source):
    urls: tuple[str, ...] = ()
    allow_hosts: tuple[str, ...] = ()  #: further hosts its redirects may go to (``host`` or ``host:port``)

    def urls_named(self) -> tuple[str, ...]:
        return self.urls

    def hosts(self) -> HostScope:
        return HostScope.of(self.urls, self.allow_hosts)


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
    """Validate a whole sources file (parsed TOML); every problem is a ConfigError naming the entry."""
    unknown = set(data) - {"settings", *KEYS}
    if unknown:
        key = sorted(unknown)[0]
        raise ConfigError(f"{origin}: {unknown_key('section', key, ['settings', *KEYS])}")
    try:
        settings = CrawlSettings().with_overrides(_table(data, "settings", origin))
    except ConfigError as exc:
        raise ConfigError(f"{origin}: [settings]: {exc}") from None
    sources: list[Source] = []
    for section in KEYS:
        for number, entry in enumerate(_entries(data, section, origin), start=1):
            where = _where(entry, section, number, origin)
            try:
                sources.append(_source(section, entry, settings))
            except ConfigError as exc:
                raise ConfigError(f"{where}: {exc}") from None
    names = [s.name for s in sources]
    duplicates = {n for n in names if names.count(n) > 1}
    if duplicates:
        raise ConfigError(f"{origin}: source names must be unique; repeated: {', '.join(sorted(duplicates))}")
    return SourcesConfig(tuple(sources), settings)


def _where(entry: dict[str, Any], section: str, number: int, origin: str) -> str:
    name = entry.get("name")
    label = f"name {name!r}" if isinstance(name, str) and name else f"number {number}"
    return f"{origin}: [[{section}]] entry {label}"


def _source(section: str, entry: dict[str, Any], settings: CrawlSettings) -> Source:
    for key in entry:
        if key not in KEYS[section]:
            raise ConfigError(unknown_key("key", key, KEYS[section]))
    common = _common(entry, section)
    if section == "site":
        overrides = entry.get("settings", {})
        if not isinstance(overrides, dict):
            raise ConfigError("settings must be a table of crawl settings")
        settings.with_overrides(overrides)  # refused now, not half way through a crawl
        return SiteSource(**common, start_urls=_urls(entry, "start_urls"), settings=dict(overrides))
    if section == "github":
        repos = tuple(_strings(entry, "repos"))
        for repo in repos:
            if not _REPO.match(repo):
                raise ConfigError(f"repo {repo!r} must look like owner/name")
        owners = tuple(_strings(entry, "owners"))
        for owner in owners:
            if not _OWNER.match(owner):
                raise ConfigError(f"owner {owner!r} is not a GitHub user or organisation name")
        if not owners and not repos:
            raise ConfigError("a [[github]] entry needs owners and/or repos")
        api_url = str(entry.get("api_url", "https://api.github.com")).rstrip("/")
        if normalize_url(api_url) is None:
            raise ConfigError(f"api_url {api_url!r} is not an http(s) URL")
        labs = entry.get("labs", {})
        if not isinstance(labs, dict) or not all(isinstance(v, str) for v in labs.values()):
            raise ConfigError("labs must be a table of owner or owner/repo = \"lab name\"")
        include_forks = entry.get("include_forks", False)
        if not isinstance(include_forks, bool):
            raise ConfigError("include_forks must be true or false")
        return GitHubSource(**common, api_url=api_url, owners=owners, repos=repos, labs=dict(labs),
                            include_forks=include_forks)
    allow_hosts = tuple(h.lower() for h in _strings(entry, "allow_hosts"))
    for host in allow_hosts:
        if not _HOST.match(host) or host_of(f"http://{host}/") != host.removesuffix(":80"):
            raise ConfigError(f"allow_hosts: {host!r} is not a host name (with an optional :port)")
    return PagesSource(**common, urls=_urls(entry, "urls"), allow_hosts=allow_hosts)


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


_DEFAULT_KIND = {"site": "page", "github": "readme", "pages": "page"}


def _common(entry: dict[str, Any], section: str) -> dict[str, Any]:
    name = entry.get("name")
    if not isinstance(name, str) or not _NAME.match(name):
        raise ConfigError("every entry needs a name of letters, digits, '-', '_', '.' (at most 64)")
    kind = entry.get("kind", _DEFAULT_KIND[section])
    if kind not in _KINDS:
        raise ConfigError(f"kind must be one of {', '.join(_KINDS)}")
    lab = entry.get("lab", "")
    if not isinstance(lab, str):
        raise ConfigError("lab must be text")
    return {"name": name, "kind": kind, "lab": lab}


def _strings(entry: dict[str, Any], key: str) -> list[str]:
    value = entry.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise ConfigError(f"{key} must be a list of text")
    return value


def _urls(entry: dict[str, Any], key: str) -> tuple[str, ...]:
    urls = []
    for raw in _strings(entry, key):
        url = normalize_url(raw)
        if url is None:
            raise ConfigError(f"{raw!r} is not an http(s) URL")
        urls.append(url)
    if not urls:
        raise ConfigError(f"{key} is empty")
    return tuple(urls)
