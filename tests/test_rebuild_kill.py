"""A SIGKILLed ``python -m indexer rebuild`` takes the processes it forked with it.

``--procs`` defaults to 2, so the rebuild forks two indexing processes (indexer/operations/segments.py); they
inherit the writers' lock (an flock) and, orphaned, would wait on their job queue for ever, so the next
rebuild or update would wait the whole ``--lock-timeout``. tests/test_faults.py kills a rebuild as soon
as its generation folder appears; here the rebuild is killed while its indexing processes are running.
(The lookup files are written in the rebuild's own process, after the indexing processes have ended.)
"""
from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from corpus import Corpus, Document
from helpers import ROOT
from indexer.errors import IndexLocked
from indexer.operations.lock import WriterLock

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc; PDEATHSIG is Linux's")

_WORDS = "연구소 모두의연구소 강화학습 세그멘테이션 논문 세포 분할 바이오 의료 영상 데이터 모델 network paper".split()


def _write_corpus(path: Path, count: int = 600) -> None:
    rng = random.Random(3)
    Corpus(path).write_source("lab", [
        Document(id=f"doc-{i}", url=f"https://lab.example/{i}", kind="page", title=" ".join(rng.choices(_WORDS, k=3)),
                 text=" ".join(rng.choices(_WORDS, k=150)))
        for i in range(count)])


def _stat(pid: int) -> tuple[str, int, str] | None:
    """(state, parent pid, start time) of a process, None when it is gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat[stat.rindex(")") + 2:].split()
    return fields[0], int(fields[1]), fields[19]


def _children(pid: int) -> dict[int, str]:
    """The living children of ``pid`` and their start times (which tell a reused pid apart)."""
    found = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit() and (stat := _stat(int(entry))) and stat[1] == pid and stat[0] != "Z":
            found[int(entry)] = stat[2]
    return found


def _alive(pid: int, started: str) -> bool:
    stat = _stat(pid)
    return stat is not None and stat[2] == started and stat[0] != "Z"


def _wait(condition: Callable[[], bool], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.005)
    return condition()


Running = tuple[subprocess.Popen[bytes], Path, dict[int, str]]


@pytest.fixture()
def rebuild_process(tmp_path: Path) -> Iterator[Running]:
    """``python -m indexer rebuild`` with the default --procs; yields (process, index, children seen).
    Whatever it forked and is still alive at the end is killed (by pid), whatever the test found."""
    _write_corpus(tmp_path / "corpus")
    index = tmp_path / "index"
    process = subprocess.Popen([sys.executable, "-m", "indexer", "rebuild", "--corpus", str(tmp_path / "corpus"),
                                "--index", str(index)], cwd=ROOT, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    seen: dict[int, str] = {}
    try:
        yield process, index, seen
    finally:
        if process.poll() is None:
            process.kill()
        process.wait()
        for pid, started in seen.items():
            if _alive(pid, started):
                os.kill(pid, signal.SIGKILL)


def _kill_and_check(process: subprocess.Popen[bytes], index: Path, children: dict[int, str]) -> None:
    if process.poll() is not None:
        pytest.fail("the rebuild finished before it could be killed")
    process.send_signal(signal.SIGKILL)
    process.wait()

    def survivors() -> set[int]:
        return {pid for pid, started in children.items() if _alive(pid, started)}

    assert _wait(lambda: not survivors(), timeout=5), f"still running after the rebuild was killed: {survivors()}"
    try:
        with WriterLock(index, timeout=1):  # nothing holds the writers' lock any more
            pass
    except IndexLocked as exc:
        raise AssertionError(str(exc)) from exc


def test_sigkill_while_indexing_kills_the_indexing_processes(rebuild_process: Running) -> None:
    process, index, seen = rebuild_process

    def indexing_processes() -> bool:
        seen.update(_children(process.pid))
        return len(seen) >= 2 or process.poll() is not None

    _wait(indexing_processes, timeout=90)
    if len(seen) < 2:
        pytest.fail(f"the rebuild forked {len(seen)} indexing processes (the default --procs is 2)")
    _kill_and_check(process, index, dict(seen))

