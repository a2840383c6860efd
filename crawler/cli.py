"""``python -m crawler`` (and ``modusearch crawl``): crawl the configured sources into the corpus.

Exit codes: 0 every source crawled; 3 some sources failed (the others' documents were written); 1 nothing
came in (every source failed) or a fatal error; 2 bad usage or a bad sources file (nothing requested);
75 another crawl holds the lock (nothing done; try again later).
"""
from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

import click

from corpus import Corpus
from crawler.config.sources import load_sources
from crawler.errors import ConfigError, CrawlerError, CrawlLocked
from crawler.progress import Progress
from crawler.run import CrawlSummary, crawl

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SOURCES = ROOT / "sources.toml"
DEFAULT_CORPUS = ROOT / "var" / "corpus"

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_PARTIAL, EXIT_LOCKED = 0, 1, 2, 3, 75
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
LOG_DATE = "%Y-%m-%dT%H:%M:%S%z"  # ISO 8601 with the offset: a log appended to for months stays readable


def configure_logging(verbose: bool = False) -> None:
    logging.basicConfig(level=logging.DEBUG if verbose else logging.INFO, stream=sys.stderr, format=LOG_FORMAT,
                        datefmt=LOG_DATE)
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)


def sources_path_from(option: Path | None) -> Path:
    return option or Path(os.environ.get("MODUSEARCH_SOURCES") or DEFAULT_SOURCES)


def corpus_path_from(option: Path | None) -> Path:
    return option or Path(os.environ.get("MODUSEARCH_CORPUS") or DEFAULT_CORPUS)


def run_crawl(sources_path: Path, corpus_path: Path, *, only: tuple[str, ...] = (), delay: float | None = None,
              keep_removed_sources: bool = False) -> tuple[int, CrawlSummary | None]:
    """Crawl and report (summary on stdout, problems on stderr, one line each); returns the exit code."""
    try:
        if corpus_path.exists() and not corpus_path.is_dir():
            raise OSError(f"{corpus_path} is a file, not a folder")
        config = load_sources(sources_path)
        if delay is not None:
            config = type(config)(config.sources, config.settings.with_overrides({"delay": delay}))
        names = {s.name for s in config.sources}
        unknown = [n for n in only if n not in names]
        if unknown:
            raise ConfigError(f"no source named {', '.join(unknown)} in {sources_path}")
        progress = Progress()
        summary = crawl(config, Corpus(corpus_path), progress=progress, only=list(only) or None,
                        keep_removed_sources=keep_removed_sources)
        progress.done()
    except CrawlLocked as exc:
        click.echo(f"crawler: {exc}", err=True)
        return EXIT_LOCKED, None
    except ConfigError as exc:
        click.echo(f"crawler: {exc}", err=True)
        return EXIT_USAGE, None
    except CrawlerError as exc:
        click.echo(f"crawler: {exc}", err=True)
        return EXIT_FAILED, None
    except OSError as exc:
        click.echo(f"crawler: cannot write the corpus at {corpus_path}: {exc.strerror or exc}", err=True)
        return EXIT_FAILED, None
    click.echo(summary.line())
    for result in summary.results:
        for note in result.notes:
            click.echo(f"{result.name}: {note}", err=True)
    for result in summary.failed_sources:
        click.echo(f"crawler: source {result.name} failed: {result.failed}; kept its {len(result.documents)} "
                   "previous documents", err=True)
    if summary.all_failed:
        return EXIT_FAILED, summary
    return (EXIT_PARTIAL if summary.failed_sources else EXIT_OK), summary


sources_option = click.option(
    "--sources", "sources_path", type=click.Path(dir_okay=False, path_type=Path),
    help=f"Sources file (TOML). Env MODUSEARCH_SOURCES; default {DEFAULT_SOURCES}.")
corpus_option = click.option(
    "--corpus", "corpus_path", type=click.Path(path_type=Path),
    help=f"Corpus folder. Env MODUSEARCH_CORPUS; default {DEFAULT_CORPUS}.")
only_option = click.option("--only", multiple=True, help="Crawl only this source (repeatable).")
delay_option = click.option("--delay", type=click.FloatRange(min=0), help="Seconds between requests to one host.")
keep_option = click.option("--keep-removed-sources", is_flag=True,
                           help="Keep the documents of sources no longer in the sources file.")
verbose_option = click.option("-v", "--verbose", is_flag=True, help="Log every request.")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Collect lab pages, GitHub READMEs and interviews into the corpus."""


@main.command("crawl")
@sources_option
@corpus_option
@only_option
@delay_option
@keep_option
@verbose_option
def crawl_command(sources_path: Path | None, corpus_path: Path | None, only: tuple[str, ...],
                  delay: float | None, keep_removed_sources: bool, verbose: bool) -> None:
    """Crawl every source in the sources file (incrementally) into the corpus.

    Exit 0: every source crawled; 3: some sources failed, the others were written; 1: nothing came in or a
    fatal error; 2: bad usage or sources file; 75: another crawl holds the lock.
    """
    configure_logging(verbose)
    code, _ = run_crawl(sources_path_from(sources_path), corpus_path_from(corpus_path), only=only, delay=delay,
                        keep_removed_sources=keep_removed_sources)
    sys.exit(code)
