"""``python -m crawler``: crawl the configured sources into the corpus."""
from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

import click

from corpus import Corpus
from crawler.errors import ConfigError, CrawlerError, CrawlLocked
from crawler.progress import Progress
from crawler.run import crawl
from crawler.sources import load_sources

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SOURCES = ROOT / "sources.toml"
DEFAULT_CORPUS = ROOT / "var" / "corpus"


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Collect lab pages, GitHub READMEs and interviews into the corpus."""


@main.command("crawl")
@click.option("--sources", "sources_path", type=click.Path(dir_okay=False, path_type=Path),
              help=f"Sources file (TOML). Env MODUSEARCH_SOURCES; default {DEFAULT_SOURCES}.")
@click.option("--corpus", "corpus_path", type=click.Path(file_okay=False, path_type=Path),
              help=f"Corpus folder. Env MODUSEARCH_CORPUS; default {DEFAULT_CORPUS}.")
@click.option("--only", multiple=True, help="Crawl only this source (repeatable).")
@click.option("--delay", type=click.FloatRange(min=0), help="Seconds between requests to one host.")
@click.option("-v", "--verbose", is_flag=True, help="Log every request.")
def crawl_command(sources_path: Path | None, corpus_path: Path | None, only: tuple[str, ...],
                  delay: float | None, verbose: bool) -> None:
    """Crawl every source in the sources file (incrementally) into the corpus."""
    logging.basicConfig(level=logging.DEBUG if verbose else logging.INFO, stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s", datefmt="%H:%M:%S")
    logging.getLogger("httpx").setLevel(logging.WARNING)
    sources_path = sources_path or Path(os.environ.get("MODUSEARCH_SOURCES") or DEFAULT_SOURCES)
    corpus_path = corpus_path or Path(os.environ.get("MODUSEARCH_CORPUS") or DEFAULT_CORPUS)
    try:
        config = load_sources(sources_path)
        if delay is not None:
            config = type(config)(config.sources, config.settings.with_overrides({"delay": delay}))
        names = {s.name for s in config.sources}
        unknown = [n for n in only if n not in names]
        if unknown:
            raise ConfigError(f"no source named {', '.join(unknown)} in {sources_path}")
        progress = Progress()
        summary = crawl(config, Corpus(corpus_path), progress=progress, only=list(only) or None)
        progress.done()
    except CrawlLocked as exc:
        click.echo(f"crawler: {exc}", err=True)
        sys.exit(0)
    except ConfigError as exc:
        click.echo(f"crawler: {exc}", err=True)
        sys.exit(2)
    except CrawlerError as exc:
        click.echo(f"crawler: {exc}", err=True)
        sys.exit(1)
    except OSError as exc:
        click.echo(f"crawler: cannot write the corpus at {corpus_path}: {exc.strerror or exc}", err=True)
        sys.exit(1)
    click.echo(summary.line())
    for result in summary.results:
        for note in result.notes:
            click.echo(f"{result.name}: {note}", err=True)
    failed = summary.failed_sources
    for result in failed:
        click.echo(f"crawler: source {result.name} failed: {result.failed}", err=True)
    sys.exit(1 if failed else 0)
