"""``./run.sh`` reads its flags before it installs anything: --help, --port N, --port=N, usage errors."""
from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from helpers import ROOT

DOCS = (ROOT / "README.md").read_text("utf-8") + (ROOT / "docs" / "operations.md").read_text("utf-8")


@pytest.fixture(autouse=True)
def fake_venv(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An active 'virtual environment' whose python only says it was called: nothing is installed."""
    python = tmp_path / "venv" / "bin" / "python"
    python.parent.mkdir(parents=True)
    python.write_text('#!/bin/sh\necho "fake python $*" >&2\nexit 1\n')
    python.chmod(0o755)
    monkeypatch.setenv("FAKE_VENV", str(tmp_path / "venv"))


def run_sh(*args: str) -> subprocess.CompletedProcess[str]:
    import os

    env = {"PATH": "/usr/bin:/bin", "VIRTUAL_ENV": os.environ["FAKE_VENV"]}
    return subprocess.run(["/bin/bash", str(ROOT / "run.sh"), *args], capture_output=True, text=True, timeout=30,
                          env=env)


def test_help_prints_usage_and_installs_nothing() -> None:
    result = run_sh("--help")
    assert result.returncode == 0 and result.stdout.startswith("Usage: ./run.sh [--port N]")
    assert "installing" not in result.stderr


@pytest.mark.parametrize("args", [["--bogus"], ["--port"], ["--port=abc"], ["--port", "70000"], ["--port=0"],
                                  ["serve"]])
def test_bad_usage_exits_two_with_the_usage(args: list[str]) -> None:
    result = run_sh(*args)
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith("run.sh: ") and "installing" not in result.stderr


def test_port_flags_in_both_forms_pass_and_the_install_uses_the_active_venv() -> None:
    """Both forms pass the flag check and go on to the install, in the active virtual environment (whose
    python here fails on purpose: a failed install stops run.sh with exit 1 before anything else)."""
    for args in (["--port", "8123"], ["--port=8123"]):
        result = run_sh(*args)
        assert result.returncode == 1, result.stderr
        assert "fake python -m pip install --quiet -e ." in result.stderr
        assert "run.sh: the install failed; nothing else was done" in result.stderr


def test_cron_and_systemd_use_the_installed_command_by_its_absolute_path() -> None:
    assert "command -v modusearch" in DOCS
    assert "17 */6 *   *   *    /srv/modusearch/.venv/bin/modusearch refresh >> /srv/modusearch/var/log/refresh.log 2>&1" in DOCS
    assert "ExecStart=/srv/modusearch/.venv/bin/modusearch refresh" in DOCS
    assert "SuccessExitStatus=3 75" in DOCS
    assert "python -m crawler crawl &&" not in DOCS  # exit 0 from a locked crawl let `&&` go on


def test_serve_on_a_busy_port_is_one_line(tmp_path: Path) -> None:
    import socket

    from helpers import run_module

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = run_module("modusearch", "serve", "--port", str(port), "--index", str(tmp_path / "index"), timeout=60)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [f"modusearch: cannot serve on 127.0.0.1:{port}: Address already in use"]
