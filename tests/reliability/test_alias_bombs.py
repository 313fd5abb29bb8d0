"""YAML alias bombs in keywords.yaml: refused with one line, in bounded memory.

Nested aliases (``&a1 [*a0, *a0, ...]``) make a few hundred bytes stand for millions of values.
The reader used to walk or print them whole: one such file took 1.4 GB and 14 s for ``list``.
Each bomb here runs the installed command in a child process whose address space is capped at
1 GB (``RLIMIT_AS``), so a reader that expands the aliases again dies of MemoryError with a
traceback instead of passing; the cap is a resource bound, not a timing.
"""

from __future__ import annotations

import resource
import subprocess
from pathlib import Path

import pytest

from tests.reliability.reliability_support import DAILYPAPERS, Figures

pytestmark = pytest.mark.reliability

MEMORY_CAP = 1 << 30


def _cap_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))


def _anchors(depth: int, width: int = 8) -> str:
    """A flow list of anchors a0..a<depth>, each a list of ``width`` aliases of the one before."""
    items = ["&a0 [" + ", ".join(f"w{i}" for i in range(width)) + "]"]
    for level in range(1, depth + 1):
        items.append(f"&a{level} [" + ", ".join([f"*a{level - 1}"] * width) + "]")
    return "[" + ", ".join(items) + "]"


# Each bomb is read in an order that reaches the alias before anything else is refused: the
# reader checks sort before the keywords, and a keyword's fields before its exclusions.
BOMBS = {
    "sort": f"keywords:\n  - name: K\n    exclude: {_anchors(7)}\nsort: *a7\n",
    "fields": f"keywords:\n  - name: K\n    exclude: {_anchors(7)}\n    fields: *a7\n",
    "mapping key": f"keywords:\n  - name: K\n    exclude: {_anchors(7)}\n? *a7\n: 1\n",
    "cycle": "sort: &a [updated, *a]\nkeywords: [x]\n",
}


@pytest.mark.parametrize("shape", sorted(BOMBS))
def test_alias_bomb_is_refused_in_one_line_within_a_memory_cap(
    shape: str, tmp_path: Path, figures: Figures
) -> None:
    config = tmp_path / "keywords.yaml"
    config.write_text(BOMBS[shape], encoding="utf-8")

    result = subprocess.run(
        [str(DAILYPAPERS), "list", "--config", str(config), "--data", str(tmp_path / "data")],
        capture_output=True,
        text=True,
        preexec_fn=_cap_memory,
        timeout=60,
    )

    figures.add("alias_bombs_refused")
    assert result.returncode == 2, result.stderr[-2000:]
    assert result.stderr.count("\n") == 1 and len(result.stderr) < 300, result.stderr[:2000]
    assert result.stderr.startswith(f"dailypapers: {config}:")
    assert "alias" in result.stderr
    assert not (tmp_path / "data").exists()


def test_a_shared_list_of_categories_is_still_an_alias_away(tmp_path: Path) -> None:
    """Aliases as people use them: one anchored list reused by hundreds of keywords."""
    lines = ["keywords:", "  - name: K0", "    categories: &vision [cs.CV, eess.IV, cs.GR]"]
    for number in range(1, 400):
        lines += [f"  - name: K{number}", "    categories: *vision"]
    config = tmp_path / "keywords.yaml"
    config.write_text("\n".join(lines) + "\n", encoding="utf-8")

    result = subprocess.run(
        [str(DAILYPAPERS), "list", "--config", str(config), "--data", str(tmp_path / "data")],
        capture_output=True,
        text=True,
        preexec_fn=_cap_memory,
        timeout=60,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.count("cat:cs.CV") == 400
