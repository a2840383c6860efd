"""Starting the production web server (``python -m web``) for a measurement, and waiting until it answers."""
from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def tests_on_path() -> None:
    """tests/helpers.py (free_port, get) is shared with the test-suite."""
    if str(ROOT / "tests") not in sys.path:
        sys.path.insert(0, str(ROOT / "tests"))


def start_web(index: Path, args: Sequence[str] = (), env: Mapping[str, str] | None = None,
              timeout: float = 60.0) -> tuple[subprocess.Popen[bytes], str]:
    """``python -m web`` on a free port of 127.0.0.1 serving ``index`` (more options in ``args``), once
    /healthz answers: (the process, its base URL). RuntimeError when it exits or is not up in time."""
    tests_on_path()
    from helpers import free_port, get  # type: ignore[import-not-found]

    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "web", "--host", "127.0.0.1", "--port", str(port),
                                "--index", str(index), *args],
                               cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               env=dict(env) if env is not None else None)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + timeout
    while True:
        try:
            get(base + "/healthz", timeout=2)
            return process, base
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the web server did not start") from None
            time.sleep(0.3)
