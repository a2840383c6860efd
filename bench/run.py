"""One benchmark run: for each corpus size, modusearch (Whoosh) and the peers, side by side."""
from __future__ import annotations

import json
import logging
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench import corpusgen
from bench.http_load import run_load, search_path, suggest_path
from bench.measure import PeakRSS, dir_bytes, latency_summary, mb
from bench.peers import Fts5Engine, TantivyEngine
from bench.queries import PREFIXES, QUERIES, first_time_queries
from bench.tokens import cached_tokens, read_tokens
from bench.webserver import start_web, tests_on_path

logger = logging.getLogger(__name__)
ROOT = Path(__file__).resolve().parents[1]


@dataclass
class Options:
    sizes: list[int]
    fixtures: Path
    workdir: Path
    out: Path
    seed: int = corpusgen.DEFAULT_SEED
    scale: float = corpusgen.DEFAULT_SCALE
    procs: int = 2
    workers: int = 3  # python -m web on 2 cores (web.server.default_workers)
    threads: int = 1
    clients: int = 8
    rate: float = 100.0  # offered load of the paced HTTP round, requests/s over all clients
    http_seconds: float = 20.0
    repeats: int = 3
    peers: bool = True
    relevance: bool = True
    reuse_index: bool = False
    results: dict[str, Any] = field(default_factory=dict)


def _run_tracked(args: list[str], env: dict[str, str] | None = None) -> tuple[float, int, str]:
    """(seconds, peak RSS of the process tree, stdout) of a command; raises on failure."""
    started = time.perf_counter()
    process = subprocess.Popen(args, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env={**os.environ, **(env or {})})
    with PeakRSS(process.pid) as rss:
        out, err = process.communicate()
    seconds = time.perf_counter() - started
    if process.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed ({process.returncode}): {err[-2000:]}")
    return seconds, rss.peak, out


def prepare_corpus(folder: Path, size: int, opts: Options) -> dict[str, Any]:
    """Generate the corpus unless ``folder`` already holds the same one (same size, seed, scale)."""
    spec = {"size": size, "seed": opts.seed, "scale": opts.scale, "generator": 1}
    spec_file = folder / "bench-spec.json"
    if spec_file.exists() and json.loads(spec_file.read_text()) == spec:
        logger.info("reusing corpus %s", folder)
    else:
        shutil.rmtree(folder, ignore_errors=True)
        started = time.perf_counter()
        corpusgen.write_corpus(folder, size, opts.fixtures, seed=opts.seed, scale=opts.scale)
        spec_file.write_text(json.dumps(spec))
        logger.info("generated %d documents in %.1f s", size, time.perf_counter() - started)
    text_bytes = corpusgen.corpus_text_bytes(folder)
    return {"documents": size, "text_mb": mb(text_bytes), "mean_doc_bytes": text_bytes / size}


def bench_modusearch(corpus: Path, index: Path, opts: Options, previous: dict[str, Any] | None = None
                     ) -> dict[str, Any]:
    if opts.reuse_index and previous and (index / "CURRENT").exists():
        # query-side measurements only, on the index an earlier run built (its build numbers are kept)
        result = {k: v for k, v in previous.items()
                  if k not in ("inproc", "inproc_first", "http", "http_paced", "http_cached", "suggest")}
        result["index_reused"] = True
        result["inproc"], result["inproc_first"] = inprocess_latency(index, opts, corpus)
        result.update(bench_http(index, opts))
        return result
    shutil.rmtree(index, ignore_errors=True)
    py = sys.executable
    seconds, peak, _ = _run_tracked([py, "-m", "indexer", "rebuild", "--corpus", str(corpus), "--index", str(index),
                                     "--procs", str(opts.procs)])
    size = int(json.loads((corpus / "bench-spec.json").read_text())["size"])
    result: dict[str, Any] = {"rebuild_s": seconds, "docs_per_s": size / seconds, "indexer_peak_mb": mb(peak),
                              "index_mb": mb(dir_bytes(index))}
    result.update(bench_update(corpus, index, size, opts))
    result["inproc"], result["inproc_first"] = inprocess_latency(index, opts, corpus)
    result.update(bench_http(index, opts))
    return result


