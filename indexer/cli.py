"""``python -m indexer``: build, update and check the index of the corpus.

Results go to stdout (one summary line), logs and progress to stderr. Exit codes: 0 ok, 1 failure
(a one-line ``indexer: ...`` message), 2 bad usage, 75 another writer held the index lock past
``--lock-timeout`` (nothing done; try again later). An empty corpus is a normal one: it gives an empty,
valid index. Unreadable corpus records are skipped, one log line each, and counted in the summary.
"""
from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import click

from indexer.errors import IndexerError, IndexLocked
from indexer.operations import rebuild, update, verify

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = ROOT / "var" / "corpus"
DEFAULT_INDEX = ROOT / "var" / "index"
EXIT_LOCKED = 75  # the same code as the crawler's "another crawl holds the lock" (README "Exit codes")
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
LOG_DATE = "%Y-%m-%dT%H:%M:%S%z"
T = TypeVar("T")

corpus_option = click.option("--corpus", "corpus_path", type=click.Path(path_type=Path),
                              help=f"Corpus folder. Env MODUSEARCH_CORPUS; default {DEFAULT_CORPUS}.")
index_option = click.option("--index", "index_path", type=click.Path(path_type=Path),
                            help=f"Index folder. Env MODUSEARCH_INDEX; default {DEFAULT_INDEX}.")
lock_option = click.option("--lock-timeout", type=click.FloatRange(min=0), default=600.0, show_default=True,
                           help="Seconds to wait for another rebuild or update to finish.")


def resolve_paths(corpus: Path | None, index: Path | None) -> tuple[Path, Path]:
    return (corpus or Path(os.environ.get("MODUSEARCH_CORPUS") or DEFAULT_CORPUS),
            index or Path(os.environ.get("MODUSEARCH_INDEX") or DEFAULT_INDEX))


def check_paths(corpus_path: Path, index_path: Path, *, need_corpus: bool = True) -> None:
    """One-line failures for folders that cannot be used, before anything is opened."""
    for what, path in (("corpus", corpus_path), ("index", index_path)):
        if path.exists() and not path.is_dir():
            _fail(f"the {what} folder {path} is a file")
    if need_corpus and not (corpus_path / "sources").is_dir():
        _fail(f"no corpus at {corpus_path} (a corpus folder holds sources/); crawl into it first "
              "(modusearch crawl), or point --corpus / MODUSEARCH_CORPUS at one")


def _fail(message: str, code: int = 1) -> None:
    click.echo(f"indexer: {message}", err=True)
    sys.exit(code)


def run_action(index_path: Path, action: Callable[[], T]) -> T:
    try:
        return action()
    except IndexLocked as exc:
        _fail(str(exc), EXIT_LOCKED)
    except IndexerError as exc:
        _fail(str(exc))
    except OSError as exc:
        _fail(f"cannot use {exc.filename or index_path}: {exc.strerror or exc}")
    raise AssertionError("unreachable")


def _progress(what: str) -> Callable[[int], None]:
    return lambda n: click.echo(f"  {n} {what}", err=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Build, update and check the Whoosh index of the corpus."""
    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format=LOG_FORMAT, datefmt=LOG_DATE)


@main.command("rebuild")
@corpus_option
@index_option
@click.option("--procs", type=click.IntRange(1, 16), default=2, show_default=True,
              help="Indexing processes, each writing one segment (1: a single process).")
@lock_option
def rebuild_command(corpus_path: Path | None, index_path: Path | None, procs: int, lock_timeout: float) -> None:
    """Build a complete new index beside the live one and switch to it atomically."""
    corpus_path, index_path = resolve_paths(corpus_path, index_path)
    check_paths(corpus_path, index_path)
    report = run_action(index_path, lambda: rebuild(corpus_path, index_path, procs=procs, lock_timeout=lock_timeout,
                                              progress=_progress("documents indexed")))
    click.echo(report.line())


@main.command("update")
@corpus_option
@index_option
@lock_option
def update_command(corpus_path: Path | None, index_path: Path | None, lock_timeout: float) -> None:
    """Apply only what changed in the corpus (new, changed, removed documents) and switch atomically.

    Falls back to a full rebuild when there is no index yet or it was built by another schema version.
    """
    corpus_path, index_path = resolve_paths(corpus_path, index_path)
    check_paths(corpus_path, index_path)
    report = run_action(index_path, lambda: update(corpus_path, index_path, lock_timeout=lock_timeout,
                                             progress=_progress("changes applied")))
    click.echo(report.line())


@main.command("verify")
@corpus_option
@index_option
def verify_command(corpus_path: Path | None, index_path: Path | None) -> None:
    """Check that the live index opens, matches this code's schema and holds what the corpus holds."""
    corpus_path, index_path = resolve_paths(corpus_path, index_path)
    check_paths(corpus_path, index_path, need_corpus=False)
    report = run_action(index_path, lambda: verify(corpus_path, index_path))
    for line in report.lines():
        click.echo(line)
    sys.exit(0 if report.ok else 1)
