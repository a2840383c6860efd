"""Small helpers for tests that run the real commands and the real server."""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def run_module(module: str, *args: str, env: dict[str, str] | None = None, timeout: float = 300,
               cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, **(env or {})}
    return subprocess.run([sys.executable, "-m", module, *args], capture_output=True, text=True,
                          timeout=timeout, env=full_env, cwd=cwd or ROOT)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Headers(dict[str, str]):
    """Response headers, looked up without regard to case (HTTP/1.1 servers may send them lower-case)."""

    def __init__(self, pairs: Any) -> None:
        super().__init__((k.lower(), v) for k, v in pairs)

    def __getitem__(self, key: str) -> str:
        return super().__getitem__(key.lower())

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and super().__contains__(key.lower())

    def get(self, key: str, default: Any = None) -> Any:  # type: ignore[override]
        return super().get(key.lower(), default)


def get(url: str, headers: dict[str, str] | None = None, timeout: float = 10) -> tuple[int, Headers, bytes]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, Headers(response.headers.items()), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, Headers(exc.headers.items()), exc.read()


def get_json(url: str) -> tuple[int, Any]:
    status, _, body = get(url)
    return status, json.loads(body)


@contextmanager
def web_server(index: Path, *extra: str, env: dict[str, str] | None = None, log: Path | None = None) -> Iterator[str]:
    """The production server (``python -m web``) on a free port; yields its base URL. With ``log``, its
    output (access log, warnings, any traceback) goes to that file."""
    port = free_port()
    log_file = open(log, "wb") if log is not None else None  # noqa: SIM115 - closed below
    process = subprocess.Popen([sys.executable, "-m", "web", "--host", "127.0.0.1", "--port", str(port),
                                "--index", str(index), *extra], cwd=ROOT, env={**os.environ, **(env or {})},
                               stdout=log_file or subprocess.DEVNULL,
                               stderr=log_file or subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                get(base + "/healthz", timeout=2)
                break
            except OSError as exc:
                if process.poll() is not None or time.monotonic() > deadline:
                    stderr = process.stderr.read().decode() if process.stderr else ""
                    stderr = stderr or (log.read_text("utf-8", "replace") if log else "")
                    raise RuntimeError(f"web server did not start: {stderr[-2000:]}") from exc
                time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stderr is not None:
            process.stderr.close()
        if log_file is not None:
            log_file.close()


def html_page(title: str, *links: str, text: str = "", head: str = "") -> str:
    """A small HTML page for crawler tests: a title, a paragraph of main content and links."""
    anchors = " ".join(f'<a href="{link}">{link}</a>' for link in links)
    body = text or f"{title}: a page of the test site, long enough to be content."
    return (f"<html><head><title>{title}</title>{head}</head><body><main><p>{body}</p>{anchors}</main>"
            "</body></html>")