def bench_update(corpus: Path, index: Path, size: int, opts: Options) -> dict[str, Any]:
    """Change 1% of the documents through the corpus API, then time ``python -m indexer update``."""
    probe = subprocess.run([sys.executable, "-m", "indexer", "update", "--help"], cwd=ROOT, capture_output=True)
    if probe.returncode != 0:
        return {"update_s": None, "update_note": "python -m indexer update not available"}
    from corpus import Corpus

    store = Corpus(corpus)
    changed = 0
    step = 100
    for name in store.source_names():
        docs = list(store.source_documents(name))
        for doc in docs:
            if int(doc.id.rsplit("-", 1)[-1]) % step == 0:
                doc.text = doc.text + f"\n\n벤치마크 갱신 {time.time_ns()}"
                doc.content_hash = doc.compute_hash()
                changed += 1
        store.write_source(name, docs)
    seconds, peak, out = _run_tracked([sys.executable, "-m", "indexer", "update", "--corpus", str(corpus),
                                       "--index", str(index)])
    # put the corpus back as generated, so the folder stays the documented corpus
    (corpus / "bench-spec.json").unlink()
    spec = prepare_corpus(corpus, size, opts)
    del spec
    return {"update_s": seconds, "update_changed": changed, "update_peak_mb": mb(peak), "update_out": out.strip()}


