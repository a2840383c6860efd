"""No traceback from any command on any corpus content: an empty or wholly broken corpus is a normal state.

Each case runs the real commands (``python -m indexer rebuild|update|verify``) in subprocesses.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from helpers import get, get_json, run_module, web_server

GOOD = {"id": "good1", "url": "https://example.org/good", "title": "good record", "text": "readable text",
        "kind": "page"}
BROKEN_RECORDS = [
    b'{"id": "a", "url": "https://example.org/", "ti',                       # truncated
    b"\x89PNG\x1a\x00\x00\xff\xfe binary junk",                                 # not JSON, not UTF-8
    b"<html>not json lines at all</html>",
    b"[" * 100_000,                                                            # nested past the parser's depth
    json.dumps([1, 2]).encode(),                                               # JSON, not an object
    json.dumps({**GOOD, "id": 5}).encode(),                                    # a field of the wrong type
    json.dumps({**GOOD, "id": "h", "headings": "not a list"}).encode(),
    json.dumps({**GOOD, "id": "k", "kind": "video"}).encode(),
    json.dumps({**GOOD, "id": "u", "url": "javascript:alert(1)"}).encode(),
]
CASES = {
    "empty file": [b""],
    "only broken records": BROKEN_RECORDS,
    "truncated last line": [json.dumps(GOOD).encode(), BROKEN_RECORDS[0]],
    "not JSON lines at all": [b"\x00\x01\x02" * 1000, b"just some text"],
    "odd but valid extras": [json.dumps({**GOOD, "extra": {"stars": "many", "topics": 5, "repo": 3,
                                                           "link_density": "dense"}}).encode()],
}


def corpus_with(tmp_path: Path, lines: list[bytes]) -> Path:
    folder = tmp_path / "corpus" / "sources"
    folder.mkdir(parents=True)
    (folder / "broken.jsonl").write_bytes(b"\n".join(lines))
    return tmp_path / "corpus"


@pytest.mark.parametrize("case", sorted(CASES))
def test_every_command_survives_the_corpus(tmp_path: Path, case: str) -> None:
    corpus = corpus_with(tmp_path, CASES[case])
    readable = sum(1 for line in CASES[case] if line.startswith(b'{"id": "good1"'))
    broken = sum(1 for line in CASES[case] if line.strip()) - readable
    paths = ["--corpus", str(corpus), "--index", str(tmp_path / "index")]
    for command in ("rebuild", "update", "verify", "update"):
        result = run_module("indexer", command, *paths)
        assert result.returncode == 0, (command, result.stderr[-2000:])
        assert "Traceback" not in result.stderr
        # each broken record named in exactly one log line, with the file and line number
        for number in range(1, len(CASES[case]) + 1):
            if CASES[case][number - 1].strip() and not CASES[case][number - 1].startswith(b'{"id": "good1"'):
                assert len(re.findall(rf"broken\.jsonl:{number}:", result.stderr)) == 1, (command, result.stderr)
        if command in ("rebuild", "update"):
            assert f"{broken} corpus records skipped" in result.stdout
    verify = run_module("indexer", "verify", *paths)
    assert f"{readable} documents" in verify.stdout


def test_empty_corpus_gives_an_empty_valid_index_the_api_answers(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    (corpus / "sources").mkdir(parents=True)  # what a first crawl that reached nothing leaves
    index = tmp_path / "index"
    assert run_module("indexer", "update", "--corpus", str(corpus), "--index", str(index)).returncode == 0
    assert run_module("indexer", "verify", "--corpus", str(corpus), "--index", str(index)).returncode == 0
    with web_server(index) as base:
        status, body = get_json(base + "/api/search?q=anything")
        assert status == 200 and body["total"] == 0 and body["results"] == []
        status, body = get_json(base + "/healthz")
        assert status == 200 and body["documents"] == 0


@pytest.mark.parametrize("command", ["rebuild", "update", "verify"])
def test_a_corpus_folder_that_is_a_file_is_one_line(tmp_path: Path, command: str) -> None:
    (tmp_path / "corpus").write_text("not a folder")
    result = run_module("indexer", command, "--corpus", str(tmp_path / "corpus"), "--index", str(tmp_path / "ix"))
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [f"indexer: the corpus folder {tmp_path / 'corpus'} is a file"]


def test_help_shows_the_absolute_defaults() -> None:
    from indexer.cli import DEFAULT_CORPUS, DEFAULT_INDEX

    shown = " ".join(run_module("indexer", "rebuild", "--help").stdout.split())
    assert DEFAULT_CORPUS.is_absolute() and str(DEFAULT_CORPUS) in shown and str(DEFAULT_INDEX) in shown
    crawler_help = " ".join(run_module("crawler", "crawl", "--help").stdout.split())
    assert str(DEFAULT_CORPUS) in crawler_help


def test_a_first_run_that_reaches_nothing_serves_a_page_that_says_so(tmp_path: Path) -> None:
    """No reachable source: refresh exits 1 but leaves an empty index, and the page tells visitors, in their
    language, that nothing has been collected yet and when the last crawl ran and failed; no server path."""
    sources = tmp_path / "sources.toml"
    sources.write_text('[settings]\nretries = 0\n[[pages]]\nname = "dead"\nurls = ["http://127.0.0.1:9/x"]\n')
    index = tmp_path / "index"
    result = run_module("modusearch", "refresh", "--sources", str(sources), "--corpus", str(tmp_path / "corpus"),
                        "--index", str(index))
    assert result.returncode == 1 and "update done" in result.stdout
    with web_server(index) as base:
        for language, expected in (("en", "Nothing has been collected yet: the last crawl ("),
                                   ("ko", "아직 수집된 문서가 없습니다. 마지막 수집(")):
            for path in ("/", "/search?q=anything"):
                status, _, body = get(f"{base}{path}{'&' if '?' in path else '?'}hl={language}")
                text = body.decode("utf-8")
                assert status == 200 and expected in text, text[-2000:]
                assert re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d UTC", text)
                assert str(tmp_path) not in text and "python -m" not in text and "modusearch refresh" not in text
        status, body = get_json(base + "/api/search?q=anything")
        assert status == 200 and body["total"] == 0
