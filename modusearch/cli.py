"""``modusearch``: crawl, rebuild, update, verify, serve, and refresh (crawl + update) for cron.

Exit codes, the same for every command:

==  ===========================================================================================
0   done; for crawl and refresh: every source was crawled
3   some sources failed; the others' documents were written (refresh: and the index updated)
1   nothing could be done: every source failed, or the index could not be built (one-line reason)
2   bad usage or a bad sources file: nothing was requested
75  another crawl or index writer holds the lock: nothing was done, try again later
==  ===========================================================================================
"""
from __future__ import annotations

import socket
import sys
from pathlib import Path

import click

from crawler.cli import (
    EXIT_FAILED,
    EXIT_LOCKED,
    EXIT_OK,
    EXIT_PARTIAL,
    configure_logging,
    corpus_option,
    corpus_path_from,
    crawl_command,
    delay_option,
    keep_option,
    only_option,
    run_crawl,
    sources_option,
    sources_path_from,
    verbose_option,
)
from indexer import update
from indexer.cli import (
    check_paths,
    index_option,
    lock_option,
    rebuild_command,
    resolve_paths,
    run_action,
    update_command,
    verify_command,
)
from web.server import main as serve_command


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """modusearch: crawl the Modulabs sources, index them and serve the search page.

    \b
    Exit codes: 0 ok; 3 some sources failed (the rest was written and indexed); 1 nothing could be
    done; 2 bad usage or sources file; 75 another run holds the lock (try again later).
    """
    configure_logging()


main.add_command(crawl_command, "crawl")
main.add_command(rebuild_command, "rebuild")
main.add_command(update_command, "update")
main.add_command(verify_command, "verify")


@main.command("serve", add_help_option=False,
              context_settings={"ignore_unknown_options": True, "allow_extra_args": True})
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def serve(args: tuple[str, ...]) -> None:
    """Serve the search page and the JSON API (the options of python -m web; --help lists them)."""
    with serve_command.make_context("modusearch serve", list(args)) as ctx:
        problem = port_problem(ctx.params["host"], ctx.params["port"])
        if problem:
            click.echo(f"modusearch: cannot serve on {ctx.params['host']}:{ctx.params['port']}: {problem}", err=True)
            sys.exit(1)
        serve_command.invoke(ctx)


def port_problem(host: str, port: int) -> str:
    """Why the server could not listen on ``host:port`` ('' when it can): one line before the server starts,
    instead of the server's own start-up lines around the same error."""
    if port == 0:
        return ""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as exc:
        return f"unknown address ({exc.strerror})"
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the server does
        try:
            probe.bind(address)
        except OSError as exc:
            return exc.strerror or str(exc)
    return ""


@main.command("refresh")
@sources_option
@corpus_option
@index_option
@only_option
@delay_option
@keep_option
@lock_option
@verbose_option
def refresh_command(sources_path: Path | None, corpus_path: Path | None, index_path: Path | None,
                    only: tuple[str, ...], delay: float | None, keep_removed_sources: bool, lock_timeout: float,
                    verbose: bool) -> None:
    """Crawl every source, then update the index with whatever came in (what cron runs).

    A source that fails keeps its previous documents and does not hold up the others: the index is
    updated all the same and the exit code is 3. Exit 75 when another crawl or index writer holds the
    lock, 1 when nothing could be done, 0 when every source was crawled and the index is up to date.
    """
    configure_logging(verbose)
    corpus_path, index_path = resolve_paths(corpus_path_from(corpus_path), index_path)
    code, summary = run_crawl(sources_path_from(sources_path), corpus_path, only=only, delay=delay,
                              keep_removed_sources=keep_removed_sources)
    if summary is None:  # locked, bad sources file, or the corpus could not be written: nothing to index
        sys.exit(code)
    check_paths(corpus_path, index_path)
    report = run_action(index_path, lambda: update(corpus_path, index_path, lock_timeout=lock_timeout))
    click.echo(report.line())
    sys.exit(code if code in (EXIT_OK, EXIT_PARTIAL, EXIT_FAILED) else EXIT_FAILED)


__all__ = ["EXIT_LOCKED", "main"]