def inprocess_latency(index: Path, opts: Options, corpus: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    """(the fixed query set, uncached: every repeat of a query runs the full search, the result cache
    switched off; first-time queries, each asked once in this fresh process: its terms' postings not yet
    decoded, as for a query no one asked since the worker started)."""
    from indexer import SearchIndex

    first_time = first_time_queries(corpus)
    search_index = SearchIndex(index)
    if hasattr(search_index, "results_cache"):
        search_index.results_cache.entries = 0
    search_index.search("벤치마크 시작")  # opens the generation and loads its per-document arrays
    first: list[float] = []
    began_first = time.perf_counter()
    for text in first_time:
        began = time.perf_counter()
        search_index.search(text)
        first.append((time.perf_counter() - began) * 1000.0)
    first_summary = latency_summary(first, time.perf_counter() - began_first)
    for q in QUERIES:  # warm-up: open the index, fill OS caches
        search_index.search(q.text, filters=q.filters)
    timings: list[float] = []
    by_category: dict[str, list[float]] = {}
    started = time.perf_counter()
    for _ in range(opts.repeats):
        for q in QUERIES:
            began = time.perf_counter()
            search_index.search(q.text, filters=q.filters)
            ms = (time.perf_counter() - began) * 1000.0
            timings.append(ms)
            by_category.setdefault(q.category, []).append(ms)
    summary = latency_summary(timings, time.perf_counter() - started)
    summary["by_category_p50"] = {k: latency_summary(v)["p50"] for k, v in by_category.items()}
    return summary, first_summary


def _start_server(index: Path, opts: Options, cache: bool = True) -> tuple[subprocess.Popen[bytes], str]:
    return start_web(index, ["--workers", str(opts.workers), "--threads", str(opts.threads)],
                     env={**os.environ, **({} if cache else {"MODUSEARCH_RESULT_CACHE": "0"})})


def bench_http(index: Path, opts: Options) -> dict[str, Any]:
    """The query set over HTTP twice: result cache off (every request searches), then on."""
    uncached = _http_round(index, opts, cache=False)
    cached = _http_round(index, opts, cache=True)
    return {"http": uncached["http"], "http_paced": uncached["http_paced"], "http_cached": cached["http"],
            "suggest": cached["suggest"],
            "web_peak_mb": max(uncached["web_peak_mb"], cached["web_peak_mb"]),
            "web_peak_pss_mb": max(uncached["web_peak_pss_mb"], cached["web_peak_pss_mb"]),
            "web_rss_end_mb": cached["web_rss_end_mb"]}


def _http_round(index: Path, opts: Options, cache: bool) -> dict[str, Any]:
    tests_on_path()
    from helpers import get  # type: ignore[import-not-found]

    process, base = _start_server(index, opts, cache)
    try:
        with PeakRSS(process.pid, pss=True) as rss:
            paths = [search_path(q.text, q.filters) for q in QUERIES]
            for path in paths:  # warm every worker a little
                get(base + path, timeout=30)
            latencies, errors, seconds = run_load(base, paths, clients=opts.clients, seconds=opts.http_seconds)
            http = latency_summary(latencies, seconds)
            http["errors"] = errors
            suggest: dict[str, Any] | None = None
            if not cache:  # and at the target load: latency when the server is not saturated
                paced_lat, paced_err, paced_s = run_load(base, paths, clients=opts.clients, seconds=opts.http_seconds,
                                                         rate=opts.rate)
                paced = latency_summary(paced_lat, paced_s)
                paced["errors"], paced["offered_qps"] = paced_err, opts.rate
                return {"http": http, "http_paced": paced, "suggest": None, "web_peak_mb": mb(rss.peak),
                        "web_peak_pss_mb": mb(rss.peak_pss), "web_rss_end_mb": mb(rss.last)}
            began = time.perf_counter()  # the first call builds each worker's suggester
            statuses = [get(base + suggest_path(p), timeout=600)[0] for p in PREFIXES[:opts.workers * 2]]
            suggest_first_s = time.perf_counter() - began
            if all(s == 200 for s in statuses):
                s_lat, s_err, s_sec = run_load(base, [suggest_path(p) for p in PREFIXES], clients=opts.clients,
                                               seconds=max(5.0, opts.http_seconds / 4))
                suggest = latency_summary(s_lat, s_sec)
                suggest["errors"] = s_err
                suggest["first_calls_s"] = suggest_first_s
                # and at the paced round's rate: the latency while typing, not under saturation
                p_lat, p_err, p_sec = run_load(base, [suggest_path(p) for p in PREFIXES], clients=opts.clients,
                                               seconds=max(5.0, opts.http_seconds / 4), rate=opts.rate)
                suggest_paced = latency_summary(p_lat, p_sec)
                suggest_paced["errors"], suggest_paced["offered_qps"] = p_err, opts.rate
                suggest["paced"] = suggest_paced
        return {"http": http, "suggest": suggest, "web_peak_mb": mb(rss.peak), "web_peak_pss_mb": mb(rss.peak_pss),
                "web_rss_end_mb": mb(rss.last)}
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def peer_latency(engine: Any, opts: Options) -> dict[str, Any]:
    for q in QUERIES:
        engine.search(q.text, q.filters)
    timings = []
    started = time.perf_counter()
    for _ in range(opts.repeats):
        for q in QUERIES:
            began = time.perf_counter()
            engine.search(q.text, q.filters)
            timings.append((time.perf_counter() - began) * 1000.0)
    return latency_summary(timings, time.perf_counter() - started)


def bench_peers(corpus: Path, work: Path, opts: Options) -> dict[str, Any]:
    tokens, analysis_s = cached_tokens(corpus, corpus / "bench-tokens.jsonl", procs=opts.procs)
    out: dict[str, Any] = {"analysis_s": analysis_s}
    for engine in (TantivyEngine(work / "tantivy"), Fts5Engine(work / "fts5.sqlite")):
        started = time.perf_counter()
        count = engine.build(read_tokens(tokens))
        build_s = time.perf_counter() - started
        path = engine.path
        size = dir_bytes(path) if path.is_dir() else path.stat().st_size
        out[engine.name] = {"build_s": build_s, "docs_per_s": count / build_s, "index_mb": mb(size),
                            "inproc": peer_latency(engine, opts)}
    return out


def run(opts: Options) -> dict[str, Any]:
    opts.workdir.mkdir(parents=True, exist_ok=True)
    saved = opts.out / "results.json"
    previous: dict[str, Any] = json.loads(saved.read_text("utf-8")) if saved.exists() else {}
    results: dict[str, Any] = {"started": time.strftime("%Y-%m-%d %H:%M:%S"), "cpus": os.cpu_count(),
                               "options": {k: str(v) for k, v in vars(opts).items() if k != "results"},
                               # sizes not run this time keep their earlier rows (marked with when they ran)
                               "sizes": {size: {**row, "from_run": row.get("from_run", previous.get("started"))}
                                         for size, row in previous.get("sizes", {}).items()
                                         if int(size) not in opts.sizes}}
    if opts.relevance:
        from bench.relevance_run import relevance_all

        results["relevance"] = {**previous.get("relevance", {}), **relevance_all(opts.workdir / "eval", opts.peers)}
        logger.info("relevance: %s", results["relevance"])
    elif "relevance" in previous:
        results["relevance"] = previous["relevance"]
    for size in opts.sizes:
        corpus = opts.workdir / f"corpus-{size}"
        row: dict[str, Any] = {"corpus": prepare_corpus(corpus, size, opts)}
        logger.info("size %d: %s", size, row["corpus"])
        before = previous.get("sizes", {}).get(str(size), {})
        row["modusearch"] = bench_modusearch(corpus, opts.workdir / f"index-{size}", opts, before.get("modusearch"))
        logger.info("modusearch %d: %s", size, row["modusearch"])
        results["sizes"][str(size)] = row
        _save(results, opts)
        if opts.peers:
            row["peers"] = bench_peers(corpus, opts.workdir / f"peers-{size}", opts)
            logger.info("peers %d: %s", size, row["peers"])
        elif "peers" in before:
            row["peers"] = before["peers"]
        results["sizes"][str(size)] = row
        _save(results, opts)
    results["finished"] = time.strftime("%Y-%m-%d %H:%M:%S")
    _save(results, opts)
    return results


def _save(results: dict[str, Any], opts: Options) -> None:
    from bench.report import write_report

    opts.out.mkdir(parents=True, exist_ok=True)
    results["sizes"] = dict(sorted(results["sizes"].items(), key=lambda item: int(item[0])))
    (opts.out / "results.json").write_text(json.dumps(results, ensure_ascii=False, indent=1), "utf-8")
    write_report(results, opts.out)
