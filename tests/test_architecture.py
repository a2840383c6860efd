"""The data flow is visible in the imports: crawler → corpus ← indexer ← web."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FORBIDDEN = {
    "corpus": {"crawler", "indexer", "web"},
    "crawler": {"indexer", "web"},
    "indexer": {"crawler", "web"},
    "web": {"crawler"},
}


def imported_packages(path: Path) -> set[str]:
    tree = ast.parse(path.read_text("utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_imports_follow_the_data_flow(package: str) -> None:
    for path in (ROOT / package).rglob("*.py"):
        bad = imported_packages(path) & FORBIDDEN[package]
        assert not bad, f"{path.relative_to(ROOT)} imports {bad}"


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_modules_stay_small(package: str) -> None:
    for path in (ROOT / package).rglob("*.py"):
        assert len(path.read_text("utf-8").splitlines()) <= 450, f"{path} is too long; split it by role"
