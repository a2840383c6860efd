"""``python -m indexer``: build the index from the corpus."""
from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

import click

from indexer.build import rebuild
from indexer.errors import IndexerError

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = ROOT / "var" / "corpus"
DEFAULT_INDEX = ROOT / "var" / "index"


def _paths(corpus: Path | None, index: Path | None) -> tuple[Path, Path]:
    return (corpus or Path(os.environ.get("MODUSEARCH_CORPUS") or DEFAULT_CORPUS),
            index or Path(os.environ.get("MODUSEARCH_INDEX") or DEFAULT_INDEX))


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Build and check the Whoosh index of the corpus."""
    logging.basicConfig(level=logging.INFO, stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s", datefmt="%H:%M:%S")


@main.command("rebuild")
@click.option("--corpus", "corpus_path", type=click.Path(file_okay=False, path_type=Path),
              help="Corpus folder. Env MODUSEARCH_CORPUS; default var/corpus.")
@click.option("--index", "index_path", type=click.Path(file_okay=False, path_type=Path),
              help="Index folder. Env MODUSEARCH_INDEX; default var/index.")
@click.option("--procs", type=click.IntRange(1, 16), default=1, show_default=True,
              help="Analyzer processes (use 2 on a 2-core machine for large corpora).")
def rebuild_command(corpus_path: Path | None, index_path: Path | None, procs: int) -> None:
    """Build a complete new index beside the live one and switch to it atomically."""
    corpus_path, index_path = _paths(corpus_path, index_path)
    if not (corpus_path / "sources").is_dir():
        click.echo(f"indexer: no corpus at {corpus_path}; run: python -m crawler crawl --corpus {corpus_path}",
                   err=True)
        sys.exit(1)
    try:
        report = rebuild(corpus_path, index_path, procs=procs,
                         progress=lambda n: click.echo(f"  {n} documents indexed", err=True))
    except IndexerError as exc:
        click.echo(f"indexer: {exc}", err=True)
        sys.exit(1)
    except OSError as exc:
        click.echo(f"indexer: cannot use {index_path}: {exc.strerror or exc}", err=True)
        sys.exit(1)
    for reason in report.skipped[:20]:
        click.echo(f"skipped {reason}", err=True)
    click.echo(report.line())
