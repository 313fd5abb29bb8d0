"""The package's parts depend on each other in one direction only, as docs/architecture.md
draws it: config → fetch → store → run → outputs, with the importer, the library entry points
and the CLI on top. Imports inside functions count too."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "dailypapers"
# Lowest first; a part may import only parts listed before it (or itself).
LAYERS = [
    ("errors", "version"),
    ("settings", "text"),
    ("fileio", "offload"),
    ("config",),
    ("fetch",),
    ("store",),
    ("rank",),
    ("run",),
    ("outputs",),
    ("importer",),
    ("pipeline",),
    ("cli",),
]
RANK = {part: rank for rank, parts in enumerate(LAYERS) for part in parts}


def part_of(module: Path) -> str:
    return module.relative_to(PACKAGE).parts[0].removesuffix(".py")


def imported_parts(module: Path) -> set[str]:
    """The top-level parts of dailypapers that ``module`` imports, absolute or relative."""
    here = module.relative_to(PACKAGE).parent.parts
    found: set[str] = set()
    for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = list(here[: len(here) - (node.level - 1)])
                target = base + (node.module.split(".") if node.module else [])
                names = [[*target, alias.name] for alias in node.names] if not target else [target]
            elif node.module and node.module.split(".")[0] == "dailypapers":
                target = node.module.split(".")[1:]
                names = [target] if target else [[a.name] for a in node.names]
            else:
                continue
            found |= {name[0].removesuffix(".py") for name in names if name}
        elif isinstance(node, ast.Import):
            for alias in node.names:
                parts = alias.name.split(".")
                if parts[0] == "dailypapers" and len(parts) > 1:
                    found.add(parts[1])
    return found


def edges() -> set[tuple[str, str]]:
    result = set()
    for module in PACKAGE.rglob("*.py"):
        if module == PACKAGE / "__init__.py":
            continue  # the facade re-exports the library API lazily
        for target in imported_parts(module):
            if target != "__version__" and target != part_of(module):
                result.add((part_of(module), target))
    return result


def test_every_part_of_the_package_has_a_place_in_the_layers() -> None:
    parts = {part_of(m) for m in PACKAGE.rglob("*.py")} - {"__init__"}
    assert parts <= set(RANK), parts - set(RANK)


def test_no_part_imports_a_part_above_it() -> None:
    upward = sorted((a, b) for a, b in edges() if b in RANK and RANK[b] >= RANK[a])
    assert upward == []


def test_the_layer_check_sees_imports_inside_functions() -> None:
    assert ("pipeline", "run") in edges()  # pipeline imports run.update inside update()


def _file(parts: list[str]) -> Path | None:
    """The package file that ``dailypapers.<parts>`` names: a module or a package's __init__."""
    base = PACKAGE.joinpath(*parts)
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def imported_files(module: Path) -> set[Path]:
    """The package files ``module`` imports (inside functions too): ``from .x import y`` is
    ``x``'s file, and ``y``'s too when ``y`` is a module of its own."""
    here = list(module.relative_to(PACKAGE).parent.parts)
    found: set[Path] = set()
    for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
        targets: list[list[str]] = []
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = here[: len(here) - (node.level - 1)]
            elif node.module and node.module.split(".")[0] == "dailypapers":
                base = []
            else:
                continue
            target = base + (node.module.split(".") if node.module else [])
            if node.module and not node.level:
                target = target[1:]
            submodules = [[*target, a.name] for a in node.names if _file([*target, a.name])]
            targets = submodules if len(submodules) == len(node.names) else [target, *submodules]
        elif isinstance(node, ast.Import):
            targets = [
                a.name.split(".")[1:] for a in node.names if a.name.startswith("dailypapers")
            ]
        found |= {f for t in targets if (f := _file(t)) is not None and f != module}
    return found


def import_circles() -> list[list[str]]:
    """Every set of package files that import each other, round and round (Tarjan's SCCs)."""
    graph = {m: imported_files(m) for m in PACKAGE.rglob("*.py")}
    index: dict[Path, int] = {}
    low: dict[Path, int] = {}
    stack: list[Path] = []
    circles: list[list[str]] = []

    def visit(node: Path) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in graph[node]:
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                top = stack.pop()
                group.append(str(top.relative_to(PACKAGE)))
                if top == node:
                    break
            if len(group) > 1:
                circles.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return circles


def test_no_two_files_of_the_package_import_each_other_round_in_a_circle() -> None:
    assert import_circles() == []


def test_the_circle_check_sees_a_circle_through_a_package_and_inside_a_function(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "outputs").mkdir()
    (tmp_path / "outputs" / "__init__.py").write_text("from .readme import OUTPUT\n", "utf-8")
    (tmp_path / "outputs" / "readme.py").write_text(
        "def write():\n    from . import write_all\n", "utf-8"
    )
    (tmp_path / "leaf.py").write_text("from dailypapers.outputs import readme\n", "utf-8")
    monkeypatch.setattr(sys.modules[__name__], "PACKAGE", tmp_path)
    assert import_circles() == [["outputs/__init__.py", "outputs/readme.py"]]


def test_only_settings_reads_the_environment() -> None:
    readers = []
    for module in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and node.attr in ("environ", "getenv", "putenv"):
                readers.append(str(module.relative_to(PACKAGE)))
    assert sorted(set(readers)) == ["settings.py"]


def test_the_store_stays_within_450_lines() -> None:
    """Issue 24's budget: one schema validates the store, so its package stays small."""
    lines = sum(
        len(f.read_text(encoding="utf-8").splitlines()) for f in (PACKAGE / "store").glob("*.py")
    )
    assert lines <= 450, f"store/ is {lines} lines"
