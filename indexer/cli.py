"""``python -m indexer``: build, update and check the index of the corpus.

Results go to stdout (one summary line), logs and progress to stderr. Exit codes: 0 ok, 1 failure
(a one-line ``indexer: ...`` message), 2 bad usage.
"""
from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import click

from indexer.errors import IndexerError
from indexer.operations import rebuild, update, verify

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = ROOT / "var" / "corpus"
DEFAULT_INDEX = ROOT / "var" / "index"
T = TypeVar("T")

corpus_option = click.option("--corpus", "corpus_path", type=click.Path(file_okay=False, path_type=Path),
                              help="Corpus folder. Env MODUSEARCH_CORPUS; default var/corpus.")
index_option = click.option("--index", "index_path", type=click.Path(file_okay=False, path_type=Path),
                            help="Index folder. Env MODUSEARCH_INDEX; default var/index.")
lock_option = click.option("--lock-timeout", type=click.FloatRange(min=0), default=600.0, show_default=True,
                           help="Seconds to wait for another rebuild or update to finish.")


def _paths(corpus: Path | None, index: Path | None) -> tuple[Path, Path]:
    return (corpus or Path(os.environ.get("MODUSEARCH_CORPUS") or DEFAULT_CORPUS),
            index or Path(os.environ.get("MODUSEARCH_INDEX") or DEFAULT_INDEX))


def _require_corpus(corpus_path: Path) -> None:
    if not (corpus_path / "sources").is_dir():
        _fail(f"no corpus at {corpus_path}; run: python -m crawler crawl --corpus {corpus_path}")


def _fail(message: str) -> None:
    click.echo(f"indexer: {message}", err=True)
    sys.exit(1)


def _run(index_path: Path, action: Callable[[], T]) -> T:
    try:
        return action()
    except IndexerError as exc:
        _fail(str(exc))
    except OSError as exc:
        _fail(f"cannot use {exc.filename or index_path}: {exc.strerror or exc}")
    raise AssertionError("unreachable")


def _echo_skipped(skipped: list[str]) -> None:
    for reason in skipped[:20]:
        click.echo(f"skipped {reason}", err=True)
    if len(skipped) > 20:
        click.echo(f"skipped {len(skipped) - 20} more corpus records", err=True)


def _progress(what: str) -> Callable[[int], None]:
    return lambda n: click.echo(f"  {n} {what}", err=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Build, update and check the Whoosh index of the corpus."""
    logging.basicConfig(level=logging.INFO, stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s", datefmt="%H:%M:%S")


@main.command("rebuild")
@corpus_option
@index_option
@click.option("--procs", type=click.IntRange(1, 16), default=2, show_default=True,
              help="Indexing processes, each writing one segment (1: a single process).")
@lock_option
def rebuild_command(corpus_path: Path | None, index_path: Path | None, procs: int, lock_timeout: float) -> None:
    """Build a complete new index beside the live one and switch to it atomically."""
    corpus_path, index_path = _paths(corpus_path, index_path)
    _require_corpus(corpus_path)
    report = _run(index_path, lambda: rebuild(corpus_path, index_path, procs=procs, lock_timeout=lock_timeout,
                                              progress=_progress("documents indexed")))
    _echo_skipped(report.skipped)
    click.echo(report.line())


@main.command("update")
@corpus_option
@index_option
@lock_option
def update_command(corpus_path: Path | None, index_path: Path | None, lock_timeout: float) -> None:
    """Apply only what changed in the corpus (new, changed, removed documents) and switch atomically.

    Falls back to a full rebuild when there is no index yet or it was built by another schema version.
    """
    corpus_path, index_path = _paths(corpus_path, index_path)
    _require_corpus(corpus_path)
    report = _run(index_path, lambda: update(corpus_path, index_path, lock_timeout=lock_timeout,
                                             progress=_progress("changes applied")))
    _echo_skipped(report.skipped)
    click.echo(report.line())


@main.command("verify")
@corpus_option
@index_option
def verify_command(corpus_path: Path | None, index_path: Path | None) -> None:
    """Check that the live index opens, matches this code's schema and holds what the corpus holds."""
    corpus_path, index_path = _paths(corpus_path, index_path)
    report = _run(index_path, lambda: verify(corpus_path, index_path))
    _echo_skipped(report.skipped)
    for line in report.lines():
        click.echo(line)
    sys.exit(0 if report.ok else 1)
