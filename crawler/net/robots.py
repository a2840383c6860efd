"""robots.txt rules per host, fetched once per crawl."""
from __future__ import annotations

import logging
from urllib.robotparser import RobotFileParser

logger = logging.getLogger(__name__)


class RobotsRules:
    """The parsed robots.txt of one host; a missing file (4xx) allows everything."""

    def __init__(self, text: str | None, user_agent: str, *, unavailable: str = "") -> None:
        self._agent = user_agent.split("/", 1)[0]
        #: why the rules could not be read (robots.txt answered 5xx or not at all); the host is
        #: then left alone for this run, and that counts as a temporary failure, not a "disallow"
        self.unavailable_reason = unavailable
        self._parser: RobotFileParser | None = None
        if text is not None:
            self._parser = RobotFileParser()
            self._parser.parse(text.splitlines())

    @classmethod
    def allow_all(cls, user_agent: str) -> RobotsRules:
        return cls(None, user_agent)

    @classmethod
    def unavailable(cls, user_agent: str, reason: str) -> RobotsRules:
        """Used when robots.txt answers 5xx or not at all: the site is unwell, so we stay away this run."""
        return cls(None, user_agent, unavailable=reason)

    def allowed(self, url: str) -> bool:
        if self.unavailable_reason:
            return False
        return self._parser is None or self._parser.can_fetch(self._agent, url)

    def crawl_delay(self) -> float | None:
        if self._parser is None:
            return None
        delay = self._parser.crawl_delay(self._agent)
        return float(delay) if delay is not None else None

    def sitemaps(self) -> list[str]:
        if self._parser is None:
            return []
        return list(self._parser.site_maps() or [])
