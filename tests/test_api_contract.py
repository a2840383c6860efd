"""The API keeps the contract it publishes: schemathesis reads ``/api/openapi.json`` from the real server
(``python -m web``) and fuzzes every operation with every check, with a fixed seed and a bounded number
of examples (about a minute), so an endpoint cannot drift from its document unnoticed.

On the code before issue 15 this found 6 failures of 4 kinds (405s without ``Allow``, ``/api/related?id=``
refused though the document allowed it, ``spell`` accepted with any value, an undeclared content type
for ``format=opensearch``).
"""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import ROOT, web_server

CONFIG = ROOT / "tests" / "schemathesis.toml"
SEED = 20261207


def test_schemathesis_finds_nothing(crawled: dict[str, Path], tmp_path: Path) -> None:
    if shutil.which("schemathesis") is None and not _importable():
        pytest.fail("schemathesis is not installed: pip install -e '.[test]'")
    log = tmp_path / "web.log"
    with web_server(crawled["index"], log=log) as url:
        command = [sys.executable, "-c", "from schemathesis.cli import schemathesis; schemathesis()",
                   "--config-file", str(CONFIG), "--no-color", "run", f"{url}/api/openapi.json",
                   "--checks", "all", "--seed", str(SEED), "--max-examples", "60", "--workers", "1",
                   "--generation-database", "none", "--request-timeout", "20"]
        result = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=600,
                                env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "PYTHONPATH": str(ROOT)})
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-6000:]
    assert "6 selected / 6 total" in output or "Selected: 6/6" in output, output[-3000:]
    assert "Traceback" not in log.read_text("utf-8", "replace")


def _importable() -> bool:
    try:
        import schemathesis  # noqa: F401
    except ImportError:
        return False
    return True
