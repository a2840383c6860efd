"""GitHub READMEs: pagination, conditional requests, rate-limit exhaustion, token, metadata, forks, deletions."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from corpus import Corpus
from crawler import crawl, parse_sources
from servers import GitHubAPIServer

MODULABS_REPOS = 29  # repositories of the owner "modulabs" in the fixture
CTRL = ["modulabs-ctrl"]  # 3 repositories


def run(api: GitHubAPIServer, corpus: Corpus, **source: Any):  # type: ignore[no-untyped-def]
    """Crawl "modulabs" (29 repositories) or, passing ``owners``, a smaller owner for speed."""
    entry = {"name": "github", "api_url": api.url, "owners": ["modulabs"], **source}
    config = parse_sources({"settings": {"delay": 0.0, "backoff": 0.0}, "github": [entry]})
    api.reset_log()
    return crawl(config, corpus, sleep=lambda s: None)


def repos(corpus: Corpus) -> dict[str, Any]:
    return {d.extra["repo"]: d for d in corpus.documents()}


def test_listing_is_followed_across_pages(tmp_path: Path) -> None:
    with GitHubAPIServer(max_per_page=10) as api:
        corpus = Corpus(tmp_path / "corpus")
        summary = run(api, corpus)
        listing = [r for r in api.requests if r.path.startswith("/orgs/modulabs/repos")]
    assert len(listing) == 3  # 29 repositories, 10 per page
    assert len(repos(corpus)) == MODULABS_REPOS and summary.total("new") == MODULABS_REPOS


def test_unchanged_readmes_are_free_against_the_rate_limit(tmp_path: Path) -> None:
    with GitHubAPIServer() as api:
        corpus = Corpus(tmp_path / "corpus")
        run(api, corpus)
        before = (corpus.path / "sources" / "github.jsonl").stat().st_mtime_ns
        api.reset_rate_limit(remaining=0)  # nothing left: only 304s can still be answered
        summary = run(api, corpus)
        assert all(r.conditional and r.status == 304 for r in api.requests)
        assert summary.total("unchanged") == MODULABS_REPOS and not summary.failed_sources
        assert (corpus.path / "sources" / "github.jsonl").stat().st_mtime_ns == before


def test_rate_limit_exhaustion_stops_cleanly_keeps_documents_and_says_when(tmp_path: Path,
                                                                          capsys: pytest.CaptureFixture[str]) -> None:
    with GitHubAPIServer(rate_limit=11) as api:  # the listing and 10 READMEs
        corpus = Corpus(tmp_path / "corpus")
        summary = run(api, corpus)
        assert len(repos(corpus)) == 10
        (result,) = summary.results
        assert not result.failed and any("retry after" in note for note in result.notes)
        after_limit = [r for r in api.requests if r.status == 403]
        assert len(after_limit) == 1  # it stopped at the first refusal instead of hammering on

        # The next run, with a fresh budget, gets the rest and keeps the first ten.
        api.reset_rate_limit(remaining=100)
        run(api, corpus)
        assert len(repos(corpus)) == MODULABS_REPOS

        # Out of budget again while one README changed: that one waits, nothing is lost.
        api.set_readme("modulabs", "RL4RWS", "# RL4RWS\n\n새 내용")
        api.reset_rate_limit(remaining=1)  # the listing changed too (pushed_at): it takes the last one
        summary = run(api, corpus)
        assert len(repos(corpus)) == MODULABS_REPOS
        assert "새 내용" not in repos(corpus)["modulabs/RL4RWS"].text
        assert any("retry after" in note for r in summary.results for note in r.notes)


def test_rate_limit_message_reaches_the_command_line(tmp_path: Path) -> None:
    from helpers import run_module

    with GitHubAPIServer(rate_limit=3) as api:
        sources = tmp_path / "sources.toml"
        sources.write_text(f'[settings]\ndelay = 0.0\n[[github]]\nname = "github"\napi_url = "{api.url}"\n'
                           'owners = ["modulabs"]\n', "utf-8")
        result = run_module("crawler", "crawl", "--sources", str(sources), "--corpus", str(tmp_path / "c"))
    assert result.returncode == 0, result.stderr
    assert "rate limit exhausted" in result.stderr and "retry after" in result.stderr
    assert "UTC" in result.stderr


def test_github_token_is_sent_as_authorization(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with GitHubAPIServer() as api:
        monkeypatch.setenv("GITHUB_TOKEN", "ghp_test123")
        run(api, Corpus(tmp_path / "with"), owners=CTRL)
        assert {r.headers.get("authorization") for r in api.requests} == {"Bearer ghp_test123"}
        monkeypatch.delenv("GITHUB_TOKEN")
        run(api, Corpus(tmp_path / "without"), owners=CTRL)
        assert not any("authorization" in r.headers for r in api.requests)


def test_repository_metadata_is_kept_and_forks_are_skipped(tmp_path: Path) -> None:
    with GitHubAPIServer() as api:
        api.add_repo({"name": "lab-tools", "owner": {"login": "modulabs-ctrl"}, "description": "연구실 도구 모음",
                      "topics": ["korean", "nlp"], "language": "Python", "stargazers_count": 42,
                      "archived": True}, readme="# Lab tools\n\n도구 설명")
        api.add_repo({"name": "forked", "owner": {"login": "modulabs-ctrl"}, "fork": True}, readme="# Fork")
        corpus = Corpus(tmp_path / "corpus")
        run(api, corpus, owners=CTRL)
        docs = repos(corpus)
        assert "modulabs-ctrl/forked" not in docs
        tools = docs["modulabs-ctrl/lab-tools"]
        assert tools.description == "연구실 도구 모음"
        assert tools.extra["topics"] == ["korean", "nlp"] and tools.extra["language"] == "Python"
        assert tools.extra["stars"] == 42 and tools.extra["archived"] is True and tools.extra["fork"] is False
        assert tools.extra["pushed_at"] and tools.published == tools.extra["pushed_at"]

        run(api, Corpus(tmp_path / "with-forks"), include_forks=True, owners=CTRL)
        assert "modulabs-ctrl/forked" in repos(Corpus(tmp_path / "with-forks"))


def test_changed_stars_update_the_document_without_refetching_text(tmp_path: Path) -> None:
    with GitHubAPIServer() as api:
        api.add_repo({"name": "lab-tools", "owner": {"login": "modulabs-ctrl"}, "stargazers_count": 1}, readme="# T")
        corpus = Corpus(tmp_path / "corpus")
        run(api, corpus, owners=CTRL)
        api.add_repo({"name": "lab-tools", "owner": {"login": "modulabs-ctrl"}, "stargazers_count": 7}, readme="# T")
        summary = run(api, corpus, owners=CTRL)
        assert repos(corpus)["modulabs-ctrl/lab-tools"].extra["stars"] == 7
        assert summary.total("updated") == 1


def test_readme_that_disappears_is_removed_after_two_crawls(tmp_path: Path) -> None:
    with GitHubAPIServer() as api:
        corpus = Corpus(tmp_path / "corpus")
        run(api, corpus, owners=CTRL)
        api.delete_readme("modulabs-ctrl", "supermario")
        run(api, corpus, owners=CTRL)
        assert "modulabs-ctrl/supermario" in repos(corpus)
        summary = run(api, corpus, owners=CTRL)
        assert "modulabs-ctrl/supermario" not in repos(corpus)
        assert summary.total("removed") == 1


def test_readme_errors_other_than_404_never_remove(tmp_path: Path) -> None:
    with GitHubAPIServer() as api:
        corpus = Corpus(tmp_path / "corpus")
        run(api, corpus, owners=CTRL)
        api.override("/repos/modulabs-ctrl/supermario/readme", (502, {"Content-Length": "0"}, b""))
        for _ in range(3):
            run(api, corpus, owners=CTRL)
        assert "modulabs-ctrl/supermario" in repos(corpus)
