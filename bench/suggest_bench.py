"""How fast /api/suggest answers: in process and over HTTP through the production server.

Every prefix of a list of queries is asked, as typing produces them (Korean one composing state at a
time: ㄱ, 가, 강, 강ㅎ, 강화 …), plus 초성 and English prefixes. Prints the suggester build time and
p50/p95/max latencies.

    python bench/suggest_bench.py [--index DIR] [--rounds N] [--no-http]
"""
from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from indexer import SearchIndex  # noqa: E402

WORDS = ["강화학습", "풀잎스쿨", "세그멘테이션", "바이오메디컬랩", "모두의연구소", "딥러닝", "논문 리뷰",
         "ㄱㅎㅎㅅ", "ㅍㄹㅅㅋ", "ㅂㅇㅇㅁㄷㅋㄹ", "segmentation", "reinforcement", "modulabs/rl4rws", "u-net", "pytorch"]

_INITIALS = "ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ"


def typing_states(word: str) -> list[str]:
    """What the box holds after each keystroke, with an IME: 강 passes through ㄱ and 가 first."""
    states: list[str] = []
    done = ""
    for ch in word:
        code = ord(ch) - 0xAC00
        if 0 <= code <= 11171:
            initial = _INITIALS[code // 588]
            open_syllable = chr(0xAC00 + code - code % 28)
            for state in (initial, open_syllable, ch):
                if not states or states[-1] != done + state:
                    states.append(done + state)
        else:
            states.append(done + ch)
        done += ch
    return states


def percentiles(values: list[float]) -> str:
    values = sorted(values)
    p95 = values[min(len(values) - 1, int(len(values) * 0.95))]
    return (f"n={len(values):5d}  p50={statistics.median(values):7.3f} ms  p95={p95:7.3f} ms  "
            f"max={values[-1]:7.3f} ms")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def http_bench(index: Path, queries: list[str], rounds: int) -> tuple[list[float], list[float]]:
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "web", "--port", str(port), "--index", str(index),
                               "--workers", "1"], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(base + "/healthz", timeout=2).read()
                break
            except OSError as exc:
                if time.monotonic() > deadline:
                    raise SystemExit("the web server did not start") from exc
                time.sleep(0.2)
        urllib.request.urlopen(base + "/api/suggest?q=a", timeout=30).read()  # builds the suggester
        wall, server_ms = [], []
        for _ in range(rounds):
            for query in queries:
                started = time.perf_counter()
                with urllib.request.urlopen(base + "/api/suggest?q=" + urllib.parse.quote(query), timeout=10) as r:
                    data = json.loads(r.read())
                wall.append((time.perf_counter() - started) * 1000)
                server_ms.append(float(data["took_ms"]))
        return wall, server_ms
    finally:
        server.terminate()
        server.wait(timeout=15)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, default=Path(os.environ.get("MODUSEARCH_INDEX") or ROOT / "var" / "index"))
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--no-http", action="store_true", help="only the in-process measurement")
    args = parser.parse_args()

    index = SearchIndex(args.index, warm=False)
    meta = index.meta()
    started = time.perf_counter()
    index.suggest("ㄱ")  # the first answer opens the generation's suggestion file (once per generation)
    build_ms = (time.perf_counter() - started) * 1000
    queries = [state for word in WORDS for state in typing_states(word)]
    print(f"index {args.index} ({meta.get('documents')} documents); suggestion file opened and first answer "
          f"in {build_ms:.0f} ms (once per index generation)")

    in_process = []
    for _ in range(args.rounds):
        for query in queries:
            started = time.perf_counter()
            index.suggest(query)
            in_process.append((time.perf_counter() - started) * 1000)
    print(f"in process      {percentiles(in_process)}")
    if not args.no_http:
        wall, server_ms = http_bench(args.index, queries, args.rounds)
        print(f"HTTP, server    {percentiles(server_ms)}   (took_ms reported by /api/suggest)")
        print(f"HTTP, client    {percentiles(wall)}   (round trip over loopback, python -m web)")
        print("target: well under 50 ms —", "OK" if max(wall) < 50 else "NOT MET")


if __name__ == "__main__":
    main()
