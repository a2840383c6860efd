"""What a newcomer does, on a fresh copy of the repository in a fresh virtual environment: the README's
``./run.sh`` ends serving a page that answers a search, then the README's crontab line runs under cron's
empty environment (``env -i`` with a minimal PATH) and updates the index.

The virtual environment is made with ``--system-site-packages`` and pip is kept offline (``PIP_NO_INDEX``,
no build isolation): the dependencies come from the machine's site-packages, so the install takes seconds
and no network is needed, while the package itself, its console script and its .pth entry are installed
fresh from the copy. The sources are local servers (one healthy, one dead).
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest

from helpers import ROOT, free_port, get
from hostile import HostileServer, page

README = (ROOT / "README.md").read_text("utf-8")


def fresh_copy(target: Path) -> Path:
    """The files a clone would have: tracked and new (not ignored) files of this checkout."""
    listed = subprocess.run(["git", "ls-files", "-z", "-co", "--exclude-standard"], cwd=ROOT, capture_output=True)
    if listed.returncode != 0:
        pytest.skip("not a git checkout")
    for name in filter(None, listed.stdout.decode().split("\0")):
        source = ROOT / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    return target


def crontab_command(clone: Path) -> str:
    """The command of the README's crontab line, with the README's /srv/modusearch pointing at the clone."""
    block = re.search(r"```cron\n(.*?)```", README, re.S)
    assert block, "the README has no crontab block"
    lines = [line for line in block.group(1).splitlines() if line.strip() and not line.startswith("#")]
    entry = [line for line in lines if "modusearch refresh" in line]
    assert len(entry) == 1, lines
    command = entry[0].split(None, 5)[5]  # after the five time fields
    assert "/srv/modusearch/.venv/bin/modusearch refresh" in command
    return command.replace("/srv/modusearch", str(clone))


@pytest.fixture()
def sources() -> HostileServer:
    routes = {"/": page("Fresh install home", "오프라인설치 확인용 문서입니다.", links=["/second"]),
              "/second": page("Second page", "the second page of the fresh install site")}
    with HostileServer("127.0.0.1", routes) as server:
        yield server


def test_run_sh_on_a_fresh_copy_serves_a_search_and_the_crontab_line_works(tmp_path: Path,
                                                                           sources: HostileServer) -> None:
    clone = fresh_copy(tmp_path / "modusearch")
    (clone / "sources.toml").write_text(
        '[settings]\ndelay = 0.0\nretries = 0\n\n'
        f'[[site]]\nname = "local"\nlab = "테스트랩"\nstart_urls = ["{sources.url}/"]\n\n'
        '[[pages]]\nname = "dead"\nurls = ["http://127.0.0.1:9/gone"]\n', "utf-8")
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", str(clone / ".venv")], check=True,
                   timeout=120)
    venv_bin = clone / ".venv" / "bin"
    env = {"PATH": f"{venv_bin}:/usr/bin:/bin", "VIRTUAL_ENV": str(clone / ".venv"), "HOME": str(tmp_path),
           "LANG": "C.UTF-8", "PIP_NO_INDEX": "1", "PIP_NO_BUILD_ISOLATION": "0",
           "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    port = free_port()
    log = (tmp_path / "run.log").open("w")
    process = subprocess.Popen(["./run.sh", f"--port={port}"], cwd=clone, env=env, stdout=log,
                               stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 300
        answer = b""
        while time.monotonic() < deadline and process.poll() is None:
            try:
                status, _, answer = get(f"http://127.0.0.1:{port}/?q={quote('오프라인설치')}&hl=en", timeout=5)
                if status == 200:
                    break
            except OSError:
                pass
            time.sleep(0.5)
        output = (tmp_path / "run.log").read_text("utf-8", "replace")
        assert process.poll() is None, output[-3000:]
        assert b"Fresh install home" in answer, output[-3000:]
    finally:
        os.killpg(process.pid, 15)
        process.wait(timeout=30)
        log.close()
    assert "some sources failed" in output  # the dead source did not stop the page from coming up
    probe = subprocess.run([str(venv_bin / "python"), "-c", "import crawler, corpus; print(crawler.__file__, "
                            "corpus.__file__)"], cwd=clone / "var", env=env, capture_output=True, text=True)
    assert probe.returncode == 0 and probe.stdout.startswith(str(clone)), probe  # var/corpus shadows nothing

    # The README's crontab line, as cron runs it: no environment but a minimal PATH, in the home folder.
    sources.routes["/third"] = page("Third page", "새로 추가된 크론문서")
    sources.routes["/"] = page("Fresh install home", "오프라인설치 확인용 문서입니다.", links=["/second", "/third"])
    (clone / "var" / "log").mkdir(parents=True, exist_ok=True)
    command = crontab_command(clone)
    cron = subprocess.run(["env", "-i", "PATH=/usr/bin:/bin", "sh", "-c", command], cwd=tmp_path,
                          capture_output=True, text=True, timeout=300)
    logged = next((clone / "var" / "log").glob("*.log")).read_text("utf-8")
    assert cron.returncode == 3, logged[-3000:]  # the dead source: some sources failed, the index updated
    assert re.search(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d{4} ", logged, re.M)  # log lines carry date and time
    assert "crawl done:" in logged and "update done:" in logged
    verify = subprocess.run([str(venv_bin / "modusearch"), "verify"], cwd="/", env={"PATH": "/usr/bin:/bin"},
                            capture_output=True, text=True, timeout=120)
    assert verify.returncode == 0 and "3 documents" in verify.stdout, verify.stdout + verify.stderr
