"""Index operations: incremental update, verify, the writers' lock, live reload and generation cleanup."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import quote

import pytest

from corpus import Corpus
from helpers import ROOT, get, get_json, run_module, web_server
from indexer import SearchIndex, rebuild
from indexer.operations.lock import WriterLock
from indexer.operations.update import update
from indexer.operations.verify import verify
from indexer.storage.generations import META_FILE, clean_old_generations
from test_index_ops_helpers import (
    MARKER,
    copy_crawled,
    file_hashes,
    live_generation,
    mutate,
    touch_every_document,
    wait_for,
)


@pytest.fixture()
def work(crawled: dict[str, Path], tmp_path: Path) -> dict[str, Path]:
    return copy_crawled(crawled, tmp_path)


def indexer_cli(command: str, work: dict[str, Path], *extra: str) -> subprocess.CompletedProcess[str]:
    return run_module("indexer", command, "--corpus", str(work["corpus"]), "--index", str(work["index"]), *extra)


def popen_indexer(command: str, work: dict[str, Path], *extra: str,
                  env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    args = [] if env else ["--corpus", str(work["corpus"]), "--index", str(work["index"])]
    return subprocess.Popen([sys.executable, "-m", "indexer", command, *args, *extra], cwd=ROOT,
                            env={**os.environ, **(env or {})}, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)


def test_update_and_verify_commands(work: dict[str, Path]) -> None:
    """Only what changed is applied, in a new generation; the live one is never written to."""
    before = live_generation(work["index"])
    rebuild_s = json.loads((work["index"] / before / META_FILE).read_text("utf-8"))["rebuild_seconds"]
    ids = mutate(work["corpus"])
    before_files = file_hashes(work["index"] / before)

    stale = indexer_cli("verify", work)
    assert stale.returncode == 1
    assert "problem: 1 documents in the corpus but not indexed" in stale.stdout
    assert "problem: 1 documents changed since indexed" in stale.stdout
    assert "problem: 1 documents indexed but no longer in the corpus" in stale.stdout
    assert "run python -m indexer update" in stale.stdout

    result = indexer_cli("update", work)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "1 new, 1 changed, 1 removed, 60 unchanged; 62 documents in" in result.stdout
    assert f"the last full rebuild took {rebuild_s:.1f} s" in result.stdout
    update_s = float(re.search(r"62 documents in ([\d.]+) s", result.stdout).group(1))  # type: ignore[union-attr]
    print(f"rebuild {rebuild_s:.2f} s, update of 3 documents {update_s:.2f} s")
    assert update_s * 2 < rebuild_s  # typically 5–25× (docs/operations.md); margin for a busy machine
    after = live_generation(work["index"])
    assert after != before
    assert file_hashes(work["index"] / before) == before_files  # copy-on-write through hard links
    meta = json.loads((work["index"] / after / META_FILE).read_text("utf-8"))
    assert meta["kind"] == "update" and meta["base"] == before and meta["documents"] == 62

    index = SearchIndex(work["index"])
    assert {hit.id for hit in index.search(MARKER, per_page=50).hits} == {ids["changed"], ids["added"]}
    assert ids["removed"] not in {hit.id for hit in index.search("모두의 문제 연구소", per_page=50).hits}

    verified = indexer_cli("verify", work)
    assert verified.returncode == 0 and "verify ok" in verified.stdout
    assert "index " + after + ": 62 documents; corpus: 62 documents, 0 records skipped" in verified.stdout


def test_completions_are_cached_per_generation(work: dict[str, Path]) -> None:
    """A repeated prefix is answered from the cache; a new generation never gets the old answer."""
    index = SearchIndex(work["index"], reload_interval=0.0)
    assert index.suggest("zebra") == []
    hits = index.suggest_cache.hits
    assert index.suggest("zebra") == [] and index.suggest_cache.hits == hits + 1
    mutate(work["corpus"])
    update(work["corpus"], work["index"])
    assert f"Brand new {MARKER} page" in [s.text for s in index.suggest("zebra")]
    again = index.suggest("zebra")
    assert index.suggest_cache.hits == hits + 2 and f"Brand new {MARKER} page" in [s.text for s in again]


def test_update_without_changes_keeps_the_generation(work: dict[str, Path]) -> None:
    before = live_generation(work["index"])
    report = update(work["corpus"], work["index"])
    assert (report.new, report.changed, report.removed, report.unchanged) == (0, 0, 0, 62)
    assert "already up to date" in report.line()
    assert live_generation(work["index"]) == before


def test_update_without_an_index_runs_a_full_rebuild(work: dict[str, Path], tmp_path: Path) -> None:
    report = update(work["corpus"], tmp_path / "fresh")
    assert report.fell_back == "no usable index" and report.documents == 62
    assert verify(work["corpus"], tmp_path / "fresh").ok


def test_verify_without_an_index_says_how_to_build_one(work: dict[str, Path], tmp_path: Path) -> None:
    report = verify(work["corpus"], tmp_path / "none")
    assert not report.ok and report.rebuild_needed
    assert "python -m indexer rebuild" in "\n".join(report.lines())


def test_update_after_many_changes_matches_a_rebuild(work: dict[str, Path], tmp_path: Path) -> None:
    touch_every_document(work["corpus"], "kumquatmarker")
    report = update(work["corpus"], work["index"])
    assert (report.new, report.changed, report.removed) == (0, 62, 0)
    rebuild(work["corpus"], tmp_path / "rebuilt")
    updated, fresh = SearchIndex(work["index"]), SearchIndex(tmp_path / "rebuilt")
    for query in ("kumquatmarker", "세그멘테이션", "강화학습 RL4RWS", "lab:바이오메디컬랩 unet"):
        assert ([h.id for h in updated.search(query, per_page=50).hits]
                == [h.id for h in fresh.search(query, per_page=50).hits]), query
    assert updated.search("kumquatmarker").total == 62


def test_schema_change_makes_the_server_say_rebuild_needed_and_rebuild_fixes_it(work: dict[str, Path]) -> None:
    meta_file = work["index"] / live_generation(work["index"]) / META_FILE
    meta = json.loads(meta_file.read_text("utf-8"))
    meta["analysis_version"] = meta["analysis_version"] - 1  # as if built by an older release
    meta_file.write_text(json.dumps(meta), "utf-8")
    report = verify(work["corpus"], work["index"])
    assert report.rebuild_needed and "rebuild needed" in report.lines()[-1]

    with web_server(work["index"]) as url:
        status, health = get_json(url + "/healthz")
        assert status == 503 and health["ok"] is False and health["rebuild_needed"] is True
        status, data = get_json(url + "/api/search?q=unet")
        assert status == 503 and data["error"]["code"] == "rebuild_needed"
        assert "rebuild needed" in data["error"]["message"]
        status, _, page = get(url + "/?q=unet")
        assert status == 503 and "검색 색인을 새로 만들어야 합니다" in page.decode("utf-8")

        rebuilt = indexer_cli("rebuild", work)
        assert rebuilt.returncode == 0, rebuilt.stderr[-2000:]
        assert wait_for(lambda: get_json(url + "/api/search?q=unet")[0] == 200, timeout=10)
        assert get_json(url + "/api/search?q=unet")[1]["total"] > 0
        assert get_json(url + "/healthz")[0] == 200
    assert verify(work["corpus"], work["index"]).ok


def test_writer_lock_waits_with_a_timeout_and_names_the_holder(work: dict[str, Path], tmp_path: Path) -> None:
    mutate(work["corpus"])
    with WriterLock(work["index"]):
        blocked = indexer_cli("update", work, "--lock-timeout", "0.5")
        assert blocked.returncode == 75 and "Traceback" not in blocked.stderr  # "another run holds the lock"
        assert f"is locked by pid {os.getpid()} on " in blocked.stderr and "gave up after" in blocked.stderr
        log = tmp_path / "waiting.log"
        with log.open("w") as stderr:
            waiting = subprocess.Popen([sys.executable, "-m", "indexer", "update", "--corpus", str(work["corpus"]),
                                        "--index", str(work["index"]), "--lock-timeout", "60"], cwd=ROOT,
                                       stdout=subprocess.PIPE, stderr=stderr, text=True)
        assert wait_for(lambda: "waiting up to 60 s for the index lock held by pid" in log.read_text(), timeout=30)
        assert waiting.poll() is None
    out, _ = waiting.communicate(timeout=60)
    assert waiting.returncode == 0, log.read_text()[-2000:]
    assert "1 new, 1 changed, 1 removed" in out


def test_crawl_and_update_started_together_both_finish(work: dict[str, Path]) -> None:
    Corpus(work["corpus"]).remove_source("interviews")
    assert update(work["corpus"], work["index"]).documents == 61
    env = {"MODUSEARCH_SOURCES": str(work["sources"]), "MODUSEARCH_CORPUS": str(work["corpus"]),
           "MODUSEARCH_INDEX": str(work["index"])}
    crawl = subprocess.Popen([sys.executable, "-m", "crawler", "crawl"], cwd=ROOT, env={**os.environ, **env},
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    updating = popen_indexer("update", work, env=env)
    rebuilding = popen_indexer("rebuild", work, env=env)  # and a second writer, serialized by the lock
    for process in (crawl, updating, rebuilding):
        _, err = process.communicate(timeout=120)
        assert process.returncode == 0, err[-2000:]
    # Each writer saw the corpus before or after the crawl replaced a source; the next update catches up.
    assert update(work["corpus"], work["index"]).documents == 62
    report = verify(work["corpus"], work["index"])
    assert report.ok, report.lines()


def test_live_server_switches_within_seconds_without_failing_a_request(work: dict[str, Path]) -> None:
    with web_server(work["index"]) as url:
        assert get_json(f"{url}/api/search?q={MARKER}")[1]["total"] == 0
        failures: list[str] = []
        answered = [0]
        stop = threading.Event()

        def hammer() -> None:
            while not stop.is_set():
                for query in ("세그멘테이션", "unet", "강화학습", MARKER):
                    try:
                        status, _, body = get(f"{url}/api/search?q={quote(query)}", timeout=20)
                    except OSError as exc:
                        failures.append(f"{query}: {exc}")
                        continue
                    answered[0] += 1
                    if status != 200:
                        failures.append(f"{query}: {status} {body[:200]!r}")

        threads = [threading.Thread(target=hammer) for _ in range(3)]
        for thread in threads:
            thread.start()
        try:
            first = live_generation(work["index"])
            mutate(work["corpus"])
            update(work["corpus"], work["index"])
            assert wait_for(lambda: get_json(f"{url}/api/search?q={MARKER}")[1]["total"] == 2, timeout=10)
            # every worker switches within its reload interval; the one answering may not have yet
            live = live_generation(work["index"])
            assert wait_for(lambda: get_json(url + "/healthz")[1]["generation"] == live, timeout=5)
        finally:
            stop.set()
            for thread in threads:
                thread.join()
        assert failures == [] and answered[0] > 10
        # Every worker has moved on and dropped its lease on the first generation, so it can go.
        live = work["index"] / live_generation(work["index"])
        assert wait_for(lambda: first in clean_old_generations(work["index"], keep=live, grace_seconds=0)
                        or not (work["index"] / first).exists(), timeout=10)


def test_idle_workers_let_an_old_generation_go(work: dict[str, Path]) -> None:
    """Workers that get no request after an update still switch (a background check every reload
    interval), so the old generation can be deleted without waiting for traffic."""
    with web_server(work["index"], "--workers", "3") as url:
        assert get_json(f"{url}/api/search?q=unet")[1]["total"] > 0
        first = live_generation(work["index"])
        time.sleep(2.5)  # every worker has opened (and leased) the first generation by its own check
        mutate(work["corpus"])
        update(work["corpus"], work["index"])
        live = work["index"] / live_generation(work["index"])
        assert first not in clean_old_generations(work["index"], keep=live, grace_seconds=0)  # still held
        # no request from here on: only the workers' own checks can release the first generation
        assert wait_for(lambda: first in clean_old_generations(work["index"], keep=live, grace_seconds=0)
                        or not (work["index"] / first).exists(), timeout=10)


def test_a_generation_in_use_is_not_deleted(work: dict[str, Path]) -> None:
    index = SearchIndex(work["index"], reload_interval=0)
    first = live_generation(work["index"])
    assert index.search("unet").total > 0  # this process now holds a lease on the first generation
    mutate(work["corpus"])
    update(work["corpus"], work["index"])
    live = work["index"] / live_generation(work["index"])
    assert first not in clean_old_generations(work["index"], keep=live, grace_seconds=0)
    assert (work["index"] / first).is_dir()
    assert index.search(MARKER).total == 2  # switches; the first generation's lease is released
    assert first in clean_old_generations(work["index"], keep=live, grace_seconds=0)
    assert index.search("unet").total > 0


def test_retired_generations_wait_out_the_grace_period(work: dict[str, Path]) -> None:
    first = live_generation(work["index"])
    mutate(work["corpus"])
    update(work["corpus"], work["index"])  # first cleanup pass marks the first generation retired
    live = work["index"] / live_generation(work["index"])
    assert first not in clean_old_generations(work["index"], keep=live, grace_seconds=120)
    assert first in clean_old_generations(work["index"], keep=live, grace_seconds=0)
