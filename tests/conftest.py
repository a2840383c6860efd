"""Shared fixtures: real local servers over ../shared/fixtures, a crawled corpus and a built index."""
from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from servers import FixtureServers, fixtures_root, serve_all  # noqa: E402


def fixture_sources_toml(servers: FixtureServers, **settings: object) -> str:
    """A sources file pointing the crawler at the local fixture servers (no delay)."""
    extra = "".join(f"{k} = {v!r}\n".replace("'", '"') for k, v in settings.items())
    owners = ", ".join(f'"{o}"' for o in ("modulabs", "modulabs-biomedical", "modulabs-ctrl",
                                           "modulabs-personalab", "ModulabsRAPIDSLAB", "ModulabsLVNA",
                                           "gta-modulabs"))
    return f"""
[settings]
delay = 0.0
backoff = 0.0
{extra}
[[site]]
name = "biomedical-blog"
lab = "바이오메디컬랩"
start_urls = ["{servers.site.url}/"]

[[site]]
name = "distractor"
lab = "모두의 문제 연구소"
start_urls = ["{servers.distractor.url}/modulabs_homepage/"]

[[github]]
name = "github"
api_url = "{servers.github.url}"
owners = [{owners}]
lab = "모두의연구소"

[github.labs]
modulabs-biomedical = "바이오메디컬랩"
modulabs-ctrl = "CTRL랩"
"modulabs/RL4RWS" = "RL4RWS랩"

[[pages]]
name = "interviews"
kind = "interview"
lab = "바이오메디컬랩"
urls = ["{servers.interviews.url}/modulabs-biomedical-interview.html",
        "{servers.interviews.url}/modulabs-biomedical-interview.euc-kr.html"]
"""


@pytest.fixture(scope="session")
def shared_fixtures() -> Path:
    root = fixtures_root()
    if not root.is_dir():
        pytest.fail(f"shared fixtures not found at {root}; set MODUSEARCH_FIXTURES")
    return root


@pytest.fixture(scope="session")
def servers(shared_fixtures: Path) -> Iterator[FixtureServers]:
    with serve_all(shared_fixtures) as running:
        yield running


@pytest.fixture(scope="session")
def crawled(servers: FixtureServers, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The fixture sites crawled once into a corpus and indexed once (read-only for tests)."""
    import tomllib

    from corpus import Corpus
    from crawler import crawl, parse_sources
    from indexer import rebuild

    root = tmp_path_factory.mktemp("crawled")
    sources = root / "sources.toml"
    sources.write_text(fixture_sources_toml(servers), "utf-8")
    config = parse_sources(tomllib.loads(sources.read_text("utf-8")))
    summary = crawl(config, Corpus(root / "corpus"), sleep=lambda s: None)
    assert not summary.failed_sources, summary.failed_sources
    rebuild(root / "corpus", root / "index")
    return {"root": root, "sources": sources, "corpus": root / "corpus", "index": root / "index"}


@pytest.fixture(scope="session")
def search_index(crawled: dict[str, Path]):  # type: ignore[no-untyped-def]
    from indexer import SearchIndex

    return SearchIndex(crawled["index"])
