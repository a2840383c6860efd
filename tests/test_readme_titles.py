"""READMEs get human titles (crawler/kinds/github.py ``readme_title``, crawler/text/extract.py ``extract_markdown``): the first
real top-level heading, else the repository's description, else the first sentence; never the repository's name
repeated, never a section name such as Usage."""
from __future__ import annotations

from pathlib import Path

import pytest

from corpus import Corpus
from crawler.kinds.github import readme_title
from crawler.text.extract import extract_markdown


def title(markdown: str, full_name: str = "owner/my-repo", description: str = "") -> str:
    return readme_title(full_name, extract_markdown(markdown), description)


@pytest.mark.parametrize(("markdown", "description", "expected"), [
    ("# 알고리즘 알고 가자!\n\n## 문제 풀이\n", "", "알고리즘 알고 가자!"),
    ("# my-repo\n\nA toolkit for arm control.\n\n## Install\n", "", "A toolkit for arm control."),
    ("# my_repo\n\n## Usage\n", "Robot arm controllers", "Robot arm controllers"),
    ("Implementation of several segmentation methods in PyTorch\n\n## Usage\n### Training\n", "",
     "Implementation of several segmentation methods in PyTorch"),
    ("# Overview\n\nThis project visualises LLM test results. More text here.\n", "",
     "This project visualises LLM test results."),
    ('<p align="center"><img src="logo.png"/></p>\n\n<h1 align="center">PagedAutoML</h1>\n\n## What\n', "", "PagedAutoML"),
    ("My Setext Title\n===============\n\nbody\n", "", "My Setext Title"),
    ("# my-repo [![CI status](https://ci/badge.svg)](https://ci)\n\nfirst words of prose here\n", "",
     "first words of prose here"),
    ("# MY-REPO\n\n## 설치\n", "", "my-repo"),
    ("## 1. Introduction\n\n[https://example.org](https://example.org)\n", "", "my-repo"),
])
def test_the_title_is_a_human_one(markdown: str, description: str, expected: str) -> None:
    assert title(markdown, description=description) == expected


def test_a_long_first_sentence_is_cut_between_words() -> None:
    lead = title("# my-repo\n\n" + "word " * 60 + "end.\n")
    assert lead.endswith("…") and len(lead) <= 125 and not lead[:-1].endswith("wor")


def test_crawled_readmes_never_repeat_the_repository_name(crawled: dict[str, Path]) -> None:
    readmes = [d for d in Corpus(crawled["corpus"]).documents() if d.kind == "readme"]
    assert len(readmes) == 38
    for doc in readmes:
        full_name = doc.extra["repo"]
        assert not doc.title.startswith(full_name), doc.title
        assert doc.title.lower() not in {"usage", "introduction", "overview", "what"}, full_name
    titles = {d.extra["repo"]: d.title for d in readmes}
    assert titles["modulabs-biomedical/polyp_project"].startswith("Implementation of several")
    assert titles["modulabs-ctrl/pommerman-2018"] == "pommerman-2018"
    assert titles["modulabs/RL4RWS"] == "모두의 연구소 : RL4RWS (시즌3)"


def test_readmes_titled_the_old_way_are_fetched_again_once(tmp_path: Path) -> None:
    from crawler import crawl, parse_sources
    from servers import GitHubAPIServer

    with GitHubAPIServer() as api:
        corpus = Corpus(tmp_path / "corpus")
        config = parse_sources({"settings": {"delay": 0.0, "backoff": 0.0},
                                "github": [{"name": "github", "api_url": api.url, "owners": ["modulabs-ctrl"]}]})
        crawl(config, corpus, sleep=lambda s: None)
        docs = list(corpus.documents())
        for doc in docs:  # as an earlier crawler titled them
            doc.title = f"{doc.extra['repo']}: {doc.title}"
            doc.content_hash = doc.compute_hash()
        corpus.write_source("github", docs)
        api.reset_log()
        crawl(config, corpus, sleep=lambda s: None)
        readmes = [r for r in api.requests if r.path.endswith("/readme")]
        assert len(readmes) == 3 and not any(r.conditional for r in readmes)
        assert not any(d.title.startswith(d.extra["repo"]) for d in corpus.documents())
        api.reset_log()
        crawl(config, corpus, sleep=lambda s: None)  # titled anew: conditional again, unchanged
        assert all(r.conditional and r.status == 304 for r in api.requests if r.path.endswith("/readme"))
