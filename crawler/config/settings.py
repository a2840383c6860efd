"""Crawl settings: polite defaults in one place (overridable per source in the sources file)."""
from __future__ import annotations

import difflib
from dataclasses import dataclass, fields, replace
from typing import Any

from crawler.errors import ConfigError

CONTACT_URL = "https://github.com/modulabs/modusearch"
USER_AGENT = f"modusearch/0.1 (+{CONTACT_URL}; Modulabs lab search crawler)"


@dataclass(frozen=True)
class CrawlSettings:
    """Politeness and safety limits of a crawl; every field is documented for the README."""

    user_agent: str = USER_AGENT  #: sent with every request; names us and a contact URL
    delay: float = 1.0  #: seconds between two requests to the same host (robots Crawl-delay wins if larger)
    max_crawl_delay: float = 30.0  #: a robots.txt Crawl-delay above this is capped
    timeout: float = 20.0  #: seconds one connect, read or write may wait (the server silent that long fails it)
    response_deadline: float = 120.0  #: seconds for one whole response, connect to last body byte
    source_deadline: float = 3600.0  #: seconds one source may take; past it the source stops (kept as before)
    run_deadline: float = 4 * 3600.0  #: seconds a whole crawl may take; a lock held longer is stale
    retries: int = 3  #: extra attempts on 429, 5xx and network errors (never on other 4xx)
    backoff: float = 2.0  #: first retry waits this long, then doubles; Retry-After wins when sent
    max_retry_after: float = 120.0  #: longer Retry-After values are not waited for; the URL fails
    max_pages: int = 2000  #: per web-site source
    max_depth: int = 12  #: link hops from a start URL
    max_url_length: int = 2048
    max_bytes: int = 10 * 1024 * 1024  #: per response, after decompression
    max_redirects: int = 5
    skip_forks: bool = True  #: GitHub: forks are not indexed unless listed explicitly
    gone_after: int = 2  #: a page answering 404/410 this many crawls in a row is removed

    def with_overrides(self, values: dict[str, Any]) -> CrawlSettings:
        known = {f.name: f.type for f in fields(self)}
        clean: dict[str, Any] = {}
        for key, value in values.items():
            if key not in known:
                raise ConfigError(unknown_key("setting", key, known))
            current = getattr(self, key)
            if isinstance(current, bool):
                if not isinstance(value, bool):
                    raise ConfigError(f"setting {key} must be true or false")
            elif isinstance(current, (int, float)):
                if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
                    raise ConfigError(f"setting {key} must be a non-negative number")
                if key in _POSITIVE and value <= 0:
                    raise ConfigError(f"setting {key} must be more than 0")
                value = type(current)(value)
            elif not isinstance(value, str):
                raise ConfigError(f"setting {key} must be text")
            clean[key] = value
        return replace(self, **clean)


#: settings where 0 would make every request fail at once
_POSITIVE = frozenset({"timeout", "response_deadline", "source_deadline", "run_deadline", "max_bytes", "max_pages"})


def unknown_key(what: str, key: str, known: object) -> str:
    """``unknown setting 'max_pagez' (did you mean 'max_pages'?)``, or the known names when nothing is close."""
    names = sorted(str(k) for k in known)  # type: ignore[attr-defined]
    close = difflib.get_close_matches(str(key), names, n=1, cutoff=0.6)
    hint = f"did you mean {close[0]!r}?" if close else f"known: {', '.join(names)}"
    return f"unknown {what} {key!r} ({hint})"
