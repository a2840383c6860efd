"""A missing, unreadable or deleted index: 503 ``index_not_ready`` on every route that needs it, never a
500, and /healthz says so — against the real server (``python -m web``)."""
from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

from helpers import get, web_server
from test_index_ops_helpers import copy_crawled

NEEDS_INDEX = ["/api/search?q=unet", "/api/suggest?q=un", "/api/related?id=x", "/api/labs", "/api/stats",
               "/?q=unet", "/labs", "/labs/CTRL%EB%9E%A9", "/related?id=x", "/healthz"]


def answers(url: str) -> dict[str, tuple[int, bytes]]:
    found = {}
    for path in NEEDS_INDEX:
        status, _, body = get(url + path, timeout=15)
        found[path] = (status, body)
    return found


def assert_not_ready(found: dict[str, tuple[int, bytes]]) -> None:
    for path, (status, body) in found.items():
        assert status == 503, (path, status, body[:200])
        if path.startswith("/api/"):
            assert json.loads(body)["error"]["code"] == "index_not_ready", (path, body[:200])
        elif path == "/healthz":
            assert json.loads(body)["ok"] is False


def test_index_folder_deleted_under_a_running_server(crawled: dict[str, Path], tmp_path: Path) -> None:
    work = copy_crawled(crawled, tmp_path)
    log = tmp_path / "web.log"
    with web_server(work["index"], log=log) as url:
        assert all(status in (200, 404) for status, _ in answers(url).values())
        shutil.rmtree(work["index"])
        seen: set[int] = set()
        deadline = time.monotonic() + 15
        while True:  # from the deletion on: answers or 503s, never a 500
            found = answers(url)
            seen |= {status for status, _ in found.values()}
            assert 500 not in seen, found
            if all(status == 503 for status, _ in found.values()) or time.monotonic() > deadline:
                break
            time.sleep(0.3)
        assert_not_ready(found)
        assert_not_ready(answers(url))  # and it stays so
        shutil.copytree(crawled["index"], work["index"])  # a writer publishes again: served within seconds
        deadline = time.monotonic() + 15
        while get(url + "/healthz")[0] != 200 and time.monotonic() < deadline:
            time.sleep(0.3)
        status, _, body = get(url + "/api/search?q=unet")
        assert status == 200 and json.loads(body)["total"] > 0
    text = log.read_text("utf-8", "replace")
    assert "Traceback" not in text and '" 500 ' not in text, text[-3000:]


def test_generation_that_cannot_be_opened_is_not_ready(crawled: dict[str, Path], tmp_path: Path) -> None:
    """CURRENT names a generation whose metadata is there but whose Whoosh files are not."""
    work = copy_crawled(crawled, tmp_path)
    live = work["index"] / (work["index"] / "CURRENT").read_text("utf-8").strip()
    for path in live.iterdir():
        if path.name != "modusearch.json":
            path.unlink() if path.is_file() else shutil.rmtree(path)
    log = tmp_path / "web.log"
    with web_server(work["index"], log=log) as url:
        assert_not_ready(answers(url))
    assert "Traceback" not in log.read_text("utf-8", "replace")
