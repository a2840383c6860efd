"""``python -m web``: serve the app behind granian, an HTTP front that hands only complete requests to it.

The server design (README "Security", docs/web.md "The server"): granian's Rust HTTP/1.1 front (hyper on
tokio) reads every connection without the Python interpreter, so a client that sends its request a byte
at a time, or opens a connection and says nothing, costs a socket and a few kilobytes, not a worker. Only
a request whose head has fully arrived reaches the Flask app, in one of ``--workers`` forked processes
with ``--threads`` Python threads each. The front also enforces the connection limits: a request head
must arrive within ``--client-timeout`` seconds of connecting (or of the previous response on a
keep-alive connection), else the connection is closed; a head over :data:`MAX_HEAD_BYTES` gets a 431,
a request target over 64 KiB a 414, bytes that are not HTTP a 400, all before any Python runs. What the
app itself caps (request target, parameters) is in ``web/limits.py``.

Measured against the gunicorn gthread server this replaced (docs/web.md): the same multi-process
throughput, and 200 connections dripping bytes or idling mid-request no longer stall every worker.
"""
from __future__ import annotations

import logging
import os
import sys
from functools import partial
from pathlib import Path
from typing import Any

import click

from web.factory import create_app
from web.links import public_url
from web.search import search_index

#: Seconds a client has to send a complete request head, from connecting or from the previous response
#: on a keep-alive connection (so it is also how long an idle keep-alive connection stays open).
CLIENT_TIMEOUT = 10.0
#: Bytes of one request head (request line and headers) the front buffers; a larger head gets a 431.
MAX_HEAD_BYTES = 64 * 1024
#: Connections the kernel queues before the front accepts them (per listening socket).
BACKLOG = 2048


def default_workers() -> int:
    """One worker per core, plus one: a keep-alive connection stays with the worker that accepted it, so
    with one worker per core an uneven split leaves one worker queueing while a core idles.

    Searching is CPU-bound Python: threads of one worker take turns on the interpreter lock, so a worker
    answers one request at a time best. Measured at 100,000 documents, 100 requests/s from 8 keep-alive
    clients on 2 cores (docs/benchmark.md): 2 workers × 4 threads p50/p95 134/643 ms; 2 × 1 14–149 /
    36–602 ms (a keep-alive connection stays with one worker, so an uneven split overloads one);
    3 × 1 13–23 / 32–96 ms. Each worker holds ~130 MB at that size.
    """
    return max(2, min(8, (os.cpu_count() or 1) + 1))


def load_app(index: str, public: str) -> Any:
    """The app of one worker process, created after the fork (each worker opens the index itself)."""
    app = create_app({"INDEX_PATH": index, "PUBLIC_URL": public})
    search_index(app).follow()
    return app


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True, help="Port to listen on.")
@click.option("--index", "index_path", type=click.Path(file_okay=False, path_type=Path),
              help="Index folder. Env MODUSEARCH_INDEX; default var/index.")
@click.option("--workers", type=click.IntRange(1, 32), default=default_workers, show_default="cores + 1, 2–8",
              help="Worker processes.")
@click.option("--threads", type=click.IntRange(1, 64), default=1, show_default=True,
              help="Python threads per worker (more than 1 only helps when requests wait on I/O).")
@click.option("--public-url", "public_url_value", metavar="URL",
              help="The site's public address, e.g. https://search.example.org, for the absolute links of "
                   "/opensearch.xml and the API description. Env MODUSEARCH_PUBLIC_URL; default "
                   "http://HOST:PORT.")
@click.option("--client-timeout", type=click.FloatRange(1, 300), default=CLIENT_TIMEOUT, show_default=True,
              help="Seconds a client has to send a whole request head; idle keep-alive connections are "
                   "closed after as long.")
def main(host: str, port: int, index_path: Path | None, workers: int, threads: int, public_url_value: str | None,
         client_timeout: float) -> None:
    """Serve the modusearch web app and JSON API."""
    from granian import Granian
    from granian.constants import HTTPModes, Interfaces
    from granian.http import HTTP1Settings

    default = Path(__file__).resolve().parents[1] / "var" / "index"
    index = str(index_path or os.environ.get("MODUSEARCH_INDEX") or default)
    try:
        public = public_url(public_url_value or os.environ.get("MODUSEARCH_PUBLIC_URL"), host, port)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--public-url") from None
    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(asctime)s %(name)s: %(message)s")
    server = Granian(
        "web.server:load_app", address=host, port=port, interface=Interfaces.WSGI, workers=workers,
        blocking_threads=threads, http=HTTPModes.http1, backlog=BACKLOG,
        http1_settings=HTTP1Settings(header_read_timeout=int(client_timeout * 1000), keep_alive=True,
                                     max_buffer_size=MAX_HEAD_BYTES),
        log_access=True, respawn_failed_workers=True, workers_kill_timeout=10,
    )
    try:
        server.serve(target_loader=partial(load_app, index, public), wrap_loader=False)
    except SystemExit as exc:
        if exc.code not in (0, None):
            click.echo(f"web: the server stopped (could not bind {host}:{port}?)", err=True)
            sys.exit(1)
        raise
