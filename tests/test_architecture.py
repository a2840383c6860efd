"""The data flow is visible in the imports: crawler → corpus ← indexer ← web, and inside the indexer each
room uses only the rooms below it, through their packages, with Whoosh's internals behind one door."""
from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import whoosh

ROOT = Path(__file__).resolve().parents[1]
FORBIDDEN = {
    "corpus": {"crawler", "indexer", "web"},
    "crawler": {"indexer", "web"},
    "indexer": {"crawler", "web"},
    "web": {"crawler"},
}
#: The indexer's rooms and the rooms each may use; the package's own top level (its public API, the CLI,
#: the errors) may use every room, and every room may use ``indexer.errors``.
MAY_USE = {
    "analysis": set(),
    "storage": {"analysis"},
    "mining": {"analysis", "storage"},
    "spelling": {"analysis", "storage"},
    "suggest": {"analysis", "storage"},
    "search": {"analysis", "storage", "mining", "spelling", "suggest"},
    "operations": {"analysis", "storage", "mining", "spelling", "suggest"},
}
#: The one module that may touch Whoosh's private internals, and the Whoosh modules everyone may use.
DOOR = "indexer.storage.whoosh_internals"
PUBLIC_WHOOSH = ("whoosh.index", "whoosh.fields", "whoosh.query", "whoosh.analysis", "whoosh.searching")


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


# -- inside the indexer ------------------------------------------------------------------------------


def _modules() -> dict[str, Path]:
    """Every module of the indexer by dotted name (a package by its own name)."""
    found = {}
    for path in sorted((ROOT / "indexer").rglob("*.py")):
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


MODULES = _modules()


