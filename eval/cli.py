"""``python -m eval``: crawl the fixtures, index them four ways, print and save the comparison; then the same
for the second yardstick, ``fixtures/large`` (:mod:`eval.large`, ``eval/judgments_large.json``)."""
from __future__ import annotations

import logging
import tempfile
import time
from pathlib import Path

import click

from eval.judgments import JUDGMENTS, LARGE_JUDGMENTS, load_judgments
from eval.metrics import per_query
from eval.runner import (
    ModusearchSystem,
    analysis_rate,
    crawled_fixtures,
    fixtures_root,
    keyed_documents,
    mark_share,
    modusearch_analysis,
    rankings_of,
    run_system,
    table,
)
from eval.suggestions import suggestion_share

RESULTS = Path(__file__).resolve().parent / "results.md"


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--judgments", "judgments_path", type=click.Path(dir_okay=False, exists=True, path_type=Path),
              default=JUDGMENTS, show_default=True, help="evaluation set")
@click.option("--large-judgments", "large_path", type=click.Path(dir_okay=False, exists=True, path_type=Path),
              default=LARGE_JUDGMENTS, show_default=True, help="evaluation set over fixtures/large")
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), default=RESULTS, show_default=True,
              help="where the markdown table is written")
@click.option("--no-baselines", is_flag=True, help="evaluate modusearch only (fast)")
@click.option("--large/--no-large", default=True, show_default=True, help="also evaluate on fixtures/large")
@click.option("--details", is_flag=True, help="also print modusearch's nDCG@10 per query on stderr")
def main(judgments_path: Path, large_path: Path, output: Path, no_baselines: bool, large: bool, details: bool) -> None:
    """Compare modusearch with Whoosh StandardAnalyzer, Nori-like+bigram and FTS5 trigram on the judgments."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    judgments = load_judgments(judgments_path)
    from eval.baselines import all_baselines
    from indexer import rebuild

    with tempfile.TemporaryDirectory(prefix="modusearch-eval-") as tmp, crawled_fixtures(Path(tmp)) as corpus_path:
        docs = keyed_documents(corpus_path)
        click.echo(f"crawled {len(docs)} documents; {len(judgments.queries)} queries", err=True)
        started = time.perf_counter()
        report = rebuild(corpus_path, Path(tmp) / "index")
        build_seconds = time.perf_counter() - started
        rate = analysis_rate([d for _, d in docs], modusearch_analysis)
        systems = [ModusearchSystem(Path(tmp) / "index", {d.id: k for k, d in docs})]
        if not no_baselines:
            for baseline in all_baselines():
                baseline.add(docs)
                systems.append(baseline)
        results = {s.name: run_system(s, judgments) for s in systems}
        marks = mark_share(Path(tmp) / "index", judgments)
        suggested = suggestion_share(Path(tmp) / "index")
    sections = [
        "## Relevance on the fixture corpus", "",
        f"{len(docs)} documents, {len(judgments.queries)} queries (`eval/judgments.json`), one run of "
        "`python -m eval`. Measures from ir-measures (trec_eval definitions, gain = grade).", "",
        table(results, judgments),
        f"modusearch {marks.line()}.", "",
        f"modusearch {suggested.line()}.", "",
        f"modusearch analysis: {rate:.0f} documents/s (all analyzer passes of one document, best of 3); "
        f"full rebuild {report.documents} documents in {build_seconds:.2f} s.", ""]
    large_results = None
    if large:
        large_judgments = load_judgments(large_path)
        large_results, text = _large_section(large_judgments, baselines=not no_baselines)
        sections += [text]
    out = "\n".join(sections)
    click.echo(out)
    output.write_text(out, "utf-8")
    if details:
        for typed, top in suggested.misses:
            click.echo(f"suggestion miss: {typed!r} → {top!r}", err=True)
        for label, scored, set_ in (("fixtures", results, judgments),
                                    ("large", large_results, load_judgments(large_path) if large else None)):
            if scored is None or set_ is None:
                continue
            for qid, scores in scored["modusearch"].items():
                query = next(q for q in set_.queries if q.id == qid)
                click.echo(f"{label} {scores['nDCG@10']:.3f} {qid} {query.text}", err=True)


def _large_section(judgments, *, baselines: bool):  # type: ignore[no-untyped-def]
    """The second yardstick: every system over fixtures/large, with the documents ranked but never judged."""
    from eval.large import large_systems

    with tempfile.TemporaryDirectory(prefix="modusearch-eval-large-") as tmp:
        started = time.perf_counter()
        systems, docs = large_systems(fixtures_root() / "large", Path(tmp), baselines=baselines)
        seconds = time.perf_counter() - started
        rankings = {s.name: rankings_of(s, judgments) for s in systems}
    qrels = judgments.qrels()
    results = {name: per_query(qrels, ranked) for name, ranked in rankings.items()}
    unjudged = ", ".join(f"{name} {judgments.unjudged(ranked)}" for name, ranked in rankings.items())
    text = "\n".join([
        "## Relevance on fixtures/large (second yardstick)", "",
        f"{len(docs)} documents (one per file of `fixtures/large`), {len(judgments.queries)} queries "
        "(`eval/judgments_large.json`, judged on pooled top-20s and grep hits). Documents in the top 10 that "
        f"were never judged (counted as irrelevant): {unjudged}. Indexing every system took {seconds:.0f} s.", "",
        table(results, judgments, held_out=False), ""])
    return results, text
