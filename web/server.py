"""``python -m web``: serve the app with gunicorn (a production WSGI server, not Flask's dev server)."""
from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import click
from gunicorn.app.base import BaseApplication

from web.factory import create_app
from web.search import search_index


class _Gunicorn(BaseApplication):  # type: ignore[misc]
    def __init__(self, options: dict[str, Any], index: str) -> None:
        self.options = options
        self.index = index
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:  # in each worker, after the fork
        app = create_app({"INDEX_PATH": self.index})
        search_index(app).follow()
        return app


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


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True, help="Port to listen on.")
@click.option("--index", "index_path", type=click.Path(file_okay=False, path_type=Path),
              help="Index folder. Env MODUSEARCH_INDEX; default var/index.")
@click.option("--workers", type=click.IntRange(1, 32), default=default_workers, show_default="cores + 1, 2–8",
              help="Worker processes.")
@click.option("--threads", type=click.IntRange(1, 64), default=1, show_default=True,
              help="Threads per worker (more than 1 only helps when requests wait on I/O).")
def main(host: str, port: int, index_path: Path | None, workers: int, threads: int) -> None:
    """Serve the modusearch web app and JSON API."""
    default = Path(__file__).resolve().parents[1] / "var" / "index"
    index = str(index_path or os.environ.get("MODUSEARCH_INDEX") or default)
    options = {"bind": f"{host}:{port}", "workers": workers, "threads": threads, "worker_class": "gthread",
               "timeout": 30, "graceful_timeout": 10, "accesslog": "-", "errorlog": "-", "loglevel": "info",
               # gunicorn's 4 KB request-line cap would answer a long query with its own HTML 400; the app
               # caps the query itself (web/params.py) and answers in the JSON error shape instead.
               "limit_request_line": 0}
    try:
        _Gunicorn(options, index).run()
    except SystemExit as exc:
        if exc.code not in (0, None):
            click.echo(f"web: the server stopped (could not bind {host}:{port}?)", err=True)
            sys.exit(1)
        raise
