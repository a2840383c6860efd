"""Load while the index switches underneath: ``python -m bench.load`` (a script, not a test).

Serves the shared fixtures over local HTTP, crawls them, builds the index, starts the production
server (``python -m web``) and runs N closed-loop clients of mixed Korean/English queries
for a fixed time. Meanwhile a full rebuild and two updates (each after a small corpus change) switch
the index. Prints requests, errors and p50/p95/p99 latency before, during and after the switches;
exits 1 if any request failed. Numbers from a run are in docs/operations.md.
"""
from __future__ import annotations

import argparse
import dataclasses
import http.client
import json
import random
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import quote, urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from conftest import fixture_sources_toml  # noqa: E402
from corpus import Corpus  # noqa: E402
from helpers import free_port  # noqa: E402
from servers import serve_all  # noqa: E402
from web.server import default_workers  # noqa: E402

KOREAN = ["세그멘테이션", "강화학습", "모두의연구소", "바이오메디컬랩", "의료영상", "딥러닝", "연구소", "풀잎스쿨",
          "인터뷰", "논문", "분할", "학습", "모델", "데이터", "세포", "랩장", "스터디", "강화 학습 로봇"]
ENGLISH = ["unet", "segmentation", "reinforcement learning", "pommerman", "medical imaging", "GAN", "transformer",
           "deep learning", "RL4RWS", "pytorch", "network", "README", "biomedical", "attention", "U-Net"]
FILTERS = ["", "", "", "&kind=readme", "&kind=page", "&lang=ko", "&lang=en"]


@dataclasses.dataclass
class Sample:
    at: float  # seconds since the load started, when the request was sent
    ms: float
    ok: bool
    detail: str = ""


def run(command: list[str], env: dict[str, str] | None = None) -> str:
    done = subprocess.run([sys.executable, "-m", *command], cwd=ROOT, capture_output=True, text=True,
                          env=env)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed: {done.stderr[-2000:]}")
    return done.stdout.strip()


def query_path(rng: random.Random) -> str:
    words = rng.sample(KOREAN if rng.random() < 0.5 else ENGLISH, rng.choice([1, 1, 2]))
    if rng.random() < 0.2:
        words.append(rng.choice(ENGLISH if words[0] in KOREAN else KOREAN))
    page = rng.choice([1, 1, 1, 2])
    return f"/api/search?q={quote(' '.join(words))}&page={page}{rng.choice(FILTERS)}"


def client(base: str, number: int, stop_at: float, t0: float, samples: list[Sample], lock: threading.Lock) -> None:
    rng = random.Random(number)
    parts = urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    mine: list[Sample] = []
    while time.monotonic() < stop_at:
        path = query_path(rng)
        began = time.monotonic()
        try:
            connection.request("GET", path)
            response = connection.getresponse()
            body = response.read()
            ok = response.status == 200 and "results" in json.loads(body)
            detail = "" if ok else f"{response.status} {body[:120]!r}"
        except (OSError, http.client.HTTPException, ValueError) as exc:
            ok, detail = False, repr(exc)
            connection.close()
            connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        mine.append(Sample(began - t0, (time.monotonic() - began) * 1000, ok, detail))
    connection.close()
    with lock:
        samples.extend(mine)


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def change_corpus(corpus: Path, round_number: int) -> None:
    """Edit three documents so that the next update has something to apply."""
    store = Corpus(corpus)
    docs = list(store.source_documents("distractor"))
    for i in range(min(3, len(docs))):
        docs[i] = dataclasses.replace(docs[i], text=docs[i].text + f" loadround{round_number}", content_hash="")
    store.write_source("distractor", docs)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--workers", type=int, default=default_workers())
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="modusearch-load-") as tmp, serve_all() as servers:
        work = Path(tmp)
        (work / "sources.toml").write_text(fixture_sources_toml(servers), "utf-8")
        corpus, index = work / "corpus", work / "index"
        print(run(["crawler", "crawl", "--sources", str(work / "sources.toml"), "--corpus", str(corpus)]))
        print(run(["indexer", "rebuild", "--corpus", str(corpus), "--index", str(index)]))
        port = free_port()
        server = subprocess.Popen([sys.executable, "-m", "web", "--port", str(port), "--index", str(index),
                                   "--workers", str(args.workers), "--threads", str(args.threads)],
                                  cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        base = f"http://127.0.0.1:{port}"
        try:
            _wait_ready(base)
            return _load(args, base, corpus, index)
        finally:
            server.terminate()
            server.wait(timeout=20)


def _wait_ready(base: str) -> None:
    parts = urlsplit(base)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=5)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("the web server did not become ready")


def _load(args: argparse.Namespace, base: str, corpus: Path, index: Path) -> int:
    samples: list[Sample] = []
    lock = threading.Lock()
    t0 = time.monotonic()
    stop_at = t0 + args.seconds
    threads = [threading.Thread(target=client, args=(base, n, stop_at, t0, samples, lock))
               for n in range(args.clients)]
    for thread in threads:
        thread.start()
    # The switches: a full rebuild, then two updates, spread over the middle of the run.
    plan = [(0.2, "rebuild"), (0.45, "update"), (0.6, "update")]
    switches: list[tuple[str, float, float, str]] = []
    for round_number, (fraction, command) in enumerate(plan, start=1):
        time.sleep(max(0.0, t0 + fraction * args.seconds - time.monotonic()))
        if command == "update":
            change_corpus(corpus, round_number)
        began = time.monotonic() - t0
        out = run(["indexer", command, "--corpus", str(corpus), "--index", str(index)])
        switches.append((command, began, time.monotonic() - t0, out))
    for thread in threads:
        thread.join()

    during_from = switches[0][1]
    during_to = switches[-1][2] + 5.0  # the servers pick up a new generation within the 2 s reload interval
    phases = {"before": lambda s: s.at < during_from, "during": lambda s: during_from <= s.at <= during_to,
              "after": lambda s: s.at > during_to}
    print(f"\n{args.clients} clients, {args.seconds:.0f} s, server: {args.workers} web workers × "
          f"{args.threads} threads, index switches between {during_from:.1f} s and {during_to - 5:.1f} s")
    for command, began, ended, out in switches:
        print(f"  {began:5.1f}–{ended:5.1f} s  {command}: {out}")
    print("\n| phase | seconds | requests | req/s | errors | p50 ms | p95 ms | p99 ms |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    bounds = {"before": (0.0, during_from), "during": (during_from, during_to), "after": (during_to, args.seconds)}
    for name, belongs in [*phases.items(), ("all", lambda s: True)]:
        chosen = [s for s in samples if belongs(s)]
        ms = [s.ms for s in chosen]
        low, high = bounds.get(name, (0.0, args.seconds))
        span = max(high - low, 1e-9)
        print(f"| {name} | {span:.1f} | {len(chosen)} | {len(chosen) / span:.1f} | "
              f"{sum(not s.ok for s in chosen)} | {percentile(ms, 50):.0f} | {percentile(ms, 95):.0f} | "
              f"{percentile(ms, 99):.0f} |")
    failures = [s for s in samples if not s.ok]
    for sample in failures[:10]:
        print(f"error at {sample.at:.1f} s: {sample.detail}")
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
