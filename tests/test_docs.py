"""The README documents what a person needs: every crawl setting, every command, the API error shape."""
from __future__ import annotations

import dataclasses
from pathlib import Path

from crawler import CrawlSettings

README = (Path(__file__).resolve().parents[1] / "README.md").read_text("utf-8")


def test_every_crawl_setting_is_documented() -> None:
    for setting in dataclasses.fields(CrawlSettings):
        assert f"| `{setting.name}` |" in README, f"crawl setting {setting.name} missing from the README table"


def test_every_command_is_documented() -> None:
    for command in ("python -m crawler crawl", "python -m indexer rebuild", "python -m indexer update",
                    "python -m indexer verify", "python -m web", "python -m eval", "python -m bench run"):
        assert command in README


def test_the_two_commands_are_there() -> None:
    assert "./run.sh" in README
    assert "python3 -m pip install -e '.[test]' && python3 -m pytest -q" in README
