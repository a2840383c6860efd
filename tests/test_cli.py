"""The three commands: help, exit codes, environment variables vs flags."""
from __future__ import annotations

from pathlib import Path

import pytest

from conftest import fixture_sources_toml
from helpers import run_module


@pytest.mark.parametrize("module,args", [("crawler", ["crawl"]), ("indexer", ["rebuild"]), ("web", [])])
def test_help_exits_zero(module: str, args: list[str]) -> None:
    result = run_module(module, *args, "--help")
    assert result.returncode == 0 and "Usage:" in result.stdout


@pytest.mark.parametrize("module,args", [("crawler", ["crawl", "--bogus"]), ("indexer", ["nope"]),
                                         ("web", ["--port", "notaport"])])
def test_bad_usage_exits_two(module: str, args: list[str]) -> None:
    assert run_module(module, *args).returncode == 2


def test_missing_sources_file_is_a_usage_error(tmp_path: Path) -> None:
    result = run_module("crawler", "crawl", "--sources", str(tmp_path / "none.toml"), "--corpus", str(tmp_path))
    assert result.returncode == 2
    assert "sources file not found" in result.stderr and "Traceback" not in result.stderr


def test_invalid_toml_is_a_one_line_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("[[site]\nname=", "utf-8")
    result = run_module("crawler", "crawl", "--sources", str(bad), "--corpus", str(tmp_path / "c"))
    assert result.returncode == 2 and "not valid TOML" in result.stderr


def test_rebuild_without_corpus_fails_clearly(tmp_path: Path) -> None:
    result = run_module("indexer", "rebuild", "--corpus", str(tmp_path / "none"), "--index", str(tmp_path / "ix"))
    assert result.returncode == 1 and "modusearch crawl" in result.stderr and len(result.stderr.splitlines()) == 1


def test_crawl_then_rebuild_with_environment_paths(servers, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    sources = tmp_path / "sources.toml"
    sources.write_text(fixture_sources_toml(servers), "utf-8")
    env = {"MODUSEARCH_SOURCES": str(sources), "MODUSEARCH_CORPUS": str(tmp_path / "corpus"),
           "MODUSEARCH_INDEX": str(tmp_path / "index")}
    crawl = run_module("crawler", "crawl", env=env)
    assert crawl.returncode == 0, crawl.stderr[-2000:]
    assert "new 62" in crawl.stdout
    rebuild = run_module("indexer", "rebuild", env=env)
    assert rebuild.returncode == 0, rebuild.stderr[-2000:]
    assert "62 documents" in rebuild.stdout
    # A flag wins over the environment.
    other = tmp_path / "other-index"
    assert run_module("indexer", "rebuild", "--index", str(other), env=env).returncode == 0
    assert (other / "CURRENT").is_file()


def test_unreachable_source_exits_one(tmp_path: Path) -> None:
    sources = tmp_path / "sources.toml"
    sources.write_text('[settings]\ndelay = 0.0\nretries = 0\ntimeout = 2.0\n'
                       '[[pages]]\nname = "dead"\nurls = ["http://127.0.0.1:9/nothing"]\n', "utf-8")
    result = run_module("crawler", "crawl", "--sources", str(sources), "--corpus", str(tmp_path / "c"))
    assert result.returncode == 1 and "source dead failed" in result.stderr
