"""``python -m bench``: generate benchmark corpora and run the benchmark (by hand, not in CI)."""
from __future__ import annotations

import logging
import sys
from pathlib import Path

import click

from bench import corpusgen
from web.server import default_workers

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_FIXTURES = ROOT.parent / "shared" / "fixtures" / "large"


def _sizes(value: str) -> list[int]:
    try:
        sizes = [int(v.replace("_", "").replace("k", "000")) for v in value.split(",") if v.strip()]
    except ValueError:
        raise click.BadParameter("use a comma-separated list such as 1000,10000,100000") from None
    if not sizes or min(sizes) < 1:
        raise click.BadParameter("sizes must be positive")
    return sizes


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Benchmark modusearch against tantivy and SQLite FTS5 on generated corpora."""
    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(asctime)s %(name)s: %(message)s",
                        datefmt="%H:%M:%S")


_fixtures = click.option("--fixtures", type=click.Path(file_okay=False, path_type=Path), default=DEFAULT_FIXTURES,
                         show_default=True, help="The large fixture set (real documents).")
_seed = click.option("--seed", type=int, default=corpusgen.DEFAULT_SEED, show_default=True)
_scale = click.option("--scale", type=float, default=corpusgen.DEFAULT_SCALE, show_default=True,
                      help="Real document length is divided by this.")


@main.command("generate")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@click.option("--size", type=click.IntRange(1), required=True, help="Number of documents.")
@_fixtures
@_seed
@_scale
def generate(folder: Path, size: int, fixtures: Path, seed: int, scale: float) -> None:
    """Write a corpus of SIZE documents into FOLDER (a corpus folder: sources/*.jsonl, MANIFEST.json)."""
    written = corpusgen.write_corpus(folder, size, fixtures, seed=seed, scale=scale)
    click.echo(f"wrote {sum(written.values())} documents in {len(written)} sources to {folder}")


@main.command("run")
@click.option("--sizes", default="1000,10000,100000", show_default=True, help="Corpus sizes, comma-separated.")
@click.option("--workdir", type=click.Path(file_okay=False, path_type=Path), default=ROOT / "var" / "bench",
              show_default=True, help="Keeps the generated corpora (corpus-<size>/), indexes and peer indexes.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=ROOT / "bench" / "results",
              show_default=True, help="Where results.md, results.json and latency.png go.")
@_fixtures
@_seed
@_scale
@click.option("--procs", type=click.IntRange(1, 16), default=2, show_default=True, help="Indexing processes.")
@click.option("--workers", type=click.IntRange(1, 16), default=default_workers, show_default="as python -m web",
              help="Web server workers.")
@click.option("--threads", type=click.IntRange(1, 64), default=1, show_default=True, help="Threads per worker.")
@click.option("--clients", type=click.IntRange(1, 64), default=8, show_default=True, help="Concurrent HTTP clients.")
@click.option("--rate", type=click.FloatRange(1), default=100.0, show_default=True,
              help="Offered requests/s (all clients together) of the paced HTTP round.")
@click.option("--http-seconds", type=float, default=20.0, show_default=True, help="Measured HTTP load per size.")
@click.option("--repeats", type=click.IntRange(1), default=3, show_default=True, help="In-process query passes.")
@click.option("--no-peers", is_flag=True, help="Skip tantivy and FTS5.")
@click.option("--no-relevance", is_flag=True, help="Skip the nDCG@10 evaluation (keep the previous one).")
@click.option("--reuse-index", is_flag=True,
              help="Keep the indexes of an earlier run in --workdir: measure queries only, keep its build numbers.")
def run_command(sizes: str, workdir: Path, out: Path, fixtures: Path, seed: int, scale: float, procs: int,
                workers: int, threads: int, clients: int, rate: float, http_seconds: float, repeats: int, no_peers: bool,
                no_relevance: bool, reuse_index: bool) -> None:
    """Build, update and query every size; write the results table and plot."""
    from bench.run import Options, run

    try:
        opts = Options(sizes=_sizes(sizes), fixtures=fixtures, workdir=workdir, out=out, seed=seed, scale=scale,
                       procs=procs, workers=workers, threads=threads, clients=clients, rate=rate, http_seconds=http_seconds,
                       repeats=repeats, peers=not no_peers, relevance=not no_relevance,
                       reuse_index=reuse_index)
    except click.BadParameter as exc:
        raise click.UsageError(str(exc)) from None
    try:
        run(opts)
    except (RuntimeError, OSError) as exc:
        click.echo(f"bench: {exc}", err=True)
        sys.exit(1)
    click.echo((out / "results.md").read_text("utf-8"))