def _imports(name: str) -> Iterator[tuple[str, ast.ImportFrom | ast.Import, list[str]]]:
    """(imported module, node, names taken) for every import in module ``name``, at any depth (imports
    inside functions count): ``from package import submodule`` is an import of the submodule."""
    tree = ast.parse(MODULES[name].read_text("utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node, []
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            plain = [a.name for a in node.names if not _submodule(node.module, a.name)]
            if plain or node.module not in MODULES:
                yield node.module, node, plain
            for alias in node.names:
                if _submodule(node.module, alias.name):
                    yield f"{node.module}.{alias.name}", node, []


def _submodule(package: str, name: str) -> bool:
    """Whether ``from package import name`` takes a submodule (a package exporting a function of the
    same name, such as ``indexer.operations.update``, gives the function)."""
    if f"{package}.{name}" not in MODULES:
        return False
    return name not in getattr(importlib.import_module(package), "__all__", ())


def _room(name: str) -> str:
    """The room of an indexer module ("top" for the package's own modules)."""
    parts = name.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in MAY_USE else "top"


def _graph() -> dict[str, set[str]]:
    return {name: {target for target, _, _ in _imports(name) if target in MODULES and target != name}
            for name in MODULES}


def test_no_import_cycles_inside_the_indexer() -> None:
    graph = _graph()
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    cycles: list[list[str]] = []

    def visit(node: str) -> None:  # Tarjan's strongly connected components
        index[node] = low[node] = len(index)
        stack.append(node)
        for target in sorted(graph[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    described = ["; ".join(f"{a} imports {b}" for a in cycle for b in sorted(graph[a]) if b in cycle)
                 for cycle in cycles]
    assert not cycles, f"import cycles: {described}"


def test_rooms_use_only_the_rooms_below_them() -> None:
    wrong = []
    for name in MODULES:
        source = _room(name)
        for target, node, _ in _imports(name):
            if not target.startswith("indexer.") or target == "indexer.errors":
                continue
            room = _room(target)
            if room != source and source != "top" and room not in MAY_USE[source]:
                wrong.append(f"{name} imports {target} (line {node.lineno}): {source}/ may not use {room}/")
    assert not wrong, "\n".join(wrong)


def test_rooms_meet_through_their_packages() -> None:
    """Another room is imported as ``from indexer.<room> import name``, and ``name`` is in its __all__."""
    wrong = []
    for name in MODULES:
        source = _room(name)
        for target, node, taken in _imports(name):
            room = _room(target)
            if not target.startswith("indexer.") or room in (source, "top"):
                continue
            if target != f"indexer.{room}":
                wrong.append(f"{name} imports {target} (line {node.lineno}): use `from indexer.{room} import ...`")
                continue
            exported = set(importlib.import_module(target).__all__)
            wrong += [f"{name} takes {n} from {target}, which does not export it" for n in taken if n not in exported]
    assert not wrong, "\n".join(wrong)


def test_each_room_says_what_it_is_for_exports_and_may_use() -> None:
    for room in MAY_USE:
        package = importlib.import_module(f"indexer.{room}")
        doc = inspect.getdoc(package) or ""
        assert len(doc.splitlines()) >= 3, f"indexer/{room}/__init__.py: say what the room is for"
        assert package.__all__, f"indexer/{room} exports nothing"
        if room != "analysis":
            assert "May use" in doc, f"indexer/{room}/__init__.py: say which rooms it may use"
        missing = [n for n in package.__all__ if not hasattr(package, n)]
        assert not missing, f"indexer/{room} lists {missing} in __all__ but does not define them"


@pytest.mark.parametrize("package", ["web", "bench"])
def test_web_and_bench_use_only_the_public_api(package: str) -> None:
    import indexer

    exported = set(indexer.__all__)
    wrong = []
    for path in (ROOT / package).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "indexer":
                if node.module != "indexer":
                    wrong.append(f"{path.relative_to(ROOT)}:{node.lineno} imports {node.module}")
                wrong += [f"{path.relative_to(ROOT)}:{node.lineno} takes indexer.{a.name}, not in indexer.__all__"
                          for a in node.names if a.name not in exported]
            elif isinstance(node, ast.Import):
                wrong += [f"{path.relative_to(ROOT)}:{node.lineno} imports {a.name}" for a in node.names
                          if a.name.split(".")[0] == "indexer"]
    assert not wrong, "\n".join(wrong)


# -- Whoosh's internals behind one door --------------------------------------------------------------


def _whoosh_private_names() -> set[str]:
    """Every ``_name`` (not dunder) that a class or module of the installed Whoosh defines."""
    names: set[str] = set()
    for info in pkgutil.walk_packages(whoosh.__path__, "whoosh."):
        try:
            module = importlib.import_module(info.name)
        except Exception:  # noqa: BLE001 - optional parts of Whoosh that need other packages
            continue
        for holder in [module, *(v for v in vars(module).values() if inspect.isclass(v))]:
            names.update(n for n in vars(holder) if n.startswith("_") and not n.startswith("__"))
    return names


def _whoosh_imports(path: Path) -> Iterator[tuple[str, int]]:
    """(Whoosh module, line) of every import of Whoosh in ``path`` (``from whoosh import x`` imports whoosh.x)."""
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            yield from ((a.name, node.lineno) for a in node.names if a.name.split(".")[0] == "whoosh")
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "whoosh":
            if node.module == "whoosh":
                yield from ((f"whoosh.{a.name}", node.lineno) for a in node.names)
            else:
                yield node.module, node.lineno


def test_only_the_door_imports_whoosh_beyond_its_public_modules() -> None:
    wrong = []
    for name, path in MODULES.items():
        if name == DOOR:
            continue
        for target, line in _whoosh_imports(path):
            if not any(target == p or target.startswith(p + ".") for p in PUBLIC_WHOOSH):
                wrong.append(f"{name} imports {target} (line {line}): go through {DOOR}")
    assert not wrong, "\n".join(wrong)


def test_only_the_door_touches_whoosh_private_attributes() -> None:
    private = _whoosh_private_names()
    wrong = []
    for name, path in MODULES.items():
        if name == DOOR:
            continue
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if (isinstance(node, ast.Attribute) and node.attr in private
                    and not (isinstance(node.value, ast.Name) and node.value.id in ("self", "cls"))):
                wrong.append(f"{name}:{node.lineno} uses .{node.attr}, a private name of Whoosh: go through {DOOR}")
    assert not wrong, "\n".join(wrong)
