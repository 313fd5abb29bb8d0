"""The package's parts depend on each other in one direction only, as docs/architecture.md
draws it: config → fetch → store → run → outputs, with the importer, the library entry points
and the CLI on top. Imports inside functions count too."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "dailypapers"
# Lowest first; a part may import only parts listed before it (or itself).
LAYERS = [
    ("errors",),
    ("settings", "text"),
    ("fileio",),
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
