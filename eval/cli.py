"""``python -m eval``: crawl the fixtures, index them four ways, print and save the comparison."""
from __future__ import annotations

import logging
import tempfile
import time
from pathlib import Path

import click

from eval.judgments import JUDGMENTS, load_judgments
from eval.runner import (
    ModusearchSystem,
    analysis_rate,
    crawled_fixtures,
    keyed_documents,
    mark_share,
    modusearch_analysis,
    run_system,
    table,
)
from eval.suggestions import suggestion_share

RESULTS = Path(__file__).resolve().parent / "results.md"


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--judgments", "judgments_path", type=click.Path(dir_okay=False, exists=True, path_type=Path),
              default=JUDGMENTS, show_default=True, help="evaluation set")
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), default=RESULTS, show_default=True,
              help="where the markdown table is written")
@click.option("--no-baselines", is_flag=True, help="evaluate modusearch only (fast)")
@click.option("--details", is_flag=True, help="also print modusearch's nDCG@10 per query on stderr")
def main(judgments_path: Path, output: Path, no_baselines: bool, details: bool) -> None:
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
    text = "\n".join([
        "## Relevance on the fixture corpus", "",
        f"{len(docs)} documents, {len(judgments.queries)} queries (`eval/judgments.json`), one run of "
        "`python -m eval`. Measures from ir-measures (trec_eval definitions, gain = grade).", "",
        table(results, judgments),
        f"modusearch {marks.line()}.", "",
        f"modusearch {suggested.line()}.", "",
        f"modusearch analysis: {rate:.0f} documents/s (all analyzer passes of one document, best of 3); "
        f"full rebuild {report.documents} documents in {build_seconds:.2f} s.", ""])
    click.echo(text)
    output.write_text(text, "utf-8")
    if details:
        for typed, top in suggested.misses:
            click.echo(f"suggestion miss: {typed!r} → {top!r}", err=True)
        for qid, scores in results["modusearch"].items():
            query = next(q for q in judgments.queries if q.id == qid)
            click.echo(f"{scores['nDCG@10']:.3f} {qid} {query.text}", err=True)
